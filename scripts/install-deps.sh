#!/bin/sh
# Installs the Debian packages pdmon needs to build and test, when missing.
# As root it runs apt-get directly; otherwise through sudo. A user without
# either asks an administrator to run:
#   apt-get install build-essential cmake pkg-config liblua5.4-dev \
#     libsqlite3-dev libpcre2-dev libcjson-dev libcmocka-dev libxlsxwriter-dev libzip-dev libexpat1-dev libedit-dev libmicrohttpd-dev libsodium-dev libcurl4-openssl-dev openssl gettext locales groff-base unzip tidy poppler-utils fonts-paratype
# Extra packages can be named as arguments (CI adds valgrind).
set -eu

packages="build-essential cmake pkg-config liblua5.4-dev libsqlite3-dev libpcre2-dev libcjson-dev libcmocka-dev libxlsxwriter-dev libzip-dev libexpat1-dev libedit-dev libmicrohttpd-dev libsodium-dev libcurl4-openssl-dev openssl gettext locales groff-base unzip tidy poppler-utils fonts-paratype $*"
missing=""
for package in $packages; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing:$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
