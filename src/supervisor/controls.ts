// Stops that arrive before the machine runs: a signal or a stop file while waiting for the lock
// (--wait-lock) or for an orphan (--orphan wait). Recorded here, and the wait in progress is woken;
// the machine starts with what was recorded (supervise.ts), and from then on every request is its event.
import type { Marker } from '../state/markers.ts';

export type StopKind = 'SIGNAL' | 'STOP_FILE' | 'USER_KILLED';

export interface StopRequest {
  kind: StopKind;
  /** Terminate the running child now (signal, stop --now, service-mode stop file). */
  now: boolean;
  signal?: NodeJS.Signals;
  marker?: Marker | null;
}

export class Controls {
  stop: StopRequest | null = null;
  /** How many SIGTERM/SIGINT came: a second one escalates to SIGKILL. */
  signalCount = 0;
  private ac = new AbortController();

  /** Aborted at the next request: pass it to a wait. */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  requestStop(r: StopRequest): void {
    if (r.kind === 'SIGNAL') this.signalCount++;
    // The first reason wins; a later one may only make it more urgent.
    if (this.stop) this.stop = { ...this.stop, now: this.stop.now || r.now };
    else this.stop = r;
    const old = this.ac;
    this.ac = new AbortController();
    old.abort();
  }
}
