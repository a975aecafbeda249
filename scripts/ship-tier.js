#!/usr/bin/env node
'use strict';
// The ship tier: what users install and run, checked from the outside. It builds the
// x64 and ia32 prebuilds (mingw-w64) and msi-lua.exe (scripts/sea.js), packs the package
// with `npm pack`, installs the tarball in a fresh folder, then runs the jest "ship" project
// (Linux node): the binaries' headers (objdump), @electron/rebuild against the installed
// package, the install step on a simulated arch, the installed package under Windows node in
// Wine, and msi-lua.exe under Wine. Its last line is `ship: N passed, N failed`.
//   --no-build   use the existing prebuilds/ and build/sea/msi-lua.exe
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { prepare, root, runWineServerWait } = require('./wine-env');

const args = process.argv.slice(2);

function step(label, fn) {
  const started = Date.now();
  const result = fn();
  console.log(`ship-tier: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}`);
  return result;
}

/** True when `file` exists and is newer than every native source and build file. */
function upToDate(file) {
  if (!fs.existsSync(file)) return false;
  const built = fs.statSync(file).mtimeMs;
  const inputs = [
    ...fs.readdirSync(path.join(root, 'native')).map((f) => path.join(root, 'native', f)),
    ...fs.readdirSync(path.join(root, 'cmake')).map((f) => path.join(root, 'cmake', f)),
    path.join(root, 'CMakeLists.txt'),
  ];
  return inputs.every((input) => fs.statSync(input).mtimeMs < built);
}

function buildArtifacts() {
  for (const arch of ['x64', 'ia32']) {
    // The Wine tier (run just before in npm test) has built the x64 one from these sources.
    const unstripped = path.join(root, 'build', `prebuild-${arch}`, 'Release', 'msi_lua.node');
    const shipped = path.join(root, 'prebuilds', `win32-${arch}`, 'node.napi.node');
    if (upToDate(shipped) && upToDate(unstripped)) {
      console.log(`ship-tier: prebuilds/win32-${arch} is up to date`);
      continue;
    }
    step(`prebuilds/win32-${arch}`, () => run(process.execPath, [path.join(__dirname, 'build-native.js'), '--prebuild', `--arch=${arch}`]));
  }
  // node-gyp-build prefers build/Release over prebuilds/: the tarball must not depend on it.
  fs.rmSync(path.join(root, 'build', 'Release', 'msi_lua.node'), { force: true });
  step('build/sea/msi-lua.exe', () => run(process.execPath, [path.join(__dirname, 'sea.js')]));
}

function packAndInstall(work) {
  const packDir = path.join(work, 'pack');
  fs.mkdirSync(packDir, { recursive: true });
  const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const tarball = path.join(packDir, JSON.parse(packed.stdout)[0].filename);
  // A fresh app folder, as a user's: the tarball and its registry dependencies (from npm's cache).
  const app = path.join(work, 'app');
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'ship-test-app', version: '1.0.0', private: true }));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] });
  return { tarball, app };
}

function main() {
  step('Wine prefix and Windows node ready', prepare);
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
  if (!args.includes('--no-build')) buildArtifacts();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-ship-'));
  const { tarball, app } = step('packed and installed in a fresh folder', () => packAndInstall(work));
  const report = path.join(work, 'jest.json');
  const jest = require.resolve('jest/bin/jest');
  const env = {
    ...process.env,
    MSI_LUA_SHIP_TARBALL: tarball,
    MSI_LUA_SHIP_APP: app,
    MSI_LUA_SEA_EXE: path.join(root, 'build', 'sea', 'msi-lua.exe'),
  };
  // npm test gives the suite a private TMPDIR and one jest cache outside it (MSI_LUA_JEST_CACHE).
  const cache = process.env.MSI_LUA_JEST_CACHE ? [`--cacheDirectory=${process.env.MSI_LUA_JEST_CACHE}`] : [];
  spawnSync(process.execPath, [jest, '--selectProjects', 'ship', '--runInBand', '--ci', ...cache, '--json', `--outputFile=${report}`], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  runWineServerWait();
  let counts = { passed: 0, failed: 1, skipped: 0 };
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    counts = {
      passed: r.numPassedTests,
      failed: r.numFailedTests + (r.numRuntimeErrorTestSuites || 0),
      skipped: r.numPendingTests + (r.numTodoTests || 0),
    };
  } catch {
    console.error('ship-tier: jest wrote no report');
  }
  fs.rmSync(work, { recursive: true, force: true });
  if (counts.skipped) console.log(`ship-tier: ${counts.skipped} skipped (not counted as passed)`);
  console.log(`ship: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
}

try {
  main();
} catch (error) {
  console.error(error);
  console.log('ship: 0 passed, 1 failed');
  process.exit(1);
}
