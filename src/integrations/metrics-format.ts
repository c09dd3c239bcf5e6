// The Prometheus text exposition format (textfile collector) of a job's state, written by hand: a
// few gauges and counters do not need a client library at every start of the wrapper. The job's
// label is `safehalt_job`: `job` and `instance` belong to the scrape (node_exporter's target) and
// would arrive renamed to exported_job.
import os from 'node:os';
import type { Phase, Snapshot } from '../supervisor/bus.ts';
import { signalStatus } from '../exit-codes.ts';

export const PHASES: readonly Phase[] = ['starting', 'running', 'backoff', 'waiting', 'paused', 'stopping', 'halted', 'stopped'];
const FINAL: ReadonlySet<Phase> = new Set(['halted', 'stopped']);
const SIGNALS = os.constants.signals as Record<string, number>;

type Labels = Record<string, string>;
type Sample = [Labels, number];

/** Label values escaped as the format asks: backslash, double quote, newline. */
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function family(name: string, type: 'gauge' | 'counter', help: string, samples: Sample[]): string {
  const lines = [`# HELP safehalt_${name} ${help}`, `# TYPE safehalt_${name} ${type}`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
    lines.push(`safehalt_${name}{${l}} ${value}`);
  }
  return lines.join('\n');
}

/** The last run's status as a shell reports it: the exit code, or 128+N for signal N. */
function lastExitCode(s: Snapshot): number | null {
  const e = s.memory.lastExit;
  if (!e) return null;
  if (e.code !== null) return e.code;
  return e.signal && SIGNALS[e.signal] ? signalStatus(SIGNALS[e.signal]) : null;
}

export const JOB_LABEL = 'safehalt_job';

/** What the wrapper adds beside the snapshot: its cadence, and whether one is up (a command that refreshes the file after the wrapper is gone says 0). */
export interface Extras {
  items?: { brokenCount: number; skippedTotal: number } | null;
  up?: boolean;
  heartbeatIntervalMs?: number;
  stallTimeoutMs?: number;
  lastChildHeartbeatMs?: number | null;
  now?: number;
}

export function renderMetrics(job: string, s: Snapshot, x: Extras = {}): string {
  const m = s.memory;
  const j = { [JOB_LABEL]: job };
  const items = x.items ?? null;
  const up = x.up ?? !FINAL.has(s.phase);
  const one = (v: number | null): Sample[] => (v === null ? [] : [[j, v]]);
  const seconds = (wall: number | undefined) => (wall === undefined ? null : wall / 1000);
  const classes = Object.keys(m.classCounts).sort();
  return [
    family('up', 'gauge', '1 while the wrapper supervises the job, 0 once it has ended.', one(up ? 1 : 0)),
    family('phase', 'gauge', 'Current phase of the job (one-hot).', PHASES.map((p) => [{ ...j, phase: p }, p === s.phase ? 1 : 0])),
    family('iteration', 'gauge', 'Number of the current (or next) run of the child.', one(s.iteration)),
    family('runs_total', 'counter', 'Runs of the child that ended, successful or not.', one(m.runs)),
    family('successes_total', 'counter', 'Successful runs of the child.', one(m.successes)),
    family('restarts_total', 'counter', 'Restarts of the child after it ended.', one(m.restarts)),
    family('failures_total', 'counter', 'Failed runs of the child, by failure class.', classes.map((c) => [{ ...j, class: c }, m.classCounts[c]])),
    family('consecutive_failures', 'gauge', 'Failures in a row since the last success.', one(m.consecutiveFailures)),
    family('halted', 'gauge', '1 while a safe halt is latched: the job does not start until resumed.', one(m.latch ? 1 : 0)),
    family('halt_info', 'gauge', 'Reason and rule of the latched halt (only while halted).', m.latch ? [[{ ...j, reason: m.latch.reason, rule: m.latch.rule }, 1]] : []),
    family('last_exit_code', 'gauge', 'Exit status of the last run (128+N for signal N).', one(lastExitCode(s))),
    family('last_exit_timestamp_seconds', 'gauge', 'Wall time the last run ended.', one(seconds(m.lastExit?.at.wall))),
    family('last_success_timestamp_seconds', 'gauge', 'Wall time the last successful run ended.', one(seconds(m.lastSuccessAt?.wall))),
    family('heartbeat_timestamp_seconds', 'gauge', 'Wall time this file was written (at each transition and every heartbeat interval while up).', one((x.now ?? Date.now()) / 1000)),
    family('heartbeat_interval_seconds', 'gauge', 'How often a live wrapper rewrites this file (--heartbeat-interval).', one(x.heartbeatIntervalMs === undefined ? null : x.heartbeatIntervalMs / 1000)),
    family('stall_timeout_seconds', 'gauge', 'The child must send a heartbeat this often (--stall-timeout; only when set).', one(x.stallTimeoutMs ? x.stallTimeoutMs / 1000 : null)),
    family('child_heartbeat_timestamp_seconds', 'gauge', "Wall time of the child's last heartbeat (only once it sent one).", one(x.lastChildHeartbeatMs == null ? null : x.lastChildHeartbeatMs / 1000)),
    family('items_circuit_broken', 'gauge', 'Work items whose circuit is open (`safehalt item check` says skip).', items ? one(items.brokenCount) : []),
    family('items_skipped_total', 'counter', 'Work items skipped by `item check` and `item filter`.', items ? one(items.skippedTotal) : []),
  ].join('\n') + '\n';
}
