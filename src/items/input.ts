// Batches of IDs read by `filter` and `prune`: one item per line, `ID` or `ID<TAB>HASH` (an ID cannot
// hold a tab, so the split is exact). Every line is checked before anything is read or written.
import { readUserFile } from '../util/read-user-file.ts';
import { usageError } from '../exit-codes.ts';
import { idProblem, parseContentHash } from './id.ts';

export interface Line {
  id: string;
  hash: string | null;
  /** The line as given (without its line ending), printed back by `filter`. */
  text: string;
}

/** Lines of `text`; blank lines are ignored, a trailing CR is dropped. Exit 64 on the first bad line. */
export function parseLines(text: string, source: string): Line[] {
  const out: Line[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const id = tab < 0 ? line : line.slice(0, tab);
    const why = idProblem(id);
    if (why) throw usageError(`${source} line ${i + 1}: ${why}`);
    let hash: string | null = null;
    if (tab >= 0 && line.length > tab + 1) {
      const h = parseContentHash(line.slice(tab + 1));
      if ('problem' in h) throw usageError(`${source} line ${i + 1}: ${h.problem}`);
      hash = h.hash;
    }
    out.push({ id, hash, text: line });
  }
  return out;
}

/** 100,000 lines of a 1 KiB ID and a 128-digit hash fit. */
export const HASHES_MAX_BYTES = 128 * 1024 * 1024;

/** --content-hashes FILE: `ID<TAB>HASH` lines, as a map from ID to hash. */
export function readHashesFile(file: string): Map<string, string> {
  const text = readUserFile('--content-hashes', file, HASHES_MAX_BYTES);
  const map = new Map<string, string>();
  for (const l of parseLines(text, file)) {
    if (l.hash === null) throw usageError(`${file}: expected ID<TAB>HASH on every line, got ${JSON.stringify(l.text.slice(0, 60))}`);
    map.set(l.id, l.hash);
  }
  return map;
}
