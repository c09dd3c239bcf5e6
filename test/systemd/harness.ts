// A real systemd 252 for the tests: ../shared/tools/systemd-harness.sh boots it as PID 1 of a
// systemd-nspawn container, with dist/safehalt, the fixtures and packaging/ bind-mounted read-only.
// The Debian rootfs is made once and kept (/var/tmp/safehalt-sdh); each run boots its own machine
// from it (volatile overlay), so runs never share state.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/cli.ts';

export const HARNESS = path.resolve(ROOT, '../shared/tools/systemd-harness.sh');
const SHARED_WORK = '/var/tmp/safehalt-sdh';
const PATH_IN = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Why this machine cannot boot the harness, or null when it can. */
export function cannotRun(): string | null {
  if (process.getuid?.() !== 0) return 'not root: systemd-nspawn needs root';
  if (!existsSync(HARNESS)) return `no harness at ${HARNESS} (shared/ beside the repository)`;
  const cg = spawnSync('stat', ['-fc', '%T', '/sys/fs/cgroup'], { encoding: 'utf8' }).stdout.trim();
  if (cg !== 'cgroup2fs' && !existsSync('/sys/fs/cgroup/unified')) return `no cgroup v2 hierarchy (/sys/fs/cgroup is ${cg || 'missing'})`;
  if (spawnSync('nsenter', ['--version']).status !== 0) return 'nsenter (util-linux) is missing';
  return null;
}

export const safehaltBinary = (): string => {
  const bin = process.env.SAFEHALT_BIN ?? path.join(ROOT, 'dist/safehalt');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run 'npm run build' first (the container runs the standalone executable)`);
  return bin;
};

export class Machine {
  readonly work: string;
  readonly name: string;
  private leader = 0;

  constructor() {
    mkdirSync('/var/tmp', { recursive: true });
    this.work = mkdtempSync('/var/tmp/safehalt-sdh-run-');
    this.name = `safehalt-${path.basename(this.work).slice(-6).toLowerCase()}`;
    symlinkSync(path.join(SHARED_WORK, 'rootfs'), path.join(this.work, 'rootfs'));
  }

  private harness(verb: string, env: NodeJS.ProcessEnv, timeoutMs: number): SpawnSyncReturns<string> {
    const r = spawnSync('bash', [HARNESS, verb], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`systemd-harness.sh ${verb} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
    return r;
  }

  /** Once per machine (≈75s), then reused: a bookworm rootfs with systemd. Serialized by a lock. */
  setup(): void {
    const r = spawnSync('flock', [`${SHARED_WORK}.lock`, 'bash', HARNESS, 'setup'], {
      env: { ...process.env, SDH_WORK: SHARED_WORK, SDH_KEEP_ROOTFS: '1' },
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (r.status !== 0) throw new Error(`systemd-harness.sh setup failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }

  boot(binds: Record<string, string>): void {
    const args = Object.entries(binds).map(([host, inside]) => `--bind-ro=${host}:${inside}`).join(' ');
    this.harness('boot', this.env({ SDH_NSPAWN_ARGS: args }), 120_000);
    this.leader = Number(readFileSync(path.join(this.work, 'leader.pid'), 'utf8'));
  }

  /** Powers the machine off and removes this run's directory (never the shared rootfs). */
  teardown(): void {
    this.harness('teardown', this.env({ SDH_KEEP_ROOTFS: '0' }), 60_000);
  }

  private env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { SDH_WORK: this.work, SDH_MACHINE: this.name, ...extra };
  }

  /** Run a command inside the machine, with a clean environment. */
  run(argv: string[], input?: string): { code: number | null; out: string } {
    const r = spawnSync('nsenter', ['--target', String(this.leader), '--all', '--', 'env', '-i', PATH_IN, 'TERM=dumb', ...argv], {
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout + r.stderr };
  }

  sh(script: string): string {
    const r = this.run(['sh', '-c', script]);
    if (r.code !== 0) throw new Error(`in the machine: ${script}\nexited ${r.code}: ${r.out}`);
    return r.out;
  }

  put(file: string, content: string, mode = '0644'): void {
    const r = this.run(['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1"', '_', file, mode], content);
    if (r.code !== 0) throw new Error(`cannot write ${file} in the machine: ${r.out}`);
  }

  /** `systemctl show` properties as an object. */
  show(unit: string, props: string[]): Record<string, string> {
    const out = this.run(['systemctl', 'show', '-p', props.join(','), unit]).out;
    return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  }

  async waitState(unit: string, want: RegExp, ms = 30_000): Promise<Record<string, string>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const s = this.show(unit, ['ActiveState', 'SubState', 'Result', 'StatusText']);
      if (want.test(s.ActiveState)) return s;
      if (Date.now() > deadline) throw new Error(`${unit}: timed out after ${ms}ms waiting for ActiveState ${want}; now ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  journal(unit: string, ...args: string[]): string {
    return this.run(['journalctl', '-u', unit, '--no-pager', ...args]).out;
  }
}
