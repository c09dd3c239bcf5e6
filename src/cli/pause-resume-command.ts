// `safehalt pause` and `safehalt resume [--reason TEXT]`.
import { jobHint } from '../util/job-hint.ts';
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { usageError, EXIT } from '../exit-codes.ts';
import { writeJsonSync } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { markerBody, readMarker, whoAmI } from '../state/markers.ts';
import { appendEvent } from '../state/events.ts';
import { loadMemory, saveMemory } from '../state/memory-store.ts';
import { tryLock } from '../state/run-lock.ts';
import { removeIfPresent } from '../state/read-trusted.ts';
import { clearLatch } from '../policy/memory.ts';
import { systemClock } from '../state/system-clock.ts';
import { locateForWrite, runningMode, runningWrapper } from './locate.ts';
import { refreshMetrics } from '../integrations/metrics-refresh.ts';

export const pauseCommand: Command = {
  command: 'pause',
  describe: 'finish the current iteration (service mode: stop the child gracefully), then start none until resume',
  builder: (y) => y.options(withEnv(LOCATE_OPTIONS)).option('reason', { type: 'string', describe: 'why, recorded with who and when' }),
  examples: [
    ['safehalt pause --name poller --reason "upstream maintenance"', 'a loop: finish this iteration, then start no new one'],
    ['safehalt pause --name nightly', 'cron: once-mode runs exit 85 and do nothing until resume'],
  ],
  run: async (a) => {
    const { dir } = locateForWrite(a);
    writeJsonSync(filePath(dir, 'pause'), markerBody({ reason: (a.reason as string) ?? null }));
    appendEvent(dir, 'pause-requested', { by: whoAmI(), reason: a.reason ?? null });
    const pid = runningWrapper(dir);
    refreshMetrics(dir);
    const what = runningMode(dir) === 'service'
      ? ": service mode: the child is being stopped gracefully now; no new run starts until 'safehalt resume'"
      : ' pauses after the current iteration';
    process.stdout.write(pid ? `pause requested: wrapper pid ${pid}${what}.\n` : `paused: the job will not start a run until: ${jobHint('resume', dir)}\n`);
    return EXIT.OK;
  },
};

export const resumeCommand: Command = {
  command: 'resume',
  describe: 'clear pause, stop file and a latched halt (a halt needs --reason)',
  builder: (y) =>
    y
      .options(withEnv(LOCATE_OPTIONS))
      .option('reason', { type: 'string', describe: 'what was fixed; required to clear a halt, recorded with who and when' }),
  examples: [
    ['safehalt resume --name api --reason "db is back (INC-123)" && systemctl restart api', 'systemd: clear the halt, start the unit again'],
    ['safehalt resume --name nightly --reason "token renewed"', 'cron: the next tick runs the job again'],
    ['safehalt resume --name poller', 'lift a pause or a stop file (no halt: no reason needed)'],
  ],
  run: async (a) => {
    const { dir, name } = locateForWrite(a);
    const reason = typeof a.reason === 'string' ? a.reason.trim() : '';
    const memory = loadMemory(dir, name);
    const done: string[] = [];
    let requested = false;
    if (memory.latch) {
      if (!reason) throw usageError(`the job is halted (${memory.latch.reason}: ${memory.latch.message}); say what was fixed: ${jobHint('resume', dir, '--reason "what was fixed"')}`);
      const held = await tryLock(dir, () => undefined);
      if (held.ok) {
        try {
          await saveMemory(dir, clearLatch(loadMemory(dir, name), systemClock.now()));
        } finally {
          await held.release();
        }
        done.push(`cleared the ${memory.latch.reason} halt`);
      } else {
        // A wrapper is up in phase `halted` (--probe-after): it clears its own latch on this request.
        writeJsonSync(filePath(dir, 'resume'), markerBody({ reason }));
        requested = true;
        done.push(`asked the running wrapper (pid ${held.owner?.pid ?? '?'}) to clear the ${memory.latch.reason} halt`);
      }
    }
    const stop = readMarker(filePath(dir, 'stop'));
    const pause = readMarker(filePath(dir, 'pause'));
    if (removeIfPresent(filePath(dir, 'stop'))) done.push('removed the stop file');
    if (removeIfPresent(filePath(dir, 'pause'))) done.push('removed the pause');
    appendEvent(dir, requested ? 'resume-requested' : 'resumed', {
      by: whoAmI(),
      reason: reason || null,
      clearedHalt: memory.latch?.reason ?? null,
      clearedStop: stop !== null,
      clearedPause: pause !== null,
    });
    refreshMetrics(dir);
    process.stdout.write(done.length ? `resumed: ${done.join(', ')}.\n` : 'nothing to resume: the job was not halted, paused or stopped.\n');
    return EXIT.OK;
  },
};
