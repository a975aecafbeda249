#!/usr/bin/env node
'use strict';
// Install step. On Windows: use the shipped prebuild, or compile with node-gyp when none
// matches (node-gyp-build does both). Elsewhere there is nothing to build: the package's
// pure-TypeScript parts work as they are and the Windows functions reject with
// PlatformNotSupportedError.
if (process.platform !== 'win32') process.exit(0);

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const nodeGypBuild = require.resolve('node-gyp-build/bin.js');
const result = spawnSync(process.execPath, [nodeGypBuild], { cwd: path.resolve(__dirname, '..'), stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
