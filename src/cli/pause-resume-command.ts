// `safehalt pause [--reason TEXT]` (resume: resume-command.ts).
import { jobHint } from '../util/job-hint.ts';
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { EXIT } from '../exit-codes.ts';
import { writeJsonSync } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { markerBody, whoAmI } from '../state/markers.ts';
import { appendEvent } from '../state/events.ts';
import { oneLine } from '../util/printable.ts';
import { childRunning, locateJob, runningMode, runningWrapper } from './locate.ts';
import { refreshMetrics } from '../integrations/metrics-refresh.ts';
import { writeStdout } from '../log/stdout.ts';

export const pauseCommand: Command = {
  command: 'pause',
  describe: 'finish the current iteration (service mode: stop the child gracefully), then start none until resume',
  builder: (y) => y.options(withEnv(LOCATE_OPTIONS)).option('reason', { type: 'string', describe: 'why, recorded with who and when' }),
  examples: [
    ['safehalt pause --name poller --reason "upstream maintenance"', 'a loop: finish this iteration, then start no new one'],
    ['safehalt pause --name nightly', 'cron: once-mode runs exit 85 and do nothing until resume'],
  ],
  run: async (a) => {
    const reason = oneLine('reason', a.reason) ?? null;
    const { dir } = locateJob(a, { create: true });
    // What runs is read before the pause file is written (the wrapper may act on it at once).
    const pid = runningWrapper(dir);
    const child = childRunning(dir);
    const mode = runningMode(dir);
    writeJsonSync(filePath(dir, 'pause'), markerBody({ reason }));
    appendEvent(dir, 'pause-requested', { by: whoAmI(), reason });
    refreshMetrics(dir);
    const what = !child
      ? ": no child is running (between runs); no new run starts until 'safehalt resume'"
      : mode === 'service'
        ? ": service mode: the child is being stopped gracefully now; no new run starts until 'safehalt resume'"
        : ' pauses after the current iteration';
    writeStdout(pid ? `pause requested: wrapper pid ${pid}${what}.\n` : `paused: the job will not start a run until: ${jobHint('resume', dir)}\n`);
    return EXIT.OK;
  },
};
