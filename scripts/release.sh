#!/usr/bin/env bash
# npm run release: everything a release publishes, from a clean build, into dist/:
#   dist/safehalt                            the standalone executable (scripts/build.sh)
#   dist/safehalt-<version>-linux-<arch>     the same, named for download
#   dist/safehalt_<version>-1_<arch>.deb     the Debian package (scripts/package-deb.sh)
#   dist/safehalt.1                          the man page
#   dist/SHA256SUMS                          checksums of the above (sha256sum -c SHA256SUMS)
#
# The version is package.json's (what `safehalt --version` prints); CHANGELOG.md must have an entry
# "## [<version>] - YYYY-MM-DD" for it. Tagging and publishing are left to the person releasing:
# the script prints the commands.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

say() { printf '[release] %s\n' "$*"; }
die() { printf '[release] error: %s\n' "$*" >&2; exit 1; }

VERSION="$(node -p "require('./package.json').version")"
grep -Eq "^## \[?${VERSION//./\\.}\]? - [0-9]{4}-[0-9]{2}-[0-9]{2}" CHANGELOG.md ||
  die "CHANGELOG.md has no entry '## [$VERSION] - YYYY-MM-DD': add one before releasing"
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  say "warning: the work tree has uncommitted changes; the release is built from them"
fi

bash scripts/build.sh
out="$(dist/safehalt --version)"
[ "$out" = "$VERSION" ] || die "dist/safehalt --version printed '$out', expected '$VERSION'"
SAFEHALT_DEB_BIN=dist/safehalt bash scripts/package-deb.sh

ARCH="$(node -p process.arch)"
case "$ARCH" in x64) ARCH=x86_64 ;; arm64) ARCH=aarch64 ;; esac
BIN_NAME="safehalt-$VERSION-linux-$ARCH"
DEB_NAME="$(cd dist && ls "safehalt_${VERSION}-"*_"$(dpkg --print-architecture)".deb | head -1)"
[ -n "$DEB_NAME" ] || die "the Debian package is missing from dist/"
cp -f dist/safehalt "dist/$BIN_NAME"
node scripts/man.ts dist/safehalt.1

(cd dist && sha256sum "$BIN_NAME" "$DEB_NAME" safehalt.1 >SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
say "done: safehalt $VERSION"
sed 's/^/[release]   /' dist/SHA256SUMS
say "next: git tag -a v$VERSION -m 'safehalt $VERSION' && git push origin v$VERSION, then publish dist/ files listed in SHA256SUMS"
