// `safehalt heartbeat`, run by the supervised child: liveness, progress token, cost, current step,
// and an external action in flight (--begin ACTION ... --end).
import { closeSync, openSync, utimesSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { usageError, EXIT } from '../exit-codes.ts';
import { writeJson } from '../state/atomic-write.ts';
import { filePath } from '../state/files.ts';
import { CHILD_HEARTBEAT_SCHEMA, readChildHeartbeat, type ChildHeartbeat } from '../state/child-heartbeat.ts';
import { prepareStateDir, resolveStateDir } from '../state/state-dir.ts';
import { decimal } from './parse-values.ts';

const text = (flag: string, v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s.length > 1024 || /[\u0000-\u001f]/.test(s)) throw usageError(`--${flag}: expected one line of at most 1024 characters`);
  return s;
};

function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    closeSync(openSync(file, 'a', 0o600));
  }
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
      .conflicts('begin', 'end'),
  examples: [
    ['safehalt heartbeat --progress "$cursor" --cost 0.02 --step "page 3"', 'inside the job, once per unit of work'],
    ['safehalt heartbeat --begin send-invoices && ./send-invoices && safehalt heartbeat --end', 'an external action in flight: a crash inside it is reported to the next run'],
    ['safehalt run --stall-timeout 2m --name crawler -- ./crawl.sh', 'the job that calls heartbeat: no beat for 2m is a failure (class stalled)'],
  ],
  run: async (a) => {
    const { dir } = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined });
    prepareStateDir(dir, { create: false });
    const progress = text('progress', a.progress);
    const step = text('step', a.step);
    const begin = text('begin', a.begin);
    const cost = a.cost === undefined ? 0 : decimal('cost', a.cost, 0, 1e12);
    const file = filePath(dir, 'childHeartbeat');
    // Several children may report at once (xargs -P): one writer at a time, no update lost.
    const release = await lockfile.lock(file, { realpath: false, lockfilePath: `${file}.lock`, stale: 10_000, retries: { retries: 50, minTimeout: 5, maxTimeout: 100 } });
    try {
      const prev = readChildHeartbeat(dir);
      const iteration = Number(process.env.SAFEHALT_ITERATION);
      const next: ChildHeartbeat = {
        schema: CHILD_HEARTBEAT_SCHEMA,
        time: new Date().toISOString(),
        pid: process.ppid,
        iteration: Number.isFinite(iteration) ? iteration : (prev?.iteration ?? null),
        progress: progress ?? prev?.progress ?? null,
        step: step ?? prev?.step ?? null,
        cost: (prev?.cost ?? 0) + cost,
        beats: (prev?.beats ?? 0) + 1,
        action: begin !== undefined ? { name: begin, since: new Date().toISOString() } : a.end ? null : (prev?.action ?? null),
      };
      await writeJson(file, next, { durable: begin !== undefined || a.end === true || cost > 0 });
    } finally {
      await release();
    }
    touch(filePath(dir, 'childPulse'));
    return EXIT.OK;
  },
};
