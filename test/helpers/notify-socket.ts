// A real AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET (python3 makes it: Node has
// none), recording every message with its sender's pid and receive time.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { tempDir, waitFor } from './cli.ts';

export interface NotifyMessage {
  /** Receive time, monotonic milliseconds. */
  t: number;
  /** Sender pid from SCM_CREDENTIALS. */
  pid: number | null;
  text: string;
  fields: string[];
}

export interface NotifySocket {
  path: string;
  /** Every message but systemd-notify's BARRIER=1. */
  messages: NotifyMessage[];
  barriers: number;
  close(): void;
}

export async function notifySocket(): Promise<NotifySocket> {
  const sock = path.join(tempDir('safehalt-notify-'), 'notify');
  const py: ChildProcess = spawn('python3', [path.join(import.meta.dirname, 'notify-socket.py'), sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out: NotifySocket = { path: sock, messages: [], barriers: 0, close: () => py.kill('SIGKILL') };
  let listening = false;
  let buf = '';
  py.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const e = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (e.listening) listening = true;
      else if (e.msg === 'BARRIER=1') out.barriers++;
      else out.messages.push({ t: e.t, pid: e.pid, text: e.msg, fields: e.msg.split('\n') });
    }
  });
  await waitFor(() => listening, 10_000, 'the notify socket');
  return out;
}

/** The fields of each message without MAINPID= (systemd-notify --pid adds it), watchdog pings apart. */
export function withoutPings(messages: NotifyMessage[]): string[][] {
  return messages.map((m) => m.fields.filter((f) => !f.startsWith('MAINPID='))).filter((f) => !(f.length === 1 && f[0] === 'WATCHDOG=1'));
}

export const pings = (messages: NotifyMessage[]) => messages.filter((m) => m.fields.includes('WATCHDOG=1'));
