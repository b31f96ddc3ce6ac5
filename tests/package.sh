#!/bin/sh
# Installs pdmon as a user would and runs it from there: 'cmake --install'
# into a scratch prefix, then the Debian package 'cpack -G DEB' builds,
# unpacked with 'dpkg -x' into a scratch root (no root rights, nothing
# touched outside it): its files, its Depends, --version, Russian messages
# from the installed catalogue, an installed pack, and the demo.
# Usage: tests/package.sh BUILD_DIR
set -eu
build=$(cd "${1:-build}" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() {
  echo "package: $*" >&2
  exit 1
}

# The installed tree under a prefix, run from there.
check_tree() {
  prefix=$1
  for f in bin/pdmon share/man/man1/pdmon.1.gz share/bash-completion/completions/pdmon \
    share/locale/ru/LC_MESSAGES/pdmon.mo share/doc/pdmon/README.md share/doc/pdmon/copyright \
    share/doc/pdmon/docs/dsl.md share/pdmon/rules/emanzhelinsk/pack.lua share/pdmon/rules/chelyabinsk/pack.lua \
    share/pdmon/examples/quickstart/staff.csv; do
    [ -e "$prefix/$f" ] || fail "$prefix: $f is missing"
  done
  version=$(env -u PDMON_LOCALEDIR "$prefix/bin/pdmon" --version) || fail "$prefix: pdmon --version failed"
  echo "$version" | grep -q "^pdmon [0-9]" || fail "$prefix: --version says: $version"
  echo "$version" | grep -q "$prefix/bin/../share/locale" || fail "$prefix: the catalogue is not the installed one: $version"
  env -u PDMON_LOCALEDIR LC_ALL= LANGUAGE= LANG=ru_RU.UTF-8 "$prefix/bin/pdmon" --help | grep -q "Команды:" ||
    fail "$prefix: no Russian messages from the installed catalogue"
  "$prefix/bin/pdmon" --pack "$prefix/share/pdmon/rules/emanzhelinsk" check >/dev/null ||
    fail "$prefix: the installed pack emanzhelinsk does not load"
  (cd "$scratch" && "$prefix/bin/pdmon" demo --out "$scratch/demo-$2" >/dev/null) || fail "$prefix: pdmon demo failed"
  [ -s "$scratch/demo-$2/report.html" ] || fail "$prefix: the demo wrote no report.html"
}

cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
check_tree "$scratch/prefix" install

(cd "$build" && cpack -G DEB -B "$scratch/deb" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(ls "$scratch"/deb/pdmon_*.deb)
dpkg-deb --field "$deb" Depends | grep -q "liblua5.4-0" || fail "$deb: Depends lacks the Lua library: $(dpkg-deb --field "$deb" Depends)"
dpkg-deb --contents "$deb" | grep "./usr/bin/pdmon$" >/dev/null || fail "$deb: no /usr/bin/pdmon"
dpkg -x "$deb" "$scratch/root"
check_tree "$scratch/root/usr" deb
echo "package: $(basename "$deb") installs and runs ($(dpkg-deb --field "$deb" Installed-Size) KiB installed)"
