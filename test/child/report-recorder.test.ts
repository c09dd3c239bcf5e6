// The recorder of the child's reports, on real files: a burst folds into few writes and loses
// nothing; a failed write is warned about once and its reports go into the next attempt.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ReportRecorder, WRITE_GAP_MS } from '../../src/child/report-recorder.ts';
import { stateDir } from '../helpers/cli.ts';

const record = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'child-heartbeat.json'), 'utf8'));

describe('ReportRecorder', () => {
  it('a burst of 10,000 reports is folded: every beat and cost counted, the last token kept', async () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    const warnings: string[] = [];
    const r = new ReportRecorder(dir, () => ({ pid: 42, iteration: 7 }), (w) => warnings.push(w));
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) {
      r.add({ kind: 'progress', token: String(i) });
      r.add({ kind: 'cost', amount: 0.5 });
    }
    await r.flush();
    expect(performance.now() - t0).toBeLessThan(10 * WRITE_GAP_MS + 5000);
    expect(record(dir)).toMatchObject({ pid: 42, iteration: 7, progress: '9999', cost: 5000, beats: 20_000 });
    expect(statSync(path.join(dir, 'child.heartbeat')).isFile()).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('a failed write warns once; what it carried is written by the next attempt', async () => {
    const dir = stateDir();
    // A directory where the record should be: it cannot be read, nor replaced.
    mkdirSync(path.join(dir, 'child-heartbeat.json'), { recursive: true });
    const warnings: string[] = [];
    const r = new ReportRecorder(dir, () => ({ pid: 1, iteration: 1 }), (w) => warnings.push(w));
    r.add({ kind: 'begin', action: 'charge' });
    await r.flush();
    r.add({ kind: 'cost', amount: 2 });
    await r.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the child's reports were not recorded .*; will retry/);
    rmdirSync(path.join(dir, 'child-heartbeat.json'));
    r.add({ kind: 'heartbeat' });
    await r.flush();
    expect(record(dir)).toMatchObject({ action: { name: 'charge' }, cost: 2, beats: 3 });
  });
});
