#!/usr/bin/env node
'use strict';
// npm test: type-check and compile, the unit suite (any OS, Linux node), lint, the same suite
// under Node 18 (the oldest supported), then the Wine tier (the real addon under Windows
// node in Wine), then the ship tier (prebuilds, packed tarball, @electron/rebuild,
// msi-lua.exe). The last line counts them all.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const started = Date.now();

// Every temporary folder the suite makes must be gone when it ends. Other processes on this
// machine make msi-lua-* folders in the same temp directory at the same time, so the suite's
// Linux processes get a private TMPDIR: whatever is left in it was left by this run. Jest
// keeps its transform cache where it always is (the real temp directory).
const systemTmp = os.tmpdir();
const runTmp = fs.mkdtempSync(path.join(systemTmp, 'msi-lua-run-'));
const jestCache = path.join(systemTmp, `jest_${(process.getuid ? process.getuid() : 0).toString(36)}`);
process.env.MSI_LUA_SYSTEM_TMPDIR = systemTmp;
process.env.TMPDIR = runTmp;
process.env.MSI_LUA_JEST_CACHE = jestCache;
process.on('exit', () => fs.rmSync(runTmp, { recursive: true, force: true }));

/** Names of msi-lua-* folders in the system temp directory made since `since` (ms). */
function newTempFolders(since) {
  const found = [];
  for (const name of fs.readdirSync(systemTmp)) {
    if (!name.startsWith('msi-lua-')) continue;
    const full = path.join(systemTmp, name);
    if (full === runTmp) continue;
    try {
      const stat = fs.statSync(full);
      if (stat.isDirectory() && stat.birthtimeMs >= since) found.push(name);
    } catch {
      // removed meanwhile
    }
  }
  return found;
}

function run(label, command, args, options = {}) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  console.log(`test: ${label} exited ${result.status} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result.status === null ? 1 : result.status;
}

const tsc = require.resolve('typescript/bin/tsc');
if (run('compile lib', process.execPath, [tsc, '-p', 'tsconfig.json']) !== 0) process.exit(1);
if (run('type-check tests', process.execPath, [tsc, '-p', 'tsconfig.test.json']) !== 0) process.exit(1);

const unitReport = path.join(runTmp, 'unit-report.json');
const jest = require.resolve('jest/bin/jest');
run('unit suite', process.execPath, [
  jest,
  '--selectProjects',
  'unit',
  '--ci',
  `--cacheDirectory=${jestCache}`,
  '--json',
  `--outputFile=${unitReport}`,
]);
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
  const tier = spawnSync(process.execPath, [path.join(__dirname, script)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
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

// Lint and format (scripts/lint.js): its own step; any finding counts as one failure.
const lint = { passed: 0, failed: run('lint', process.execPath, [path.join(__dirname, 'lint.js')]) === 0 ? 0 : 1 };

const node18 = runTier('node18', 'node18.js');
const wine = runTier('wine', 'wine-tier.js');
const ship = runTier('ship', 'ship-tier.js');

// Left in the private TMPDIR: this run's leftovers, a failure. msi-lua-* folders that appeared
// in the system temp directory meanwhile may be other processes' (reported, not counted).
const leftEntries = fs.readdirSync(runTmp, { withFileTypes: true });
const leftovers = leftEntries.filter((e) => e.isDirectory()).map((e) => e.name);
const leftFiles = leftEntries.filter((e) => !e.isDirectory()).map((e) => e.name);
const elsewhere = newTempFolders(started);
console.log(
  `test: temporary folders left by the suite: ${leftovers.length}${leftovers.length ? ` (${leftovers.slice(0, 20).join(', ')}${leftovers.length > 20 ? ', ...' : ''})` : ''}`,
);
if (leftFiles.length) console.log(`test: temporary files left (reported, not counted): ${leftFiles.slice(0, 20).join(', ')}`);
if (elsewhere.length)
  console.log(
    `test: msi-lua-* folders made in ${systemTmp} during the run (by this run's Wine side or by other processes): ${elsewhere.length}`,
  );
fs.rmSync(runTmp, { recursive: true, force: true });
const tempCheck = { passed: 0, failed: leftovers.length === 0 ? 0 : 1 };

const passed = unit.passed + node18.passed + wine.passed + ship.passed;
const failed = unit.failed + lint.failed + node18.failed + wine.failed + ship.failed + tempCheck.failed;
console.log(`test: finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`all: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
