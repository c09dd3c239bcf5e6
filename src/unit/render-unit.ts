// A ready systemd service for a command under safehalt: the halt codes stop systemd's restarts,
// the state lives in StateDirectory=, systemd waits longer than safehalt's own kill grace period.
import { EXIT } from '../exit-codes.ts';
import { escapeSpecifiers, quoteExecLine } from './systemd-quote.ts';

export interface UnitSpec {
  name: string;
  command: string[];
  safehalt: string;
  description?: string;
  user?: string;
  group?: string;
  mode: 'service' | 'loop';
  killTimeoutMs: number;
}

/** The exit codes after which a restart cannot help: safe halts, a latched halt, a busy lock. */
export const RESTART_PREVENT_EXIT_STATUS = [EXIT.HALT_FAILURES, EXIT.HALT_BUDGET, EXIT.HALT_PROGRESS, EXIT.LATCHED, EXIT.BUSY];

/** systemd's stop timeout: safehalt's SIGTERM→SIGKILL grace for the child plus time to write its
 * stop reason, so systemd never SIGKILLs the wrapper mid-shutdown. */
export const stopTimeoutSec = (killTimeoutMs: number): number => Math.ceil(killTimeoutMs / 1000) + 15;

export function renderUnit(u: UnitSpec): string {
  const seconds = Math.ceil(u.killTimeoutMs / 1000);
  const exec = quoteExecLine([u.safehalt, 'run', '--name', u.name, '--mode', u.mode, '--kill-timeout', `${seconds}s`, '--', ...u.command]);
  const lines = [
    `# ${u.name}.service: ${u.command.join(' ').replace(/[\u0000-\u001f\u007f]/g, '?')} under safehalt.`,
    `# Install: save as /etc/systemd/system/${u.name}.service, then systemctl daemon-reload && systemctl enable --now ${u.name}`,
    `# After a safe halt (exit ${RESTART_PREVENT_EXIT_STATUS.join(', ')}) systemd does not restart it: read`,
    `#   safehalt status --state-dir /var/lib/safehalt/${u.name}`,
    `# fix the cause, then: safehalt resume --state-dir /var/lib/safehalt/${u.name} --reason "..." && systemctl restart ${u.name}`,
    '',
    '[Unit]',
    `Description=${escapeSpecifiers(u.description ?? `${u.name} (supervised by safehalt)`)}`,
    'Documentation=man:safehalt(1)',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    // READY=1, STATUS=, STOPPING=1 and WATCHDOG=1 are sent by systemd-notify on safehalt's
    // behalf, a process other than the main one: hence NotifyAccess=all (as in safehalt@.service).
    'Type=notify',
    'NotifyAccess=all',
    ...(u.user ? [`User=${u.user}`] : []),
    ...(u.group ? [`Group=${u.group}`] : []),
    // Options may also come from SAFEHALT_* variables here (see /etc/safehalt/example.env).
    `EnvironmentFile=-/etc/safehalt/${escapeSpecifiers(u.name)}.env`,
    `ExecStart=${exec}`,
    // A crash of safehalt itself is retried; a halt is not.
    'Restart=on-failure',
    'RestartSec=5s',
    `RestartPreventExitStatus=${RESTART_PREVENT_EXIT_STATUS.join(' ')}`,
    // Usage and configuration errors do not mend themselves either.
    `RestartPreventExitStatus=${EXIT.USAGE} ${EXIT.CONFIG}`,
    `StateDirectory=safehalt/${escapeSpecifiers(u.name)}`,
    'StateDirectoryMode=0700',
    // SIGTERM goes to safehalt alone, which stops the child's process group gracefully; anything
    // left when the timeout ends is SIGKILLed by systemd.
    'KillMode=mixed',
    `TimeoutStopSec=${stopTimeoutSec(u.killTimeoutMs)}`,
    '',
    '# Hardening. The command may write only to its state directory (and /tmp, private): add',
    '# ReadWritePaths= for anything else it must write. MemoryDenyWriteExecute= is left off because',
    '# safehalt runs on Node.js, whose JIT compiler needs writable executable memory.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'UMask=0077',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return lines.join('\n') + '\n';
}
