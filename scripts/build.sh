#!/usr/bin/env bash
# Build safehalt:
#   1. typecheck (tsc --noEmit)                      skipped with SAFEHALT_SKIP_TYPECHECK=1
#   2. bundle src/entry.ts -> build/safehalt.cjs     (esbuild, one CommonJS file; bin/safehalt runs it)
#   3. standalone executable -> dist/safehalt        (Node SEA: packaging/sea/sea-config.json, postject)
#   4. check that NODE_OPTIONS does not reach the executable
#   5. smoke check: dist/safehalt --version with an empty environment and no node on PATH, and
#      the parts' code caches taken (scripts/code-cache.mjs)
#
# Environment:
#   SAFEHALT_SKIP_TYPECHECK=1   skip step 1 (fast iteration)
#   SAFEHALT_SKIP_SEA=1         stop after step 2 (bundle only; what `npm run build:bundle` does)
#   SAFEHALT_ENTRY=path         bundle another entry file instead of src/entry.ts
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The project's own tools first: node (the pinned `node` devDependency), tsc, esbuild, postject.
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

# 3. standalone executable ---------------------------------------------------------------------
# Node's single executable application, made here (not through pkg, whose simple SEA mode drops
# every seaConfig option): packaging/sea/sea-config.json bakes the runtime options in.
#   execArgv ["--disable-sigusr1"]   SIGUSR1 never starts the inspector (Node's default does)
#   execArgvExtension "none"         NODE_OPTIONS is ignored: it cannot add --require, --inspect...
# The blob is injected into a copy of the pinned Node binary (the `node` devDependency).
# The parts of the bundle and the --help texts travel inside it as SEA assets (scripts/bundle.mjs):
# build/sea-config.json is packaging/sea/sea-config.json with them added.
NODE_BIN="$(node -p process.execPath)" # the real binary behind node_modules/.bin/node
SEA_CONFIG=build/sea-config.json
# The executable's main script compiles the bundle (an asset) with a V8 code cache made by this
# same Node for each command; each part has its own (packaging/sea/main.cjs, scripts/code-cache.mjs).
cp packaging/sea/main.cjs build/sea-main.cjs
node scripts/code-cache.mjs write build/sea-main.cjs build/sea-assets.json packaging/sea/sea-config.json || die "the code caches could not be made"
node -e '
  const [base, assets, help, out] = process.argv.slice(1);
  const c = { ...require(base), assets: { ...require(assets), [require("path").basename(help)]: require("path").resolve(help) } };
  require("fs").writeFileSync(out, JSON.stringify(c, null, 2));
' "$ROOT/packaging/sea/sea-config.json" "$ROOT/build/sea-assets.json" "$HELP" "$SEA_CONFIG"
BLOB="$(node -p "require('./$SEA_CONFIG').output")"
say "sea: $SEA_CONFIG + $NODE_BIN -> $BIN"
mkdir -p dist
rm -f "$BIN" "$BIN.tmp" "$BLOB"
node --experimental-sea-config "$SEA_CONFIG" >build/sea-config.log 2>&1 || die "node --experimental-sea-config $SEA_CONFIG failed"
cp "$NODE_BIN" "$BIN.tmp"
chmod 755 "$BIN.tmp"
# postject warns "Can't find string offset for section name" about Node's ELF notes: harmless.
postject "$BIN.tmp" NODE_SEA_BLOB "$BLOB" --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 >build/postject.log 2>&1 || {
  cat build/postject.log >&2
  die "postject could not inject $BLOB into $BIN"
}
mv -f "$BIN.tmp" "$BIN"

# 4. what the executable must refuse ------------------------------------------------------------
# NODE_OPTIONS must not reach the runtime (execArgvExtension "none"): a bad value would fail here.
out="$(NODE_OPTIONS=--this-is-not-an-option "$ROOT/$BIN" --version 2>&1)" ||
  die "$BIN honours NODE_OPTIONS: $out"

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
# V8 takes every code cache (a rejected one would only cost the plain compile: say it here).
node scripts/code-cache.mjs check "$ROOT/$BIN" || die "$BIN rejects a code cache made by $NODE_BIN"
say "code cache: every cache taken by $BIN"

size="$(stat -c %s "$BIN")"
say "done: $BIN $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.1f MiB", b / 1048576 }')), $BUNDLE $(stat -c %s "$BUNDLE") bytes"
