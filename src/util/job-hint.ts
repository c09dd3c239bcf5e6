// The exact command a hint tells a person to run, naming the job by its state directory: a hint
// without it acts on another job, or on none (cron and systemd jobs are rarely found by default).
import { shellQuote } from '../policy/stop-report.ts';

export const jobHint = (words: string, stateDir: string, after = ''): string =>
  `safehalt ${words} --state-dir ${shellQuote(stateDir)}${after ? ` ${after}` : ''}`;
