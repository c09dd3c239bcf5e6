// Transitions are announced once, here; optional behaviours (heartbeat file, metrics, sd_notify)
// attach to the bus and are disposed of at teardown.
import type { Memory } from '../policy/memory.ts';

export type Phase = 'starting' | 'running' | 'backoff' | 'waiting' | 'paused' | 'stopping' | 'halted' | 'stopped';

export interface Snapshot {
  phase: Phase;
  iteration: number;
  childPid: number | null;
  childStartedAt: string | null;
  memory: Memory;
  /** Wall time of the next start while in backoff or waiting. */
  nextStartAt: string | null;
  detail: string | null;
}

export type Listener = (s: Snapshot) => void;

export interface Plugin {
  dispose(): void | Promise<void>;
}

export class Bus {
  private listeners: Listener[] = [];
  last: Snapshot | null = null;

  on(l: Listener): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  announce(s: Snapshot): void {
    this.last = s;
    for (const l of this.listeners) l(s);
  }
}
