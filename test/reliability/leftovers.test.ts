// Temporary files of atomic writes cut short by a SIGKILL (FILE.NNNN) are removed by the next start;
// nothing else in the directory is touched (found by the crash test: they piled up).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, stateDir } from '../helpers/cli.ts';

describe('leftovers of interrupted writes', () => {
  it('the next start removes them, and only them', async () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    const temps = ['lock-claim.999999.json', 'state.json.3158188766', 'inflight.json.1130108179', 'heartbeat.json.9f3a2b1c', 'lock-owner.json.0', 'stop-reason.json.42', 'events.jsonl.77'];
    const kept = [`lock-claim.${process.pid}.json`, 'child-heartbeat.json.123', 'notes.txt', 'state.json.bad', 'state.json.backup.1'];
    for (const f of [...temps, ...kept]) writeFileSync(path.join(dir, f), 'partial', { mode: 0o600 });
    const r = await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true']);
    expect(r.code).toBe(0);
    for (const f of temps) expect([f, existsSync(path.join(dir, f))]).toEqual([f, false]);
    for (const f of kept) expect([f, existsSync(path.join(dir, f))]).toEqual([f, true]);
    expect(readdirSync(dir).filter((f) => /\.\d+$/.test(f) && !kept.includes(f))).toEqual([]);
  });
});
