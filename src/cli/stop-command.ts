// `safehalt stop [--now] [--reason TEXT]`: create the stop file; --now also kills the running child.
import { jobHint } from '../util/job-hint.ts';
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { writeJsonSync } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { markerBody } from '../state/markers.ts';
import { childRunning, locateJob, runningMode, runningWrapper } from './locate.ts';
import { oneLine, printable } from '../util/printable.ts';
import { refreshMetrics } from '../integrations/metrics-refresh.ts';
import { writeStdout } from '../log/stdout.ts';

/** What the running wrapper does with the stop file, in its mode. */
function stopWords(now: boolean, mode: string | null, child: boolean): string {
  if (!child) return 'no child is running (between runs): the wrapper stops now';
  if (mode === 'service')
    return now
      ? 'service mode: the child is being killed now (SIGKILL to its group, no grace)'
      : 'service mode: the child is being stopped gracefully now (SIGTERM, SIGKILL after --kill-timeout)';
  return now ? 'the child is being terminated now (SIGTERM, SIGKILL after --kill-timeout)' : 'it stops at the next loop boundary (the running iteration finishes)';
}

export const stopCommand: Command = {
  command: 'stop',
  describe: 'ask the job to stop (stop file): loop/once at the next boundary, service now; --now at once',
  builder: (y) =>
    y
      .options(withEnv(LOCATE_OPTIONS))
      .option('now', { type: 'boolean', default: false, describe: 'terminate the running child now (USER_KILLED); service mode: SIGKILL at once' })
      .option('reason', { type: 'string', describe: 'why, recorded with who and when' }),
  examples: [
    ['safehalt stop --name api --now --reason "db migration"', 'systemd: end the child now; the unit exits 0 and is not restarted'],
    ['safehalt stop --name nightly --reason "vendor outage"', 'cron: later runs exit 0 at once without starting the job, until resume'],
    ['safehalt stop --name poller', 'a loop: finish the current iteration, then exit 0'],
  ],
  run: async (a) => {
    const reason = oneLine('reason', a.reason) ?? null;
    const { dir } = locateJob(a, { create: true });
    const file = filePath(dir, 'stop');
    // What runs is read before the stop file is written: a wrapper may act on it (end its child,
    // even exit) before this command looks again, and the words are about the moment of the request.
    const pid = runningWrapper(dir);
    const what = pid ? stopWords(Boolean(a.now), runningMode(dir), childRunning(dir)) : '';
    writeJsonSync(file, markerBody({ now: Boolean(a.now), reason }));
    refreshMetrics(dir);
    writeStdout(
      pid
        ? `stop requested: wrapper pid ${pid}: ${what}.\n`
        : `stop file written (${printable(file)}): no run is active; 'safehalt run' will not start the job until: ${jobHint('resume', dir)}\n`,
    );
    return 0;
  },
};
