// What a command prints: written to fd 1 directly. process.stdout is a stream built on first use,
// and for a pipe (`safehalt status | grep`, every caller that reads the output) building it loads
// node:net: ~2 ms of a ~30 ms command. A reader that went away (`| head -0`, `| true`) is not an
// error of ours: the rest of the output is dropped and the command keeps its exit code (through the
// stream it was an unhandled EPIPE, a stack trace and exit 1). What writeSync cannot finish
// otherwise (a non-blocking descriptor that is full) goes to the stream, guarded the same way.
import { writeSync } from 'node:fs';

const gone = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'EPIPE';

export function writeStdout(text: string): void {
  const data = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < data.length) done += writeSync(1, data, done);
  } catch (e) {
    if (gone(e)) return;
    const out = process.stdout;
    if (out.listenerCount('error') === 0)
      out.on('error', (err) => {
        if (!gone(err)) throw err;
      });
    out.write(data.subarray(done));
  }
}
