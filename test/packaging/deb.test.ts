// The Debian package: built by `npm run package:deb`, installed into a throwaway root with
// `dpkg --root`, and used from there: the binary, the man page, the completion, a unit that
// systemd-analyze verify accepts; and lintian reports no error.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cleanEnv, readJson, tempDir } from '../helpers/cli.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
const ARCH = has('dpkg') ? execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim() : '';
const DEB = path.join(ROOT, `dist/safehalt_${VERSION}-1_${ARCH}.deb`);

describe.skipIf(!has('dpkg-deb'))('the Debian package', () => {
  let root: string;
  let bin: string;
  let contents: string[];

  beforeAll(() => {
    // Level 1 compression: the test needs the contents, not the smallest file.
    // The binary under test is packaged as it is (SAFEHALT_BIN, set by npm test): no rebuild.
    const env = cleanEnv({ SAFEHALT_DEB_XZ_LEVEL: '1', ...(process.env.SAFEHALT_BIN ? { SAFEHALT_DEB_BIN: process.env.SAFEHALT_BIN } : {}) });
    execFileSync('bash', ['scripts/package-deb.sh'], { cwd: ROOT, env, stdio: 'pipe', timeout: 600_000 });
    contents = execFileSync('dpkg-deb', ['-c', DEB], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/^.*? \.\//, '/').replace(/ -> .*$/, ''));
    root = tempDir('safehalt-root-');
    for (const d of ['var/lib/dpkg/info', 'var/lib/dpkg/updates']) mkdirSync(path.join(root, d), { recursive: true });
    writeFileSync(path.join(root, 'var/lib/dpkg/status'), '');
    // The throwaway root has no libc6 of its own in its dpkg database: the host's is used.
    execFileSync('dpkg', [`--root=${root}`, '--force-depends', '--force-not-root', '--log=/dev/null', '--path-include=/*', '-i', DEB], { stdio: 'pipe' });
    bin = path.join(root, 'usr/bin/safehalt');
  }, 900_000);

  it('holds the binary, units, conffile, man page, completions, docs and overrides', () => {
    for (const f of [
      '/usr/bin/safehalt',
      '/etc/safehalt/example.env',
      '/usr/share/man/man1/safehalt.1.gz',
      '/usr/share/bash-completion/completions/safehalt',
      '/usr/share/zsh/vendor-completions/_safehalt',
      '/usr/share/doc/safehalt/README.md',
      '/usr/share/doc/safehalt/copyright',
      '/usr/share/doc/safehalt/changelog.Debian.gz',
      '/usr/share/doc/safehalt/changelog.gz',
      '/usr/share/lintian/overrides/safehalt',
    ])
      expect(contents).toContain(f);
    for (const unit of readdirSync(path.join(ROOT, 'packaging/systemd')).filter((u) => /@\.(service|timer)$/.test(u)))
      expect(contents).toContain(`/lib/systemd/system/${unit}`);
    expect(execFileSync('dpkg-deb', ['-f', DEB, 'Package', 'Version', 'Architecture'], { encoding: 'utf8' })).toBe(
      `Package: safehalt\nVersion: ${VERSION}-1\nArchitecture: ${ARCH}\n`,
    );
    expect(execFileSync('dpkg-deb', ['-f', DEB, 'Depends'], { encoding: 'utf8' })).toMatch(/libc6/);
    expect(execFileSync('dpkg-deb', ['--ctrl-tarfile', DEB]).length).toBeGreaterThan(0);
    expect(readFileSync(path.join(root, 'var/lib/dpkg/info/safehalt.conffiles'), 'utf8').trim()).toBe('/etc/safehalt/example.env');
    // Machine-readable copyright that covers what the executable bundles, the runtime included.
    const copyright = readFileSync(path.join(root, 'usr/share/doc/safehalt/copyright'), 'utf8');
    expect(copyright.split('\n')[0]).toBe('Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/');
    for (const p of ['Files: node_modules/yargs/*', 'Files: node_modules/node/*', 'License: Node.js', 'License: Expat']) expect(copyright).toContain(p);
  });

  it('the installed binary runs a job and halts it', () => {
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8', env: { PATH: '/nonexistent' } }).trim()).toBe(VERSION);
    const dir = path.join(tempDir(), 'job');
    const codes = [1, 2, 3].map(() => spawnSync(bin, ['run', '--mode', 'once', '--max-consecutive-failures', '2', '--state-dir', dir, '--', 'sh', '-c', 'exit 3'], { env: cleanEnv() }).status);
    expect(codes).toEqual([3, 80, 83]);
    expect(readJson(path.join(dir, 'stop-reason.json'))).toMatchObject({ reason: 'HALT_LATCHED' });
  });

  it.skipIf(!has('man'))('man safehalt finds and renders the installed page', () => {
    const env = cleanEnv({ MANPATH: path.join(root, 'usr/share/man'), MANWIDTH: '80', MAN_KEEP_FORMATTING: '' });
    expect(execFileSync('man', ['-w', 'safehalt'], { env, encoding: 'utf8' }).trim()).toBe(path.join(root, 'usr/share/man/man1/safehalt.1.gz'));
    const page = execFileSync('man', ['-P', 'cat', 'safehalt'], { env, encoding: 'utf8' });
    expect(page).toContain('EXIT STATUS');
    expect(page).toContain('--max-consecutive-failures');
  });

  it('the installed bash completion completes safehalt ru<TAB>', () => {
    const script = path.join(root, 'usr/share/bash-completion/completions/safehalt');
    const out = execFileSync('bash', ['--norc', '-c', `source "$1"; COMP_WORDS=(safehalt ru); COMP_CWORD=1; _safehalt_completions; echo "\${COMPREPLY[@]}"`, 'bash', script], {
      env: cleanEnv({ PATH: `${path.dirname(bin)}:${process.env.PATH}` }),
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('run');
  });

  it.skipIf(!has('systemd-analyze'))('`safehalt unit` and the shipped units pass systemd-analyze verify', () => {
    const dir = tempDir('safehalt-units-');
    const env = cleanEnv({ MANPATH: path.join(root, 'usr/share/man') });
    const units: string[] = [];
    // The throwaway root is under /tmp, which `unit` refuses as ExecStart= beside PrivateTmp=yes: the
    // unit names the installed path, pointed at the throwaway copy like the shipped units below.
    const generated = execFileSync(bin, ['unit', 'myjob', '--bin', '/usr/bin/safehalt', '--', '/usr/local/bin/myjob'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'myjob.service'), generated.replaceAll('/usr/bin/safehalt', bin));
    units.push(path.join(dir, 'myjob.service'));
    // The shipped units name /usr/bin/safehalt: point them at the throwaway root's copy.
    for (const u of contents.filter((f) => f.startsWith('/lib/systemd/system/') && f.endsWith('.service'))) {
      const text = readFileSync(path.join(root, u), 'utf8').replaceAll('/usr/bin/safehalt', bin);
      const file = path.join(dir, path.basename(u).replace('@.', '@test.'));
      writeFileSync(file, text);
      units.push(file);
    }
    for (const file of units) {
      const r = spawnSync('systemd-analyze', ['verify', file], { env, encoding: 'utf8', timeout: 60_000 });
      expect({ file, status: r.status, output: (r.stdout + r.stderr).trim() }).toEqual({ file, status: 0, output: '' });
    }
  });

  it.skipIf(!has('lintian'))('lintian reports no error', () => {
    const r = spawnSync('lintian', ['--pedantic', '--no-tag-display-limit', DEB], { encoding: 'utf8', timeout: 300_000 });
    const errors = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('E:'));
    expect(errors).toEqual([]);
    expect(existsSync(DEB)).toBe(true);
  }, 300_000);
});
