// "Did you mean ...?" for an unknown flag or command: the closest known name by edit distance.

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known name closest to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = k.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word, k);
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length * 0.4)) ? best : undefined;
}

/** Rewrites yargs' "Unknown argument(s): a, b" into one line per word, each with a suggestion.
 * `argv` tells flags (`--word`) from positionals (an unknown command). */
export function explainUnknown(msg: string, argv: readonly string[], options: readonly string[], commands: readonly string[]): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return explainChoice(msg);
  const words = m[1].split(', ');
  // yargs lists a flag twice, as given and camelCased: keep the form the user typed.
  const typed = words.filter((w) => !(/[A-Z]/.test(w) && words.some((o) => o !== w && camel(o) === w)));
  return typed
    .map((w) => {
      const isFlag = argv.some((a) => a === `--${w}` || a.startsWith(`--${w}=`) || a === `-${w}`);
      const shown = isFlag ? `${w.length === 1 ? '-' : '--'}${w}` : w;
      const hit = closest(w, isFlag ? options : commands);
      const hint = hit === undefined ? '' : ` Did you mean ${isFlag ? '--' : ''}${hit}?`;
      return `Unknown argument: ${shown}.${hint}`;
    })
    .join('\n');
}

/** yargs' "Invalid values: Argument: X, Given: "v", Choices: ..." gains the closest choice. */
function explainChoice(msg: string): string {
  const m = /Given: "([^"]*)", Choices: (.*)$/m.exec(msg);
  const hit = m ? closest(m[1], m[2].split(', ').map((c) => c.replace(/^"|"$/g, ''))) : undefined;
  return hit === undefined ? msg : `${msg}\nDid you mean ${hit}?`;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
