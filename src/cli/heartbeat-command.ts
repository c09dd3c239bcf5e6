// `safehalt heartbeat`, run by the supervised child: liveness, progress token, cost, current step,
// and an external action in flight (--begin ACTION ... --end). Inside the job it writes report lines
// to $SAFEHALT_FD (report-via-fd.ts); elsewhere it updates child-heartbeat.json itself. Both are
// the same reports, folded the same way (state/child-report.ts).
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { usageError, EXIT } from '../exit-codes.ts';
import { parseReport, reportLines, textProblem, type ReportFlags } from '../child/report-line.ts';
import { emptyDelta, foldReport, recordReports } from '../state/child-report.ts';
import { oneLine } from '../util/printable.ts';
import { prepareStateDir, resolveStateDir } from '../state/state-dir.ts';
import { decimal, duration } from './parse-values.ts';
import { reportFd, reportViaFd } from './report-via-fd.ts';

const text = (flag: string, v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  const s = oneLine(flag, v, 1024)!; // C0, DEL, C1 and bidirectional controls: exit 64 (util/printable.ts)
  if (textProblem(s)) throw usageError(`--${flag}: expected one line of 1 to 1024 characters, without control characters`);
  return s;
};

/** Without the descriptor: the same lines, folded and recorded here. */
async function recordHere(dir: string, f: ReportFlags): Promise<void> {
  const d = emptyDelta();
  const now = new Date();
  for (const line of reportLines(f).slice(0, -1).split('\n')) {
    const r = parseReport(line);
    if (!('error' in r)) foldReport(d, r, now);
  }
  const iteration = Number(process.env.SAFEHALT_ITERATION);
  await recordReports(dir, d, { pid: process.ppid, iteration: process.env.SAFEHALT_ITERATION && Number.isFinite(iteration) ? iteration : null });
}

export const heartbeatCommand: Command = {
  command: 'heartbeat',
  describe: 'run by the supervised child: prove liveness, report progress, cost, step, actions',
  builder: (y) =>
    y
      .options(withEnv(LOCATE_OPTIONS))
      .option('progress', { type: 'string', describe: 'progress token: a cursor, a count, a hash' })
      .option('cost', { type: 'string', describe: 'add this cost (tokens, dollars, calls) to the job\'s total' })
      .option('step', { type: 'string', describe: 'what the child is doing now' })
      .option('begin', { type: 'string', describe: 'an external action starts (API call, email, write)' })
      .option('end', { type: 'boolean', describe: 'the action begun with --begin is done' })
      .option('retry-after', { type: 'string', describe: 'this run failed on a retry hint: wait at least this long before the next (capped by --backoff-max)' })
      .conflicts('begin', 'end'),
  examples: [
    ['safehalt heartbeat --progress "$cursor" --cost 0.02 --step "page 3"', 'inside the job, once per unit of work'],
    ['safehalt heartbeat --begin send-invoices && ./send-invoices && safehalt heartbeat --end', 'an external action in flight: a crash inside it is reported to the next run'],
    ['echo "progress $cursor" >&$SAFEHALT_FD', 'inside the job, the same report without starting a process'],
  ],
  run: async (a) => {
    const { dir } = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined });
    prepareStateDir(dir, { create: false });
    const f: ReportFlags = {
      progress: text('progress', a.progress),
      step: text('step', a.step),
      begin: text('begin', a.begin),
      end: a.end === true,
      cost: a.cost === undefined ? 0 : decimal('cost', a.cost, 0, 1e12),
      // Checked here, so that a bad duration is a usage error, not a report line dropped later.
      retryAfter: a['retry-after'] === undefined ? undefined : (duration('retry-after', a['retry-after']), String(a['retry-after'])),
    };
    const fd = reportFd(dir);
    const sent = fd === null ? 'unsent' : await reportViaFd(fd, dir, f);
    if (sent === 'unsent') await recordHere(dir, f);
    else if (sent === 'unconfirmed') await recordHere(dir, { begin: f.begin, end: f.end });
    return EXIT.OK;
  },
};
