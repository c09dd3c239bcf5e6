#!/bin/sh
# An example job: syncs orders to a database. After two good iterations the database "goes down"
# (a simulated outage): every later iteration fails the way a real client does, with ECONNREFUSED.
n=$(cat "$SAFEHALT_STATE_DIR/demo-count" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$SAFEHALT_STATE_DIR/demo-count"
if [ "$n" -le 2 ]; then
  echo "sync-orders: iteration $SAFEHALT_ITERATION: synced 25 orders"
  exit 0
fi
echo "sync-orders: iteration $SAFEHALT_ITERATION: Error: connect ECONNREFUSED 10.0.0.5:5432" >&2
exit 1
