// Runs in every test worker before its test file (vitest.config.ts setupFiles):
// turn any process warning into an uncaught error, which vitest reports and fails the run on.
const installed = Symbol.for('safehalt.test.warningsAreErrors');
const g = globalThis as Record<symbol, unknown>;
if (!g[installed]) {
  g[installed] = true;
  process.on('warning', (warning) => {
    const err = new Error(`process warning in a test: ${warning.name}: ${warning.message}`, { cause: warning });
    err.stack = `${err.message}\n${warning.stack ?? ''}`;
    throw err;
  });
}
