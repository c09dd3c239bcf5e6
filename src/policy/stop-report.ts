// The content of stop-reason.json: why the job stopped, in words and in counts, and how to go on.
import { elapsed, isoOf, type Stamp } from './clock.ts';
import type { PolicyConfig } from './config.ts';
import type { Memory } from './memory.ts';
import { inWindow } from './rules.ts';
import { STOP_REASONS, type StopReason } from './stop-reasons.ts';
import { clipArgv } from '../util/clip.ts';

export const STOP_REPORT_SCHEMA = 1;
const HALTS: readonly string[] = ['FAILURE_SPIKE', 'RETRY_LIMIT_REACHED', 'BUDGET_EXCEEDED', 'NO_PROGRESS', 'LOOP_DETECTED', 'HALT_LATCHED'];
export const RECENT_IN_REPORT = 10;
export const COMMAND_IN_REPORT = 4096;

export interface StopReportInput {
  reason: StopReason;
  exitCode: number;
  message: string;
  rule: string | null;
  memory: Memory;
  now: Stamp;
  cfg: PolicyConfig;
  name: string;
  stateDir: string;
  command: string[];
  requestedBy?: { by: string | null; reason: string | null; at: string | null; file: string } | null;
  extra?: Record<string, unknown>;
}

export const resumeCommand = (stateDir: string) => `safehalt resume --state-dir ${shellQuote(stateDir)} --reason "what was fixed"`;

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function buildStopReport(i: StopReportInput) {
  const m = i.memory;
  const windowMs = Math.max(i.cfg.withinMs, ...i.cfg.spikes.map((s) => s.withinMs));
  const last = ['FAILURE_SPIKE', 'RETRY_LIMIT_REACHED', 'HALT_LATCHED'].includes(i.reason) ? m.recent.at(-1) : undefined;
  const windowCounts: Record<string, number> = {};
  for (const f of inWindow(m.recent, m.windowFrom, i.now, windowMs)) windowCounts[f.cls] = (windowCounts[f.cls] ?? 0) + 1;
  // The truth about the latch, whatever ended this run: a stop while halted (--probe-after) leaves
  // the halt latched, and the file names it and says how to clear it.
  const halted = m.latch !== null;
  const haltReason = m.latch !== null && !HALTS.includes(i.reason) ? m.latch : null;
  return {
    schema: STOP_REPORT_SCHEMA,
    reason: i.reason,
    exitCode: i.exitCode,
    message: i.message,
    explanation: STOP_REASONS[i.reason].means,
    rule: i.rule,
    // What the last failure said that placed it in its class (the phrase of a built-in class).
    matched: last?.matched === undefined ? null : { class: last.cls, phrase: last.matched },
    job: i.name,
    // Clipped: a command line may be megabytes, more than a reader of this file accepts.
    command: clipArgv(i.command, COMMAND_IN_REPORT),
    stateDir: i.stateDir,
    time: isoOf(i.now),
    counts: {
      runs: m.runs,
      failures: m.failures,
      consecutiveFailures: m.consecutiveFailures,
      restarts: m.restarts,
      byClass: m.classCounts,
      inWindow: windowCounts,
      windowSeconds: Math.round(windowMs / 1000),
    },
    recentFailures: m.recent.slice(-RECENT_IN_REPORT).map((f) => ({
      time: isoOf(f.at),
      ageSeconds: Math.round(elapsed(f.at, i.now) / 1000),
      iteration: f.iteration,
      exitCode: f.code,
      signal: f.signal,
      class: f.cls,
      durationMs: f.durationMs,
      matched: f.matched ?? null,
      stderrTail: f.stderrTail,
    })),
    progressTokens: m.progress.tokens.slice(-8),
    requestedBy: i.requestedBy ?? null,
    latched: halted,
    ...(haltReason ? { latchedHalt: { reason: haltReason.reason, rule: haltReason.rule, message: haltReason.message, exitCode: haltReason.exitCode, time: isoOf(haltReason.at) } } : {}),
    next: haltReason ? `the ${haltReason.reason} halt stays latched: ${STOP_REASONS[haltReason.reason].next}` : STOP_REASONS[i.reason].next,
    resume: halted ? resumeCommand(i.stateDir) : null,
    ...i.extra,
  };
}

export type StopReport = ReturnType<typeof buildStopReport>;
