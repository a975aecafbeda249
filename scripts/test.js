#!/usr/bin/env node
'use strict';
// npm test: type-check and compile, the unit suite (any OS, Linux node), the same suite
// under Node 18 (the oldest supported), then the Wine tier (the real addon under Windows
// node in Wine), then the ship tier (prebuilds, packed tarball, @electron/rebuild,
// msi-lua.exe). The last line counts them all.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const started = Date.now();

function run(label, command, args, options = {}) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  console.log(`test: ${label} exited ${result.status} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result.status === null ? 1 : result.status;
}

const tsc = require.resolve('typescript/bin/tsc');
if (run('compile lib', process.execPath, [tsc, '-p', 'tsconfig.json']) !== 0) process.exit(1);
if (run('type-check tests', process.execPath, [tsc, '-p', 'tsconfig.test.json']) !== 0) process.exit(1);

const unitReport = path.join(os.tmpdir(), `msi-lua-unit-${process.pid}.json`);
const jest = require.resolve('jest/bin/jest');
run('unit suite', process.execPath, [jest, '--selectProjects', 'unit', '--ci', '--json', `--outputFile=${unitReport}`]);
let unit = { passed: 0, failed: 1, skipped: 0 };
try {
  const report = JSON.parse(fs.readFileSync(unitReport, 'utf8'));
  unit = {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (report.numRuntimeErrorTestSuites || 0),
    skipped: report.numPendingTests + (report.numTodoTests || 0),
  };
  fs.rmSync(unitReport, { force: true });
} catch {
  console.error('test: the unit suite wrote no report');
}
console.log(`unit: ${unit.passed} passed, ${unit.failed} failed${unit.skipped ? ` (${unit.skipped} skipped)` : ''}`);

/** Runs a tier script whose last line is `<label>: N passed, N failed`; a missing line or a bad exit counts as a failure. */
function runTier(label, script) {
  const t0 = Date.now();
  const tier = spawnSync(process.execPath, [path.join(__dirname, script)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(tier.stdout || '');
  const last = (tier.stdout || '').trim().split('\n').pop() || '';
  const match = last.match(new RegExp(`^${label}: (\\d+) passed, (\\d+) failed$`));
  console.log(`test: ${label} tier exited ${tier.status} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (!match) {
    console.error(`test: the ${label} tier did not finish with its count line`);
    return { passed: 0, failed: 1 };
  }
  const counts = { passed: Number(match[1]), failed: Number(match[2]) };
  if (tier.status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

const node18 = runTier('node18', 'node18.js');
const wine = runTier('wine', 'wine-tier.js');
const ship = runTier('ship', 'ship-tier.js');

const passed = unit.passed + node18.passed + wine.passed + ship.passed;
const failed = unit.failed + node18.failed + wine.failed + ship.failed;
console.log(`test: finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`all: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
