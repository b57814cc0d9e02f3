import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * Writes text produced in pieces (a snapshot's devices, a journal record's
 * devices) to a file through one fixed buffer, so that writing the state of
 * a large LAN costs a chunk of memory instead of the whole file's text and
 * bytes. At 50k devices, the first snapshot as one JSON string and the
 * Buffer encoded from it were 2 x 13 MB (and the 50k device objects behind
 * them), allocated when the heap was at its fullest: the first poll.
 *
 * Writes are positional (never O_APPEND: Linux ignores the position of a
 * write to a file opened for appending) and complete (a short write is
 * continued; an error, such as a full disk, is thrown to the caller, who
 * cuts the file back or throws the temporary file away). The CRC-32 of the
 * bytes written from `crcFrom` on is kept as they go, for the journal's
 * checksum in front of its line.
 */

export const CHUNK_BYTES = 64 * 1024;

export class ChunkedWriter {
  private readonly buffer: Buffer;
  private used = 0;
  /** Where buffer[0] goes in the file. */
  private position: number;
  /** Where the first byte goes. */
  private readonly start: number;
  /** Bytes of the buffer before this offset are not checksummed (a reserved header). */
  private crcFrom = 0;
  /** CRC-32 of what was checksummed and flushed so far. */
  private crc = 0;
  /** Bytes handed to the file so far. */
  written = 0;

  constructor(
    private readonly handle: FileHandle,
    position: number,
    chunkBytes: number = CHUNK_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    this.position = position;
    this.start = position;
  }

  /** Bytes added since the start (flushed or not). */
  get length(): number {
    return this.written + this.used;
  }

  /** Leaves `bytes` bytes at the start, filled with `fill`, for finish() to fill in; outside the checksum. Only first. */
  reserve(bytes: number, fill: number): void {
    this.buffer.fill(fill, this.used, this.used + bytes);
    this.used += bytes;
    this.crcFrom = this.used;
  }

  /** Adds text; resolves at once unless the buffer had to be written out first. */
  add(text: string): Promise<void> | undefined {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + text.length * 3 <= this.buffer.length) {
      this.used += this.buffer.write(text, this.used, 'utf8');
      return undefined;
    }
    return this.addSlowly(text);
  }

  private async addSlowly(text: string): Promise<void> {
    await this.flush();
    if (text.length * 3 <= this.buffer.length) {
      this.used += this.buffer.write(text, this.used, 'utf8');
      return;
    }
    // One piece larger than the buffer (a device with very long names): written on its own.
    const bytes = Buffer.from(text, 'utf8');
    this.crc = crc32(bytes, this.crc);
    await this.writeFully(bytes, this.position);
    this.position += bytes.length;
    this.written += bytes.length;
  }

  /** Writes out what is buffered. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    const bytes = this.buffer.subarray(0, this.used);
    this.crc = crc32(bytes.subarray(this.crcFrom), this.crc);
    await this.writeFully(bytes, this.position);
    this.position += this.used;
    this.written += this.used;
    this.used = 0;
    this.crcFrom = 0;
  }

  /** CRC-32 of everything added after the reserved bytes, including what is still buffered. */
  checksum(): number {
    return crc32(this.buffer.subarray(this.crcFrom, this.used), this.crc);
  }

  /**
   * Writes out the rest, with `reserved` in the reserved bytes: in the same
   * write when nothing was written yet, else last, after everything else (a
   * crash before it leaves the placeholder, which a reader rejects).
   */
  async finish(reserved: Buffer): Promise<void> {
    if (this.written === 0) {
      reserved.copy(this.buffer, 0);
      await this.flush();
      return;
    }
    await this.flush();
    await this.writeFully(reserved, this.start);
  }

  private async writeFully(bytes: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
      if (bytesWritten === 0) throw new Error('the state file write made no progress');
      done += bytesWritten;
    }
  }
}

/** Writes every piece through `writer` (awaiting only when its buffer is written out), then flushes. */
export async function writePieces(writer: ChunkedWriter, pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    const pending = writer.add(piece);
    if (pending !== undefined) await pending;
  }
  await writer.flush();
}
