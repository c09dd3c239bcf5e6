// The machine's edges in the running program: the clock and long timers, the child's run, the one
// guarded signaller, the durable writers, the event log, the logger and the bus of the job. What is
// decided is decided in src/machine; this file only carries it out and feeds events back.
import type { Runner, Edges } from '../machine/runner.ts';
import type { Effect, Event, MachineState, Phase, TimerName } from '../machine/types.ts';
import type { Memory } from '../policy/memory.ts';
import { filePath } from '../state/files.ts';
import { markStopReportCleared } from '../state/stop-report-cleared.ts';
import { after, every, realScheduler, type Cancel, type Scheduler } from '../util/long-timer.ts';
import { runChild } from './child-run.ts';
import { ChildSignals } from './signal-edge.ts';
import { writeStopReportSync } from './finish.ts';
import type { Job } from './job.ts';
import { actionEvent, markerEvents, presentMarkers, takeResume } from './request-edge.ts';

/** While a stop is held for an action in flight, the action is looked at this often. */
const LOOK_MS = 100;

export class JobEdges implements Edges {
  runner: Runner | null = null;
  /** The first write that must not fail and did: the wrapper ends with it (78, one line naming the file). */
  fatalError: Error | null = null;
  readonly clock: Edges['clock'];
  readonly timers: Edges['timers'];
  private readonly signals = new ChildSignals();
  private holdLook: Cancel | null = null;
  private firstEnv: Record<string, string>;
  private readonly job: Job;
  private readonly fail: (e: unknown) => void;
  private readonly scheduler: Scheduler;

  /** `scheduler`: where timers come from (a test's virtual time; the job's clock must agree with it). */
  constructor(job: Job, firstEnv: Record<string, string>, fail: (e: unknown) => void, scheduler: Scheduler = realScheduler) {
    this.job = job;
    this.firstEnv = firstEnv;
    this.fail = fail;
    this.scheduler = scheduler;
    this.clock = job.env.clock;
    this.timers = { set: (ms, fn, name) => this.arm(ms, fn, name), clear: (h) => (h as Cancel)() };
  }

  private get state(): MachineState {
    return this.runner!.state;
  }

  /** A request from outside: the action in flight is looked at first, so that a graceful stop knows it. */
  request(e: Event): void {
    const action = actionEvent(this.job, this.state);
    if (action) this.runner!.deliver(action);
    this.runner!.deliver(e);
  }

  /** A watcher saw a marker change (or a hold is looking): what is present goes to the machine. */
  recheck(): void {
    for (const e of markerEvents(this.job, this.state)) this.request(e);
    if (this.state.phase === 'halted') takeResume(this.job, this.state, (e) => this.runner!.deliver(e));
  }

  /** The running child's pid (for the signal handlers' words), or null. */
  liveChild(): number | null {
    const s = this.state;
    return s.child && s.child.pid > 1 && (s.phase === 'running' || s.phase === 'holding' || s.phase === 'stopping') ? s.child.pid : null;
  }

  look(): Event[] {
    return markerEvents(this.job, this.state);
  }

  private arm(ms: number, fn: () => void, name?: TimerName): Cancel {
    if (name === 'next-start' || name === 'probe') this.job.nextStartAt = new Date(Date.now() + ms).toISOString();
    return after(ms, fn, { scheduler: this.scheduler });
  }

  spawn(iteration: number): void {
    const env = this.firstEnv;
    this.firstEnv = {};
    const edge = {
      deliver: (e: Event) => this.runner!.deliver(e),
      fatal: (e: Error) => void (this.fatalError ??= e),
      hasFatal: () => this.fatalError !== null,
      boundary: () => presentMarkers(this.job),
    };
    // Outside the step that asked for it: the run delivers its own events.
    setImmediate(() => runChild(this.job, iteration, env, edge, (r) => this.signals.track(r)).catch(this.fail));
  }

  signalGroup(pid: number, sig: NodeJS.Signals): void {
    this.signals.send(pid, sig);
  }

  saveMemory(m: Memory, strict: boolean): void {
    try {
      this.job.saveSync(m);
    } catch (e) {
      if (strict) this.fatalError ??= e as Error;
      throw e;
    }
  }

  writeStopReason(fx: Extract<Effect, { type: 'stop-reason' }>): void {
    try {
      writeStopReportSync(this.job, fx.reason, fx.exitCode, fx.message, fx.rule, fx.marker ?? null, fx.waited ? { waited: fx.waited } : undefined);
    } catch (e) {
      this.fatalError ??= e as Error;
      throw e;
    }
  }

  markCleared(fx: Extract<Effect, { type: 'cleared' }>): void {
    markStopReportCleared(this.job.cfg.stateDir, { halt: fx.halt, by: fx.by, reason: fx.reason, at: new Date().toISOString(), automatic: fx.automatic });
  }

  appendEvent(name: string, fields: Record<string, unknown>): void {
    if (name === 'killed') this.signals.killed(fields.why);
    this.job.event(name, fields);
  }

  log(level: 'info' | 'warn' | 'error', text: string): void {
    // A failed write is told once, by the error the wrapper ends with.
    if (this.fatalError && level === 'error' && text.startsWith('cannot write ')) return;
    this.job.log[level](text);
  }

  announce(phase: Phase, s: MachineState, detail: string | null): void {
    const job = this.job;
    job.iteration = s.iteration;
    job.probing = s.probing;
    this.holding(phase === 'holding');
    if (phase === 'running') job.enter('running');
    else if (phase === 'holding' || (phase === 'stopping' && detail)) job.enter('stopping', detail);
    else if (phase === 'backoff' || phase === 'waiting' || phase === 'halted') job.enter(phase, detail);
    else if (phase === 'paused') (job.nextStartAt = null), job.enter('paused', detail);
    else if (phase === 'done' && job.phase !== 'halted') job.enter('stopped', detail);
    // A `safehalt resume` may be waiting already for the halt this wrapper now holds.
    if (phase === 'halted') setImmediate(() => this.runner?.state.phase === 'halted' && this.recheck());
  }

  runHook(reason: string): Promise<void> {
    return this.job.onHalt?.(filePath(this.job.cfg.stateDir, 'stopReason'), reason) ?? Promise.resolve();
  }

  /** During a hold the action in flight is looked at every LOOK_MS; its end lets the stop go ahead. */
  private holding(on: boolean): void {
    if (on && !this.holdLook) this.holdLook = every(LOOK_MS, () => this.recheckAction(), { scheduler: this.scheduler });
    if (!on && this.holdLook) (this.holdLook(), (this.holdLook = null));
  }

  private recheckAction(): void {
    const e = actionEvent(this.job, this.state);
    if (e) this.runner!.deliver(e);
  }

  dispose(): void {
    this.holding(false);
  }
}
