#!/usr/bin/env node
'use strict';
// npm run lint: ESLint (typescript-eslint recommended, eslint.config.js), Prettier's check
// (.prettierrc.json) and clang-format's check of native/ and test/ C++ (.clang-format).
// Exits 1 when any of them finds something; a missing clang-format is a failure too
// (scripts/setup.sh installs it).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function run(label, command, args) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const ok = result.status === 0;
  const why = result.error
    ? ` (${result.error.code === 'ENOENT' ? `${command} is not installed: run bash scripts/setup.sh` : result.error.message})`
    : '';
  console.log(`lint: ${label} ${ok ? 'clean' : `failed${why}`} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return ok;
}

function cxxFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...cxxFiles(rel));
    else if (/\.(cc|h)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Files .format-pending lists (not yet formatted: the one-time `npm run format` empties it). */
function pending() {
  const file = path.join(root, '.format-pending');
  if (!fs.existsSync(file)) return new Set();
  return new Set(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

module.exports = { cxxFiles, root };

if (require.main === module) {
  const skip = pending();
  const prettier = path.join(path.dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs');
  const ignore = ['.gitignore', '.prettierignore', '.format-pending'].flatMap((f) => ['--ignore-path', f]);
  const results = [
    run('eslint', process.execPath, [path.join(path.dirname(require.resolve('eslint/package.json')), 'bin', 'eslint.js'), '.']),
    run('prettier --check', process.execPath, [prettier, '--check', '--log-level', 'warn', ...ignore, '.']),
    run('clang-format', 'clang-format', ['--dry-run', '-Werror', ...cxxFiles('native').filter((f) => !skip.has(f))]),
  ];
  if (skip.size) console.log(`lint: ${skip.size} files wait for the one-time format (npm run format; see .format-pending)`);
  process.exit(results.every(Boolean) ? 0 : 1);
}
