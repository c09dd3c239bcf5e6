#!/usr/bin/env bash
# Record how every installed network client fails (refused, reset, timeout, TLS to plain text, a name
# that does not resolve, HTTP 429/5xx/401/403 with real API bodies, refused logins) into
# test/fixtures/clients/<client>/<condition>.json. Runs inside a private network namespace (root,
# `unshare -n`): the only interface is loopback, nothing can leave the machine, and name resolution
# fails at once.
#
#   scripts/record-clients.sh [--out DIR] [--only curl,wget] [--json]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The project's pinned Node (npm's own $NODE may be an older one without type stripping).
NODE="${RECORD_NODE:-$ROOT/node_modules/.bin/node}"
[ -x "$NODE" ] || NODE="$(command -v node)"
exec unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$NODE" "$ROOT/scripts/clients/record.ts" "$@"
