// write(2) on a nearly full disk writes part of the data and returns a short count, with no error;
// the error comes only at the next write. Taking the short count for success would rename a torn
// temp file over state.json, or leave half a line in events.jsonl. So: write everything, or throw.
import { ftruncateSync, fstatSync, writeSync } from 'node:fs';

export function writeAll(fd: number, data: string | Buffer): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/** Append all of `data` to the end of `fd` (opened O_APPEND), or nothing: a failed append is cut back off. */
export function appendAll(fd: number, data: string): void {
  const size = fstatSync(fd).size;
  try {
    writeAll(fd, data);
  } catch (e) {
    try {
      ftruncateSync(fd, size);
    } catch {
      /* the error below says what went wrong */
    }
    throw e;
  }
}
