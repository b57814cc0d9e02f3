/**
 * Protocol cost of one poll's prints, layer by layer, in a process of its own:
 *   baseline   decodeRowsBaseline over the captured reply bytes (in memory)
 *   framer     the codec's SentenceReader + WireTransport's ReplyDecoder over the same bytes,
 *              fed in 64 kB pieces as a socket delivers them (in memory)
 *   <name>     the five prints through each client over loopback (ours, and
 *              node-routeros for comparison; socket reads included), against a
 *              simulator in another process
 *
 * Invoked by bench/run.ts with a JSON job as argv[2]; prints one JSON result line.
 */

import { SentenceReader } from '../src/routeros/codec.js';
import { POLLED_TABLES } from '../src/routeros/session.js';
import { ReplyDecoder } from '../src/routeros/wire-transport.js';
import { decodeRowsBaseline } from './baseline-decoder.js';
import { captureReplies } from './capture.js';
import { startSimulatorProcess } from './sim-client.js';
import { BENCH_PASSWORD, BENCH_USER } from './sim-process.js';
import { cpuMicros, median } from './stats.js';
import { type ClientName, printClient } from './transports.js';
import { runAsWorker } from './worker-main.js';

export interface ProtocolJob {
  devices: number;
  reps: number;
  /** The in-memory decoders, or one transport over loopback (each in a fresh process, so heaps do not interfere). */
  part: 'decoders' | ClientName;
}

export interface ProtocolResult {
  job: ProtocolJob;
  replyBytes: number;
  rows: number;
  /** Median CPU ms per poll's worth of replies; null when not part of this job. */
  baselineMs: number | null;
  framerMs: number | null;
  transportMs: number | null;
}

const CHUNK = 64 * 1024;

function timed(reps: number, work: () => number, expectedRows: number): number {
  const samples: number[] = [];
  for (let r = 0; r < reps + 2; r++) {
    const start = cpuMicros();
    const rows = work();
    const spent = (cpuMicros() - start) / 1000;
    if (rows !== expectedRows) throw new Error(`decoder returned ${rows} rows, expected ${expectedRows}`);
    if (r >= 2) samples.push(spent);
  }
  return median(samples);
}

function framerRows(replies: readonly Buffer[]): number {
  let rows = 0;
  for (const bytes of replies) {
    const decoder = new ReplyDecoder();
    const kept: Array<Record<string, string>> = [];
    const reader = new SentenceReader((buf, start, count, pos, len, ascii) => {
      const reply = decoder.decode(buf, start, count, pos, len, ascii);
      if (reply.kind === '!re') kept.push(reply.attributes);
    });
    for (let i = 0; i < bytes.length; i += CHUNK) reader.push(bytes.subarray(i, i + CHUNK));
    rows += kept.length;
  }
  return rows;
}

export async function runProtocolJob(job: ProtocolJob): Promise<ProtocolResult> {
  const sim = await startSimulatorProcess({ routers: 1, devices: job.devices });
  try {
    const port = sim.ports[0]!;
    const captured = await captureReplies(port);
    const replies = captured.map((c) => c.bytes);
    const rows = captured.reduce((sum, c) => sum + c.rows, 0);
    const result: ProtocolResult = {
      job,
      replyBytes: replies.reduce((sum, bytes) => sum + bytes.length, 0),
      rows,
      baselineMs: null,
      framerMs: null,
      transportMs: null,
    };
    if (job.part === 'decoders') {
      result.baselineMs = timed(job.reps, () => replies.reduce((sum, bytes) => sum + decodeRowsBaseline(bytes).length, 0), rows);
      result.framerMs = timed(job.reps, () => framerRows(replies), rows);
      return result;
    }
    const transport = printClient(job.part, { host: '127.0.0.1', port, user: BENCH_USER, password: BENCH_PASSWORD });
    await transport.connect();
    const samples: number[] = [];
    for (let r = 0; r < job.reps + 2; r++) {
      const start = cpuMicros();
      let got = 0;
      for (const table of POLLED_TABLES) got += await transport.print(table.path, table.proplist);
      const spent = (cpuMicros() - start) / 1000;
      if (got !== rows) throw new Error(`${job.part} returned ${got} rows, expected ${rows}`);
      if (r >= 2) samples.push(spent);
    }
    await transport.close();
    result.transportMs = median(samples);
    return result;
  } finally {
    await sim.stop();
  }
}

runAsWorker(import.meta.url, runProtocolJob);
