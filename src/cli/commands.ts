// Every subcommand, in the order --help lists them.
import type { Command } from './command.ts';
import { runCommand } from './run-command.ts';
import { statusCommand } from './status-command.ts';
import { stopCommand } from './stop-command.ts';
import { pauseCommand } from './pause-resume-command.ts';
import { resumeCommand } from './resume-command.ts';
import { heartbeatCommand } from './heartbeat-command.ts';
import { itemCommand } from './item-command.ts';
import { unitCommand } from './unit-command.ts';
import { completionCommand } from './completion-command.ts';

export const COMMANDS: Command[] = [runCommand, statusCommand, stopCommand, pauseCommand, resumeCommand, heartbeatCommand, itemCommand, unitCommand, completionCommand];
