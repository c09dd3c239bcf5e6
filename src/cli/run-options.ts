// The flags of `safehalt run`, grouped as --help shows them. Values are checked in run-config.ts.
import type { Options } from 'yargs';
import { DEFAULT_SPIKES, formatSpike } from '../policy/spikes.ts';

type Spec = Record<string, Options>;

const d = (describe: string, extra: Options = {}): Options => ({ describe, type: 'string', ...extra });

export const RUN_GROUPS: Record<string, Spec> = {
  'Mode:': {
    mode: d('service (long-running, restarted), loop (one iteration per run) or once (cron)', { default: 'service' }),
    restart: d('service mode: restart always, or only on-failure', { default: 'always' }),
    'min-uptime': d('service mode: a run shorter than this is a failure, a longer one resets the consecutive count', { default: '10s' }),
    interval: d('loop mode: pause between iterations', { default: '0' }),
    timeout: d('end a run that takes longer (class timeout); 0 = none', { default: '0' }),
    'kill-timeout': d('grace between SIGTERM and SIGKILL when stopping the child', { default: '10s' }),
    'action-grace': d('a graceful stop waits this long for an action in flight (heartbeat --begin) to end; default: --kill-timeout'),
  },
  'Backoff:': {
    'backoff-initial': d('first delay after a failure', { default: '1s' }),
    'backoff-max': d('cap of the delay', { default: '5m' }),
    'backoff-factor': d('growth per consecutive failure', { default: '2' }),
    'backoff-jitter': d('random spread, 0..1', { default: '0.2' }),
  },
  'Halt rules (0 disables a rule):': {
    'max-consecutive-failures': d('RETRY_LIMIT_REACHED after N failures in a row', { default: '5' }),
    'max-failures': d('FAILURE_SPIKE after N failures within --within (N up to 50)', { default: '10' }),
    within: d('window of --max-failures', { default: '10m' }),
    spike: d(`CLASS:N/DURATION (repeatable), added to the defaults ${DEFAULT_SPIKES.map(formatSpike).join(', ')}; a rule for a class replaces its default; none clears them`, { type: 'array' }),
    classify: d('NAME=/REGEX/flags on the stderr tail (repeatable)', { type: 'array' }),
    'classify-exit': d('CODE=NAME (repeatable)', { type: 'array' }),
  },
  'Budgets (0 = none):': {
    'max-restarts': d('BUDGET_EXCEEDED after N restarts', { default: '0' }),
    'max-runtime': d('BUDGET_EXCEEDED after this wall time of the run', { default: '0' }),
    'max-iterations': d('loop mode: COMPLETED (exit 0) after N iterations', { default: '0' }),
    'max-cost': d('BUDGET_EXCEEDED once the child has reported this much cost', { default: '0' }),
    'no-progress-after': d('NO_PROGRESS after N iterations with the same progress token', { default: '0' }),
    'loop-repeats': d('LOOP_DETECTED when a cycle of tokens (period ≤ 4) repeats N times', { default: '3' }),
  },
  'Liveness and files:': {
    'heartbeat-interval': d('how often heartbeat.json is written', { default: '10s' }),
    'stall-timeout': d('no child heartbeat within this is a failure (class stalled); 0 = off', { default: '0' }),
    'stop-file': d('more stop files besides STATE_DIR/.stop (repeatable)', { type: 'array' }),
    'metrics-file': d('write Prometheus textfile-collector metrics here'),
    'on-halt': d('command run on a safe halt (no shell), with SAFEHALT_STOP_REASON_FILE set'),
    'on-halt-timeout': d('bound on the --on-halt command', { default: '30s' }),
  },
  'Coordination:': {
    'wait-lock': d('wait this long for another run of the job instead of exiting 84', { default: '0' }),
    orphan: d('a child of a dead earlier wrapper still runs: wait for it, or kill it', { default: 'wait' }),
    'probe-after': d('after a failure-spike halt, try one run after this cooldown (opt-in)', { default: '0' }),
    'probe-max': d('cap of the doubling probe cooldown', { default: '1h' }),
    'max-retries-per-item': d('default --max-retries of `item check` for this job (stored in the state directory; 0 = unlimited)'),
  },
  'Output:': {
    quiet: { describe: 'cron, like chronic: keep the child\'s output and print it only if a run fails, times out or halts', type: 'boolean', default: false },
    'log-format': d('text or json (the child\'s lines become JSON records too)', { default: 'text' }),
  },
};

export const RUN_OPTION_NAMES = Object.values(RUN_GROUPS).flatMap((g) => Object.keys(g));
