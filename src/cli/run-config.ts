// yargs values of `run` become one typed RunConfig, once, at the edge.
import { usageError } from '../exit-codes.ts';
import type { RunConfig } from '../config/run-config.ts';
import { resolveStateDir } from '../state/state-dir.ts';
import { choice, count, decimal, duration, exitClass, list, spike, userClass, windowCount, words } from './parse-values.ts';
import { spikeRules as withDefaults } from '../policy/spikes.ts';
import path from 'node:path';
import { MAX_SPIKE_RULES } from '../policy/ring.ts';

export type { RunConfig };

export function buildRunConfig(a: Record<string, unknown>, cmd: string[]): RunConfig {
  if (cmd.length === 0 || cmd[0] === '') throw usageError('missing command: safehalt run [options] -- CMD [ARGS...]');
  const located = resolveStateDir({ stateDir: a['state-dir'] as string | undefined, name: a.name as string | undefined, command: cmd[0] });
  const mode = choice('mode', a.mode, ['service', 'loop', 'once'] as const);
  const backoffInitialMs = duration('backoff-initial', a['backoff-initial']);
  const backoffMaxMs = duration('backoff-max', a['backoff-max']);
  if (backoffMaxMs < backoffInitialMs)
    throw usageError(`--backoff-max (${a['backoff-max']}) must not be below --backoff-initial (${a['backoff-initial']})`);
  const onHaltText = a['on-halt'] === undefined ? '' : String(a['on-halt']).trim();
  const onHalt = onHaltText ? words(onHaltText) : null;
  return {
    mode,
    restart: choice('restart', a.restart, ['always', 'on-failure'] as const),
    minUptimeMs: duration('min-uptime', a['min-uptime']),
    intervalMs: duration('interval', a.interval),
    timeoutMs: duration('timeout', a.timeout),
    backoffInitialMs,
    backoffMaxMs,
    backoffFactor: decimal('backoff-factor', a['backoff-factor'], 1, 100),
    backoffJitter: decimal('backoff-jitter', a['backoff-jitter'], 0, 1),
    maxConsecutiveFailures: count('max-consecutive-failures', a['max-consecutive-failures']),
    maxFailures: windowCount('max-failures', a['max-failures']),
    withinMs: duration('within', a.within),
    spikes: spikeRules(list(a.spike)),
    classify: list(a.classify).map(userClass),
    classifyExit: new Map(list(a['classify-exit']).map(exitClass)),
    maxRestarts: count('max-restarts', a['max-restarts']),
    maxRuntimeMs: duration('max-runtime', a['max-runtime']),
    maxIterations: count('max-iterations', a['max-iterations']),
    maxCost: decimal('max-cost', a['max-cost'], 0, Number.MAX_SAFE_INTEGER),
    noProgressAfter: count('no-progress-after', a['no-progress-after']),
    loopRepeats: count('loop-repeats', a['loop-repeats'], 16),
    command: cmd[0],
    args: cmd.slice(1),
    stateDir: located.dir,
    name: located.name,
    killTimeoutMs: duration('kill-timeout', a['kill-timeout']),
    actionGraceMs: a['action-grace'] === undefined ? duration('kill-timeout', a['kill-timeout']) : duration('action-grace', a['action-grace']),
    heartbeatIntervalMs: Math.max(duration('heartbeat-interval', a['heartbeat-interval']), 100),
    stallTimeoutMs: duration('stall-timeout', a['stall-timeout']),
    stopFiles: list(a['stop-file']).map((f) => path.resolve(f)),
    waitLockMs: duration('wait-lock', a['wait-lock']),
    quiet: Boolean(a.quiet),
    logFormat: choice('log-format', a['log-format'], ['text', 'json'] as const),
    orphan: choice('orphan', a.orphan, ['wait', 'kill'] as const),
    probeAfterMs: duration('probe-after', a['probe-after']),
    probeMaxMs: duration('probe-max', a['probe-max']),
    maxRetriesPerItem: a['max-retries-per-item'] === undefined ? null : count('max-retries-per-item', a['max-retries-per-item']),
    metricsFile: a['metrics-file'] ? path.resolve(String(a['metrics-file'])) : null,
    onHalt,
    onHaltTimeoutMs: positive('on-halt-timeout', duration('on-halt-timeout', a['on-halt-timeout'])),
  };
}

/** The user's --spike rules added to the built-in defaults (policy/spikes.ts), within the bound. */
function spikeRules(texts: string[]) {
  const rules = withDefaults(texts.map(spike));
  if (rules.length > MAX_SPIKE_RULES) throw usageError(`--spike: expected at most ${MAX_SPIKE_RULES} rules, got ${rules.length}`);
  return rules;
}

/** A bound that must bound something: 0 would end the hook before it starts. */
function positive(flag: string, ms: number): number {
  if (ms <= 0) throw usageError(`--${flag}: expected a duration above 0 (the hook is always bounded in time), got 0`);
  return ms;
}
