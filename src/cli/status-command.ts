// `safehalt status [--json] [--watch]`: the job's state from its files; the exit code says it too.
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { resolveStateDir, prepareStateDir } from '../state/state-dir.ts';
import { readStatus } from '../status/read-status.ts';
import { renderText } from '../status/render-text.ts';
import { loadCold } from './fast/parts.ts';

export const statusCommand: Command = {
  command: 'status',
  describe: 'show the state of a job (exit 0 healthy or stopped, 80-82 halted, 85 paused)',
  builder: (y) =>
    y
      .options(withEnv(LOCATE_OPTIONS))
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .option('watch', { type: 'boolean', default: false, describe: 'redraw as the state files change' }),
  examples: [
    ['safehalt status --name api', 'systemd: is the service healthy, halted or paused, and why'],
    ['safehalt status --name nightly --json | jq .halt', 'cron or monitoring: the halt reason as JSON (exit 80-85 when not healthy)'],
    ['safehalt status --name poller --watch', 'a loop: follow the phase and iteration live'],
  ],
  run: async (a) => {
    const { dir, name } = resolveStateDir({ stateDir: a['state-dir'] as string, name: a.name as string });
    prepareStateDir(dir, { create: false, readOnly: true });
    if (a.watch) return (await loadCold()).watchStatus(dir, name, Boolean(a.json));
    const v = readStatus(dir, name);
    process.stdout.write(a.json ? JSON.stringify(v, null, 2) + '\n' : renderText(v));
    return v.exitCode;
  },
};
