/**
 * Just enough Markdown for the documentation tests: links outside code, the
 * anchors GitHub gives headings, and fenced code blocks by language.
 */

export interface MarkdownLink {
  line: number;
  target: string;
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker[0]!;
      else if (marker[0] === fence) fence = null;
      return;
    }
    if (fence === null) out.push({ line: index + 1, text: line });
  });
  return out;
}

/** Inline links and images, `[text](target)` and `![alt](target)`, outside code. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line, text: content } of proseLines(text)) {
    const withoutCode = content.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ line, target: match[1]! });
  }
  return links;
}

/** The anchors GitHub generates for the headings of a document, duplicates numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The contents of fenced code blocks of one language (```routeros). */
export function codeBlocks(text: string, language: string): string[] {
  const blocks: string[] = [];
  let state: { fence: string; lines: string[] | null } | null = null;
  for (const line of text.split('\n')) {
    if (state === null) {
      const open = /^\s*(`{3,})\s*(\S*)\s*$/.exec(line);
      if (open) state = { fence: open[1]!, lines: open[2] === language ? [] : null };
    } else if (line.trim() === state.fence) {
      if (state.lines) blocks.push(state.lines.join('\n'));
      state = null;
    } else {
      state.lines?.push(line);
    }
  }
  return blocks;
}
