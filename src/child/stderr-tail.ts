// A bounded tail of the child's stderr: the last few KiB, kept for classification and stop reasons.
export const TAIL_BYTES = 4096;

export class StderrTail {
  private chunks: Buffer[] = [];
  private size = 0;

  private readonly limit: number;

  constructor(limit = TAIL_BYTES) {
    this.limit = limit;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) this.size -= this.chunks.shift()!.length;
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8').replace(/^\uFFFD+/, '');
  }
}
