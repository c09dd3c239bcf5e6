// Checks of a state directory after a fault, through the project's own readers and validators:
// every file parses and validates, and events.jsonl holds whole lines (a torn last line allowed).
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { parseMemory } from '../../src/state/memory-store.ts';
import { readInflight, type Inflight } from '../../src/state/inflight.ts';
import { readChildHeartbeat } from '../../src/state/child-heartbeat.ts';
import { readTrustedJson } from '../../src/state/read-trusted.ts';
import { FILES } from '../../src/state/files.ts';
import type { Memory } from '../../src/policy/memory.ts';
import { STOP_REASONS } from '../../src/policy/stop-reasons.ts';

export interface Checked {
  memory: Memory | null;
  inflight: Inflight | null;
  events: Array<Record<string, unknown>>;
  stopReason: Record<string, unknown> | null;
  /** Leftover temporary files of interrupted atomic writes. */
  temps: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws, naming the file, when anything in `dir` does not parse or validate. */
export function checkStateDir(dir: string): Checked {
  const file = (k: keyof typeof FILES) => path.join(dir, FILES[k]);
  const rawState = readTrustedJson(file('state'));
  const memory = rawState === undefined ? null : parseMemory(rawState, file('state'));
  const inflight = readInflight(dir);
  readChildHeartbeat(dir);
  const hb = readTrustedJson(file('heartbeat'));
  if (hb !== undefined && !(isObject(hb) && hb.schema === 1 && typeof hb.phase === 'string' && typeof hb.pid === 'number'))
    throw new Error(`${file('heartbeat')}: unexpected content ${JSON.stringify(hb).slice(0, 200)}`);
  const sr = readTrustedJson(file('stopReason'));
  if (sr !== undefined && !(isObject(sr) && typeof sr.reason === 'string' && sr.reason in STOP_REASONS && typeof sr.exitCode === 'number'))
    throw new Error(`${file('stopReason')}: unexpected content ${JSON.stringify(sr).slice(0, 200)}`);
  const owner = readTrustedJson(file('lockOwner'));
  if (owner !== undefined && !(isObject(owner) && typeof owner.pid === 'number'))
    throw new Error(`${file('lockOwner')}: unexpected content`);
  return { memory, inflight, events: readEventLines(dir), stopReason: (sr as Record<string, unknown>) ?? null, temps: tempFiles(dir) };
}

/** Every line of events.jsonl; only a last line without its newline may be torn. */
export function readEventLines(dir: string): Array<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path.join(dir, FILES.events), 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  const last = lines.pop()!; // '' when the file ends with a newline
  const out = lines.map((l, i) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`events.jsonl line ${i + 1} is torn: ${JSON.stringify(l.slice(0, 120))}`);
    }
  });
  if (last) {
    try {
      out.push(JSON.parse(last));
    } catch {
      /* a torn last line: allowed, readers skip it */
    }
  }
  return out;
}

/** Names in `dir` that are no state file of ours: leftovers of interrupted atomic writes. */
export function tempFiles(dir: string): string[] {
  const known = new Set<string>(Object.values(FILES));
  // A lock claim of a killed contender is removed by the next one (src/state/run-lock.ts).
  return readdirSync(dir).filter((f) => !known.has(f) && !/^lock-claim\.\d+\.json$/.test(f) && !lstatSync(path.join(dir, f)).isDirectory());
}
