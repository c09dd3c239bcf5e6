// The class each recorded failure must get: the condition's class (scripts/clients/conditions.ts,
// the README's table), except where the client prints nothing that says what happened.
import { explain } from '../../src/policy/classify.ts';
import { TAIL_BYTES } from '../../src/child/stderr-tail.ts';
import { cfg } from '../policy/helpers.ts';
import type { Recording as Recorded } from '../../scripts/clients/record.ts';

/** The fields of a recording (scripts/clients/record.ts) that decide its class. */
export type Recording = Pick<Recorded, 'client' | 'version' | 'condition' | 'expectedClass' | 'command' | 'exitCode' | 'signal' | 'stderr'>;

/** Failures a client reports without words for them: they keep their exit:N class (README). */
export const UNPLACEABLE: Record<string, string> = {};

export function expectedClass(r: Recording): string {
  const key = `${r.client}/${r.condition}`;
  if (key in UNPLACEABLE || r.expectedClass === null) return r.signal ? `signal:${r.signal}` : `exit:${r.exitCode}`;
  return r.expectedClass;
}
/** The class safehalt gives a recorded failure: the stderr as its bounded tail would hold it. */
export function classOf(r: Recording) {
  const tail = Buffer.from(r.stderr).subarray(-TAIL_BYTES).toString('utf8');
  return explain({ code: r.exitCode, signal: r.signal, durationMs: 60_000, stderrTail: tail }, cfg({ mode: 'loop' }));
}

