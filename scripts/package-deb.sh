#!/usr/bin/env bash
# npm run package:deb: build dist/safehalt_<version>-<revision>_<arch>.deb with dpkg-deb.
#
#   /usr/bin/safehalt                                  the standalone executable (dist/safehalt)
#   /lib/systemd/system/*@.service                     the template units of packaging/systemd/
#   /etc/safehalt/example.env                          conffile: an example job environment
#   /usr/share/man/man1/safehalt.1.gz                  man/safehalt.1.md rendered (scripts/man.ts)
#   /usr/share/bash-completion/completions/safehalt    safehalt completion bash
#   /usr/share/zsh/vendor-completions/_safehalt        safehalt completion zsh
#   /usr/share/doc/safehalt/                           README, docs, copyright, changelogs, examples
#   /usr/share/lintian/overrides/safehalt              the lintian tags a Node.js executable raises
#
# Units in packaging/systemd/ that are not templates (named for one site's job) go to the
# examples, not to /lib/systemd/system: a package must not install a service for a program it
# does not ship.
#
# Environment:
#   SAFEHALT_DEB_REVISION   Debian revision (default 1)
#   SAFEHALT_DEB_BIN=path   package this executable (never build); default dist/safehalt
#   SAFEHALT_DEB_REBUILD=1  build dist/safehalt even when it exists
#   SAFEHALT_DEB_XZ_LEVEL   xz level of the package (default 6; the test uses 1)
#   SOURCE_DATE_EPOCH       timestamps of the files (default: the date of the newest CHANGELOG entry)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

say() { printf '[deb] %s\n' "$*"; }
die() { printf '[deb] error: %s\n' "$*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (Debian package dpkg)"

# The executable to package: SAFEHALT_DEB_BIN as it is, else dist/safehalt, built when missing.
BIN="${SAFEHALT_DEB_BIN:-dist/safehalt}"
if [ -z "${SAFEHALT_DEB_BIN:-}" ] && { [ "${SAFEHALT_DEB_REBUILD:-}" = 1 ] || [ ! -x "$BIN" ]; }; then
  bash scripts/build.sh
fi
[ -x "$BIN" ] || die "$BIN is missing or not executable"

VERSION="$(node -p "require('./package.json').version")"
REVISION="${SAFEHALT_DEB_REVISION:-1}"
ARCH="$(dpkg --print-architecture)"
DEB_VERSION="$VERSION-$REVISION"
OUT="dist/safehalt_${DEB_VERSION}_${ARCH}.deb"
MAINTAINER="safehalt maintainers <maintainers@safehalt.example.org>"

# The date of the release, from CHANGELOG.md: the file times and the changelog trailer.
release_date="$(sed -n 's/^## \[\?'"${VERSION//./\\.}"'\]\? - \([0-9-]*\).*/\1/p' CHANGELOG.md | head -1)"
[ -n "$release_date" ] || die "CHANGELOG.md has no entry '## [$VERSION] - YYYY-MM-DD'"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -u -d "$release_date" +%s)}"

# A staging directory of its own, so that two builds at once (two test runs) do not collide.
umask 022
mkdir -p build/deb
STAGE="$(mktemp -d "build/deb/safehalt_${DEB_VERSION}_${ARCH}.XXXXXX")"
trap 'rm -rf "$STAGE" "$STAGE.shlibdeps" "$STAGE.changelog" "$STAGE.deb"' EXIT
chmod 0755 "$STAGE"
mkdir -p "$STAGE/DEBIAN"
d() { mkdir -p "$STAGE/$1"; }
gz() { gzip -9n -c "$1" >"$2"; }

# The program --------------------------------------------------------------------------------
d usr/bin
install -m 0755 "$BIN" "$STAGE/usr/bin/safehalt"
out="$("$STAGE/usr/bin/safehalt" --version)"
[ "$out" = "$VERSION" ] || die "the staged safehalt --version printed '$out', expected '$VERSION'"

# Units and the example environment ---------------------------------------------------------
DOC="usr/share/doc/safehalt"
d "$DOC/examples/systemd"
shopt -s nullglob
for unit in packaging/systemd/*.service packaging/systemd/*.timer; do
  base="$(basename "$unit")"
  case "$base" in
    *@.service | *@.timer) d lib/systemd/system; dest="lib/systemd/system/$base" ;;
    *) dest="$DOC/examples/systemd/$base" ;;
  esac
  # The package installs the executable in /usr/bin, not /usr/local/bin.
  sed 's|/usr/local/bin/safehalt|/usr/bin/safehalt|g' "$unit" >"$STAGE/$dest"
  chmod 0644 "$STAGE/$dest"
done
d etc/safehalt
if [ -f packaging/systemd/example.env ]; then
  install -m 0644 packaging/systemd/example.env "$STAGE/etc/safehalt/example.env"
else
  install -m 0644 packaging/debian/example.env "$STAGE/etc/safehalt/example.env"
fi
echo /etc/safehalt/example.env >"$STAGE/DEBIAN/conffiles"

# Man page and completions -------------------------------------------------------------------
d usr/share/man/man1
node scripts/man.ts "$STAGE/usr/share/man/man1/safehalt.1"
gzip -9n "$STAGE/usr/share/man/man1/safehalt.1"
d usr/share/bash-completion/completions
"$STAGE/usr/bin/safehalt" completion bash >"$STAGE/usr/share/bash-completion/completions/safehalt"
d usr/share/zsh/vendor-completions
"$STAGE/usr/bin/safehalt" completion zsh >"$STAGE/usr/share/zsh/vendor-completions/_safehalt"

# Documentation ------------------------------------------------------------------------------
install -m 0644 README.md "$STAGE/$DOC/README.md"
for doc in docs/*.md; do install -m 0644 "$doc" "$STAGE/$DOC/$(basename "$doc")"; done
for dir in packaging/kubernetes packaging/cron packaging/recipes packaging/prometheus; do
  [ -d "$dir" ] || continue
  (cd packaging && find "$(basename "$dir")" -type f) | while read -r f; do
    install -D -m 0644 "packaging/$f" "$STAGE/$DOC/examples/$f"
  done
done
gz CHANGELOG.md "$STAGE/$DOC/changelog.gz"
{
  printf 'safehalt (%s) unstable; urgency=medium\n\n' "$DEB_VERSION"
  printf '  * Package safehalt %s; the changes are in changelog.gz.\n\n' "$VERSION"
  printf ' -- %s  %s\n' "$MAINTAINER" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} >"$STAGE.changelog"
gz "$STAGE.changelog" "$STAGE/$DOC/changelog.Debian.gz"
node scripts/deb-copyright.ts "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)" >"$STAGE/$DOC/copyright" 2>/dev/null
d usr/share/lintian/overrides
install -m 0644 packaging/debian/lintian-overrides "$STAGE/usr/share/lintian/overrides/safehalt"

# Control files ------------------------------------------------------------------------------
# Depends: the shared libraries the executable links to, versioned by dpkg-shlibdeps (dpkg-dev).
dep_line="libc6, libgcc-s1, libstdc++6"
if command -v dpkg-shlibdeps >/dev/null; then
  shl="$STAGE.shlibdeps"
  rm -rf "$shl" && mkdir -p "$shl/debian"
  printf 'Source: safehalt\n\nPackage: safehalt\nArchitecture: any\n' >"$shl/debian/control"
  dep_line="$(cd "$shl" && dpkg-shlibdeps -O -e "$ROOT/$STAGE/usr/bin/safehalt" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
  [ -n "$dep_line" ] || die "dpkg-shlibdeps found no dependencies of usr/bin/safehalt"
else
  say "dpkg-shlibdeps (dpkg-dev) is missing: Depends: $dep_line, unversioned"
fi
size_kib="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s|@VERSION@|$DEB_VERSION|" -e "s|@ARCH@|$ARCH|" -e "s|@MAINTAINER@|$MAINTAINER|" \
  -e "s|@SIZE@|$size_kib|" -e "s|@DEPENDS@|$dep_line|" packaging/debian/control.in >"$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort | xargs md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/conffiles"

# Everything root-owned, directories 0755, timestamps of the release.
find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p dist
# Written beside and renamed: a reader never sees half a package.
dpkg-deb --root-owner-group -Zxz -z"${SAFEHALT_DEB_XZ_LEVEL:-6}" --build "$STAGE" "$STAGE.deb" >/dev/null
mv -f "$STAGE.deb" "$OUT"
say "done: $OUT ($(stat -c %s "$OUT") bytes), Depends: $dep_line"
