// No shell injection: stderr text, item IDs, state directory names and stop-reason content never
// reach a shell, --on-halt included. Everything runs in a scratch directory where any evaluated
// payload would leave a PWNED-* file; the resume command shown to people survives a shell verbatim.
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../../src/policy/stop-report.ts';
import { cli, readJson, tempDir } from '../helpers/cli.ts';
import { SEED } from './random.ts';
import { record } from './figures.ts';

const BAIT = path.join(import.meta.dirname, 'fixtures/shell-bait.sh');
const RECORD = path.join(import.meta.dirname, 'fixtures/record-args.sh');
const PAYLOAD = '$(touch PWNED-a) `touch PWNED-b`; touch PWNED-c \'"${IFS}';

let quoted = 0;
afterAll(() => record('no-shell', { quoted }));

const pwned = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => path.basename(f).startsWith('PWNED'));

describe('no shell', () => {
  it('shellQuote: any text survives sh and bash verbatim (the resume command people paste)', () => {
    const cwd = tempDir();
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(PAYLOAD, "'", "''", '\\', '!', '\n', '-n', '')), (s) => {
        const text = s.replace(/\u0000/g, '');
        quoted++;
        for (const sh of ['sh', 'bash'])
          expect(execFileSync(sh, ['-c', `printf '%s' ${shellQuote(text)}`], { cwd, encoding: 'utf8' })).toBe(text);
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(pwned(cwd)).toEqual([]);
  });

  it('stderr payloads, a hostile state directory name and --on-halt arguments are never evaluated', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, `job $(touch PWNED-dir) 'q' "d" \`x\``);
    mkdirSync(dir, { mode: 0o700 });
    const out = path.join(cwd, 'hook-args');
    const hook = `${RECORD} '${out}' "$(touch PWNED-hook)" ';touch PWNED-h2' \`touch PWNED-h3\``;
    const r = await cli(['run', '--max-consecutive-failures', '1', '--on-halt', hook, '--state-dir', dir, '--', BAIT], { cwd });
    expect(r.code).toBe(80);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual(['$(touch PWNED-hook)', ';touch PWNED-h2', '`touch', 'PWNED-h3`', `file=${path.join(dir, 'stop-reason.json')}`, '']);
    const report = readJson(path.join(dir, 'stop-reason.json'));
    expect(report.recentFailures[0].stderrTail).toContain('$(touch PWNED-1) `touch PWNED-2`');
    // The resume command, run by a shell as a person would paste it, names this very directory.
    const words = execFileSync('sh', ['-c', report.resume.replace(/^safehalt /, "printf '%s\\n' ")], { cwd, encoding: 'utf8' }).split('\n');
    expect(words.slice(0, 5)).toEqual(['resume', '--state-dir', dir, '--reason', 'what was fixed']);
    const status = await cli(['status', '--state-dir', dir], { cwd });
    expect(status.stdout).toContain('resume');
    expect(pwned(cwd)).toEqual([]);
  });

  it('item IDs with shell syntax are stored and listed as text, never run', async () => {
    const cwd = tempDir();
    const dir = path.join(cwd, 'job');
    for (const id of [PAYLOAD, '$(touch PWNED-i)', '`touch PWNED-j`', '; touch PWNED-k'])
      expect((await cli(['item', 'fail', id, '--state-dir', dir], { cwd })).code).toBe(0);
    const list = await cli(['item', 'list', '--json', '--state-dir', dir], { cwd });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(JSON.stringify('$(touch PWNED-i)').slice(1, -1));
    expect(pwned(cwd)).toEqual([]);
  });
});
