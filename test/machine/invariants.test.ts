// Model-based tests of the machine: random event sequences on virtual time, every invariant of
// issue 12 checked after every step.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classify } from '../../src/policy/classify.ts';
import { EXIT } from '../../src/exit-codes.ts';
import type { MachineConfig } from '../../src/machine/types.ts';
import { config, intent, run, type Trace } from './harness.ts';

const RUNS = Number(process.env.MACHINE_RUNS ?? 1000);
export const counted = { runs: 0, steps: 0 };

/** The reference for the halt rules: every failure since the last resume, nothing forgotten. */
class RuleModel {
  fails: { t: number; cls: string }[] = [];
  from = -Infinity;
  consecutive = 0;
  private started = 0;
  private readonly cfg: MachineConfig;

  constructor(cfg: MachineConfig) {
    this.cfg = cfg;
  }

  expected(now: number): string | null {
    const c = this.cfg;
    const n = (w: number, cls?: string) => this.fails.filter((f) => f.t >= this.from && now - f.t <= w && (cls === undefined || f.cls === cls)).length;
    for (const s of c.spikes) if (s.count > 0 && n(s.withinMs, s.cls) >= s.count) return `spike ${s.cls}:${s.count}/`;
    if (c.maxFailures > 0 && n(c.withinMs) >= c.maxFailures) return `max-failures ${c.maxFailures} `;
    if (c.maxConsecutiveFailures > 0 && this.consecutive >= c.maxConsecutiveFailures) return `max-consecutive-failures ${c.maxConsecutiveFailures}`;
    return null;
  }

  /** Follow one step; return the rule the step must have tripped, or undefined when it says nothing. */
  observe(tr: Trace): string | null | undefined {
    const { event: e, before, after, now } = tr;
    if (after.effects.some((x) => x.type === 'event' && x.name === 'resumed')) (this.from = now), (this.consecutive = 0);
    if (e.type === 'child-started' && e.pid > 1) this.started = now;
    if (e.type === 'timer' && e.timer === 'min-uptime' && (before.phase === 'running' || before.phase === 'holding')) this.consecutive = 0;
    // A start without a usable pid is a failed spawn (126).
    const unusable = e.type === 'child-started' && e.pid <= 1 && before.phase === 'spawning';
    const exited = e.type === 'child-exited' || e.type === 'spawn-failed' || unusable;
    if (!exited || before.fatal || (before.child?.cause ?? null) === 'stopped' || before.child?.cause === 'budget') return undefined;
    if (e.type === 'child-exited' && !before.child) return undefined;
    const o = e.type === 'child-exited'
      ? { code: e.code, signal: e.signal, durationMs: now - this.started, stderrTail: e.stderrTail, cause: before.child!.cause ?? undefined }
      : e.type === 'spawn-failed' ? { code: e.code, signal: null, durationMs: 0, stderrTail: e.error } : { code: EXIT.CANNOT_EXECUTE, signal: null, durationMs: 0, stderrTail: '' };
    const cls = classify(o, this.cfg);
    if (cls === null) {
      this.consecutive = 0;
      return before.probing ? undefined : null;
    }
    this.fails.push({ t: now, cls });
    this.consecutive++;
    // A failed probe is remembered, but it keeps the halt that is latched: no new rule trips.
    return before.probing ? undefined : this.expected(now);
  }
}

function checkStep(tr: Trace, cfg: MachineConfig, model: RuleModel, seen: { held: boolean; exits: number }) {
  const { before, event: e, after } = tr;
  const fx = after.effects;
  counted.steps++;
  // Nothing happens after an exit was asked for.
  if (before.phase === 'done') expect(fx).toEqual([]);
  // Nothing is spawned while a halt is latched (unless it is the probe), nor with a stop or pause pending.
  if (fx.some((f) => f.type === 'spawn')) {
    expect(after.state.memory.latch === null || after.state.probing).toBe(true);
    expect(after.state.stop).toBeNull();
    expect(after.state.paused).toBe(false);
  }
  // A signal only ever targets the current child's group, with pid > 1.
  for (const x of fx) if (x.type === 'signal-group') {
    expect(before.child ?? after.state.child).not.toBeNull();
    expect(x.pid).toBe((before.child ?? after.state.child)!.pid);
    expect(x.pid).toBeGreaterThan(1);
  }
  // Every exit writes a stop reason whose exitCode is the exit code (busy: the files are another
  // run's; 78: nothing could be written).
  const exit = fx.find((x) => x.type === 'exit');
  if (exit && exit.type === 'exit') {
    seen.exits++;
    expect(after.state.phase).toBe('done');
    if (exit.code !== EXIT.BUSY && exit.code !== EXIT.CONFIG) expect(fx.find((x) => x.type === 'stop-reason')).toMatchObject({ exitCode: exit.code });
  }
  expect(seen.exits).toBeLessThanOrEqual(1);
  // Each halt rule trips exactly when its condition holds.
  const want = model.observe(tr);
  const halted = fx.find((x) => x.type === 'event' && x.name === 'halted');
  if (want !== undefined) {
    const rule = halted && halted.type === 'event' ? String(halted.fields.rule) : null;
    if (want === null) expect(rule).toBeNull();
    else expect(rule?.startsWith(want), `expected ${want}, got ${rule}`).toBe(true);
  }
  // Loop and once mode: a stop file (not --now) or a pause file never interrupts the iteration.
  if (cfg.mode !== 'service' && ((e.type === 'stop-file' && !e.now) || e.type === 'pause-file') && before.signals === 0 && !before.stop?.now) {
    expect(fx.filter((x) => x.type === 'signal-group')).toEqual([]);
    if (before.phase === 'running') expect(after.state.phase).toBe('running');
  }
  // A second SIGTERM/SIGINT escalates at once, and the escalation is recorded as one.
  if (e.type === 'signal' && e.signal !== 'SIGHUP' && before.signals >= 1 && before.child && ['running', 'holding', 'stopping'].includes(before.phase)) {
    expect(fx).toContainEqual({ type: 'signal-group', pid: before.child.pid, signal: 'SIGKILL' });
    expect(fx.some((x) => x.type === 'event' && x.name === 'escalated')).toBe(true);
    expect(after.state.child?.killed).toBe(true);
  }
  // A graceful stop waits for the action in flight, bounded by --action-grace; the stop reason says so.
  if (after.state.phase === 'holding') {
    seen.held = true;
    expect(after.state.action).not.toBeNull();
    if (before.phase !== 'holding') expect(fx).toContainEqual({ type: 'arm', timer: 'action-grace', ms: cfg.actionGraceMs });
    expect(fx.filter((x) => x.type === 'signal-group' && x.signal !== 'SIGHUP')).toEqual([]); // SIGHUP is forwarded, not a stop
  }
  if (before.phase === 'holding' && after.state.phase !== 'holding') expect(after.state.waited).not.toBeNull();
  const sr = fx.find((x) => x.type === 'stop-reason');
  if (sr && sr.type === 'stop-reason' && seen.held && ['SIGNAL', 'STOP_FILE', 'USER_KILLED'].includes(sr.reason) && before.phase !== 'halted') expect(sr.waited).not.toBeNull();
}

describe('the machine, driven by random event sequences', () => {
  it(`keeps every invariant after every step (${RUNS} generated runs)`, () => {
    fc.assert(
      fc.property(config, fc.boolean(), fc.array(intent, { minLength: 1, maxLength: 300, size: 'max' }), (cfg, latched, intents) => {
        counted.runs++;
        const model = new RuleModel(cfg);
        const seen = { held: false, exits: 0 };
        run(cfg, latched, intents, (tr) => checkStep(tr, cfg, model, seen));
      }),
      { numRuns: RUNS },
    );
    // The runs must reach deep: a few steps each would prove little.
    expect(counted.steps).toBeGreaterThan(RUNS * 8);
    console.log(`machine: ${counted.runs} runs, ${counted.steps} steps checked`);
  });
});
