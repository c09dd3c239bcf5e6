// The one logger: a line per event on stderr. Text for people, `<N>` syslog prefixes when journald
// reads our stderr (JOURNAL_STREAM), JSON lines for containers; --quiet keeps only warnings and errors.
import { jsonSafe, printable } from '../util/printable.ts';

export type Level = 'error' | 'warn' | 'info';
export type LogFormat = 'text' | 'json';

const PRIORITY: Record<Level, number> = { error: 3, warn: 4, info: 6 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  /** --quiet: output to print after the next warning or error (the run went wrong), else never.
   * A later call replaces it; null drops it. */
  hold?(replay: (() => void) | null): void;
}

export interface LoggerOptions {
  name: string;
  format: LogFormat;
  quiet: boolean;
  journal: boolean;
  write?: (line: string) => void;
}

/** Write to stderr unless it is known to be gone. */
export function writeStderr(data: string | Buffer): void {
  if (!process.stderr.destroyed) process.stderr.write(data);
}

export function createLogger(o: LoggerOptions): Logger {
  const write = o.write ?? writeStderr;
  let held: (() => void) | null = null;
  // Messages carry texts from users and state files: never a raw control character (util/printable.ts).
  const line = (level: Level, msg: string, fields: Record<string, unknown>) => {
    if (o.format === 'json') return jsonSafe(JSON.stringify({ time: new Date().toISOString(), level, job: o.name, msg, ...fields })) + '\n';
    const prefix = o.journal ? `<${PRIORITY[level]}>` : '';
    const tag = level === 'info' ? '' : `${level}: `;
    return `${prefix}safehalt[${printable(o.name)}]: ${tag}${printable(msg)}\n`;
  };
  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (o.quiet && level === 'info') return;
    write(line(level, msg, fields));
    // Our own line first, then what the child printed during the run that went wrong.
    const replay = level === 'info' ? null : held;
    if (replay) (held = null), replay();
  };
  return {
    error: (m, f) => emit('error', m, f),
    warn: (m, f) => emit('warn', m, f),
    info: (m, f) => emit('info', m, f),
    hold: (r) => void (held = r),
  };
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, hold() {} };
