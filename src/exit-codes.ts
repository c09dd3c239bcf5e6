// The one exit-code table: every code the program returns or reports (the once-mode statuses that
// follow shell conventions too); code, README, --help and man page read it from here.
export const EXIT = {
  OK: 0,
  USAGE: 64,
  CONFIG: 78,
  HALT_FAILURES: 80,
  HALT_BUDGET: 81,
  HALT_PROGRESS: 82,
  LATCHED: 83,
  BUSY: 84,
  PAUSED: 85,
  ITEM_OPEN: 86,
  FAILING: 87,
  /** Once mode: --timeout ended the run (as timeout(1)). */
  TIMEOUT: 124,
  /** The command exists but cannot be executed (as a shell says). */
  CANNOT_EXECUTE: 126,
  /** The command was not found (as a shell says). */
  NOT_FOUND: 127,
  /** Once mode: the child died of signal n; the status is 128+n. */
  SIGNAL_BASE: 128,
} as const;

/** The status a shell gives a process killed by signal number n. */
export const signalStatus = (n: number): number => EXIT.SIGNAL_BASE + n;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | number;

export const EXIT_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [EXIT.OK, 'stopped cleanly: stop file, a stop signal (SIGTERM, SIGINT, ...) handled, COMPLETED; in once mode the child succeeded'],
  [EXIT.USAGE, 'usage error (bad flags, missing command)'],
  [EXIT.CONFIG, 'configuration error, or a state file that cannot be trusted (nothing is overwritten)'],
  [EXIT.HALT_FAILURES, 'safe halt: failure spike or retry limit (FAILURE_SPIKE, RETRY_LIMIT_REACHED)'],
  [EXIT.HALT_BUDGET, 'safe halt: budget exceeded (BUDGET_EXCEEDED)'],
  [EXIT.HALT_PROGRESS, 'safe halt: no progress or loop detected (NO_PROGRESS, LOOP_DETECTED)'],
  [EXIT.LATCHED, 'refused: a halt is latched from an earlier run; safehalt resume --reason ... first'],
  [EXIT.BUSY, "busy: another run holds this job's lock"],
  [EXIT.PAUSED, 'paused: once mode found the job paused and did nothing'],
  [EXIT.ITEM_OPEN, "item check: this item's circuit is open; skip it"],
  [EXIT.FAILING, 'status: the job is failing (its last runs failed) but not halted yet'],
  [EXIT.TIMEOUT, 'once mode: --timeout stopped the run (TIMEOUT), as timeout(1)'],
  [EXIT.CANNOT_EXECUTE, 'once mode: the command cannot be executed (permission, not a program)'],
  [EXIT.NOT_FOUND, 'once mode: the command was not found'],
  [EXIT.SIGNAL_BASE, 'once mode: 128+n, the child died of signal n (e.g. 143 for SIGTERM)'],
];

/** An error the user can cause: one line, a documented exit code, never a stack trace. */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
    this.name = 'UserError';
  }
}

export const usageError = (message: string) => new UserError(message, EXIT.USAGE);
export const configError = (message: string) => new UserError(message, EXIT.CONFIG);

/** A UserError from either bundle (the full parser is bundled apart: see scripts/bundle.mjs). */
export const isUserError = (e: unknown): e is UserError =>
  e instanceof Error && e.name === 'UserError' && typeof (e as UserError).exitCode === 'number';
