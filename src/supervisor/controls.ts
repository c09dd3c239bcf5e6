// Requests that arrive from outside while the job runs (signals, stop and pause files): recorded
// here, and every wait in progress is woken so the loop re-checks at once.
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
  pause: Marker | null = null;
  private ac = new AbortController();
  private listeners: Array<() => void> = [];

  /** Aborted at the next request: pass it to a wait. */
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  onRequest(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((f) => f !== fn);
    };
  }

  requestStop(r: StopRequest): void {
    if (r.kind === 'SIGNAL') this.signalCount++;
    // The first reason wins; a later one may only make it more urgent.
    if (this.stop) this.stop = { ...this.stop, now: this.stop.now || r.now };
    else this.stop = r;
    this.wake();
  }

  setPause(m: Marker | null): void {
    const changed = (m === null) !== (this.pause === null);
    this.pause = m;
    if (changed) this.wake();
  }

  wake(): void {
    const old = this.ac;
    this.ac = new AbortController();
    old.abort();
    for (const fn of this.listeners) fn();
  }
}
