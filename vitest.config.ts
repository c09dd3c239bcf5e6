import { defineConfig } from 'vitest/config';

// `npm test` (scripts/test.sh) builds first and exports SAFEHALT_BIN=dist/safehalt for the
// integration tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A process warning (deprecation, MaxListenersExceeded, ...) in a test worker fails the run.
    setupFiles: ['./vitest.setup.ts'],
    // The JSON report lets scripts/test.sh print a one-line pass/fail count at the end.
    // A --reporter on the command line replaces both, and then that line is left out.
    reporters: ['default', ['json', { outputFile: 'build/test-results.json' }]],
  },
});
