// One report line of the child (written to $SAFEHALT_FD), parsed: the same words and checks as the
// flags of `safehalt heartbeat`. Pure; an unparsable line is an error text, for a warning.
import { parseDuration } from '../util/duration.ts';

export type Report =
  | { kind: 'heartbeat' }
  | { kind: 'progress'; token: string }
  | { kind: 'cost'; amount: number }
  | { kind: 'step'; text: string }
  | { kind: 'begin'; action: string }
  | { kind: 'end' }
  | { kind: 'retry-after'; ms: number };

export const REPORT_WORDS = ['heartbeat', 'progress', 'cost', 'step', 'begin', 'end', 'retry-after'] as const;

/** A text of a report (token, step, action): one line of at most 1024 characters. */
export const TEXT_MAX = 1024;
export const textProblem = (s: string): string | null =>
  s.length === 0 ? 'is empty' : s.length > TEXT_MAX || /[\u0000-\u001f\u007f]/.test(s) ? `must be one line of at most ${TEXT_MAX} characters` : null;

/** Cost of one report: a decimal from 0 to 1e12 (as `heartbeat --cost`). */
export const COST_MAX = 1e12;
export function costOf(s: string): number | null {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= COST_MAX ? n : null;
}

export function parseReport(raw: string): Report | { error: string } {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const space = line.indexOf(' ');
  const word = space < 0 ? line : line.slice(0, space);
  const arg = space < 0 ? '' : line.slice(space + 1);
  const needs = (what: string) => ({ error: `"${word}" needs ${what}` });
  switch (word) {
    case 'heartbeat':
    case 'end':
      return arg.trim() === '' ? { kind: word } : { error: `"${word}" takes nothing after it` };
    case 'progress':
    case 'step':
    case 'begin': {
      const problem = textProblem(arg);
      if (problem) return needs(`a text (it ${problem})`);
      return word === 'progress' ? { kind: word, token: arg } : word === 'step' ? { kind: word, text: arg } : { kind: word, action: arg };
    }
    case 'cost': {
      const amount = costOf(arg);
      return amount === null ? needs(`a number from 0 to ${COST_MAX}`) : { kind: word, amount };
    }
    case 'retry-after':
      try {
        return { kind: word, ms: parseDuration('retry-after', arg) };
      } catch {
        return needs('a duration such as 30s, 5m or 120 (seconds), at most a year');
      }
    default:
      return { error: `unknown report (expected one of ${REPORT_WORDS.join(', ')})` };
  }
}

/** The lines `safehalt heartbeat` writes for its flags (a bare call is one `heartbeat`). */
export interface ReportFlags {
  progress?: string;
  cost?: number;
  step?: string;
  begin?: string;
  end?: boolean;
  retryAfter?: string;
}

export function reportLines(f: ReportFlags): string {
  const lines: string[] = [];
  if (f.progress !== undefined) lines.push(`progress ${f.progress}`);
  if (f.cost !== undefined && f.cost > 0) lines.push(`cost ${f.cost}`);
  if (f.step !== undefined) lines.push(`step ${f.step}`);
  if (f.retryAfter !== undefined) lines.push(`retry-after ${f.retryAfter}`);
  if (f.begin !== undefined) lines.push(`begin ${f.begin}`);
  if (f.end) lines.push('end');
  if (lines.length === 0) lines.push('heartbeat');
  return lines.join('\n') + '\n';
}
