#!/usr/bin/env node
'use strict';
// npm pack / npm publish run this first: the tarball must hold what users load.
//   dist/                        compiled afresh from lib/ (tsc, after removing the old dist/)
//   prebuilds/win32-x64/, -ia32/ the cross-built addons (mingw-w64); each rebuilt when missing
//                                or older than any native source, or pack is refused naming
//                                what is missing. win32-arm64 comes from the release workflow
//                                (MSVC) and is packed when present.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { TOOLCHAINS } = require('./build-native');

const root = path.resolve(__dirname, '..');
const CROSS_BUILT = ['x64', 'ia32'];

function fail(message) {
  console.error(`prepack: ${message}`);
  process.exit(1);
}

// Everything prepack and its builds print goes to stderr: `npm pack --json` writes its JSON to
// stdout after the lifecycle scripts, and cmake's "[ 50%]" lines there would break it.
function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) fail(`${label} failed (exit ${result.status ?? result.signal})`);
}

function newestMtime(paths) {
  let newest = 0;
  for (const p of paths) {
    if (!fs.existsSync(p)) continue;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) newest = Math.max(newest, newestMtime(fs.readdirSync(p).map((f) => path.join(p, f))));
    else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

const prebuildDir = (arch) => path.join(root, 'prebuilds', `win32-${arch}`);
function prebuilds(arch) {
  const dir = prebuildDir(arch);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
}

/** Why the native cross-build for `arch` cannot run here, or null. */
function crossBuildBlocker(arch) {
  if (process.platform === 'win32') return null;
  const triple = TOOLCHAINS[arch].triple;
  const tools = [`${triple}-g++-posix`, `${triple}-strip`, 'cmake', 'make'];
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  return missing.length ? `${missing.join(', ')} not installed (bash scripts/setup.sh installs them)` : null;
}

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run('tsc -p tsconfig.json', [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
if (!fs.existsSync(path.join(root, 'dist', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'index.d.ts'))) {
  fail('tsc wrote no dist/index.js and dist/index.d.ts');
}

const sources = ['native', 'CMakeLists.txt', 'binding.gyp', 'cmake'].map((p) => path.join(root, p));
for (const arch of CROSS_BUILT) {
  const built = prebuilds(arch);
  const stale = built.length === 0 || newestMtime(sources) > newestMtime(built.map((f) => path.join(prebuildDir(arch), f)));
  if (!stale) continue;
  const blocker = crossBuildBlocker(arch);
  if (blocker) fail(`prebuilds/win32-${arch}/*.node is ${built.length ? 'older than native/' : 'missing'} and cannot be built: ${blocker}`);
  run(`the native cross-build for ${arch} (npm run build:prebuild -- --arch=${arch})`, [
    path.join(__dirname, 'build-native.js'),
    '--prebuild',
    `--arch=${arch}`,
  ]);
  if (prebuilds(arch).length === 0) fail(`the native cross-build wrote nothing to prebuilds/win32-${arch}`);
}
console.error(`prepack: dist/ and ${CROSS_BUILT.map((a) => `prebuilds/win32-${a}/${prebuilds(a).join(', ')}`).join(', ')} ready`);
