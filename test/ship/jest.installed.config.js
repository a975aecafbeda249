'use strict';
// The jest "native" suite run against an installed msi-lua (the packed tarball installed in
// a fresh folder) instead of this checkout's lib/: every `../../lib/x` import resolves to
// the installed package's dist/x, so the addon, its lookup and the compiled JavaScript are
// the ones users get. MSI_LUA_INSTALLED names the installed package folder.
//   MSI_LUA_INSTALLED=<app>/node_modules/msi-lua npx jest -c test/ship/jest.installed.config.js
const path = require('node:path');

const installed = process.env.MSI_LUA_INSTALLED;
if (!installed) throw new Error('MSI_LUA_INSTALLED must name the installed msi-lua folder');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  displayName: 'native-installed',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/native'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  moduleNameMapper: { '^(?:\\.\\./)+lib/(.*)$': `${path.resolve(installed).replace(/\\/g, '/')}/dist/$1` },
};
