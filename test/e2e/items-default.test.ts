// `run --max-retries-per-item N` sets the job's default limit for `item check`.
import { describe, expect, it } from 'vitest';
import { cli, stateDir } from '../helpers/cli.ts';

describe('run --max-retries-per-item', () => {
  it('stores the limit that item check then applies; without the flag it is left as it was', async () => {
    const dir = stateDir();
    expect((await cli(['run', '--mode', 'once', '--max-retries-per-item', '2', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    for (let i = 0; i < 2; i++) expect((await cli(['item', 'fail', 'owner/repo#42', '--state-dir', dir])).code).toBe(0);
    expect((await cli(['item', 'check', 'owner/repo#42', '--state-dir', dir])).code).toBe(86);
    expect((await cli(['run', '--mode', 'once', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    expect((await cli(['item', 'check', 'owner/repo#42', '--state-dir', dir])).code).toBe(86);
    expect((await cli(['run', '--mode', 'once', '--max-retries-per-item', '0', '--state-dir', dir, '--', 'true'])).code).toBe(0);
    expect((await cli(['item', 'check', 'owner/repo#42', '--state-dir', dir])).code).toBe(0);
  });
});
