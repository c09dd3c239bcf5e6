// Docker for real (Debian docker.io, a private dockerd on a unix socket in a temp dir): see
// container-suite.ts. .ci/run installs docker.io and busybox-static.
import { describe } from 'vitest';
import { have } from './daemons.ts';
import { startDocker } from './containers.ts';
import { containerSuite } from './container-suite.ts';

describe.skipIf(!have('dockerd', '/usr/bin/docker', '/bin/busybox') && !process.env.CI)('Docker, for real', () => containerSuite(startDocker));
