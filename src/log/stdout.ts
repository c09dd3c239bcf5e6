// What a command prints: written to fd 1 directly. process.stdout is a stream built on first use,
// and for a pipe (`safehalt status | grep`, every caller that reads the output) building it loads
// node:net: ~2 ms of a ~30 ms command. Anything writeSync cannot finish (a non-blocking descriptor
// that is full, a reader gone: EPIPE) goes to the stream, which handles it as it always did.
import { writeSync } from 'node:fs';

export function writeStdout(text: string): void {
  const data = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < data.length) done += writeSync(1, data, done);
  } catch {
    process.stdout.write(data.subarray(done));
  }
}
