// Whether a client program is installed. Under CI every recorded client must be (.ci/run installs
// them): a missing one fails there instead of skipping its tests silently.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/cli.ts';

export function installed(program: string): boolean {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', path.isAbsolute(program) || !program.includes('/') ? program : path.join(ROOT, program)]).status === 0;
  if (!found && process.env.CI) throw new Error(`${program} is not installed: add its Debian package to APT_PACKAGES in .ci/run`);
  return found;
}
