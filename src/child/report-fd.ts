// The wrapper's end of $SAFEHALT_FD: the child's report lines, split and parsed as they come, with
// every cost bounded. A line is at most LINE_MAX bytes (a longer one is dropped whole); past
// LINES_PER_SECOND or BYTES_PER_SECOND in one second, reading pauses until the next (the child's
// writes wait: nothing it reports is lost, nothing it floods costs more); a bad line is a warning,
// at most one per WARN_EVERY_MS with a count of the others. Once the child has exited, what it wrote
// is read for at most DRAIN_MS, then the read end is closed: a grandchild holding the descriptor
// never keeps the wrapper waiting for end of file.
import type { Readable } from 'node:stream';
import { after, type Cancel } from '../util/long-timer.ts';
import { parseReport, type Report } from './report-line.ts';

export const LINE_MAX = 4096;
export const LINES_PER_SECOND = 20_000;
export const BYTES_PER_SECOND = 4 << 20;
export const WARN_EVERY_MS = 10_000;
export const DRAIN_MS = 100;

export interface ReportReader {
  /** After the child's exit: read what is left (bounded), close the descriptor. */
  close(): Promise<void>;
}

export function readReports(stream: Readable, onReport: (r: Report) => void, warn: (message: string) => void): ReportReader {
  const lines = new LineSplitter((line) => take(line), (why) => bad(why));
  const bad = warnings(warn);
  let window = { start: performance.now(), lines: 0, bytes: 0 };
  let resume: Cancel | null = null;
  let closing = false;
  const take = (line: string) => {
    window.lines++;
    const r = parseReport(line);
    if ('error' in r) bad(`${r.error}: ${shownLine(line)}`);
    else onReport(r);
  };
  stream.on('data', (chunk: Buffer) => {
    const now = performance.now();
    if (now - window.start >= 1000) window = { start: now, lines: 0, bytes: 0 };
    window.bytes += chunk.length;
    lines.push(chunk);
    if (closing || resume || (window.lines < LINES_PER_SECOND && window.bytes < BYTES_PER_SECOND)) return;
    stream.pause();
    resume = after(1000 - (now - window.start), () => {
      resume = null;
      stream.resume();
    });
  });
  stream.on('error', () => undefined);
  const ended = new Promise<void>((r) => stream.once('close', r).once('end', r));
  return {
    async close() {
      closing = true;
      resume?.();
      stream.resume();
      let cancel: Cancel = () => {};
      await Promise.race([ended, new Promise<void>((r) => (cancel = after(DRAIN_MS, r)))]);
      cancel();
      stream.destroy();
      lines.end();
      bad.flush();
    },
  };
}

/** Bytes to lines of at most LINE_MAX bytes (empty lines are skipped); memory held: one partial line. */
export class LineSplitter {
  private partial: Buffer[] = [];
  private size = 0;
  private overlong = false;
  private readonly line: (text: string) => void;
  private readonly bad: (why: string) => void;

  constructor(line: (text: string) => void, bad: (why: string) => void) {
    this.line = line;
    this.bad = bad;
  }

  push(chunk: Buffer): void {
    for (let start = 0; ; ) {
      const nl = chunk.indexOf(10, start);
      const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      if (this.overlong || this.size + piece.length > LINE_MAX) this.drop();
      else if (piece.length > 0) (this.partial.push(Buffer.from(piece)), (this.size += piece.length));
      if (nl < 0) return;
      this.finish();
      start = nl + 1;
    }
  }

  /** At the end: a last line without its newline may be cut off (a child killed mid-write): ignored. */
  end(): void {
    if (this.size > 0) this.bad(`a last report line without a newline was ignored: ${shownLine(Buffer.concat(this.partial, this.size).toString('utf8'))}`);
    this.drop();
    this.overlong = false;
  }

  private drop(): void {
    this.overlong = true;
    this.partial = [];
    this.size = 0;
  }

  private finish(): void {
    if (this.overlong) this.bad(`a report line longer than ${LINE_MAX} bytes was dropped`);
    else if (this.size > 0) this.line(Buffer.concat(this.partial, this.size).toString('utf8'));
    this.partial = [];
    this.size = 0;
    this.overlong = false;
  }
}

const shownLine = (line: string) => `${JSON.stringify(line.slice(0, 80))}${line.length > 80 ? '...' : ''}`;

/** One warning at once, then at most one per WARN_EVERY_MS saying how many were held back. */
function warnings(warn: (m: string) => void): ((m: string) => void) & { flush(): void } {
  let last = -Infinity;
  let held = 0;
  const say = (m: string) => {
    const now = performance.now();
    if (now - last < WARN_EVERY_MS) return void held++;
    warn(`${m}${held ? ` (and ${held} more bad report lines since the last warning)` : ''}; the job carries on`);
    last = now;
    held = 0;
  };
  return Object.assign(say, { flush: () => void (held && warn(`${held} more bad report lines were ignored`)) });
}
