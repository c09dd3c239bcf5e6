// The sd_notify protocol through systemd's own `systemd-notify` program: Node has no AF_UNIX
// datagram sockets. `--pid=<our pid>` makes the message come from the main process (root only;
// otherwise it comes from the helper, see docs/systemd.md on NotifyAccess=), and systemd-notify
// waits until the manager has read it (BARRIER=1), so the helper outlives the race. One helper at a
// time keeps the order; what queues meanwhile is merged, the latest value of a field winning.
import { formatDuration } from '../util/duration.ts';
import { spawn } from 'node:child_process';

export interface NotifySenderOptions {
  /** The pid the messages speak for: the wrapper's, which is the unit's main pid. */
  pid: number;
  /** Must hold NOTIFY_SOCKET. */
  env: NodeJS.ProcessEnv;
  /** Bound on one helper; it is killed after this. */
  timeoutMs: number;
  program?: string;
  warn(message: string): void;
}

export class NotifySender {
  private readonly pending = new Map<string, string>();
  private busy: Promise<void> | null = null;
  private off = false;
  private failing = false;
  private readonly o: NotifySenderOptions;

  constructor(o: NotifySenderOptions) {
    this.o = o;
  }

  /** Queue fields (`READY: '1'`, `STATUS: 'text'`); values are kept to one line. */
  send(fields: Record<string, string>): void {
    if (this.off) return;
    for (const [k, v] of Object.entries(fields)) this.pending.set(k, v.replace(/[\r\n]+/g, ' '));
    this.pump();
  }

  /** Resolves once everything queued so far has been handed to the manager (or given up on). */
  async flush(): Promise<void> {
    while (this.busy) await this.busy;
  }

  private pump(): void {
    if (this.busy || this.off || this.pending.size === 0) return;
    const fields = [...this.pending].map(([k, v]) => `${k}=${v}`);
    this.pending.clear();
    this.busy = this.deliver(fields).finally(() => {
      this.busy = null;
      this.pump();
    });
  }

  private deliver(fields: string[]): Promise<void> {
    const program = this.o.program ?? 'systemd-notify';
    return new Promise((resolve) => {
      const child = spawn(program, [`--pid=${this.o.pid}`, ...fields], {
        env: this.o.env,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: this.o.timeoutMs,
        killSignal: 'SIGKILL',
      });
      let err = '';
      let settled = false;
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-400)));
      child.once('error', (e: NodeJS.ErrnoException) => {
        settled = true;
        if (e.code === 'ENOENT') {
          this.off = true;
          this.o.warn(`NOTIFY_SOCKET is set but ${program} was not found on PATH: no notifications to systemd (install systemd's systemd-notify)`);
        } else this.failed(`cannot run ${program}: ${e.message}`);
        resolve();
      });
      child.once('close', (code, signal) => {
        if (settled) return;
        if (code === 0) this.failing = false;
        else if (code !== null || signal !== null)
          this.failed(`${program} ${signal ? `was killed by ${signal} after ${formatDuration(this.o.timeoutMs)}` : `exited with ${code}`}${err.trim() ? `: ${err.trim()}` : ''}`);
        resolve();
      });
    });
  }

  /** A failure is logged once until a message gets through again. */
  private failed(message: string): void {
    if (!this.failing) this.o.warn(`systemd notification failed: ${message}`);
    this.failing = true;
  }
}
