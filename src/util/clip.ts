// Texts of unbounded length (a command line can be megabytes) clipped for a record whose reader has
// a bound: what a writer writes, its reader must accept. The marker says how much was left out.

/** `s` if at most `max` characters, else its start and a marker, `max` characters in all. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const marker = (left: number) => `... [${left} more characters]`;
  const keep = max - marker(s.length).length;
  return s.slice(0, Math.max(0, keep)) + marker(s.length - Math.max(0, keep));
}

/** An argument vector clipped to `maxTotal` characters in all (at most `maxArgs` entries). */
export function clipArgv(argv: readonly string[], maxTotal: number, maxArgs = 64): string[] {
  const out: string[] = [];
  let left = maxTotal;
  for (let i = 0; i < argv.length; i++) {
    if (out.length === maxArgs - 1 && argv.length > maxArgs) {
      out.push(`... [${argv.length - i} more arguments]`);
      break;
    }
    const a = clip(argv[i], Math.max(32, left));
    out.push(a);
    left -= a.length;
    if (left <= 0 && i < argv.length - 1) {
      out.push(`... [${argv.length - i - 1} more arguments]`);
      break;
    }
  }
  return out;
}
