// The child's reports into child-heartbeat.json, one write at a time and at most one per
// WRITE_GAP_MS (an action at once: `heartbeat --begin` waits for it): what comes in meanwhile is
// folded into the next write. A failed write is a warning (said once until a write succeeds), and
// what it carried is kept for the next attempt.
import type { Report } from './report-line.ts';
import { sleep } from '../util/long-timer.ts';
import { emptyDelta, foldReport, mergeDeltas, recordReports, type Reporter, type ReportDelta } from '../state/child-report.ts';

export const WRITE_GAP_MS = 100;

export class ReportRecorder {
  private pending: ReportDelta = emptyDelta();
  private lastWrite = -Infinity;
  /** Made only for a wait: an abort builds a DOMException with its stack, at every child's end. */
  private hurry: AbortController | null = null;
  private hurried = false;
  private busy: Promise<void> | null = null;
  private failing = false;
  private readonly stateDir: string;
  private readonly who: () => Reporter;
  private readonly warn: (message: string) => void;

  constructor(stateDir: string, who: () => Reporter, warn: (message: string) => void) {
    this.stateDir = stateDir;
    this.who = who;
    this.warn = warn;
  }

  add(r: Report): void {
    foldReport(this.pending, r, new Date());
    this.busy ??= this.drain();
  }

  /** Everything reported so far is written (or has failed and been warned about). */
  async flush(): Promise<void> {
    this.hurried = true;
    this.hurry?.abort();
    if (this.busy) await this.busy;
    if (this.pending.beats > 0) await (this.busy = this.drain());
  }

  private async drain(): Promise<void> {
    // The rest of the chunk being read folds into this write.
    await Promise.resolve();
    while (this.pending.beats > 0) {
      const wait = this.lastWrite + WRITE_GAP_MS - performance.now();
      if (wait > 0 && this.pending.action === undefined && !this.hurried) await sleep(wait, (this.hurry ??= new AbortController()).signal);
      const d = this.pending;
      this.pending = emptyDelta();
      try {
        this.lastWrite = performance.now();
        await recordReports(this.stateDir, d, this.who());
        this.failing = false;
      } catch (e) {
        if (!this.failing) this.warn(`the child's reports were not recorded (${(e as Error).message}); will retry`);
        this.failing = true;
        this.pending = mergeDeltas(d, this.pending);
        break;
      }
    }
    this.busy = null;
  }
}
