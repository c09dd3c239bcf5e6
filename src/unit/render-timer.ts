// The .timer of a once-mode unit: starts NAME.service on its calendar, catching up a missed run
// after downtime (Persistent=true), as cron would not.
import { escapeSpecifiers } from './systemd-quote.ts';

export function renderTimer(name: string, onCalendar: string): string {
  return [
    `# ${name}.timer: starts ${name}.service (safehalt run --mode once) at OnCalendar=${onCalendar}.`,
    `# Install with ${name}.service, then: systemctl daemon-reload && systemctl enable --now ${name}.timer`,
    '',
    '[Unit]',
    `Description=${escapeSpecifiers(`${name} on its schedule (safehalt)`)}`,
    'Documentation=man:safehalt(1)',
    '',
    '[Timer]',
    `OnCalendar=${escapeSpecifiers(onCalendar)}`,
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
  ].join('\n') + '\n';
}
