// docs/recipes.md, tried for real: each outer manager, configured by the recipe file in
// packaging/recipes/, runs a job that halts (exit 80) and must not start it again; and, as a
// control, it does restart a command that fails with exit 1. Each manager runs in its own process
// group with its files in a temp dir; every wait is bounded and everything is killed afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cleanEnv, tempDir, waitFor } from '../helpers/cli.ts';
import { expectHaltedAndNotRestarted, expectRestarted, failingJob, haltingJob, recipeText, serviceDir, type Job } from './outer.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const PM2 = process.env.SAFEHALT_PM2 ?? path.join(ROOT, 'build/peers/node_modules/.bin/pm2');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      c();
    } catch {
      /* already gone */
    }
  }
});

/** Starts a manager in a process group of its own, killed (the whole group) after the test. */
function manager(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const p = spawn(cmd, args, { detached: true, stdio: 'ignore', env: cleanEnv(env) });
  cleanups.push(() => process.kill(-p.pid!, 'SIGKILL'));
}
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, env: cleanEnv(env) });

describe.skipIf(!has('supervisord'))('supervisord: exitcodes=0,80-84, autorestart=unexpected, startsecs=0', () => {
  /** supervisord with the recipe's [program:sync] for `job`; returns supervisorctl. */
  function supervise(job: Job): (...args: string[]) => string {
    const dir = tempDir('safehalt-supervisord-');
    const conf = path.join(dir, 'supervisord.conf');
    const sock = path.join(dir, 'supervisor.sock');
    const main = ['[supervisord]', `logfile=${dir}/supervisord.log`, `pidfile=${dir}/supervisord.pid`, `childlogdir=${dir}`, 'nodaemon=true', 'user=root'];
    const ctl = ['[unix_http_server]', `file=${sock}`, '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface', '[supervisorctl]', `serverurl=unix://${sock}`];
    writeFileSync(conf, [...main, ...ctl, recipeText('supervisord.conf', job)].join('\n') + '\n');
    manager('supervisord', ['-c', conf]);
    return (...args) => run('supervisorctl', ['-c', conf, ...args]).stdout;
  }

  it('does not restart a halted job: it stays EXITED', async () => {
    const job = haltingJob();
    const ctl = supervise(job);
    await expectHaltedAndNotRestarted(job);
    expect(ctl('status', 'sync')).toMatch(/^sync\s+EXITED/);
  });
  it('control: restarts a command that fails with exit 1', async () => {
    const job = failingJob();
    supervise(job);
    await expectRestarted(job);
  });
});

describe.skipIf(!existsSync(PM2))('PM2: stop_exit_codes [0, 80-84]', () => {
  /** A PM2 daemon of its own (PM2_HOME in a temp dir) running the recipe's app for `job`. */
  function pm2(job: Job): (...args: string[]) => string {
    const home = tempDir('safehalt-pm2-');
    const config = path.join(home, 'ecosystem.config.cjs');
    const text = readFileSync(path.join(ROOT, 'packaging/recipes/ecosystem.config.cjs'), 'utf8');
    // The recipe's app, pointed at the test job.
    const app = `{ ...base, script: ${JSON.stringify(job.argv[0])}, args: ${JSON.stringify(job.argv.slice(1))} }`;
    writeFileSync(config, `${text}\nconst base = module.exports.apps[0];\nmodule.exports = { apps: [${app}] };\n`);
    // pm2 runs on the project's node.
    const env = { PM2_HOME: home, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` };
    const cli = (...args: string[]) => run(PM2, args, env).stdout;
    cleanups.push(() => {
      run(PM2, ['kill'], env);
      const pid = Number(existsSync(path.join(home, 'pm2.pid')) ? readFileSync(path.join(home, 'pm2.pid'), 'utf8') : NaN);
      if (pid > 0) process.kill(pid, 'SIGKILL');
    });
    const started = run(PM2, ['start', config], env);
    if (started.status !== 0) throw new Error(`pm2 start failed: ${started.stderr}`);
    return cli;
  }

  it('does not restart a halted job: it stays stopped', async () => {
    const job = haltingJob();
    const cli = pm2(job);
    await expectHaltedAndNotRestarted(job);
    const [app] = JSON.parse(cli('jlist'));
    expect(app.pm2_env.status).toBe('stopped');
    expect(app.pm2_env.restart_time).toBe(0);
  }, 60_000);
  it('control: restarts a command that fails with exit 1', async () => {
    const job = failingJob();
    pm2(job);
    await expectRestarted(job);
  }, 60_000);
});

describe.skipIf(!has('s6-supervise'))('s6: ./finish exits 125 on 80-83', () => {
  function s6(job: Job): string {
    const dir = serviceDir('s6/sync', job);
    manager('s6-supervise', [dir]);
    cleanups.push(() => run('s6-svc', ['-dx', dir]));
    return dir;
  }
  it('does not restart a halted job: it is down, wanted down', async () => {
    const job = haltingJob();
    const dir = s6(job);
    await expectHaltedAndNotRestarted(job);
    const status = await waitFor(() => {
      const s = run('s6-svstat', [dir]).stdout;
      return /^down \(exitcode 80\)/.test(s) && s;
    }, 10_000, 's6-svstat to report the service down');
    expect(status).not.toMatch(/want up/);
  });
  it('control: restarts a command that fails with exit 1', async () => {
    const job = failingJob();
    s6(job);
    await expectRestarted(job);
  });
});

describe.skipIf(!has('runsv'))('runit: ./finish runs sv down on 80-83', () => {
  function runit(job: Job): string {
    const dir = serviceDir('runit/sync', job);
    manager('runsv', [dir]);
    cleanups.push(() => run('sv', ['-w', '5', 'exit', dir]));
    return dir;
  }
  it('does not restart a halted job: it is down', async () => {
    const job = haltingJob();
    const dir = runit(job);
    await expectHaltedAndNotRestarted(job);
    const status = await waitFor(() => {
      const s = run('sv', ['status', dir]).stdout;
      return /^down: .*normally up/.test(s) && s;
    }, 10_000, 'sv status to report the service down');
    expect(status).not.toMatch(/want up/);
  });
  it('control: restarts a command that fails with exit 1', async () => {
    const job = failingJob();
    runit(job);
    await expectRestarted(job);
  });
});
