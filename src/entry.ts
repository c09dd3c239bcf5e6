// Entry of bin/safehalt and of the standalone executable: run main, exit with its code.
// First, before any other module: the Node runtime variables are held back from the wrapper.
import './runtime/node-env.ts';
import { main } from './cli/main.ts';
import { EXIT, UserError } from './exit-codes.ts';
import { surviveStderrErrors } from './log/logger.ts';

surviveStderrErrors();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Leftover handles (a watcher being closed) must not keep a finished command alive.
    setImmediate(() => process.exit(code));
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      process.stderr.write(`safehalt: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    const err = e as Error;
    process.stderr.write(`safehalt: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.SAFEHALT_DEBUG) process.stderr.write(`${err?.stack}\n`);
    process.exit(EXIT.CONFIG);
  },
);
