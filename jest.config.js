'use strict';
// Two suites: "unit" runs on any OS with Linux node; "native" loads the real
// addon and runs under Windows node.exe inside Wine (scripts/wine-tier.js) or on Windows.
// Type-checking is `tsc -p tsconfig.test.json` (npm test); ts-jest only transpiles.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-cleanup.ts'],
    },
    {
      // Run by scripts/ship-tier.js, which builds what these tests inspect.
      displayName: 'ship',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/ship'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-cleanup.ts'],
    },
    {
      displayName: 'native',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/native'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-cleanup.ts'],
    },
  ],
};
