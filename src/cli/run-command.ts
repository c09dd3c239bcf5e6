// `safehalt run [options] -- CMD [ARGS...]`
import { RUN_GROUPS } from './run-options.ts';
import { LOCATE_OPTIONS, withEnv, type Command } from './command.ts';
import { buildRunConfig } from './run-config.ts';
import { usageError } from '../exit-codes.ts';
import { runJob } from '../supervisor/run-job.ts';

export const runCommand: Command = {
  command: 'run [cmd..]',
  describe: 'supervise CMD: restart it with backoff, halt safely when failures spike',
  builder: (y) => {
    y = y.usage('safehalt run [options] -- CMD [ARGS...]').options(withEnv(LOCATE_OPTIONS));
    for (const [group, opts] of Object.entries(RUN_GROUPS)) y = y.options(withEnv(opts)).group(Object.keys(opts), group);
    return y;
  },
  examples: [
    ['ExecStart=/usr/bin/safehalt run --name api -- /usr/local/bin/api-server', 'systemd: a service, restarted with backoff; see `safehalt unit`'],
    ['*/10 * * * * safehalt run --mode once --quiet --name nightly -- /usr/local/bin/sync', 'cron: one run per tick, with failure memory and latch'],
    ['safehalt run --mode loop --interval 30s --name poller -- ./poll.sh', 'a shell loop, done right'],
  ],
  run: async (a) => {
    const stray = (a.cmd as unknown[] | undefined) ?? [];
    if (stray.length > 0)
      throw usageError(`put -- before the command: safehalt run [options] -- ${stray.map(String).join(' ')}`);
    return runJob(buildRunConfig(a, ((a['--'] as unknown[]) ?? []).map(String)));
  },
};
