// The machine's signal-group effect: the child's group and the rest of its session, through the one
// guarded signaller (child/group-signal.ts), and the record of how the run was ended (the first
// signal, SIGKILL after it and why), which the run's exit tells the machine.
import { signalGroup, signalSession } from '../child/group-signal.ts';
import { FORWARDED_SIGNALS } from '../signals/signal-table.ts';
import type { RunRecord } from './child-run.ts';

export class ChildSignals {
  private run: RunRecord | null = null;
  private killWhy: 'kill-timeout' | 'escalation' | null = null;

  /** The run now going on (null between runs). */
  track(run: RunRecord | null): void {
    this.run = run;
    this.killWhy = null;
  }

  /** The machine's `killed` event says why the SIGKILL that follows it is sent. */
  killed(why: unknown): void {
    this.killWhy = why === 'kill-timeout' ? 'kill-timeout' : 'escalation';
  }

  send(pid: number, sig: NodeJS.Signals): void {
    // SIGHUP and SIGUSR2 are passed on to the group: no stop, nothing to record.
    if (FORWARDED_SIGNALS.includes(sig)) return void signalGroup(pid, sig);
    const run = this.run?.pid === pid ? this.run : null;
    if (sig === 'SIGKILL') {
      if (run) run.ending = { signal: run.ending?.signal ?? 'SIGKILL', killedBy: run.ending?.killedBy ?? this.killWhy ?? 'escalation' };
      return void signalSession(pid, 'SIGKILL');
    }
    if (run && !run.ending) run.ending = { signal: sig, killedBy: null };
    signalSession(pid, sig);
    signalSession(pid, 'SIGCONT'); // wakes a stopped group so that it can act on the signal
  }
}
