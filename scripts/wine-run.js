#!/usr/bin/env node
'use strict';
// npm run wine -- script.js [args]: runs a script with Windows Node in the project's
// Wine prefix and relays its output and exit code.
const { nodeExe, prepare, runInWine } = require('./wine-env');

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: npm run wine -- <script.js> [args...]');
  process.exit(2);
}
prepare();
const { status } = runInWine([nodeExe, ...args], { cwd: process.cwd() });
process.exit(status);
