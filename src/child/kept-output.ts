// --quiet, like chronic: the child's output is kept, bounded, and printed only when the run went
// wrong. In memory only: the first HEAD_BYTES (how it began) and the last TAIL_BYTES (how it
// ended), with one "[... N bytes cut]" line between; no temp file to leak or fill a disk.
import type { OutputSink, Stream } from './output.ts';

export const HEAD_BYTES = 64 * 1024;
export const TAIL_BYTES = 192 * 1024;

export interface Chunk {
  stream: Stream;
  data: Buffer;
}

export class KeptOutput implements OutputSink {
  readonly head: Chunk[] = [];
  private tail: Chunk[] = [];
  private headSize = 0;
  private tailSize = 0;
  /** Bytes dropped between head and tail. */
  cut = 0;

  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(headLimit = HEAD_BYTES, tailLimit = TAIL_BYTES) {
    this.headLimit = headLimit;
    this.tailLimit = tailLimit;
  }

  write(stream: Stream, data: Buffer): void {
    const room = this.headLimit - this.headSize;
    if (room > 0) {
      const part = data.subarray(0, room);
      this.head.push({ stream, data: part });
      this.headSize += part.length;
      data = data.subarray(part.length);
    }
    if (data.length === 0) return;
    this.tail.push({ stream, data });
    this.tailSize += data.length;
    // Drop from the oldest tail chunk until the tail fits (a chunk may be cut in its middle).
    while (this.tailSize > this.tailLimit) {
      const first = this.tail[0];
      const over = this.tailSize - this.tailLimit;
      if (first.data.length <= over) {
        this.tail.shift();
        this.tailSize -= first.data.length;
        this.cut += first.data.length;
      } else {
        this.tail[0] = { stream: first.stream, data: first.data.subarray(over) };
        this.tailSize -= over;
        this.cut += over;
      }
    }
  }

  end(): void {}

  get empty(): boolean {
    return this.headSize === 0 && this.tailSize === 0;
  }

  /** The kept chunks in order, with the cut marked where it happened. */
  replay(out: OutputSink, cutLine: (n: number) => string = (n) => `[... ${n} bytes cut]`): void {
    for (const c of this.head) out.write(c.stream, c.data);
    if (this.cut > 0) {
      const last = this.head.at(-1)?.data;
      const nl = last && last.length > 0 && last[last.length - 1] !== 0x0a ? '\n' : '';
      out.write('stderr', Buffer.from(`${nl}${cutLine(this.cut)}\n`));
    }
    for (const c of this.tail) out.write(c.stream, c.data);
    out.end();
  }
}
