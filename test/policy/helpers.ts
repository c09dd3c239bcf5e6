// Building blocks for policy tests: stamps on a virtual clock, configs, failure records.
import { DEFAULT_POLICY, type PolicyConfig } from '../../src/policy/config.ts';
import type { Stamp } from '../../src/policy/clock.ts';
import type { FailureRecord } from '../../src/policy/memory.ts';

export const at = (mono: number, boot = 'b1', wall = 1_700_000_000_000 + mono): Stamp => ({ mono, boot, wall });

export const cfg = (over: Partial<PolicyConfig> = {}): PolicyConfig => ({ ...DEFAULT_POLICY, ...over });

export const failure = (cls: string, stamp: Stamp, over: Partial<FailureRecord> = {}): FailureRecord => ({
  at: stamp,
  cls,
  code: 1,
  signal: null,
  durationMs: 5,
  stderrTail: '',
  iteration: 1,
  ...over,
});
