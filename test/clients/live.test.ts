// The clients installed here, run live in a private network namespace (scripts/record-clients.sh):
// each failure still falls into its class, so a new client version that words it differently is
// caught here, not by a job that stops halting in an outage. Needs root (unshare -n), as CI has.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { classOf, expectedClass, type Recording } from './expected.ts';

function recordLive(): Promise<{ recs: Recording[]; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const p = spawn('bash', [path.join(ROOT, 'scripts/record-clients.sh'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ recs: code === 0 ? (JSON.parse(out) as Recording[]) : [], stderr: err, code }));
  });
}

describe('live clients in a network namespace', () => {
  it('every installed client, under every condition, falls into the class of the README', { timeout: 120_000 }, async () => {
    const live = await recordLive();
    expect(live.code, live.stderr).toBe(0);
    expect(live.recs.length).toBeGreaterThan(60);
    const wrong = live.recs
      .map((r) => ({ key: `${r.client}/${r.condition} (${r.version})`, got: classOf(r)?.cls ?? null, want: expectedClass(r), stderr: r.stderr.slice(-400) }))
      .filter((x) => x.got !== x.want);
    expect(wrong).toEqual([]);
  });
});
