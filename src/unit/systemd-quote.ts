// Quoting for systemd unit files: ExecStart= words and values that go through specifier expansion.
// systemd resolves %-specifiers in the whole line, expands $VAR and ${VAR} in ExecStart=, splits
// on whitespace honouring "..." with C escapes, and treats a lone ";" as a command separator.

/** A value in which `%` must not start a specifier (Description=, StateDirectory=, ...). */
export const escapeSpecifiers = (value: string): string => value.replace(/%/g, '%%');

const BARE = /^[A-Za-z0-9_@+=:,./-]+$/;

/** One argument of ExecStart=, so that the program receives exactly `word`. */
export function quoteExecWord(word: string): string {
  if (word === ';') return '\\;';
  const escaped = escapeSpecifiers(word).replace(/\$/g, '$$$$');
  if (BARE.test(word)) return escaped;
  let out = '';
  for (const ch of escaped) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `"${out}"`;
}

/** A whole command line for ExecStart=. */
export const quoteExecLine = (argv: readonly string[]): string => argv.map(quoteExecWord).join(' ');
