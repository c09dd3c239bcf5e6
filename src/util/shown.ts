// A value as error messages show it: JSON-quoted (control characters escaped, so one line) and cut
// short, so that a 100 KB flag value makes a readable one-line error, not a 100 KB one.
export function shown(v: unknown, max = 80): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
