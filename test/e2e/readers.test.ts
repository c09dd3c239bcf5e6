// A crash-looping child while another process keeps reading the state files: no read ever sees a
// torn file, and the failure count never goes backwards.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, start, stateDir, waitFor } from '../helpers/cli.ts';
import { existsSync } from 'node:fs';

describe('readers during a crash loop', () => {
  it('every read parses and counts only grow', async () => {
    const dir = stateDir();
    const run = start([
      'run', '--backoff-initial', '0', '--min-uptime', '0', '--max-consecutive-failures', '0', '--max-failures', '0',
      '--spike', 'none', '--heartbeat-interval', '100ms', '--state-dir', dir, '--', fixture('exit-n.sh'), '3',
    ]);
    await waitFor(() => existsSync(path.join(dir, 'state.json')), 10_000, 'state.json');
    let reads = 0;
    let last = 0;
    const deadline = Date.now() + 2500;
    while (Date.now() < deadline) {
      for (const f of ['state.json', 'heartbeat.json', 'inflight.json']) {
        let text: string;
        try {
          text = readFileSync(path.join(dir, f), 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw e;
        }
        const v = JSON.parse(text); // throws on a torn file
        reads++;
        if (f === 'state.json') {
          expect(v.failures).toBeGreaterThanOrEqual(last);
          last = v.failures;
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    run.proc.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(reads).toBeGreaterThan(500);
    expect(last).toBeGreaterThan(10);
    for (const line of readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n')) JSON.parse(line);
  });
});
