// The typed configuration of `run`: what the supervisor and its integrations read. Built once at
// the edge from flags, environment and config file by cli/run-config.ts; defined here so that the
// supervisor depends on the configuration, not on the command line.
import type { LogFormat } from '../log/logger.ts';
import type { PolicyConfig } from '../policy/config.ts';

export interface RunConfig extends PolicyConfig {
  command: string;
  args: string[];
  stateDir: string;
  name: string;
  killTimeoutMs: number;
  /** A graceful stop waits this long for an action in flight (default: the kill timeout). */
  actionGraceMs: number;
  heartbeatIntervalMs: number;
  stallTimeoutMs: number;
  stopFiles: string[];
  waitLockMs: number;
  quiet: boolean;
  logFormat: LogFormat;
  orphan: 'wait' | 'kill';
  probeAfterMs: number;
  probeMaxMs: number;
  /** null: not given, keep what the state directory has. */
  maxRetriesPerItem: number | null;
  metricsFile: string | null;
  onHalt: string[] | null;
  onHaltTimeoutMs: number;
}
