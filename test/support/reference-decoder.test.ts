import { describe, expect, it } from 'vitest';
import { parseReply, parseReplyRaw, WireError } from './reference-decoder.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('parseReply', () => {
  it('splits type, tag and attributes; values may contain "="', () => {
    const r = parseReply(['!re', '.tag=7', '=.id=*1A', '=comment=a=b', '=empty=']);
    expect(r).toEqual({
      type: '!re',
      tag: '7',
      attributes: { '.id': '*1A', comment: 'a=b', empty: '' },
      message: null,
    });
  });

  it('reads !fatal reasons given as a bare word', () => {
    const r = parseReply(['!fatal', 'session terminated on request']);
    expect(r.type).toBe('!fatal');
    expect(r.message).toBe('session terminated on request');
  });

  it('accepts !empty and keeps raw bytes in parseReplyRaw', () => {
    expect(parseReply(['!empty', '.tag=5']).type).toBe('!empty');
    const raw = parseReplyRaw([Buffer.from('!re'), Buffer.concat([Buffer.from('=host-name='), Buffer.from([0xff, 0xc3])])]);
    expect(hex(raw.attributes.get('host-name')!)).toBe('ffc3');
    expect(parseReply([Buffer.from('!re'), Buffer.from([0x3d, 0x6e, 0x3d, 0xe9])], 'latin1').attributes.n).toBe('é');
  });

  it('refuses unknown reply words', () => {
    expect(() => parseReply(['!bogus'])).toThrow(WireError);
    expect(() => parseReply([])).toThrow(WireError);
  });
});
