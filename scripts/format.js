#!/usr/bin/env node
'use strict';
// npm run format: Prettier over the tree (.prettierrc.json, .prettierignore) and clang-format
// over native/ (.clang-format), then empties .format-pending, whose files lint skipped until
// now. Run it on a clean tree and commit the result on its own.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { cxxFiles, root } = require('./lint');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`format: ${command} ${args.slice(0, 3).join(' ')} ... failed${result.error ? `: ${result.error.message}` : ''}`);
    process.exit(1);
  }
}

run(process.execPath, [
  path.join(path.dirname(require.resolve('prettier/package.json')), 'bin', 'prettier.cjs'),
  '--write',
  '--log-level',
  'warn',
  '--ignore-path',
  '.gitignore',
  '--ignore-path',
  '.prettierignore',
  '.',
]);
run('clang-format', ['-i', ...cxxFiles('native')]);
const pendingFile = path.join(root, '.format-pending');
if (fs.existsSync(pendingFile)) {
  const header = fs
    .readFileSync(pendingFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('#'));
  fs.writeFileSync(pendingFile, header.join('\n') + '\n');
}
console.log('format: done');
