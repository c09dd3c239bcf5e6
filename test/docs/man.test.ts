// The man page cannot drift from the CLI: every command, every option each command's yargs builder
// accepts, every exit code and stop reason appears in it; and groff renders it without a warning.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMan } from '../../scripts/man.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { commandName, GLOBAL_OPTIONS, optionNames } from '../../src/cli/option-names.ts';
import { RUN_OPTION_NAMES } from '../../src/cli/run-options.ts';
import { runCommand } from '../../src/cli/run-command.ts';
import { EXIT_MEANINGS } from '../../src/exit-codes.ts';
import { STOP_REASONS } from '../../src/policy/stop-reasons.ts';
import { tempDir } from '../helpers/cli.ts';

const roff = renderMan();
const flag = (name: string) => `\\fB\\-\\-${name.replace(/-/g, '\\-')}\\fR`;
const hasGroff = spawnSync('groff', ['--version']).status === 0;

describe('man page', () => {
  it('walks every option of run: the builder sees all of RUN_GROUPS', () => {
    expect(optionNames(runCommand)).toEqual(expect.arrayContaining(RUN_OPTION_NAMES));
  });

  it.each(COMMANDS.map((c) => [commandName(c), c] as const))('documents %s and each of its options', (name, c) => {
    expect(roff).toMatch(new RegExp(`^\\.SS "safehalt ${name}\\b`, 'm'));
    const options = optionNames(c);
    for (const o of options) expect(roff, `--${o} of ${name}`).toContain(flag(o));
    for (const [cmd] of c.examples ?? []) expect(roff).toContain(cmd.replace(/\\/g, '\\e').replace(/-/g, '\\-'));
  });

  it('documents the options every command takes', () => {
    for (const o of GLOBAL_OPTIONS) expect(roff).toContain(flag(o));
  });

  it('lists every exit code from EXIT_MEANINGS and every stop reason', () => {
    for (const [code] of EXIT_MEANINGS) expect(roff).toMatch(new RegExp(`^\\.TP\\n\\\\fB${code}\\\\fR$`, 'm'));
    for (const reason of Object.keys(STOP_REASONS)) expect(roff).toContain(`\\fB${reason}\\fR`);
  });

  it('names the environment variables and files of the contract', () => {
    for (const v of ['SAFEHALT_STATE_DIR', 'STATE_DIRECTORY', 'XDG_STATE_HOME', 'NOTIFY_SOCKET', 'JOURNAL_STREAM', 'NO_COLOR', 'SAFEHALT_HEARTBEAT_FILE', 'SAFEHALT_STOP_REASON_FILE'])
      expect(roff.replace(/\\-/g, '-')).toContain(v);
    for (const f of ['state.json', 'heartbeat.json', 'stop-reason.json', 'inflight.json', 'events.jsonl', '.stop', '.pause', 'items/']) expect(roff.replace(/\\-/g, '-')).toContain(f);
  });

  it.skipIf(!hasGroff)('renders without a groff warning', () => {
    const file = path.join(tempDir(), 'safehalt.1');
    writeFileSync(file, roff);
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
