// Before the first child: a `safehalt resume` waiting for the lock this run took is answered here,
// by the same protocol as later (request-edge.ts), and what it does is the machine's (probe-end.ts).
import { resumed } from '../machine/probe-end.ts';
import { initialState } from '../machine/step.ts';
import type { Event } from '../machine/types.ts';
import { markStopReportCleared } from '../state/stop-report-cleared.ts';
import type { Job } from './job.ts';
import { takeResume } from './request-edge.ts';

/** True when a waiting request cleared the latch. */
export function acceptResume(job: Job): boolean {
  const now = job.env.clock.now();
  const state = initialState(job.memory, now);
  return takeResume(job, state, (e: Event) => {
    if (e.type !== 'resume-file' || !job.memory.latch) return;
    const r = resumed(state, { by: e.by ?? null, reason: e.reason ?? null, auto: false, ...(e.request === undefined ? {} : { request: e.request }) }, now);
    for (const fx of r.effects) {
      if (fx.type === 'save-memory') job.saveSync(fx.memory);
      else if (fx.type === 'event') job.event(fx.name, fx.fields);
      else if (fx.type === 'log') job.log[fx.level](fx.text);
      else if (fx.type === 'cleared') cleared(job, fx);
    }
  });
}

function cleared(job: Job, fx: { halt: string; by: string | null; reason: string | null; automatic: boolean }): void {
  try {
    markStopReportCleared(job.cfg.stateDir, { halt: fx.halt, by: fx.by, reason: fx.reason, automatic: fx.automatic, at: new Date().toISOString() });
  } catch (e) {
    job.log.warn(`the halt is cleared, but stop-reason.json still says latched: ${(e as Error).message}`);
  }
}
