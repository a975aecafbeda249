// A test that returns early on a platform or Wine check passes without asserting anything:
// on the Windows runner (or under Wine) it would be counted as passed. Such a test is
// declared with `(condition ? test.skip : test)(...)`, which jest reports as skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const testFiles = ['test/unit', 'test/native', 'test/ship'].flatMap((folder) =>
  fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(folder, f)),
);

// `if (<a platform or Wine check>) return ...` as a statement of its own.
const EARLY_RETURN =
  /^\s*if \((?:[^()]|\([^()]*\))*(?:process\.platform|isWine\(\)|underWine|onWindows|MSI_LUA_UNDER_WINE)(?:[^()]|\([^()]*\))*\)\s*return\b/gm;

function earlyReturns(source: string): string[] {
  return [...source.matchAll(EARLY_RETURN)].map((m) => m[0].trim());
}

test('the pattern finds the early return it is for, and leaves a skip alone', () => {
  expect(earlyReturns("test('x', () => {\n  if (process.platform === 'win32') return;\n  expect(1).toBe(1);\n});\n")).toHaveLength(1);
  expect(earlyReturns("test('x', () => {\n  if (agent.isWine()) return expect(1).toBe(1);\n});\n")).toHaveLength(1);
  expect(earlyReturns("(process.platform === 'win32' ? test.skip : test)('x', () => {\n  expect(1).toBe(1);\n});\n")).toEqual([]);
});

test('there are test files to read', () => {
  expect(testFiles.length).toBeGreaterThan(50);
});

test('no test returns early on a platform or Wine check (it would count as passed)', () => {
  const found = testFiles.flatMap((file) => earlyReturns(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((line) => `${file}: ${line}`));
  expect(found).toEqual([]);
});
