// Shared parts of the recipe tests: the recipe files of packaging/recipes/ with their safehalt
// line pointed at a job that halts fast, a job that just fails (the control: the manager does
// restart it), and waiting on the job's events. Every wait is bounded.
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cliArgv, readEvents, tempDir, waitFor } from '../helpers/cli.ts';

export const RECIPES = path.join(ROOT, 'packaging/recipes');
/** The command line every recipe file carries. */
export const RECIPE_LINE = '/usr/bin/safehalt run --name sync -- /usr/local/bin/sync';

/** An executable safehalt: the built binary, else a wrapper that runs the sources. */
export function safehaltBin(): string {
  const [cmd, args] = cliArgv([]);
  if (args.length === 0) return cmd;
  const file = path.join(tempDir('safehalt-bin-'), 'safehalt');
  writeFileSync(file, `#!/bin/sh\nexec ${[cmd, ...args].map((a) => `'${a}'`).join(' ')} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

export interface Job {
  /** The argv that replaces RECIPE_LINE's. */
  argv: string[];
  /** Lines the job appended to its run log: one per start of the command. */
  starts(): number;
  stateDir?: string;
}

/** safehalt supervising a command that always fails: halted (exit 80) after its second failure. */
export function haltingJob(): Job & { stateDir: string } {
  const dir = tempDir('safehalt-recipe-');
  const stateDir = path.join(dir, 'state');
  const log = path.join(dir, 'starts');
  const cmd = script(dir, 'fail.sh', `echo start >> '${log}'; exit 1`);
  const argv = [safehaltBin(), 'run', '--state-dir', stateDir, '--min-uptime', '0', '--max-consecutive-failures', '2', '--backoff-initial', '10ms', '--backoff-max', '20ms', '--', cmd];
  return { argv, stateDir, starts: () => lines(log) };
}

/** The control: a command that fails with exit 1 and no safehalt, which the manager restarts. */
export function failingJob(): Job {
  const dir = tempDir('safehalt-recipe-');
  const log = path.join(dir, 'starts');
  return { argv: [script(dir, 'fail.sh', `echo start >> '${log}'; sleep 0.2; exit 1`)], starts: () => lines(log) };
}

/** A recipe file with its safehalt line replaced by `job`'s (shell words, single-quoted). */
export function recipeText(file: string, job: Job): string {
  const text = readFileSync(path.join(RECIPES, file), 'utf8');
  if (!text.includes(RECIPE_LINE)) throw new Error(`${file} does not contain "${RECIPE_LINE}"`);
  return text.replace(RECIPE_LINE, job.argv.map((a) => `'${a}'`).join(' '));
}

/** A copy of a recipe's service directory (run, finish) set up to run `job`. */
export function serviceDir(recipe: string, job: Job): string {
  const dir = path.join(tempDir('safehalt-sv-'), 'sync');
  cpSync(path.join(RECIPES, recipe), dir, { recursive: true });
  writeFileSync(path.join(dir, 'run'), recipeText(`${recipe}/run`, job), { mode: 0o755 });
  return dir;
}

/** Waits for the halt, then watches `observeMs` longer: the job must not be started again. */
export async function expectHaltedAndNotRestarted(job: Job & { stateDir: string }, observeMs = 3000): Promise<void> {
  await waitFor(() => readEvents(job.stateDir).some((e) => e.event === 'halted'), 20_000, 'the safe halt');
  const starts = job.starts();
  await new Promise((r) => setTimeout(r, observeMs));
  const events = readEvents(job.stateDir);
  // A restart of safehalt would be refused (exit 83), or supervise once more.
  if (events.some((e) => e.event === 'refused')) throw new Error('the outer manager started safehalt again after the halt');
  if (events.filter((e) => e.event === 'supervising').length !== 1) throw new Error('safehalt was started more than once');
  if (job.starts() !== starts) throw new Error('the command was started again after the halt');
}

/** The control passes when the manager starts the failing command at least twice. */
export const expectRestarted = (job: Job) => waitFor(() => job.starts() >= 2, 20_000, 'the outer manager to restart the failing command');

function script(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
