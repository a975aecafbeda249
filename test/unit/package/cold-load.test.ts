// What a process that only reads a package loads: the reader's modules, not
// the error texts (messages, SDK descriptions, the 4,000-row code table),
// nor node:perf_hooks or node:fs/promises, which cost a short command-line
// run (one `msi-lua dump` or `export`) more than its reading does. Run on the
// compiled dist/ in a child process, so that nothing jest loaded counts.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSmallMsi } from '../../support/package-fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const CHILD = `
const lib = require(process.argv[1]);
lib.openPackage(process.argv[2]).then((pkg) => {
  for (const name of ['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]) pkg.exportIdtTo(name, () => {});
  setTimeout(() => process.stdout.write(JSON.stringify({ modules: Object.keys(require.cache), builtins: process.moduleLoadList })), 50);
});`;

// What node loads by itself for a script that requires the builtins the
// reader requires, in the same span: not the reader's doing (Node 18 loads
// fs/promises whenever a script requires node:fs; later releases do not).
const CONTROL = `
for (const name of ['node:fs', 'node:util', 'node:buffer']) require(name);
setTimeout(() => process.stdout.write(JSON.stringify(process.moduleLoadList)), 100);`;

test('opening a package and exporting every table loads no error texts, perf_hooks or fs/promises', async () => {
  const dist = path.join(ROOT, 'dist', 'package', 'index.js');
  if (!fs.existsSync(dist)) throw new Error('dist/package is missing: run `npm run build` before the unit suite');
  const msi = await buildSmallMsi();
  const run = spawnSync(process.execPath, ['-e', CHILD, dist, msi], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const { modules, builtins: all } = JSON.parse(run.stdout) as { modules: string[]; builtins: string[] };
  const control = spawnSync(process.execPath, ['-e', CONTROL], { encoding: 'utf8' });
  const byNode = new Set(JSON.parse(control.stdout) as string[]);
  const builtins = all.filter((m) => !byNode.has(m));
  const loaded = modules.map((m) => path.relative(path.join(ROOT, 'dist'), m).split(path.sep).join('/'));
  expect(loaded).toContain('package/idt.js');
  expect(loaded).toContain('errors/classes.js');
  for (const lazy of ['errors/messages.js', 'errors/descriptions.js', 'errors/table.generated.js']) expect(loaded).not.toContain(lazy);
  expect(builtins).not.toContain('NativeModule perf_hooks');
  expect(builtins).not.toContain('NativeModule internal/fs/promises');
});
