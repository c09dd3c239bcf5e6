// `safehalt resume [--reason TEXT] [--wait DURATION]`: clear pause, stop file and a latched halt.
// It says only what it did: a halt it could not clear is an error (exit 84 or 83), nothing changed.
import os from 'node:os';
import { jobHint } from '../util/job-hint.ts';
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { usageError, EXIT } from '../exit-codes.ts';
import { filePath } from '../state/files.ts';
import { readMarker, whoAmI } from '../state/markers.ts';
import { appendEvent } from '../state/events.ts';
import { refreshMetrics } from '../integrations/metrics-refresh.ts';
import { loadMemory } from '../state/memory-store.ts';
import { removeIfPresent } from '../state/read-trusted.ts';
import { printable, oneLine } from '../util/printable.ts';
import { duration } from './parse-values.ts';
import { locateJob } from './locate.ts';
import { clearHalt, type Cleared, type Who } from './resume-halt.ts';
import type { Latch } from '../policy/memory.ts';
import { writeStdout } from '../log/stdout.ts';

const SIGNALS = os.constants.signals as Record<string, number>;

/** Clear the halt, withdrawing the request if the command is interrupted (exit 128+signal). */
async function clearInterruptibly(dir: string, name: string, latch: Latch, who: Who, waitMs: number): Promise<Cleared> {
  const abort = new AbortController();
  let got: NodeJS.Signals | null = null;
  const on = (sig: NodeJS.Signals) => {
    got = sig;
    abort.abort();
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, on);
  try {
    const r = await clearHalt(dir, name, latch, who, waitMs, abort.signal);
    return got && !r.ok ? { ...r, code: 128 + SIGNALS[got] } : r;
  } finally {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, on);
  }
}

export const resumeCommand: Command = {
  command: 'resume',
  describe: 'clear pause, stop file and a latched halt (a halt needs --reason)',
  builder: (y) =>
    y
      .options(withEnv(LOCATE_OPTIONS))
      .option('reason', { type: 'string', describe: 'what was fixed; required to clear a halt, recorded with who and when' })
      .option('wait', { type: 'string', default: '40s', describe: 'how long to wait for a wrapper that holds the lock (its --on-halt hook, a probe wait) to answer' }),
  examples: [
    ['safehalt resume --name api --reason "db is back (INC-123)" && systemctl restart api', 'systemd: clear the halt, start the unit again'],
    ['safehalt resume --name nightly --reason "token renewed"', 'cron: the next tick runs the job again'],
    ['safehalt resume --name poller', 'lift a pause or a stop file (no halt: no reason needed)'],
  ],
  run: async (a) => {
    const reason = oneLine('reason', a.reason)?.trim() ?? '';
    const waitMs = duration('wait', a.wait);
    const { dir, name } = locateJob(a, { create: false });
    const by = whoAmI();
    const latch = loadMemory(dir, name).latch;
    const done: string[] = [];
    let clearedHalt: string | null = null;
    if (latch) {
      if (!reason) throw usageError(`the job is halted (${latch.reason}: ${printable(latch.message)}); say what was fixed: ${printable(jobHint('resume', dir, '--reason "what was fixed"'))}`);
      const r = await clearInterruptibly(dir, name, latch, { reason, by }, waitMs);
      if (!r.ok) {
        process.stderr.write(`safehalt: ${printable(r.message)}\n`);
        return r.code;
      }
      if (r.self) clearedHalt = latch.reason;
      done.push(r.message);
    }
    const stop = readMarker(filePath(dir, 'stop'));
    const pause = readMarker(filePath(dir, 'pause'));
    if (removeIfPresent(filePath(dir, 'stop'))) done.push('removed the stop file');
    if (removeIfPresent(filePath(dir, 'pause'))) done.push('removed the pause');
    if (done.length === 0) {
      writeStdout('nothing to resume: the job was not halted, paused or stopped.\n');
      return EXIT.OK;
    }
    // A halt the wrapper cleared is in the log already, with this request's id.
    if (clearedHalt || stop || pause) appendEvent(dir, 'resumed', { by, reason: reason || null, clearedHalt, clearedStop: stop !== null, clearedPause: pause !== null });
    refreshMetrics(dir);
    writeStdout(`resumed: ${printable(done.join(', '))}.\n`);
    return EXIT.OK;
  },
};
