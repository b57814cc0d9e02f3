/**
 * Records the exact reply bytes a router sends for one poll's prints, with a
 * bare socket: what the decoders in the baseline are fed.
 */
import net from 'node:net';
import { encodeSentence, SentenceCollector } from '../src/routeros/codec.js';
import { POLLED_TABLES } from '../src/routeros/session.js';
import { BENCH_PASSWORD, BENCH_USER } from './sim-process.js';

export interface CapturedReply {
  path: string;
  /** Every byte of the reply, from the first `!re` to the closing `!done`. */
  bytes: Buffer;
  rows: number;
}

/** Logs in and prints each polled table once, untagged, keeping the raw reply bytes. */
export async function captureReplies(port: number, host = '127.0.0.1'): Promise<CapturedReply[]> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = new SentenceCollector();
  let chunks: Buffer[] = [];
  let rows = 0;
  let waiting: ((value: { bytes: Buffer; rows: number }) => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    for (const sentence of decoder.push(chunk)) {
      const word = sentence[0]!.toString('latin1');
      if (word === '!re') rows++;
      if (word === '!done' || word === '!fatal') {
        const bytes = Buffer.concat(chunks);
        chunks = [];
        const done = waiting;
        waiting = null;
        done?.({ bytes, rows });
        rows = 0;
      }
    }
  });
  const command = (words: string[]) =>
    new Promise<{ bytes: Buffer; rows: number }>((resolve) => {
      waiting = resolve;
      socket.write(encodeSentence(words));
    });
  await command(['/login', `=name=${BENCH_USER}`, `=password=${BENCH_PASSWORD}`]);
  const out: CapturedReply[] = [];
  for (const table of POLLED_TABLES) {
    const reply = await command([`${table.path}/print`, `=.proplist=${table.proplist.join(',')}`]);
    out.push({ path: table.path, ...reply });
  }
  socket.destroy();
  return out;
}
