'use strict';
// The Wine side of the corpus cross-check (test/unit/package/corpus.test.ts compares
// every file of ../shared/corpus with msitools): for each file of the corpus and of
// ../shared/cases that msitools cannot open, or
// with a table msitools cannot export, dumps the database through Wine's msi.dll
// (test/tools/dump-database.c) so that test/native/corpus.test.ts can compare msi-lua
// with it. msitools' verdict comes from test/tools/msitools-reference.c (the calls
// msiinfo makes, built with gcc). Returns the manifest entries; none where
// ../shared/corpus is absent (the native test then says it skipped).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { cacheDir, runInWine, toWindowsPath } = require('./wine-env');

const root = path.resolve(__dirname, '..');
const corpus = path.resolve(root, '..', 'shared', 'corpus');
const cases = path.resolve(root, '..', 'shared', 'cases');
const outDir = path.join(cacheDir, 'fixtures', 'corpus');

/** msitools' verdict on one file: whether it opens, and the tables it cannot export. */
function msitoolsVerdict(tool, file, scratch) {
  const out = fs.mkdtempSync(path.join(scratch, 'ref-'));
  const run = spawnSync(tool, [file, out], { cwd: out, timeout: 120_000 });
  try {
    if (fs.existsSync(path.join(out, 'open.err'))) return { opens: false, failedTables: [], crashed: false };
    const tables = fs.existsSync(path.join(out, 'tables'))
      ? fs.readFileSync(path.join(out, 'tables'), 'utf8').split('\n').slice(0, -1)
      : [];
    const failedTables = tables.filter((_, i) => fs.existsSync(path.join(out, `${i}.err`)));
    return { opens: true, failedTables, crashed: run.status !== 0 };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

async function prepareCorpusCrossCheck() {
  if (!fs.existsSync(path.join(corpus, 'manifest.tsv'))) return [];
  const { build } = require('../test/tools/build');
  const exe = build('dump-database');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-corpus-wine-'));
  const entries = [];
  try {
    const tool = path.join(scratch, 'msitools-reference');
    const built = spawnSync('gcc', ['-O1', '-o', tool, path.join(root, 'test', 'tools', 'msitools-reference.c'), '-ldl'], {
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('corpus: gcc could not build test/tools/msitools-reference.c');
    // The corpus, and the failing inputs of ../shared/cases (one per kind of fault).
    const listed = (dir, prefix) =>
      (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
        .filter((f) => /\.(msi|msp|msm|mst)$/i.test(f))
        .sort()
        .map((f) => ({ name: prefix + f, file: path.join(dir, f) }));
    for (const { name, file } of [...listed(corpus, ''), ...listed(cases, 'cases/')]) {
      const verdict = msitoolsVerdict(tool, file, scratch);
      if (verdict.opens && verdict.failedTables.length === 0 && !verdict.crashed) continue;
      const dump = path.join(outDir, `${name.replace('/', '-')}.json`);
      const run = runInWine([exe, toWindowsPath(file), toWindowsPath(dump)], { echo: false });
      if (run.status !== 0 && run.status !== 4) throw new Error(`dump-database ${name} exited with ${run.status}: ${run.stderr.trim()}`);
      entries.push({
        name,
        file: toWindowsPath(file),
        msitoolsOpens: verdict.opens,
        msitoolsFailedTables: verdict.failedTables,
        wineDump: toWindowsPath(dump),
      });
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return entries;
}

module.exports = { prepareCorpusCrossCheck };
