#!/usr/bin/env bash
# Installs the Debian packages the test suite needs: those named as arguments, or by
# default those listed in .ci/system-packages.txt (the one list; `make test` and .ci/run
# both call this script).
#   all installed        -> does nothing (no apt-get), exit 0
#   some missing, root   -> apt-get update + apt-get install -y <missing>
#   some missing, other  -> prints the exact command to run as root, exit 2
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -gt 0 ]; then
  packages=("$@")
else
  packages=()
  while read -r line; do
    pkg="${line%%#*}"
    pkg="${pkg//[[:space:]]/}"
    [ -n "$pkg" ] && packages+=("$pkg")
  done <"$here/system-packages.txt"
fi

if ! command -v dpkg-query >/dev/null; then
  # Not a Debian-based system: nothing to check with. The tests that need a package say
  # so themselves (the browser test fails, naming CHROMIUM_PATH); never a silent pass.
  echo "No dpkg-query here (not Debian-based): install these yourself if missing: ${packages[*]}" >&2
  exit 0
fi

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=()
for pkg in "${packages[@]}"; do installed "$pkg" || missing+=("$pkg"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  {
    echo "Missing system packages the test suite needs: ${missing[*]}"
    echo "Installing them needs root. Run this, then run make test again:"
    echo
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    echo
  } >&2
  exit 2
fi

echo "Installing system packages the test suite needs: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
