// `run --max-retries-per-item N` sets the job's default limit for `item check`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cli, stateDir } from '../helpers/cli.ts';

describe('run --max-retries-per-item', () => {
  it('stores the limit that item check then applies; status and metrics show broken items', async () => {
    const dir = stateDir();
    expect((await cli(['run', '--mode', 'once', '--max-retries-per-item', '2', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    for (let i = 0; i < 2; i++) expect((await cli(['item', 'fail', 'owner/repo#42', '--state-dir', dir])).code).toBe(0);
    expect((await cli(['item', 'check', 'owner/repo#42', '--state-dir', dir])).code).toBe(86);
    const metrics = `${dir}.prom`;
    expect((await cli(['run', '--mode', 'once', '--metrics-file', metrics, '--state-dir', dir, '--', 'true'])).code).toBe(0);
    const text = readFileSync(metrics, 'utf8');
    expect(text).toContain('safehalt_items_circuit_broken{safehalt_job="job"} 1');
    expect(text).toContain('safehalt_items_skipped_total{safehalt_job="job"} 1');
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.stdout).toMatch(/items:\s+1 with failures, 1 circuit-broken: "owner\/repo#42"; 1 skips/);
    expect(JSON.parse((await cli(['status', '--json', '--state-dir', dir])).stdout).items).toMatchObject({ brokenCount: 1, broken: ['owner/repo#42'] });
    expect((await cli(['item', 'check', 'owner/repo#42', '--state-dir', dir])).code).toBe(86);
    expect((await cli(['run', '--mode', 'once', '--max-retries-per-item', '0', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    expect((await cli(['item', 'check', 'owner/repo#42', '--state-dir', dir])).code).toBe(0);
  });
});
