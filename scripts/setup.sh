#!/usr/bin/env bash
# One command that prepares a fresh Linux machine for building and testing msi-lua:
# Debian packages (Wine, mingw-w64, msitools, wixl, osslsigncode), npm dependencies,
# Windows Node for the Wine tier, and an isolated Wine prefix set to Windows 10.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installed without Recommends, so every package whose programs we run is named here:
# wine64 alone lacks /usr/bin/wine, wineboot and winepath (they come with `wine`).
# test/unit/setup-packages.test.ts checks that each program below is owned by a package
# in the dependency closure of this list.
apt_packages=(wine wine64 g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 g++-mingw-w64-i686-posix gcc-mingw-w64-i686-posix binutils-mingw-w64-i686 mingw-w64-i686-dev msitools wixl osslsigncode openssl cmake make tar gcc clang-format)

# program:package for every program the scripts, tests and benches run.
required_programs=(
  wine:wine wineboot:wine winepath:wine wineserver:wine
  gcc:gcc
  x86_64-w64-mingw32-g++-posix:g++-mingw-w64-x86-64-posix
  x86_64-w64-mingw32-gcc-posix:gcc-mingw-w64-x86-64-posix
  x86_64-w64-mingw32-dlltool:binutils-mingw-w64-x86-64
  x86_64-w64-mingw32-windres:binutils-mingw-w64-x86-64
  x86_64-w64-mingw32-strip:binutils-mingw-w64-x86-64
  x86_64-w64-mingw32-objdump:binutils-mingw-w64-x86-64
  i686-w64-mingw32-g++-posix:g++-mingw-w64-i686-posix
  i686-w64-mingw32-gcc-posix:gcc-mingw-w64-i686-posix
  i686-w64-mingw32-dlltool:binutils-mingw-w64-i686
  i686-w64-mingw32-windres:binutils-mingw-w64-i686
  i686-w64-mingw32-strip:binutils-mingw-w64-i686
  i686-w64-mingw32-objdump:binutils-mingw-w64-i686
  msiinfo:msitools msibuild:msitools msidump:msitools wixl:wixl
  osslsigncode:osslsigncode openssl:openssl cmake:cmake make:make tar:tar
  clang-format:clang-format
)

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

absent=()
for entry in "${required_programs[@]}"; do
  program=${entry%%:*}
  command -v "$program" >/dev/null 2>&1 || absent+=("$program (Debian package ${entry#*:})")
done
if ((${#absent[@]})); then
  echo "setup: these programs are still missing after the apt install:" >&2
  printf '  %s\n' "${absent[@]}" >&2
  exit 1
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

node scripts/wine-env.js --prepare
node scripts/node18.js --prepare
echo "setup: done"
