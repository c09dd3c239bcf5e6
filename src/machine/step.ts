// The whole decision for every event, in one switch: step(state, event, now) → { state, effects }.
// Pure; the runner (runner.ts) carries the effects out. A new event type fails to compile here.
import { nextIteration, type Memory } from '../policy/memory.ts';
import { resumed } from './probe-end.ts';
import { EXIT } from '../exit-codes.ts';
import { boundary, runtimeTimer, started } from './boundary.ts';
import { enter, fatalExit } from './finish.ts';
import { endGracefully, endNow, killNow, releaseHold, withStop } from './requests.ts';
import { onAction, onPause, onSignal, onStop, onStopNow, running } from './on-request.ts';
import { childExited, prepend } from './run-end.ts';
import { onTimer } from './timers.ts';
import type { Event, MachineConfig, MachineState, Now, Step } from './types.ts';

export function initialState(memory: Memory, now: Now): MachineState {
  const iteration = nextIteration(memory);
  return {
    phase: 'locking',
    memory,
    iteration,
    firstIteration: iteration,
    iterationsThisRun: 0,
    startedMono: now.mono,
    child: null,
    killedLast: false,
    stop: null,
    signals: 0,
    paused: false,
    probing: false,
    action: null,
    holdSinceMono: null,
    waited: null,
    fatal: null,
  };
}

const same = (s: MachineState): Step => ({ state: s, effects: [] });

export function step(s: MachineState, e: Event, now: Now, cfg: MachineConfig): Step {
  if (s.phase === 'done') return same(s); // an exit was asked for: nothing more happens
  switch (e.type) {
    case 'lock-acquired':
      return s.phase === 'locking' ? started(s, now, cfg, e.orphanPid) : same(s);
    case 'lock-busy':
      // Another run holds the lock: its files are not ours to write, so no stop reason.
      if (s.phase !== 'locking') return same(s);
      return enter(s, 'done', [
        { type: 'log', level: 'error', text: 'busy: another run of this job holds its lock' },
        { type: 'exit', code: EXIT.BUSY },
      ]);
    case 'orphan-gone':
      return s.phase === 'orphan' ? boundary(s, now, cfg) : same(s);
    case 'child-started': {
      if (s.phase !== 'spawning') return same(s);
      // No pid, or one no signal may ever go to (0 is our own group, 1 is init): never tracked as a child.
      if (e.pid <= 1) return step(s, { type: 'spawn-failed', code: EXIT.CANNOT_EXECUTE, error: `the child was given no usable pid (${e.pid})` }, now, cfg);
      const next: MachineState = { ...s, child: { pid: e.pid, startedMono: now.mono, cause: null, killed: false }, action: null };
      const st = enter(next, 'running', [{ type: 'event', name: 'started', fields: { pid: e.pid, ...(e.pidStartTime === undefined ? {} : { pidStartTime: e.pidStartTime }), iteration: s.iteration } }, ...runTimers(s, now, cfg)]);
      // A request that came while spawning is acted on now that there is a child to end.
      return pending(st, now, cfg);
    }
    case 'spawn-failed':
      if (s.phase !== 'spawning') return same(s);
      // As a run that exited at once with the shell's status (127 not found, 126 cannot execute).
      return childExited(
        { ...s, child: { pid: -1, startedMono: now.mono, cause: null, killed: false } },
        { type: 'child-exited', code: e.code, signal: null, stderrTail: e.error, cost: 0, progress: null, jitter: 0.5 },
        now,
        cfg,
      );
    case 'child-exited':
      return running(s) ? childExited(s, e, now, cfg) : same(s);
    case 'signal':
      return onSignal(s, e.signal, now, cfg);
    case 'stop-file': {
      const next = withStop(s, { kind: e.now ? 'USER_KILLED' : 'STOP_FILE', now: e.now, signal: null, marker: e.marker ?? null, ...(e.now ? { byNow: true } : {}) });
      // A stop --now after a stop already under way (held for an action, or waiting for --kill-timeout) does not wait.
      return e.now && s.stop && !s.stop.byNow ? onStopNow(next, now, cfg) : onStop(next, now, cfg);
    }
    case 'pause-file':
      return onPause({ ...s, paused: e.present, pauseMarker: e.present ? (e.marker ?? null) : null }, now, cfg);
    case 'resume-file': {
      // A person resumed the wrapper that stays up halted (--probe-after): clear the latch, go on.
      if (s.phase !== 'halted' || !s.memory.latch) return same(s);
      const how = { by: e.by ?? null, reason: e.reason ?? null, auto: false, ...(e.request === undefined ? {} : { request: e.request }) };
      const r = resumed(s, how, now);
      return prepend([{ type: 'cancel', timer: 'probe' }, ...r.effects], boundary(r.state, now, cfg));
    }
    case 'action':
      return onAction(s, e.name, now, cfg);
    case 'timer':
      return onTimer(s, e.timer, now, cfg);
    case 'write-failed': {
      const message = `cannot write ${e.file}: ${e.message}; safehalt does not run a job whose memory it cannot record`;
      if (s.phase === 'spawning') return same({ ...s, fatal: message }); // ended as soon as it has a pid
      if (!running(s)) return fatalExit(s, message);
      const next = { ...s, fatal: message };
      return s.phase === 'stopping' ? same(next) : endNow(s.phase === 'holding' ? releaseHold(next, now, 'write-failed') : next, cfg, 'stopped', 'SIGTERM');
    }
    default:
      return unreachable(e);
  }
}

function unreachable(e: never): never {
  throw new Error(`unhandled event ${JSON.stringify(e)}`);
}

function runTimers(s: MachineState, now: Now, cfg: MachineConfig): Step['effects'] {
  const t: Step['effects'] = [];
  if (cfg.timeoutMs > 0) t.push({ type: 'arm', timer: 'timeout', ms: cfg.timeoutMs });
  t.push(...runtimeTimer(s, now, cfg));
  if (cfg.mode === 'service') t.push({ type: 'arm', timer: 'min-uptime', ms: cfg.minUptimeMs });
  if (cfg.stallTimeoutMs > 0) t.push({ type: 'arm', timer: 'stall', ms: cfg.stallTimeoutMs });
  return t;
}

/** What a stop or pause that is already recorded means for a child that just started. */
function pending(st: Step, now: Now, cfg: MachineConfig): Step {
  const s = st.state;
  if (s.fatal) return prepend(st.effects, endNow(s, cfg, 'stopped', 'SIGTERM'));
  // A second SIGTERM/SIGINT came meanwhile: it does not wait, here either.
  if (s.stop?.kind === 'SIGNAL' && s.signals > 1) return prepend(st.effects, killNow(s, `${s.stop.signal ?? 'signal'} again`));
  if (s.stop?.byNow) return prepend(st.effects, onStopNow(s, now, cfg));
  if (s.stop) return prepend(st.effects, onStop(s, now, cfg));
  if (s.paused && cfg.mode === 'service') return prepend(st.effects, endGracefully(s, now, cfg, 'SIGTERM'));
  return st;
}
