// The one logger: a line per event on stderr. Text for people, `<N>` syslog prefixes when journald
// reads our stderr (JOURNAL_STREAM), JSON lines for containers; --quiet keeps only warnings and errors.

export type Level = 'error' | 'warn' | 'info';
export type LogFormat = 'text' | 'json';

const PRIORITY: Record<Level, number> = { error: 3, warn: 4, info: 6 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  name: string;
  format: LogFormat;
  quiet: boolean;
  journal: boolean;
  write?: (line: string) => void;
}

/** A reader of stderr that goes away (`2>&1 | head -1`, journald restarted) must never end the
 * wrapper: the error (EPIPE) is swallowed, and what is written after it is dropped. Called once by
 * src/entry.ts, before anything is written. */
export function surviveStderrErrors(): void {
  process.stderr.on('error', () => undefined);
}

/** Write to stderr unless it is known to be gone. */
export function writeStderr(data: string | Buffer): void {
  if (!process.stderr.destroyed) process.stderr.write(data);
}

export function createLogger(o: LoggerOptions): Logger {
  const write = o.write ?? writeStderr;
  const emit = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (o.quiet && level === 'info') return;
    if (o.format === 'json') {
      write(JSON.stringify({ time: new Date().toISOString(), level, job: o.name, msg, ...fields }) + '\n');
      return;
    }
    const prefix = o.journal ? `<${PRIORITY[level]}>` : '';
    const tag = level === 'info' ? '' : `${level}: `;
    write(`${prefix}safehalt[${o.name}]: ${tag}${msg}\n`);
  };
  return {
    error: (m, f) => emit('error', m, f),
    warn: (m, f) => emit('warn', m, f),
    info: (m, f) => emit('info', m, f),
  };
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {} };
