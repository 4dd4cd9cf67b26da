#!/usr/bin/env bash
# Prepares a fresh Debian/Raspberry Pi OS machine for verikiosk: the system packages the
# drivers and tests use, then the npm dependencies (which also builds the TypeScript).
set -euo pipefail
cd "$(dirname "$0")/.."

# socat: pseudo-terminal pairs for the serial simulators; udev: serialport lists ports with udevadm;
# chromium + fonts-noto-cjk: the kiosk screen in browser mode and the end-to-end tests (Playwright);
# g++, make, python3: node-gyp builds better-sqlite3 and onoff's epoll from source when no prebuilt
# binary can be fetched (a machine that reaches only the npm registry, as CI's does).
packages=(socat udev chromium fonts-noto-cjk g++ make python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  echo "setup: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
