#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks, from Debian's packages: gettext (msgfmt),
# Chromium for the browser tests, PostgreSQL server binaries for the throw-away test cluster.
set -euo pipefail
missing=()
command -v msgfmt >/dev/null || missing+=(gettext)
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list 2>/dev/null | grep -qi "noto sans" || missing+=(fonts-noto-core)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing from Debian's packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
