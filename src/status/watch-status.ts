// `status --watch`: redraw whenever a state file changes (watched, not polled), and once a second
// for the ages shown, until interrupted. chokidar is loaded here, not by every command.
import type { StatusView } from './read-status.ts';
import { renderText } from './render-text.ts';
import { UserError } from '../exit-codes.ts';
import { after, every, type Cancel } from '../util/long-timer.ts';
import { jsonSafe, printableLines } from '../util/printable.ts';

export async function watchStatus(dir: string, read: () => StatusView, json: boolean): Promise<number> {
  const { watch } = await import('chokidar');
  return new Promise((resolve) => {
    let last = 0;
    const draw = () => {
      try {
        const v = read();
        last = v.exitCode;
        if (json) process.stdout.write(jsonSafe(JSON.stringify(v)) + '\n');
        else process.stdout.write(`${process.stdout.isTTY ? '\x1b[H\x1b[2J' : '\n'}${renderText(v)}`);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        process.stdout.write(`${printableLines(e.message)}\n`);
      }
    };
    const watcher = watch(dir, { depth: 0, ignoreInitial: true });
    let pending: Cancel | null = null;
    watcher.on('all', () => {
      pending ??= after(50, () => {
        pending = null;
        draw();
      });
    });
    const ticker = json ? null : every(1000, draw);
    const done = () => {
      void watcher.close();
      ticker?.();
      pending?.();
      resolve(last);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    draw();
  });
}
