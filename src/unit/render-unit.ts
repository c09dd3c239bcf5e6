// A ready systemd service for a command under safehalt: the halt codes stop systemd's restarts,
// the state lives in StateDirectory=, systemd waits longer than safehalt's own kill grace period.
// Once mode is a Type=oneshot service started by its .timer (render-timer.ts).
import { EXIT } from '../exit-codes.ts';
import { escapeSpecifiers, quoteExecLine } from './systemd-quote.ts';
import { HARDENING } from './hardening.ts';

export interface UnitSpec {
  name: string;
  command: string[];
  safehalt: string;
  description?: string;
  user?: string;
  group?: string;
  mode: 'service' | 'loop' | 'once';
  killTimeoutMs: number;
  /** Once mode: the timer's OnCalendar= (null: started some other way). */
  onCalendar?: string | null;
}

/** The exit codes after which a restart cannot help: safe halts, a latched halt, a busy lock. */
export const RESTART_PREVENT_EXIT_STATUS = [EXIT.HALT_FAILURES, EXIT.HALT_BUDGET, EXIT.HALT_PROGRESS, EXIT.LATCHED, EXIT.BUSY];

/** systemd's stop timeout: safehalt's SIGTERM→SIGKILL grace for the child plus time to write its
 * stop reason, so systemd never SIGKILLs the wrapper mid-shutdown. */
export const stopTimeoutSec = (killTimeoutMs: number): number => Math.ceil(killTimeoutMs / 1000) + 15;

/** The state directory systemd makes for the unit (StateDirectory=safehalt/NAME), owned by User=. */
export const unitStateDir = (name: string) => `/var/lib/safehalt/${name}`;

/** The comment on top: how to install it, and the exact status and resume lines for this unit. */
function header(u: UnitSpec): string[] {
  const shown = u.command.join(' ').replace(/[\u0000-\u001f\u007f]/g, '?');
  const dir = unitStateDir(u.name);
  const who = u.user ? `   (as root, or as ${u.user})` : '';
  const status = `#   safehalt status --state-dir ${dir}${who}`;
  const resume = `safehalt resume --state-dir ${dir} --reason "..."`;
  if (u.mode === 'once') {
    const timer = u.onCalendar ? `, started by ${u.name}.timer (OnCalendar=${u.onCalendar})` : '';
    return [
      `# ${u.name}.service: ${shown} under safehalt, once per start${timer}.`,
      u.onCalendar
        ? `# Install: both files in /etc/systemd/system (safehalt unit ... --write /etc/systemd/system), then systemctl daemon-reload && systemctl enable --now ${u.name}.timer`
        : `# Install: save as /etc/systemd/system/${u.name}.service, then systemctl daemon-reload; start it with systemctl start ${u.name}`,
      `# After a safe halt (exit 80, 81, 82) later starts exit ${EXIT.LATCHED} without running the command: read`,
      status,
      `# fix the cause, then: ${resume}   (the next start runs it; systemctl start ${u.name} runs it now)`,
    ];
  }
  return [
    `# ${u.name}.service: ${shown} under safehalt.`,
    `# Install: save as /etc/systemd/system/${u.name}.service, then systemctl daemon-reload && systemctl enable --now ${u.name}`,
    `# After a safe halt (exit ${RESTART_PREVENT_EXIT_STATUS.join(', ')}) systemd does not restart it: read`,
    status,
    `# fix the cause, then: ${resume} && systemctl restart ${u.name}`,
  ];
}

/** How systemd runs and restarts it: a notify service restarted on failure, or a oneshot. */
function runLines(u: UnitSpec): string[] {
  if (u.mode === 'once')
    return [
      'Type=oneshot',
      // A paused job skips its run on purpose (exit 85): not a failed unit.
      `SuccessExitStatus=${EXIT.PAUSED}`,
    ];
  return [
    // READY=1, STATUS=, STOPPING=1 and WATCHDOG=1 are sent by systemd-notify on safehalt's
    // behalf, a process other than the main one: hence NotifyAccess=all (as in safehalt@.service).
    'Type=notify',
    'NotifyAccess=all',
  ];
}

function restartLines(u: UnitSpec): string[] {
  if (u.mode === 'once') return [];
  return [
    // A crash of safehalt itself is retried; a halt is not.
    'Restart=on-failure',
    'RestartSec=5s',
    `RestartPreventExitStatus=${RESTART_PREVENT_EXIT_STATUS.join(' ')}`,
    // Usage and configuration errors do not mend themselves either.
    `RestartPreventExitStatus=${EXIT.USAGE} ${EXIT.CONFIG}`,
  ];
}

export function renderUnit(u: UnitSpec): string {
  const seconds = Math.ceil(u.killTimeoutMs / 1000);
  const exec = quoteExecLine([u.safehalt, 'run', '--name', u.name, '--mode', u.mode, '--kill-timeout', `${seconds}s`, '--', ...u.command]);
  const lines = [
    ...header(u),
    '',
    '[Unit]',
    `Description=${escapeSpecifiers(u.description ?? `${u.name} (supervised by safehalt)`)}`,
    'Documentation=man:safehalt(1)',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    ...runLines(u),
    ...(u.user ? [`User=${u.user}`] : []),
    ...(u.group ? [`Group=${u.group}`] : []),
    // Options may also come from SAFEHALT_* variables here (see /etc/safehalt/example.env).
    `EnvironmentFile=-/etc/safehalt/${escapeSpecifiers(u.name)}.env`,
    `ExecStart=${exec}`,
    ...restartLines(u),
    `StateDirectory=safehalt/${escapeSpecifiers(u.name)}`,
    'StateDirectoryMode=0700',
    // SIGTERM goes to safehalt alone, which stops the child's process group gracefully; anything
    // left when the timeout ends is SIGKILLed by systemd.
    'KillMode=mixed',
    `TimeoutStopSec=${stopTimeoutSec(u.killTimeoutMs)}`,
    '',
    ...HARDENING,
    // A once-mode unit is started by its timer (or by hand), not at boot.
    ...(u.mode === 'once' ? [] : ['', '[Install]', 'WantedBy=multi-user.target']),
  ];
  return lines.join('\n') + '\n';
}
