#!/usr/bin/env bash
# npm run demo: a job that hits a simulated database outage is restarted with backoff, then halted
# safely; the stop reason is printed, a second start is refused, and a resume clears the latch.
set -u
cd "$(dirname "$0")/.."
if [ -x dist/safehalt ]; then SAFEHALT=(dist/safehalt); else SAFEHALT=(node src/entry.ts); fi
STATE=$(mktemp -d)/sync-orders
trap 'rm -rf "$(dirname "$STATE")"' EXIT
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say safehalt run --mode loop --interval 300ms --backoff-initial 200ms --state-dir "$STATE" -- examples/sync-orders.sh
"${SAFEHALT[@]}" run --mode loop --interval 300ms --backoff-initial 200ms --state-dir "$STATE" -- examples/sync-orders.sh
echo "exit code: $? (80 = safe halt: failure spike)"

say cat "$STATE/stop-reason.json"
cat "$STATE/stop-reason.json"

say safehalt run ... again, as systemd or cron would
"${SAFEHALT[@]}" run --mode loop --state-dir "$STATE" -- examples/sync-orders.sh
echo "exit code: $? (83 = refused: the halt is latched; the job did not run)"

say safehalt status --state-dir "$STATE"
"${SAFEHALT[@]}" status --state-dir "$STATE"
echo "exit code: $?"

say safehalt resume --state-dir "$STATE" --reason "database is back"
"${SAFEHALT[@]}" resume --state-dir "$STATE" --reason "database is back"
exit 0
