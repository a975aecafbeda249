#!/usr/bin/env bash
# One command that prepares a fresh Linux machine for building and testing msi-lua:
# Debian packages (Wine, mingw-w64, msitools, wixl, osslsigncode), npm dependencies,
# Windows Node for the Wine tier, and an isolated Wine prefix set to Windows 10.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(wine64 g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 msitools wixl osslsigncode openssl cmake make)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

node scripts/wine-env.js --prepare
node scripts/node18.js --prepare
echo "setup: done"
