// Virtual time for tests: timers fire in order of their due time as advance() moves the clock.
export class VirtualQueue {
  t: number;
  private seq = 0;
  private readonly pending = new Map<number, { due: number; fn: () => void }>();

  constructor(start: number) {
    this.t = start;
  }

  add(ms: number, fn: () => void): number {
    this.pending.set(++this.seq, { due: this.t + ms, fn });
    return this.seq;
  }

  remove(h: unknown): void {
    this.pending.delete(h as number);
  }

  get size(): number {
    return this.pending.size;
  }

  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const next = [...this.pending].filter(([, p]) => p.due <= until).sort((a, b) => a[1].due - b[1].due)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = next[1].due;
      next[1].fn();
    }
    this.t = until;
  }
}
