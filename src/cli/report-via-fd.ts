// `safehalt heartbeat` inside the job: its reports go to the wrapper through $SAFEHALT_FD, as the
// child's own lines would, with no lock and no file written here. The descriptor is used only when
// it is the calling job's (SAFEHALT_STATE_DIR is the job asked for), above stdio, and a socket (the
// wrapper's is one end of a socket pair; Node's own descriptors of this process are pipes, eventfds
// and epoll: a stray number never lands in them). --begin and --end return once the wrapper has
// recorded them (durably), as they do without the descriptor; if it has not within CONFIRM_MS, the
// caller records the action itself.
import { fstatSync, writeSync } from 'node:fs';
import path from 'node:path';
import { reportLines, type ReportFlags } from '../child/report-line.ts';
import { readChildHeartbeat } from '../state/child-heartbeat.ts';
import { sleep } from '../util/long-timer.ts';

const CONFIRM_MS = 2000;
const NEVER = new AbortController().signal;

/** The descriptor to report to for the job in `dir`, or null. */
export function reportFd(dir: string, env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.SAFEHALT_FD;
  if (!raw || !/^\d{1,6}$/.test(raw) || Number(raw) < 3) return null;
  if (!env.SAFEHALT_STATE_DIR || path.resolve(env.SAFEHALT_STATE_DIR) !== dir) return null;
  try {
    const st = fstatSync(Number(raw));
    return st.isSocket() ? Number(raw) : null;
  } catch {
    return null;
  }
}

/** 'sent'; 'unsent' (record them all here); 'unconfirmed' (sent, but record the action here too). */
export async function reportViaFd(fd: number, dir: string, f: ReportFlags): Promise<'sent' | 'unsent' | 'unconfirmed'> {
  const bytes = Buffer.from(reportLines(f));
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
  } catch {
    return 'unsent'; // the wrapper has gone (EPIPE) or the descriptor is not ours: the file still works
  }
  if (f.begin === undefined && !f.end) return 'sent';
  const want = f.begin ?? null;
  const deadline = performance.now() + CONFIRM_MS;
  while ((readChildHeartbeat(dir)?.action?.name ?? null) !== want) {
    if (performance.now() >= deadline) return 'unconfirmed';
    await sleep(2, NEVER);
  }
  return 'sent';
}
