/**
 * An independent reader of the Prometheus text format for tests: it parses
 * every sample back so a test can assert exact values and label sets, and it
 * throws on any line the format does not allow.
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): ParsedSample[] {
  const samples: ParsedSample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('exposition must end with a newline');
  for (const line of lines.slice(0, -1)) {
    // Blank lines are allowed between families (prom-client writes them).
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    samples.push(parseSampleLine(line));
  }
  return samples;
}

function parseSampleLine(line: string): ParsedSample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`bad metric name in: ${line.slice(0, 200)}`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!labelMatch) throw new Error(`bad label name at ${i} in: ${line.slice(0, 200)}`);
      i += labelMatch[0].length;
      if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`expected =" at ${i}`);
      i += 2;
      let value = '';
      for (;;) {
        const ch = line[i];
        if (ch === undefined) throw new Error('unterminated label value');
        if (ch === '"') break;
        if (ch === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\') value += '\\';
          else if (next === '"') value += '"';
          else throw new Error(`bad escape \\${next}`);
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      i++;
      if (labelMatch[0] in labels) throw new Error(`duplicate label ${labelMatch[0]}`);
      labels[labelMatch[0]] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } at ${i}`);
    }
    i++;
  }
  if (line[i] !== ' ') throw new Error(`expected a space before the value in: ${line.slice(0, 200)}`);
  const rest = line.slice(i + 1).split(' ');
  const valueText = rest[0] ?? '';
  // Prometheus parses values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
  const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
  const value = special[valueText.toLowerCase()] ?? Number(valueText);
  if (valueText === '' || (Number.isNaN(value) && valueText.toLowerCase() !== 'nan')) throw new Error(`bad value ${valueText}`);
  return { name, labels, value };
}

export function findSample(samples: ParsedSample[], name: string, labels: Record<string, string>): ParsedSample | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}
