#!/usr/bin/env node
'use strict';
// Builds the test tools in this directory with mingw-w64 into .cache/tools/: for now
// apply-transform.exe, the msi.dll side of the transform cross-check, and
// dump-database.exe, the msi.dll side of the corpus cross-check. Test code only:
// never shipped. Rebuilds only when a source is newer than the executable.
//   node test/tools/build.js [--force]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, '.cache', 'tools');
const compiler = process.env.MINGW_CC || 'x86_64-w64-mingw32-gcc';

const TOOLS = {
  'apply-transform': { sources: ['apply-transform.c', 'record-json.c'], headers: ['record-json.h'], libs: ['-lmsi'] },
  'dump-database': { sources: ['dump-database.c', 'record-json.c'], headers: ['record-json.h'], libs: ['-lmsi'] },
};

function exePath(name) {
  return path.join(outDir, `${name}.exe`);
}

function build(name) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`tools: no tool named ${name}`);
  const exe = exePath(name);
  const sources = tool.sources.map((f) => path.join(__dirname, f));
  const headers = (tool.headers ?? []).map((f) => path.join(__dirname, f));
  const upToDate =
    !process.argv.includes('--force') &&
    fs.existsSync(exe) &&
    [...sources, ...headers, __filename].every((f) => fs.statSync(f).mtimeMs <= fs.statSync(exe).mtimeMs);
  if (upToDate) return exe;
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${exe}.${process.pid}.tmp`;
  const args = ['-O1', '-Wall', '-Wextra', '-municode', ...sources, '-o', tmp, '-static-libgcc', ...tool.libs];
  const result = spawnSync(compiler, args, { stdio: 'inherit' });
  if (result.error) throw new Error(`tools: cannot run ${compiler}: ${result.error.message} (install gcc-mingw-w64-x86-64)`);
  if (result.status !== 0) throw new Error(`tools: ${compiler} exited with ${result.status} building ${name}`);
  fs.renameSync(tmp, exe); // atomic: a concurrent run never starts a half-written file
  console.log(`tools: built ${path.relative(root, exe)}`);
  return exe;
}

module.exports = { build, exePath };

if (require.main === module) {
  try {
    for (const name of Object.keys(TOOLS)) build(name);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
