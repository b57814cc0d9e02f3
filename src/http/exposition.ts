/**
 * Sends a snapshot's page plus the live (prom-client) families as one /metrics
 * response, without turning the page back into a string.
 *
 * Prometheus asks for gzip. Each chunk of the snapshot's page (a family's
 * header, one router's lines of one family) is compressed on its own, in
 * zlib's thread pool, as a raw deflate stream that ends with a sync flush
 * instead of a final block, and kept as long as that chunk is: a poll hands
 * the snapshot the very Buffers of every family that did not change, so only
 * what changed is compressed again. Each response appends the live text,
 * compressed on its own, and a gzip header and trailer (its CRC combined from
 * the parts' CRCs, see crc32-combine.ts). Independently compressed deflate
 * streams may follow one another this way (none refers back into another), so
 * every response is one ordinary gzip member, readable by any client.
 */
import type { ServerResponse } from 'node:http';
import { constants, crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import type { Snapshot } from '../metrics/snapshot.js';
import { crc32Combine } from './crc32-combine.js';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Fast, and the page is repetitive enough that level 1 already gives about 12:1. */
const LEVEL = 1;
// Magic, deflate, no flags, no mtime, no extra flags, OS unknown.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

interface DeflatedPart {
  /** Raw deflate of the bytes, ending in a sync flush (no final block). */
  deflated: Buffer;
  crc: number;
  length: number;
}

/** Per chunk of a page, for as long as the chunk itself lives (unchanged chunks live from poll to poll). */
const deflatedChunks = new WeakMap<Buffer, Promise<DeflatedPart>>();

function deflatedChunk(chunk: Buffer): Promise<DeflatedPart> {
  let part = deflatedChunks.get(chunk);
  if (part === undefined) {
    part = new Promise<DeflatedPart>((resolve, reject) => {
      deflateRaw(chunk, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH }, (error, deflated) => {
        if (error) reject(error);
        else resolve({ deflated, crc: crc32(chunk) >>> 0, length: chunk.length });
      });
    });
    // A failure is not cached: the next scrape tries again.
    part.catch(() => deflatedChunks.delete(chunk));
    deflatedChunks.set(chunk, part);
  }
  return part;
}

const deflatedSnapshots = new WeakMap<Snapshot, Promise<DeflatedPart>>();

/** The whole page: its chunks' deflate streams joined once per snapshot (one write per response). */
function deflatedSnapshot(snapshot: Snapshot): Promise<DeflatedPart> {
  let part = deflatedSnapshots.get(snapshot);
  if (part === undefined) {
    part = Promise.all(snapshot.expositionChunks.map(deflatedChunk)).then((parts) => {
      let crc = 0;
      let length = 0;
      for (const chunk of parts) {
        crc = crc32Combine(crc, chunk.crc, chunk.length);
        length += chunk.length;
      }
      return { deflated: Buffer.concat(parts.map((chunk) => chunk.deflated)), crc, length };
    });
    part.catch(() => deflatedSnapshots.delete(snapshot));
    deflatedSnapshots.set(snapshot, part);
  }
  return part;
}

interface LiveTail {
  text: string;
  bytes: Buffer;
  deflated: Buffer | null;
}

/** The live text is rendered at most about once a second: scrapes in between reuse its bytes. */
let lastLive: LiveTail | null = null;

function liveTail(text: string): LiveTail {
  if (lastLive === null || lastLive.text !== text) lastLive = { text, bytes: Buffer.from(text, 'utf8'), deflated: null };
  return lastLive;
}

/** The body for a snapshot and live text: the byte chunks to send and their encoding. */
export async function expositionBody(
  snapshot: Snapshot,
  live: string,
  gzip: boolean,
): Promise<{ chunks: Buffer[]; gzip: boolean }> {
  const tail = liveTail(live);
  if (!gzip) return { chunks: [...snapshot.expositionChunks, tail.bytes], gzip: false };
  const part = await deflatedSnapshot(snapshot);
  tail.deflated ??= deflateRawSync(tail.bytes, { level: LEVEL });
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc32(tail.bytes, part.crc) >>> 0, 0);
  trailer.writeUInt32LE((part.length + tail.bytes.length) % 0x100000000, 4);
  return { chunks: [GZIP_HEADER, part.deflated, tail.deflated, trailer], gzip: true };
}

export interface ExpositionRequest {
  /** The client accepts gzip (the caller negotiates Accept-Encoding). */
  gzip: boolean;
  /** HEAD: headers only. */
  head: boolean;
}

/** Writes a complete /metrics response (status, headers, body; no body for HEAD). */
export async function sendExposition(
  res: ServerResponse,
  request: ExpositionRequest,
  snapshot: Snapshot,
  live: string,
): Promise<void> {
  const body = await expositionBody(snapshot, live, request.gzip);
  let length = 0;
  for (const chunk of body.chunks) length += chunk.length;
  res.setHeader('Content-Type', EXPOSITION_CONTENT_TYPE);
  res.setHeader('Vary', 'Accept-Encoding');
  if (body.gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', length);
  if (request.head) {
    res.end();
    return;
  }
  res.cork();
  for (const chunk of body.chunks) res.write(chunk);
  res.end();
  res.uncork();
}
