// --on-halt CMD [ARGS]: run once for each safe halt, to page someone or open a ticket (a wrapper up
// with --probe-after that halts again after a successful probe runs it again; a failed probe is the
// same halt, still latched, and runs nothing). No shell (argv was split by safehalt itself), the stop reason reaches it as a file path and variables, never
// as command text. Bounded by --on-halt-timeout (SIGTERM to its group, SIGKILL 1s later); a failure
// is logged and changes nothing else: the halt and its exit code stand.
import { spawn } from 'node:child_process';
import { ownGroup, releaseGroup, signalGroup } from '../child/group-signal.ts';
import { programEnv } from '../runtime/node-env.ts';
import { formatDuration } from '../util/duration.ts';
import { after, type Cancel } from '../util/long-timer.ts';
import type { Plugin } from '../supervisor/bus.ts';
import type { Job } from '../supervisor/job.ts';

const KILL_GRACE_MS = 1000;

export function hookEnv(job: Job, stopReasonFile: string, reason: string): NodeJS.ProcessEnv {
  const env = programEnv();
  // systemd's notify socket and watchdog belong to the wrapper.
  delete env.NOTIFY_SOCKET;
  delete env.WATCHDOG_USEC;
  delete env.WATCHDOG_PID;
  return { ...env, SAFEHALT_STOP_REASON_FILE: stopReasonFile, SAFEHALT_NAME: job.cfg.name, SAFEHALT_REASON: reason, SAFEHALT_STATE_DIR: job.cfg.stateDir };
}

/** Run the hook; resolves with a one-line verdict when it has ended or been killed. */
export function runHook(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ ok: boolean; what: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
    const pgid = child.pid;
    ownGroup(pgid);
    const group = (sig: NodeJS.Signals) => pgid !== undefined && signalGroup(pgid, sig);
    let timedOut = false;
    let kill: Cancel = () => {};
    const term = after(timeoutMs, () => {
      timedOut = true;
      group('SIGTERM');
      kill = after(KILL_GRACE_MS, () => group('SIGKILL'));
    });
    const done = (ok: boolean, what: string) => {
      if (pgid !== undefined) releaseGroup(pgid);
      term();
      kill();
      resolve({ ok, what });
    };
    child.once('error', (e: NodeJS.ErrnoException) => done(false, `cannot be started: ${e.code ?? e.message}`));
    child.once('exit', (code, signal) => {
      if (timedOut) done(false, `took longer than ${formatDuration(timeoutMs)} and was stopped`);
      else if (code === 0) done(true, 'succeeded');
      else done(false, signal ? `was killed by ${signal}` : `exited with ${code}`);
    });
  });
}

export function attachOnHalt(job: Job): Plugin {
  const argv = job.cfg.onHalt;
  if (!argv || argv.length === 0) return { dispose() {} };
  job.onHalt = async (stopReasonFile, reason) => {
    const r = await runHook(argv, hookEnv(job, stopReasonFile, reason), job.cfg.onHaltTimeoutMs);
    const line = `--on-halt command ${JSON.stringify(argv[0])} ${r.what}`;
    if (r.ok) job.log.info(line);
    else job.log.error(`${line}; the halt stands`);
    job.event('on-halt', { command: argv, ok: r.ok, result: r.what });
  };
  return {
    dispose() {
      job.onHalt = null;
    },
  };
}
