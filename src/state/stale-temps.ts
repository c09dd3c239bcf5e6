// Temporary files of atomic writes cut short by a crash (FILE.NNNN beside FILE), and lock claims of
// dead contenders: removed at start, under the job's lock, so that SIGKILLs and power cuts do not
// litter the state directory.
import { readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { FILES } from './files.ts';
import { procStartTime } from '../child/proc.ts';

// Only files that nobody but the lock holder writes (not child-heartbeat.json: a child may be
// writing it right now, nor the markers that `stop` and `pause` write without the lock).
const OWN = [FILES.state, FILES.inflight, FILES.heartbeat, FILES.stopReason, FILES.lockOwner, FILES.events];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Decimal (safehalt's writer) or 8 hex digits (write-file-atomic's); never FILE.bad and the like.
const TEMP = new RegExp(`^(${OWN.map(escape).join('|')})\\.(\\d{1,10}|[0-9a-f]{8})$`);

// The lock claim of a contender killed while it took the lock (src/state/run-lock.ts).
const CLAIM = /^lock-claim\.(\d+)\.json$/;
const deadClaim = (name: string): boolean => {
  const m = CLAIM.exec(name);
  return m !== null && Number(m[1]) !== process.pid && procStartTime(Number(m[1])) === null;
};

/** Remove leftover temp files; returns their names. Best effort: a failure here is not fatal. */
export function removeStaleTemps(stateDir: string): string[] {
  const gone: string[] = [];
  try {
    for (const name of readdirSync(stateDir)) {
      if (!TEMP.test(name) && !deadClaim(name)) continue;
      try {
        unlinkSync(path.join(stateDir, name));
        gone.push(name);
      } catch {
        /* removed meanwhile, or not ours */
      }
    }
  } catch {
    /* unreadable directory: the checks that follow report it */
  }
  return gone;
}
