// `safehalt completion bash|zsh`: the bash script, sourced in a real bash, completes commands and
// flags by asking the binary; the zsh script parses.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, cli, cliArgv, tempDir } from '../helpers/cli.ts';

/** A directory with a `safehalt` on it that runs the CLI under test. */
function binDir(): string {
  const dir = tempDir('safehalt-bin-');
  const [cmd, args] = cliArgv([]);
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(path.join(dir, 'safehalt'), `#!/bin/sh\nexec ${quoted} "$@"\n`);
  chmodSync(path.join(dir, 'safehalt'), 0o755);
  return dir;
}

async function complete(words: string[]): Promise<string[]> {
  const script = (await cli(['completion', 'bash'])).stdout;
  const file = path.join(tempDir(), 'safehalt.bash');
  writeFileSync(file, script);
  const bin = binDir();
  const words_ = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    ['--norc', '--noprofile', '-c', `source "$1"; COMP_WORDS=(${words_}); COMP_CWORD=${words.length - 1}; _safehalt_completions; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file],
    // SHELL=zsh on purpose: the bash script must still get bash-style answers.
    { env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, SHELL: '/usr/bin/zsh' }), encoding: 'utf8', timeout: 20_000 },
  );
  return out.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('safehalt ru<TAB> → run', async () => {
    expect(await complete(['safehalt', 'ru'])).toEqual(['run']);
  });
  it('safehalt st<TAB> → status, stop', async () => {
    expect((await complete(['safehalt', 'st'])).sort()).toEqual(['status', 'stop']);
  });
  it('safehalt run --max-re<TAB> → --max-restarts, --max-retries-per-item', async () => {
    expect((await complete(['safehalt', 'run', '--max-re'])).sort()).toEqual(['--max-restarts', '--max-retries-per-item']);
  });
  it('safehalt status --js<TAB> → --json', async () => {
    expect(await complete(['safehalt', 'status', '--js'])).toEqual(['--json']);
  });
  it('after -- it leaves the words to the shell (the supervised command)', async () => {
    expect(await complete(['safehalt', 'run', '--', 'ru'])).toEqual([]);
  });
});

describe('zsh completion', () => {
  it('prints a #compdef script that zsh parses', async () => {
    const r = await cli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef safehalt\n')).toBe(true);
    const zsh = spawnSync('zsh', ['-n'], { input: r.stdout, encoding: 'utf8' });
    if (zsh.error) return; // zsh not installed: the syntax check is skipped
    expect(zsh.status, zsh.stderr).toBe(0);
  });
  it('answers zsh queries with descriptions', async () => {
    const r = await cli(['--get-yargs-completions', 'safehalt', 'ru'], { env: { SHELL: 'zsh' } });
    expect(r.stdout).toMatch(/^run:supervise CMD/m);
  });
  it('rejects another shell', async () => {
    expect((await cli(['completion', 'fish'])).code).toBe(64);
  });
});
