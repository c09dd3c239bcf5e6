// Every recorded client failure (test/fixtures/clients/, scripts/record-clients.sh) falls into the
// class the README's table gives its condition: the classes are decided from real messages.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/cli.ts';
import { classOf, expectedClass, type Recording } from './expected.ts';

const DIR = path.join(FIXTURES, 'clients');
const recordings: Recording[] = readdirSync(DIR).flatMap((client) =>
  readdirSync(path.join(DIR, client)).map((f) => JSON.parse(readFileSync(path.join(DIR, client, f), 'utf8')) as Recording),
);

describe('the recorded corpus', () => {
  it('holds every client the README lists, and each of them under every condition it meets', () => {
    const clients = new Set(recordings.map((r) => r.client));
    for (const c of ['curl', 'wget', 'psql', 'python-urllib', 'python-requests', 'node-http', 'node-fetch', 'git', 'ssh', 'redis-cli', 'nc']) expect(clients).toContain(c);
    expect(recordings.length).toBeGreaterThan(120);
  });
  it.each(recordings.map((r) => [`${r.client}/${r.condition}`, r] as const))('%s', (_, r) => {
    const v = classOf(r);
    expect(v?.cls ?? null, `${r.client} ${r.condition}: ${r.stderr.slice(-300)}`).toBe(expectedClass(r));
  });
});
