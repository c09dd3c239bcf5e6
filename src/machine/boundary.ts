// Between runs: the start of the wrapper (after the lock), and every boundary before a run. Stop,
// budgets and pause are honoured here and only here in loop mode: a run is never interrupted by them.
import { checkBudgets } from '../policy/budgets.ts';
import { costSince } from '../policy/cost.ts';
import { canProbe, probeWait } from '../policy/probe.ts';
import { EXIT } from '../exit-codes.ts';
import { enter, finish, halt, untilProbe } from './finish.ts';
import { jobHint } from '../util/job-hint.ts';
import { stopMessage } from './words.ts';
import type { Effect, MachineConfig, MachineState, Now, Step } from './types.ts';

export const usage = (s: MachineState, now: Now) => ({
  restarts: s.memory.restarts - s.memory.budgetBase.restarts,
  cost: costSince(s.memory.costTotal, s.memory.budgetBase.cost),
  runtimeMs: now.mono - s.startedMono,
});

/** --max-runtime is this wrapper's wall time: its timer runs while a child runs and between runs. */
export const runtimeTimer = (s: MachineState, now: Now, cfg: MachineConfig): Effect[] =>
  cfg.maxRuntimeMs > 0 ? [{ type: 'arm', timer: 'runtime', ms: Math.max(1, cfg.maxRuntimeMs - (now.mono - s.startedMono)) }] : [];

/** Before a run: stop, budgets, pause, then start the child. */
export function boundary(s: MachineState, now: Now, cfg: MachineConfig): Step {
  // A stop comes first: it is what a person asked for.
  if (s.stop) return finish(s, s.stop.kind, EXIT.OK, stopMessage(s, cfg));
  // Cost and runtime here; the restart budget is checked when a restart is decided.
  const budget = checkBudgets({ ...usage(s, now), restarts: 0 }, cfg);
  if (budget) return halt(s, budget, EXIT.HALT_BUDGET, now, cfg);
  if (s.paused) return pausedNow(s, cfg);
  return enter({ ...s, child: null }, 'spawning', [{ type: 'spawn', iteration: s.iteration }]);
}

/** The lock is ours: a latched halt refuses (83) or waits for its probe; a stop file stops; a pause in once mode exits 85. */
export function started(s: MachineState, now: Now, cfg: MachineConfig, orphanPid: number | null): Step {
  const l = s.memory.latch;
  if (l && canProbe(l, cfg)) {
    const wait = probeWait(l, now, cfg);
    if (cfg.mode === 'once' && wait === 0) return boundary({ ...s, probing: true }, now, cfg);
    if (cfg.mode !== 'once') return untilProbe(s, now, cfg);
  }
  if (l) {
    const message = `refused to start: ${l.reason} latched (${l.message})`;
    return enter(s, 'done', [
      { type: 'stop-reason', reason: 'HALT_LATCHED', exitCode: EXIT.LATCHED, message, rule: l.rule, waited: null },
      { type: 'event', name: 'refused', fields: { reason: l.reason } },
      { type: 'log', level: 'error', text: `refusing to start: halt ${l.reason} is latched (${l.message})` },
      { type: 'exit', code: EXIT.LATCHED },
    ]);
  }
  if (s.stop?.kind === 'STOP_FILE' || s.stop?.kind === 'USER_KILLED') return finish(s, 'STOP_FILE', EXIT.OK, 'stop file present; the child was not started');
  if (s.paused && cfg.mode === 'once') {
    return enter(s, 'done', [
      { type: 'stop-reason', reason: 'USER_PAUSED', exitCode: EXIT.PAUSED, message: 'the job is paused; the child was not started', rule: null, waited: null },
      { type: 'event', name: 'paused', fields: {} },
      { type: 'exit', code: EXIT.PAUSED },
    ]);
  }
  if (orphanPid !== null) return enter(s, 'orphan', [{ type: 'event', name: 'orphan', fields: { pid: orphanPid } }]);
  return boundary(s, now, cfg);
}

/** Paused: no new run until the .pause file goes; who paused and why are told. */
function pausedNow(s: MachineState, cfg: MachineConfig): Step {
  const m = s.pauseMarker ?? null;
  const text = `paused${m?.by ? ` by ${m.by}` : ''}${m?.reason ? `: ${m.reason}` : ''}; waiting for: ${jobHint('resume', cfg.stateDir ?? '.')}`;
  return enter(s, 'paused', [{ type: 'event', name: 'paused', fields: { by: m?.by ?? null, reason: m?.reason ?? null } }, { type: 'log', level: 'info', text }], m?.reason ?? null);
}
