/**
 * The pure-protocol baseline: the fastest plain loop we could write that turns
 * one print's reply bytes into rows of name -> text. It assumes the whole
 * reply is in one buffer, valid, untagged and ASCII, and checks nothing: no
 * chunk boundaries, no limits, no dispatch, no decoding rules. Anything a real
 * transport does beyond this is overhead, which the bench shows as a ratio.
 *
 * Measured variants (10k devices, this machine): one string per sentence and
 * slices of it beat a native toString()/latin1Slice per value by 2x, and
 * recognising a repeated name or value with startsWith beats building it
 * (at 50k rows, mostly by sparing the garbage collector).
 */
export function decodeRowsBaseline(buf: Buffer): Array<Record<string, string>> {
  const rows: Array<Record<string, string>> = [];
  const names: string[] = [];
  const values: string[] = [];
  const pos: number[] = [];
  const len: number[] = [];
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const start = i;
    let words = 0;
    for (;;) {
      let length = buf[i]!;
      if (length >= 0x80) {
        if (length < 0xc0) {
          length = ((length & 0x3f) << 8) | buf[i + 1]!;
          i += 2;
        } else if (length < 0xe0) {
          length = ((length & 0x1f) << 16) | (buf[i + 1]! << 8) | buf[i + 2]!;
          i += 3;
        } else {
          length = (length & 0x0f) * 0x1000000 + ((buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!);
          i += 4;
        }
      } else {
        i += 1;
      }
      if (length === 0) break;
      pos[words] = i - start;
      len[words] = length;
      words++;
      i += length;
    }
    const text = buf.toString('latin1', start, i - 1);
    // Only `!re` sentences are rows ('!re' is the only reply word starting "!r").
    if (words === 0 || text.charCodeAt(pos[0]! + 1) !== 0x72) continue;
    const row: Record<string, string> = {};
    for (let w = 1; w < words; w++) {
      const from = pos[w]!;
      const to = from + len[w]!;
      if (text.charCodeAt(from) !== 0x3d) continue;
      let eq = text.indexOf('=', from + 1);
      if (eq === -1 || eq > to) eq = to;
      let name = names[w];
      if (name === undefined || eq - from - 1 !== name.length || !text.startsWith(name, from + 1)) {
        name = text.slice(from + 1, eq);
        names[w] = name;
      }
      // A short value equal to the previous row's in this column is that string (fewer allocations).
      const previous = values[w];
      if (previous !== undefined && previous.length === to - eq - 1 && text.startsWith(previous, eq + 1)) {
        row[name] = previous;
      } else {
        row[name] = values[w] = text.slice(eq + 1, to);
      }
    }
    rows.push(row);
  }
  return rows;
}
