// Files that are not failure memory (heartbeat.json, the metrics file): a failed write is a
// warning, said once until a write succeeds again, and the job carries on.
import { WriteError, writeAtomicSync, type WriteOptions } from '../state/atomic-write.ts';
import type { Logger } from '../log/logger.ts';

export function bestEffortWriter(log: Logger, what: string): (file: string, text: string, opts: WriteOptions) => void {
  let warned = false;
  return (file, text, opts) => {
    try {
      writeAtomicSync(file, text, opts);
      warned = false;
    } catch (e) {
      if (!warned) log.warn(`${what} not updated: ${e instanceof WriteError ? `cannot write ${e.file}: ${e.why}` : (e as Error).message}; the job carries on`);
      warned = true;
    }
  };
}
