#!/usr/bin/env node
'use strict';
// Builds the Windows addon.
//   node scripts/build-native.js             → build/Release/msi_lua.node
//   node scripts/build-native.js --prebuild  → prebuilds/win32-x64/ through prebuildify
// On Linux it cross-compiles with mingw-w64 (cmake/mingw-w64-x86_64.cmake); on Windows
// cmake-js uses MSVC. Either way only Node-API headers are used, so nothing is downloaded.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`build-native: ${command} ${commandArgs.join(' ')} exited with ${result.status}`);
    process.exit(result.status || 1);
  }
}

function cmakeJsBuild() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const cmakeArgs = ['build', '--out', 'build', '--config', 'Release', '--arch', 'x64', '--parallel', '2'];
  if (process.platform !== 'win32') {
    cmakeArgs.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', 'mingw-w64-x86_64.cmake')}`);
    cmakeArgs.push('--CDCMAKE_BUILD_TYPE=Release');
  }
  run(process.execPath, [cmakeJs, ...cmakeArgs, '--log-level', 'warn']);
}

if (args.includes('--prebuild')) {
  // prebuildify drives the build through a node-gyp-compatible executable; ours is this
  // script again (it has a shebang), which ignores node-gyp's arguments and runs cmake-js.
  const prebuildify = require.resolve('prebuildify/bin');
  const stripBin = process.platform === 'win32' ? 'strip' : 'x86_64-w64-mingw32-strip';
  // prebuildify works in <tmpdir>/prebuildify and leaves it behind: give it a temporary
  // directory of its own and remove that.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-prebuildify-'));
  process.once('exit', () => fs.rmSync(tmp, { recursive: true, force: true })); // run() exits on failure
  try {
    run(
      process.execPath,
      [prebuildify, '--napi', '--platform=win32', '--arch=x64', '--strip', `--strip-bin=${stripBin}`, `--node-gyp=${__filename}`],
      { env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp } },
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
} else {
  cmakeJsBuild();
}
