// The running job: configuration, memory and its persistence, the bus, the logger, the controls.
import type { RunConfig } from '../config/run-config.ts';
import type { Clock } from '../policy/clock.ts';
import { nextIteration, type Memory } from '../policy/memory.ts';
import type { Logger } from '../log/logger.ts';
import { saveMemorySync } from '../state/memory-store.ts';
import { appendEvent } from '../state/events.ts';
import { Bus, type Phase } from './bus.ts';
import { Controls } from './controls.ts';

export interface Env {
  clock: Clock;
  random: () => number;
  log: Logger;
}

export class Job {
  readonly bus = new Bus();
  /** Given by runJob, which watches signals before the job exists (lock, orphan wait). */
  readonly controls: Controls;
  phase: Phase = 'starting';
  iteration = 0;
  iterationsThisRun = 0;
  childPid: number | null = null;
  childStartedAt: string | null = null;
  /** The same moment on the monotonic clock (liveness is measured on it). */
  childStartedMono: number | null = null;
  nextStartAt: string | null = null;
  detail: string | null = null;
  /** The current run is a half-open probe (policy/probe.ts). */
  probing = false;
  /** The --on-halt hook, when configured (integrations/on-halt.ts). */
  onHalt: ((stopReasonFile: string, reason: string) => Promise<void>) | null = null;
  /** A stop, pause or resume file may have changed: look again (set by runJob to the machine's edge). */
  recheck: () => void = () => undefined;
  /** Set while a child runs: end it, giving the cause (stall detector, budgets). */
  terminateChild: ((cause: 'timeout' | 'stalled' | 'stopped' | 'budget') => void) | null = null;
  readonly startedWall = Date.now();
  /** The same moment on the monotonic clock: durations and budgets are measured on it, never on wall time. */
  readonly startedMono: number;

  readonly cfg: RunConfig;
  readonly env: Env;
  memory: Memory;

  constructor(cfg: RunConfig, env: Env, memory: Memory, controls: Controls = new Controls()) {
    this.cfg = cfg;
    this.controls = controls;
    this.startedMono = env.clock.now().mono;
    this.env = env;
    this.memory = memory;
    this.iteration = nextIteration(memory);
  }

  /** Monotonic milliseconds (the injected clock): for deadlines and durations, unmoved by wall-clock jumps. */
  monoNow(): number {
    return this.env.clock.now().mono;
  }

  get log(): Logger {
    return this.env.log;
  }

  /** Persist the failure memory (atomically; a failure here is fatal to the run, see README). What
   * must survive a power cut, a latch set or cleared, is fsynced with its directory; the counts of a
   * crash loop between two latch changes survive a crash of the wrapper (the page cache does), and
   * a power cut takes at most those back (docs/PERFORMANCE.md, "What each run writes"). */
  async save(m: Memory): Promise<void> {
    this.saveSync(m);
  }

  /** The same, for the machine's runner (its edges are synchronous; the writer is underneath). */
  saveSync(m: Memory): void {
    const durable = JSON.stringify(m.latch ?? null) !== JSON.stringify(this.memory.latch ?? null) || !this.saved;
    this.memory = m;
    saveMemorySync(this.cfg.stateDir, m, { durable });
    this.saved = true;
  }

  /** Whether this wrapper has saved the memory once (the first save is durable). */
  private saved = false;

  event(name: string, fields: Record<string, unknown> = {}): void {
    try {
      appendEvent(this.cfg.stateDir, name, fields);
    } catch (e) {
      this.log.warn(`cannot append to events.jsonl: ${(e as Error).message}`);
    }
  }

  /** Every transition goes through here: phase, then the heartbeat file, metrics and notify. */
  enter(phase: Phase, detail: string | null = null): void {
    this.phase = phase;
    this.detail = detail;
    this.bus.announce({
      phase,
      iteration: this.iteration,
      childPid: this.childPid,
      childStartedAt: this.childStartedAt,
      memory: this.memory,
      nextStartAt: this.nextStartAt,
      detail,
    });
  }
}
