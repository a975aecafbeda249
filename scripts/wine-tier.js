#!/usr/bin/env node
'use strict';
// The Wine tier: cross-builds the addon as the shipped prebuild, installs the fixture
// products into the Wine prefix, applies the transform cross-check cases with Wine's
// msi.dll (scripts/transform-crosscheck.js), then runs the jest "native" project under Windows
// node.exe — once as node.exe and once under another executable name (as Electron
// would host it), and last scripts/tarball-test.js (the packed package installed and used).
// Its last line is `wine: N passed, N failed`.
//   --no-build        test the existing prebuilds/win32-x64 as it is (npm run test-prebuild)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { nodeExe, prepare, root, runInWine, toWindowsPath, runWineServerWait } = require('./wine-env');
const { prepareFixtures } = require('./fixtures');

const args = process.argv.slice(2);

async function step(label, fn) {
  const started = Date.now();
  const result = await fn();
  console.log(`wine-tier: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

function buildPrebuild() {
  const built = spawnSync(process.execPath, [path.join(__dirname, 'build-native.js'), '--prebuild'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the cross build failed');
  return shippedPrebuild();
}

/** The prebuilds/win32-x64 files the package ships; removes build/Release so the suite loads them. */
function shippedPrebuild() {
  // node-gyp-build prefers build/Release; remove it so the suite loads the prebuild we ship.
  fs.rmSync(path.join(root, 'build', 'Release', 'msi_lua.node'), { force: true });
  const prebuilt = path.join(root, 'prebuilds', 'win32-x64');
  const files = fs.existsSync(prebuilt) ? fs.readdirSync(prebuilt).filter((f) => f.endsWith('.node')) : [];
  if (files.length === 0) throw new Error(`no prebuild in ${prebuilt}: run npm run build:prebuild`);
  return files.map((f) => path.join(prebuilt, f));
}

function buildUpdateAgent() {
  const built = spawnSync(process.execPath, [path.join(root, 'test', 'agent', 'build.js')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the scripted update agent did not build');
}

function runJestPass(label, hostExe, env) {
  const outputFile = path.join(os.tmpdir(), `msi-lua-jest-${label}-${process.pid}.json`);
  fs.rmSync(outputFile, { force: true });
  console.log(`wine-tier: jest native suite under ${path.basename(hostExe)}`);
  const jestBin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const run = runInWine(
    [
      hostExe,
      jestBin,
      '--selectProjects',
      'native',
      '--runInBand',
      '--ci',
      '--watchman=false',
      '--json',
      `--outputFile=${toWindowsPath(outputFile)}`,
    ],
    { env },
  );
  let report = null;
  try {
    report = JSON.parse(fs.readFileSync(outputFile, 'utf8'));
  } catch {
    console.error(`wine-tier: ${label}: jest wrote no report (exit ${run.status})`);
  }
  fs.rmSync(outputFile, { force: true });
  if (!report) return { passed: 0, failed: 1, skipped: 0 };
  const failed = report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
  return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + (report.numTodoTests || 0), exit: run.status };
}

async function main() {
  await step('Wine prefix and Windows node ready', prepare);
  const prebuilds = args.includes('--no-build') ? shippedPrebuild() : await step('cross-built prebuilds/win32-x64', buildPrebuild);
  console.log(`wine-tier: loading ${prebuilds.map((p) => path.relative(root, p)).join(', ')}`);
  const { manifestPath } = await step('fixtures built and installed', prepareFixtures);
  await step('scripted update agent built', buildUpdateAgent);
  const env = { MSI_LUA_FIXTURES: toWindowsPath(manifestPath), MSI_LUA_UNDER_WINE: '1' };

  // A host that is not called node.exe: the addon must resolve Node-API from it.
  const renamedHost = path.join(path.dirname(nodeExe), 'msi-lua-host.exe');
  if (!fs.existsSync(renamedHost)) fs.copyFileSync(nodeExe, renamedHost);

  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const [label, host] of [
    ['node', nodeExe],
    ['renamed-host', renamedHost],
  ]) {
    const counts = await step(`pass ${label}`, () => runJestPass(label, host, { ...env, MSI_LUA_HOST_LABEL: label }));
    console.log(`wine-tier: ${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  }
  // The packed tarball, installed and used as users would (Linux and Windows node under Wine).
  const tarball = await step('tarball installed and used', () =>
    spawnSync(process.execPath, [path.join(__dirname, 'tarball-test.js')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    }),
  );
  process.stdout.write(tarball.stdout || '');
  const counted = /^tarball: (\d+) passed, (\d+) failed$/m.exec(tarball.stdout || '');
  totals.passed += counted ? Number(counted[1]) : 0;
  totals.failed += counted ? Number(counted[2]) : 1;
  runWineServerWait();
  if (totals.skipped) console.log(`wine-tier: ${totals.skipped} skipped (not counted as passed)`);
  console.log(`wine: ${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  console.log('wine: 0 passed, 1 failed');
  process.exit(1);
});
