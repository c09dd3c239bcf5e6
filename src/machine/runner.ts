// The one small runner of the machine: it feeds events to step() one at a time (an event that
// arrives while effects run waits in the queue) and carries the effects out through injected
// edges, so that tests run it on a fake clock with fake children.
import type { Memory } from '../policy/memory.ts';
import { step } from './step.ts';
import type { Effect, Event, MachineConfig, MachineState, Now, Phase, TimerName } from './types.ts';

export interface Timers {
  /** `name`: which timer (the edge shows when the next start or the probe is due). */
  set(ms: number, fn: () => void, name?: TimerName): unknown;
  clear(handle: unknown): void;
}

/** The edges: the only places where the runner touches the world. */
export interface Edges {
  clock: { now(): Now };
  timers: Timers;
  /** Start the child for this iteration; report child-started / spawn-failed / child-exited through deliver. */
  spawn(iteration: number): void;
  signalGroup(pid: number, signal: NodeJS.Signals): void;
  /** Durable writes: a throw becomes a write-failed event (strict), or a warning (not strict). */
  saveMemory(m: Memory, strict: boolean): void;
  writeStopReason(e: Extract<Effect, { type: 'stop-reason' }>, s: MachineState): void;
  appendEvent(name: string, fields: Record<string, unknown>): void;
  log(level: 'info' | 'warn' | 'error', text: string): void;
  announce(phase: Phase, s: MachineState, detail: string | null): void;
  /** stop-reason.json: the latched halt it tells of was cleared (a warning if it cannot be). */
  markCleared?(e: Extract<Effect, { type: 'cleared' }>): void;
  runHook(reason: string): Promise<void>;
  /** Presence checks before a timer's event (stop and pause files): events to deliver first. */
  look?(): Event[];
}

export class Runner {
  state: MachineState;
  readonly done: Promise<number>;
  private finish!: (code: number) => void;
  private readonly queue: Event[] = [];
  private busy = false;
  private readonly armed = new Map<TimerName, unknown>();
  private readonly cfg: MachineConfig;
  private readonly edges: Edges;
  private hooks: Promise<void> = Promise.resolve();

  constructor(cfg: MachineConfig, state: MachineState, edges: Edges) {
    this.cfg = cfg;
    this.state = state;
    this.edges = edges;
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Hand the machine an event; effects run before the next event is taken. */
  deliver(e: Event): void {
    this.queue.push(e);
    if (this.busy) return;
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const r = step(this.state, next, this.edges.clock.now(), this.cfg);
        this.state = r.state;
        for (const fx of r.effects) this.perform(fx);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Timers still armed (none once the machine is done). */
  armedTimers(): TimerName[] {
    return [...this.armed.keys()];
  }

  private perform(fx: Effect): void {
    const e = this.edges;
    switch (fx.type) {
      case 'spawn':
        return e.spawn(fx.iteration);
      case 'signal-group':
        return e.signalGroup(fx.pid, fx.signal);
      case 'arm':
        this.cancel(fx.timer);
        this.armed.set(fx.timer, e.timers.set(fx.ms, () => this.fire(fx.timer), fx.timer));
        return;
      case 'cancel':
        return this.cancel(fx.timer);
      case 'save-memory':
        if (fx.warn === undefined) return this.write('state.json', () => e.saveMemory(fx.memory, true));
        return this.tryOr(() => e.saveMemory(fx.memory, false), (m) => e.log('warn', `${fx.warn}: ${m}`));
      case 'cleared':
        return this.tryOr(() => e.markCleared?.(fx), (m) => e.log('warn', `the halt is cleared, but stop-reason.json still says latched: ${m}`));
      case 'stop-reason':
        return this.write('stop-reason.json', () => e.writeStopReason(fx, this.state));
      case 'event':
        return e.appendEvent(fx.name, fx.fields);
      case 'log':
        return e.log(fx.level, fx.text);
      case 'announce':
        return e.announce(fx.phase, this.state, fx.detail ?? null);
      case 'run-hook':
        this.hooks = this.hooks.then(() => e.runHook(fx.reason));
        return;
      case 'exit':
        for (const t of [...this.armed.keys()]) this.cancel(t);
        // The hook of a halt runs to its end (it is bounded) before the wrapper exits.
        void this.hooks.then(() => this.finish(fx.code));
        return;
      default:
        return unreachable(fx);
    }
  }

  /** A timer is due: what the edge finds present comes first (a stop file beats the next start). */
  private fire(timer: TimerName): void {
    this.armed.delete(timer);
    for (const e of this.edges.look?.() ?? []) this.deliver(e);
    this.deliver({ type: 'timer', timer });
  }

  private cancel(timer: TimerName): void {
    if (!this.armed.has(timer)) return;
    this.edges.timers.clear(this.armed.get(timer));
    this.armed.delete(timer);
  }

  private tryOr(fn: () => void, warn: (message: string) => void): void {
    try {
      fn();
    } catch (err) {
      warn((err as Error).message);
    }
  }

  /** A failed durable write is an event for the machine (it stops the child and exits 78). */
  private write(file: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.queue.push({ type: 'write-failed', file, message: (err as Error).message });
    }
  }
}

function unreachable(fx: never): never {
  throw new Error(`unhandled effect ${JSON.stringify(fx)}`);
}
