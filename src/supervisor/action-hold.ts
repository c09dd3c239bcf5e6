// A graceful stop that waits for the child's action in flight (`heartbeat --begin ACTION` ... `--end`),
// up to --action-grace: the stop is held while child-heartbeat.json names an action, looked at
// every 100 ms only during a hold. What was waited for, and how long, goes to job.waited (the log,
// the stop reason). The decision is the machine's (src/machine/requests.ts); this is its live form.
import { readChildHeartbeat } from '../state/child-heartbeat.ts';
import { formatDuration } from '../util/duration.ts';
import { after, every, type Cancel } from '../util/long-timer.ts';
import type { Job, Waited } from './job.ts';

const LOOK_MS = 100;

function actionInFlight(job: Job): string | null {
  try {
    return readChildHeartbeat(job.cfg.stateDir)?.action?.name ?? null;
  } catch {
    return null; // a damaged file is reported by the loop; it holds nothing here
  }
}

export class ActionHold {
  private look: Cancel | null = null;
  private grace: Cancel | null = null;
  private since = 0;
  private action: string | null = null;
  private readonly job: Job;

  constructor(job: Job) {
    this.job = job;
  }

  get holding(): boolean {
    return this.action !== null;
  }

  /** Hold the stop if an action is in flight (then `go` runs when it ends or the grace is over); false: stop now. */
  begin(go: () => void): boolean {
    if (this.holding) return true;
    const action = actionInFlight(this.job);
    const graceMs = this.job.cfg.actionGraceMs;
    if (action === null || graceMs <= 0) return false;
    this.action = action;
    this.since = this.job.monoNow();
    this.job.log.info(`waiting up to ${formatDuration(graceMs)} for action ${JSON.stringify(action)} to end before stopping the child`);
    this.job.event('holding', { action, graceMs });
    this.job.enter('stopping', `waiting for action ${JSON.stringify(action)} (up to ${formatDuration(graceMs)})`);
    this.look = every(LOOK_MS, () => actionInFlight(this.job) === null && this.release('action-ended', go));
    this.grace = after(graceMs, () => this.release('grace-expired', go));
    return true;
  }

  /** A second signal or stop --now: the hold ends without waiting. */
  escalate(): void {
    if (this.holding) this.end('escalated');
  }

  private release(ended: Waited['ended'], go: () => void): void {
    if (!this.holding) return;
    this.end(ended);
    go();
  }

  private end(ended: Waited['ended']): void {
    this.job.waited = { action: this.action!, ms: Math.round(this.job.monoNow() - this.since), ended };
    this.action = null;
    this.dispose();
  }

  dispose(): void {
    this.look?.();
    this.grace?.();
    this.look = this.grace = null;
  }
}
