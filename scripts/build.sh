#!/usr/bin/env bash
# Build safehalt:
#   1. typecheck (tsc --noEmit)                      skipped with SAFEHALT_SKIP_TYPECHECK=1
#   2. bundle src/entry.ts -> build/safehalt.cjs     (esbuild, one CommonJS file; bin/safehalt runs it)
#   3. make sure pkg's Node cache holds the pinned Node (built from the `node` devDependency, no download)
#   4. standalone executable -> dist/safehalt        (@yao-pkg/pkg --sea: Node single executable application)
#   5. smoke check: dist/safehalt --version with an empty environment and no node on PATH
#
# Environment:
#   SAFEHALT_SKIP_TYPECHECK=1   skip step 1 (fast iteration)
#   SAFEHALT_SKIP_SEA=1         stop after step 2 (bundle only; what `npm run build:bundle` does)
#   SAFEHALT_ENTRY=path         bundle another entry file instead of src/entry.ts
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The project's own tools first: node (the pinned `node` devDependency), tsc, esbuild, pkg.
# `npm run` does this already; doing it here too lets `bash scripts/build.sh` work on its own.
export PATH="$ROOT/node_modules/.bin:$PATH"

say() { printf '[build] %s\n' "$*"; }
die() { printf '[build] error: %s\n' "$*" >&2; exit 1; }

[ -d node_modules ] || die "node_modules is missing: run 'npm ci' first"

NODE_VERSION="$(node -p "require('./node_modules/node/package.json').version")"
HOST_NODE_VERSION="$(node --version)"
[ "$HOST_NODE_VERSION" = "v$NODE_VERSION" ] ||
  die "node on PATH is $HOST_NODE_VERSION ($(command -v node)), expected v$NODE_VERSION from the node devDependency"
PLATFORM="$(node -p process.platform)"
ARCH="$(node -p process.arch)"
[ "$PLATFORM" = linux ] || die "only linux builds are set up (this is $PLATFORM)"
TARGET="node$NODE_VERSION-$PLATFORM-$ARCH"
ENTRY="${SAFEHALT_ENTRY:-src/entry.ts}"
BUNDLE=build/safehalt.cjs
HELP=build/safehalt-help.json # the --help texts (scripts/help-texts.mjs)
BIN=dist/safehalt
PKG_VERSION="$(node -p "require('./package.json').version")"

# 1. typecheck ---------------------------------------------------------------------------------
if [ "${SAFEHALT_SKIP_TYPECHECK:-}" = 1 ]; then
  say "typecheck: skipped (SAFEHALT_SKIP_TYPECHECK=1)"
else
  say "typecheck: tsc --noEmit -p tsconfig.json"
  tsc --noEmit -p tsconfig.json || die "typecheck failed"
fi

# 2. bundle ------------------------------------------------------------------------------------
# One CommonJS file (a SEA runs one script); scripts/bundle.mjs says how it is laid out and why.
say "bundle: $ENTRY -> $BUNDLE"
mkdir -p build
node scripts/bundle.mjs "$ENTRY" "$BUNDLE"
# --help texts rendered now, printed without the full parser (src/cli/fast/help.ts).
node scripts/help-texts.mjs build/safehalt-cold.cjs "$HELP"
out="$(node "$BUNDLE" --version)" || die "node $BUNDLE --version failed"
[ "$out" = "$PKG_VERSION" ] || die "node $BUNDLE --version printed '$out', expected '$PKG_VERSION'"

if [ "${SAFEHALT_SKIP_SEA:-}" = 1 ]; then
  say "done: $BUNDLE ($(stat -c %s "$BUNDLE") bytes); standalone executable skipped (SAFEHALT_SKIP_SEA=1)"
  exit 0
fi

# 3. pkg's Node cache --------------------------------------------------------------------------
# pkg --sea looks for ~/.pkg-cache/sea/node-vX-OS-ARCH.tar.gz with a `.ok` file beside it
# (node_modules/@yao-pkg/pkg/lib-es5/sea.js, getNodejsExecutable) and downloads the archive
# when either is missing. Only the npm registry is reachable here, so build that archive from
# the binary of the `node` devDependency, laid out like the official one
# (node-vX-OS-ARCH/bin/node), and write `.ok` last. pkg extracts it on first use.
CACHE_DIR="$(node -p "require('os').homedir()")/.pkg-cache/sea" # pkg uses os.homedir() too
NODE_DIRNAME="node-v$NODE_VERSION-$PLATFORM-$ARCH"
TARBALL="$CACHE_DIR/$NODE_DIRNAME.tar.gz"
if [ -f "$TARBALL" ] && [ -f "$TARBALL.ok" ]; then
  say "pkg cache: $TARBALL present"
else
  NODE_BIN="$(node -p process.execPath)" # the real binary behind node_modules/.bin/node
  say "pkg cache: making $TARBALL from $NODE_BIN"
  mkdir -p "$CACHE_DIR"
  staging="$(mktemp -d "$CACHE_DIR/.staging.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  mkdir -p "$staging/$NODE_DIRNAME/bin"
  cp "$NODE_BIN" "$staging/$NODE_DIRNAME/bin/node"
  chmod 755 "$staging/$NODE_DIRNAME/bin/node"
  tar -C "$staging" -cf - "$NODE_DIRNAME" | gzip -1 >"$staging/archive.tar.gz"
  rm -f "$TARBALL.ok"
  # A binary pkg extracted from an earlier archive must not outlive it.
  rm -rf "${CACHE_DIR:?}/$NODE_DIRNAME"
  mv -f "$staging/archive.tar.gz" "$TARBALL"
  : >"$TARBALL.ok"
  rm -rf "$staging"
  trap - EXIT
fi

# 4. standalone executable ---------------------------------------------------------------------
say "sea: pkg simple SEA mode (scripts/sea.mjs), $TARGET -> $BIN"
mkdir -p dist
rm -f "$BIN"
# The parts of the bundle and the --help texts travel inside the executable as SEA assets.
SEA_CONFIG="$(node -e 'const a = require("./build/sea-assets.json"); a[process.argv[2]] = require("path").resolve(process.argv[1]); console.log(JSON.stringify({ assets: a }))' "$HELP" "$(basename "$HELP")")"
node scripts/sea.mjs "$ROOT/$BUNDLE" "$ROOT/$BIN" "$TARGET" "$SEA_CONFIG"
[ -x "$BIN" ] || die "pkg did not produce $BIN"

# 5. smoke check -------------------------------------------------------------------------------
# No environment and a PATH with nothing on it: the executable must not need a node of its own.
empty_path="$(mktemp -d)"
errfile="$(mktemp)"
out="$(env -i PATH="$empty_path" "$ROOT/$BIN" --version 2>"$errfile")" || {
  cat "$errfile" >&2
  rm -rf "$empty_path" "$errfile"
  die "$BIN --version failed"
}
err="$(cat "$errfile")"
rm -rf "$empty_path" "$errfile"
[ "$out" = "$PKG_VERSION" ] || die "$BIN --version printed '$out', expected '$PKG_VERSION'"
[ -z "$err" ] || die "$BIN --version wrote to stderr: $err"
say "smoke: $BIN --version -> $out (no node on PATH)"

size="$(stat -c %s "$BIN")"
say "done: $BIN $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.1f MiB", b / 1048576 }')), $BUNDLE $(stat -c %s "$BUNDLE") bytes"
