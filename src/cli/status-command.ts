// `safehalt status [--json] [--watch]`: the job's state from its files; the exit code says it too.
// `status --all [--root DIR]...`: one line per job on the host, worst first, the worst's exit code.
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { locateJob } from './locate.ts';
import { jsonSafe, printableLines } from '../util/printable.ts';
import { readStatus } from '../status/read-status.ts';
import { renderText } from '../status/render-text.ts';
import { scanHost } from '../status/scan-roots.ts';
import { renderAll } from '../status/render-all.ts';
import { usageError } from '../exit-codes.ts';
import { lstatSync } from 'node:fs';
import { asOwner } from '../status/as-owner.ts';
import { loadCold } from './fast/parts.ts';
import { writeStdout } from '../log/stdout.ts';

function allJobs(a: Record<string, unknown>): number {
  if (a.watch || a['state-dir'] || a.name) throw usageError('status --all reads every job: drop --watch, --state-dir and --name (add a directory of jobs with --root DIR).');
  const h = scanHost(((a.root as unknown[]) ?? []).map(String), { defaults: !a['no-default-roots'] });
  writeStdout(a.json ? jsonSafe(JSON.stringify(h, null, 2)) + '\n' : printableLines(renderAll(h)));
  return h.exitCode;
}

export const statusCommand: Command = {
  command: 'status',
  describe: 'show the state of a job (exit 0 healthy or stopped, 80-82 halted, 85 paused, 87 failing), or of every job (--all)',
  builder: (y) =>
    y
      .options(withEnv(LOCATE_OPTIONS))
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('watch', { type: 'boolean', default: false, describe: 'redraw as the state files change' })
      .option('all', { type: 'boolean', default: false, describe: 'every job under /var/lib/safehalt, $XDG_STATE_HOME/safehalt and each --root, worst first' })
      .option('root', { type: 'array', string: true, describe: 'with --all: another directory whose subdirectories are jobs (repeatable)' })
      .option('no-default-roots', { type: 'boolean', default: false, describe: 'with --all: read only each --root, not /var/lib/safehalt and $XDG_STATE_HOME/safehalt' }),
  examples: [
    ['safehalt status --name api', 'systemd: is the service healthy, failing, halted or paused, and why'],
    ['safehalt status --name nightly --json | jq .halt', 'cron or monitoring: the halt reason as JSON (exit 80-87 when not healthy)'],
    ['sudo safehalt status --all', 'every job on the host, halted and failing first'],
  ],
  run: async (a) => {
    if (a.all) return allJobs(a);
    if (a.root) throw usageError('--root goes with --all: safehalt status --all --root DIR');
    const { dir, name } = locateJob(a, { create: false, readOnly: true });
    // Root reads a User= job's files as that user (as status --all does); nobody else can read them.
    const st = lstatSync(dir);
    const read = () => asOwner(st.uid, st.gid, () => readStatus(dir, name));
    if (a.watch) return (await loadCold()).watchStatus(dir, read, Boolean(a.json));
    const v = read();
    writeStdout(a.json ? jsonSafe(JSON.stringify(v, null, 2)) + '\n' : renderText(v));
    return v.exitCode;
  },
};
