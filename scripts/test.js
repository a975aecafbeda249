#!/usr/bin/env node
'use strict';
// npm test: type-check and compile, the unit suite (any OS, Linux node), then the Wine
// tier (the real addon under Windows node in Wine). The last line counts both.
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

const wineRun = spawnSync(process.execPath, [path.join(__dirname, 'wine-tier.js')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
process.stdout.write(wineRun.stdout || '');
const wineLine = (wineRun.stdout || '').trim().split('\n').pop() || '';
const wineMatch = wineLine.match(/^wine: (\d+) passed, (\d+) failed$/);
const wine = wineMatch ? { passed: Number(wineMatch[1]), failed: Number(wineMatch[2]) } : { passed: 0, failed: 1 };
if (!wineMatch) console.error('test: the Wine tier did not finish with its count line');

const passed = unit.passed + wine.passed;
const failed = unit.failed + wine.failed + (wineRun.status !== 0 && wine.failed === 0 ? 1 : 0);
console.log(`test: finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`all: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
