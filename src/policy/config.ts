// The typed configuration of `run` (config/run-config.ts extends it), built once from flags, environment and config file (cli/run-config.ts).
import { DEFAULT_SPIKES } from './spikes.ts';

export type Mode = 'service' | 'loop' | 'once';
export type RestartPolicy = 'always' | 'on-failure';

export interface SpikeRule {
  cls: string;
  count: number;
  withinMs: number;
}

export interface UserClass {
  name: string;
  pattern: RegExp;
}

export interface PolicyConfig {
  mode: Mode;
  restart: RestartPolicy;
  minUptimeMs: number;
  intervalMs: number;
  timeoutMs: number; // 0 = none
  backoffInitialMs: number;
  backoffMaxMs: number;
  backoffFactor: number;
  backoffJitter: number;
  maxConsecutiveFailures: number; // 0 disables
  maxFailures: number; // 0 disables
  withinMs: number;
  spikes: SpikeRule[];
  classify: UserClass[];
  classifyExit: Map<number, string>;
  maxRestarts: number; // 0 = no budget
  maxRuntimeMs: number;
  maxIterations: number;
  maxCost: number;
  noProgressAfter: number; // 0 disables
  loopRepeats: number; // 0 disables
}

export const DEFAULT_POLICY: PolicyConfig = {
  mode: 'service',
  restart: 'always',
  minUptimeMs: 10_000,
  intervalMs: 0,
  timeoutMs: 0,
  backoffInitialMs: 1000,
  backoffMaxMs: 300_000,
  backoffFactor: 2,
  backoffJitter: 0.2,
  maxConsecutiveFailures: 5,
  maxFailures: 10,
  withinMs: 600_000,
  spikes: [...DEFAULT_SPIKES],
  classify: [],
  classifyExit: new Map(),
  maxRestarts: 0,
  maxRuntimeMs: 0,
  maxIterations: 0,
  maxCost: 0,
  noProgressAfter: 0,
  loopRepeats: 3,
};
