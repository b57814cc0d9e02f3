/** fast-check generators for what a hostile or broken router can put on the wire. */
import fc from 'fast-check';
import { encodeLength, encodeSentence, encodeWord } from '../../src/routeros/codec.js';

const replyWord = fc.oneof(
  fc.constantFrom('!re', '!done', '!trap', '!fatal', '!empty', '!bogus'),
  // Our client tags every command; tags of commands in flight and of unknown ones.
  fc.integer({ min: 0, max: 12 }).map((n) => `.tag=${n}`),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('='), Buffer.from(b)])),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);
const streamPiece = fc.oneof(
  { arbitrary: fc.array(replyWord, { minLength: 1, maxLength: 6 }).map((words) => encodeSentence(words)), weight: 8 },
  fc.uint8Array({ maxLength: 40 }).map((b) => encodeWord(Buffer.from(b))),
  fc.constantFrom('!re', '!done', '!trap', '!fatal', '!empty', '=.id=*1', '.tag=7', '=message=x').map((w) => encodeWord(w)),
  fc.constant(Buffer.from([0])),
  fc.integer({ min: 0, max: 0xffffffff }).map((n) => encodeLength(n)),
  fc.integer({ min: 0xf0, max: 0xff }).map((b) => Buffer.from([b])),
  fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
);
/** Streams that look like API traffic, then go wrong: real sentences, huge and reserved prefixes, stray bytes. */
export const apiStream = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  fc.array(streamPiece, { maxLength: 60 }).map((p) => Buffer.concat(p)),
);
