#!/usr/bin/env node
'use strict';
// Builds the Windows addon.
//   node scripts/build-native.js                          → build/Release/msi_lua.node (x64)
//   node scripts/build-native.js --prebuild [--arch=A]    → prebuilds/win32-A/node.napi.node
// A is x64 (default), ia32 or arm64. On Linux it cross-compiles with mingw-w64
// (cmake/mingw-w64-x86_64.cmake, cmake/mingw-w64-i686.cmake; there is no arm64 mingw
// toolchain in Debian, so arm64 is built with MSVC on Windows only). On Windows cmake-js
// uses MSVC. Either way only Node-API headers are used, so nothing is downloaded.
//
// The prebuild's file name is what both loaders look for: node-gyp-build accepts
// `node.napi.node` under any runtime (Node or Electron), and @electron/rebuild reports
// "Found prebuilt Node-API module" for `node.napi.node` (`node.napi.armv8.node` on arm64,
// the extension it derives from the arch) instead of compiling from source.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);

const TOOLCHAINS = {
  x64: { file: 'mingw-w64-x86_64.cmake', triple: 'x86_64-w64-mingw32' },
  ia32: { file: 'mingw-w64-i686.cmake', triple: 'i686-w64-mingw32' },
};

/** The prebuild file name node-gyp-build and @electron/rebuild both find for an arch. */
function prebuildFileName(arch) {
  return arch === 'arm64' ? 'node.napi.armv8.node' : 'node.napi.node';
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`build-native: ${command} ${commandArgs.join(' ')} exited with ${result.status}`);
    process.exit(result.status || 1);
  }
}

function argValue(name, fallback) {
  const prefix = `--${name}=`;
  const found = args.find((a) => a.startsWith(prefix));
  return found ? found.slice(prefix.length) : fallback;
}

/** Runs cmake-js for one arch into outDir and returns the built .node path. */
function cmakeJsBuild(arch, outDir) {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const cmakeArgs = ['build', '--out', outDir, '--config', 'Release', '--arch', arch, '--parallel', '2'];
  if (process.platform !== 'win32') {
    const toolchain = TOOLCHAINS[arch];
    if (!toolchain) {
      console.error(`build-native: no mingw-w64 toolchain for ${arch} on Linux (arm64 is built with MSVC on Windows)`);
      process.exit(2);
    }
    cmakeArgs.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', toolchain.file)}`);
    cmakeArgs.push('--CDCMAKE_BUILD_TYPE=Release');
  }
  run(process.execPath, [cmakeJs, ...cmakeArgs, '--log-level', 'warn']);
  return path.join(root, outDir, 'Release', 'msi_lua.node');
}

function prebuild(arch) {
  const built = cmakeJsBuild(arch, path.join('build', `prebuild-${arch}`));
  const dir = path.join(root, 'prebuilds', `win32-${arch}`);
  fs.mkdirSync(dir, { recursive: true });
  // One file per arch folder, so node-gyp-build has nothing older to prefer.
  for (const old of fs.readdirSync(dir)) if (old.endsWith('.node')) fs.rmSync(path.join(dir, old));
  const dest = path.join(dir, prebuildFileName(arch));
  fs.copyFileSync(built, dest);
  if (process.platform !== 'win32') {
    // MSVC keeps its symbols in the .pdb; mingw's are in the DLL: strip them from what ships.
    run(`${TOOLCHAINS[arch].triple}-strip`, ['--strip-unneeded', dest]);
  }
  console.log(`build-native: ${path.relative(root, dest)}`);
  return dest;
}

if (require.main === module) {
  const arch = argValue('arch', 'x64');
  if (args.includes('--prebuild')) prebuild(arch);
  else cmakeJsBuild(arch, 'build');
}

module.exports = { prebuildFileName, TOOLCHAINS };
