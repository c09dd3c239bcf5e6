// Entry of bin/safehalt and of the standalone executable: run the command, exit with its code.
// First, before any other module: the Node runtime variables are held back from the wrapper.
// The plain lines of the hot commands run without the full parser (cli/fast/); the rest, and every
// line the fast parser declines, go to the full parser (cli/main.ts), loaded only then.
import './runtime/node-env.ts';
import { runFast } from './cli/fast/dispatch.ts';
import { loadCold } from './cli/fast/parts.ts';
import { EXIT, isUserError } from './exit-codes.ts';
import { lazyStdio, stdioDrained } from './log/stdio.ts';

lazyStdio();

/** How long a finished command waits for a reader of its output to take the rest. */
const STDIO_DRAIN_MS = 10_000;

async function start(argv: string[]): Promise<number> {
  const fast = await runFast(argv);
  if (fast !== null) return fast;
  const { main } = await loadCold();
  return main(argv);
}

start(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // What was written to stdout and stderr leaves first (bounded); leftover handles (a watcher
    // being closed) must not keep a finished command alive.
    const exit = () => setImmediate(() => process.exit(code));
    const drained = stdioDrained(STDIO_DRAIN_MS);
    if (drained) void drained.then(exit);
    else exit();
  },
  (e: unknown) => {
    if (isUserError(e)) {
      process.stderr.write(`safehalt: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    const err = e as Error;
    process.stderr.write(`safehalt: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.SAFEHALT_DEBUG) process.stderr.write(`${err?.stack}\n`);
    process.exit(EXIT.CONFIG);
  },
);
