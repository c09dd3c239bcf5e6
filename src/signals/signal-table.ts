// What every signal means to the wrapper. Each catchable signal whose default action would end a
// Node process either stops the job (the child first, then a stop reason SIGNAL, exit 0) or is
// passed on to the child's process group; none is ever fatal, none starts a debugger. `man 7
// signal` lists them; docs/reliability.md has the table and what each was tested with.

/** Stop the job, as SIGTERM does. A second one escalates to SIGKILL. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGXFSZ',
  'SIGPWR', 'SIGSTKFLT', 'SIGIO', 'SIGTRAP', 'SIGABRT', 'SIGSYS',
];

/** Passed on to the child's process group (reload, log reopen): the wrapper keeps running. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGUSR2'];

/** Not handled, and why. */
export const UNHANDLED: Readonly<Record<string, string>> = {
  SIGUSR1:
    'ignored: blocked in every thread of the executable (--disable-sigusr1), so that it can never start the inspector; ' +
    'bin/safehalt ignores it with a listener installed first. It is not passed on: signal the child group directly',
  SIGKILL: 'cannot be caught',
  SIGSTOP: 'cannot be caught',
  SIGSEGV: 'a real fault: a handler would run the faulting instruction again, forever',
  SIGBUS: 'a real fault (as SIGSEGV)',
  SIGFPE: 'a real fault (as SIGSEGV)',
  SIGILL: 'a real fault (as SIGSEGV)',
  SIGPIPE: 'ignored by Node: a write to a closed pipe fails with EPIPE, which the wrapper survives',
};

/** The signal the child's group gets when the wrapper stops on `sig`: SIGINT stays SIGINT (a Ctrl-C
 * at a terminal), every other stop is SIGTERM (a child must not dump core because the wrapper got
 * SIGQUIT or SIGXCPU). */
export const childStopSignal = (sig: NodeJS.Signals | undefined): NodeJS.Signals => (sig === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
