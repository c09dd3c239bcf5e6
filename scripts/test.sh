#!/usr/bin/env bash
# Build (typecheck, bundle, dist/safehalt), then run the tests with vitest.
# Extra arguments go to `vitest run`, e.g. `npm test -- test/backoff.test.ts -t jitter`.
#
# Environment:
#   SAFEHALT_SKIP_BUILD=1        use the existing build/ and dist/ as they are
#   SAFEHALT_SKIP_TYPECHECK=1    passed on to scripts/build.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

if [ "${SAFEHALT_SKIP_BUILD:-}" = 1 ]; then
  echo "[test] build: skipped (SAFEHALT_SKIP_BUILD=1)"
else
  bash scripts/build.sh
fi

export SAFEHALT_BIN="$ROOT/dist/safehalt"
[ -x "$SAFEHALT_BIN" ] || { echo "[test] error: $SAFEHALT_BIN is missing: run 'npm run build'" >&2; exit 1; }

results=build/test-results.json
rm -f "$results"
status=0
vitest run "$@" || status=$?

# One plain closing line with the counts, for readers that don't parse vitest's summary.
if [ -f "$results" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  ' "$results" || true
fi
[ "$status" = 0 ] || echo "[test] vitest exited with status $status"
exit "$status"
