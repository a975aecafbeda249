'use strict';
// The Wine side of the transform cross-check: builds the transform cases
// (test/support/transform-cases.ts: a base package and transforms written by the test
// writer), applies each case's transforms to a copy of the base with msi.dll's
// MsiDatabaseApplyTransformW under Wine (test/tools/apply-transform.c), and keeps what
// msi.dll made of it: the committed database and a JSON dump of every table read
// through msi.dll's query API. test/native/transform.test.ts compares msi-lua's own
// reading of the same transforms with both. Returns the manifest entries.
const fs = require('node:fs');
const path = require('node:path');

const { cacheDir, runInWine, toWindowsPath } = require('./wine-env');

const outDir = path.join(cacheDir, 'fixtures', 'transforms');

async function prepareTransformCrossCheck({ requireTypeScript }) {
  const { buildTransformCases } = requireTypeScript(path.join(__dirname, '..', 'test', 'support', 'transform-cases.ts'));
  const { build } = require('../test/tools/build');
  const exe = build('apply-transform');
  fs.rmSync(outDir, { recursive: true, force: true });
  const cases = await buildTransformCases(path.join(outDir, 'input'));
  fs.mkdirSync(path.join(outDir, 'wine'), { recursive: true });
  const entries = [];
  for (const c of cases) {
    const applied = path.join(outDir, 'wine', `${c.name}.msi`);
    const dump = path.join(outDir, 'wine', `${c.name}.json`);
    const run = runInWine([exe, toWindowsPath(c.base), toWindowsPath(applied), toWindowsPath(dump), ...c.transforms.map(toWindowsPath)], {
      echo: false,
    });
    if (run.status !== 0) throw new Error(`apply-transform ${c.name} exited with ${run.status}: ${run.stderr.trim()}`);
    const results = JSON.parse(fs.readFileSync(dump, 'utf8')).results;
    if (results.length !== c.transforms.length || results.some((r) => r !== 0)) {
      throw new Error(`MsiDatabaseApplyTransformW failed for ${c.name}: ${JSON.stringify(results)}`);
    }
    entries.push({
      name: c.name,
      description: c.description,
      base: toWindowsPath(c.base),
      transforms: c.transforms.map(toWindowsPath),
      wineDatabase: toWindowsPath(applied),
      wineDump: toWindowsPath(dump),
    });
  }
  return entries;
}

module.exports = { prepareTransformCrossCheck };
