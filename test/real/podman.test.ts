// Podman for real (Debian podman with runc; catatonit for --init), storage in a temp dir: see
// container-suite.ts. .ci/run installs podman, runc, catatonit and busybox-static.
import { describe } from 'vitest';
import { have } from './daemons.ts';
import { startPodman } from './containers.ts';
import { containerSuite } from './container-suite.ts';

describe.skipIf(!have('podman', 'runc', 'catatonit', '/bin/busybox') && !process.env.CI)('Podman, for real', () => containerSuite(startPodman));
