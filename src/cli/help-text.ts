// Text shared by --help and the man page, generated from the one exit-code table.
import { EXIT_MEANINGS } from '../exit-codes.ts';

/** The epilogue of `safehalt --help`: every exit code and its meaning. */
export function exitCodeEpilogue(): string {
  const rows = EXIT_MEANINGS.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`);
  return ['Exit codes:', ...rows, '', "Run 'safehalt COMMAND --help' for a command's options; 'man safehalt' for everything."].join('\n');
}

/** The closing "Examples:" block of a command's --help: each use as a comment and a command line,
 * so long lines stay whole and copyable. */
export function formatExamples(examples: ReadonlyArray<readonly [string, string]>): string {
  return ['Examples:', ...examples.flatMap(([cmd, what]) => [`  # ${what}`, `  ${cmd}`])].join('\n');
}
