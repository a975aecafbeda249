#!/usr/bin/env node
'use strict';
// npm pack / npm publish run this first: the tarball must hold what users load.
//   dist/                    compiled afresh from lib/ (tsc, after removing the old dist/)
//   prebuilds/win32-x64/     the cross-built addon; rebuilt when missing or older than any
//                            native source, or pack is refused naming what is missing
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const PREBUILD_DIR = path.join(root, 'prebuilds', 'win32-x64');

function fail(message) {
  console.error(`prepack: ${message}`);
  process.exit(1);
}

function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
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

function prebuilds() {
  return fs.existsSync(PREBUILD_DIR) ? fs.readdirSync(PREBUILD_DIR).filter((f) => f.endsWith('.node')) : [];
}

/** Why the native cross-build cannot run here, or null. */
function crossBuildBlocker() {
  if (process.platform === 'win32') return null;
  const tools = ['x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-strip', 'cmake', 'make'];
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  return missing.length ? `${missing.join(', ')} not installed (bash scripts/setup.sh installs them)` : null;
}

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run('tsc -p tsconfig.json', [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
if (!fs.existsSync(path.join(root, 'dist', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'index.d.ts'))) {
  fail('tsc wrote no dist/index.js and dist/index.d.ts');
}

const sources = ['native', 'CMakeLists.txt', 'binding.gyp', 'cmake'].map((p) => path.join(root, p));
const built = prebuilds();
const stale = built.length === 0 || newestMtime(sources) > newestMtime(built.map((f) => path.join(PREBUILD_DIR, f)));
if (stale) {
  const blocker = crossBuildBlocker();
  if (blocker) {
    fail(`prebuilds/win32-x64/*.node is ${built.length ? 'older than native/' : 'missing'} and cannot be built: ${blocker}`);
  }
  run('the native cross-build (npm run build:prebuild)', [path.join(__dirname, 'build-native.js'), '--prebuild']);
  if (prebuilds().length === 0) fail('the native cross-build wrote nothing to prebuilds/win32-x64');
}
console.log(`prepack: dist/ and prebuilds/win32-x64/${prebuilds().join(', ')} ready`);
