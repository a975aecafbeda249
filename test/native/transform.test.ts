// The transform cross-check: msi-lua's own decoding and application of transforms
// (lib/package/transform.ts) against msi.dll's MsiDatabaseApplyTransformW (Wine's under
// the Wine tier), which scripts/transform-crosscheck.js ran on the same base and
// transforms. Both what msi.dll's query API returned after applying and the database it
// committed (read back by msi-lua's plain reader) must equal msi-lua's result, table by
// table, rows in primary key order, binary cells by their stream bytes.
import * as fs from 'node:fs';

import { readPackage } from '../../lib/package';
import { applyWithMsiLua, comparableDump, comparableTables, readDump, type ComparableTable } from '../support/transform-compare';
import { loadTransformCrossCheck } from '../support/wine-fixtures';

const cases = loadTransformCrossCheck();

test('the cross-check ran every case', () => {
  expect(cases.map((c) => c.name).sort()).toEqual([
    'certificate-tables',
    'columns-and-drop',
    'long-references-utf8',
    'row-changes',
    'transform-sequence',
    'wine-differences',
  ]);
});

describe.each(cases.filter((c) => c.name !== 'wine-differences').map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const ours = comparableTables(applyWithMsiLua(c.base, c.transforms));
  const base = comparableTables(readPackage(fs.readFileSync(c.base)));

  test('the transforms change something', () => {
    expect(ours).not.toEqual(base);
  });

  test("equals what msi.dll's query API returns after MsiDatabaseApplyTransform", () => {
    const dump = readDump(c.wineDump);
    expect(dump.results.every((r) => r === 0)).toBe(true);
    expect(ours).toEqual(comparableDump(dump));
  });

  test('equals the database msi.dll committed', () => {
    expect(ours).toEqual(comparableTables(readPackage(fs.readFileSync(c.wineDatabase))));
  });
});

describe('where msi-lua and Wine differ on purpose', () => {
  const c = cases.find((x) => x.name === 'wine-differences')!;
  const ours = comparableTables(applyWithMsiLua(c.base, c.transforms));
  const wine = comparableDump(readDump(c.wineDump));
  const rows = (table: ComparableTable | undefined) => table?.rows ?? [];

  test('every other table is the same', () => {
    const rest = (t: Record<string, ComparableTable>) =>
      Object.fromEntries(Object.entries(t).filter(([name]) => name !== 'Extra' && name !== 'Widget'));
    expect(rest(ours)).toEqual(rest(wine));
    expect(ours.Extra.columns).toEqual(wine.Extra.columns);
    expect(ours.Widget.columns).toEqual(wine.Widget.columns);
  });

  test('an inserted row whose binary cell is null: Wine drops the row (it looks for a stream), msi-lua inserts it', () => {
    expect(rows(ours.Extra)).toEqual([
      ['with-data', 1, Buffer.from('data').toString('hex')],
      ['without-data', 2, null],
    ]);
    expect(rows(wine.Extra)).toEqual([['with-data', 1, Buffer.from('data').toString('hex')]]);
  });

  test('updating or deleting a missing row: Wine inserts it, msi-lua changes nothing (a conflict)', () => {
    expect(rows(ours.Widget)).toEqual([
      ['bolt', 11, 'A bolt'],
      ['nut', -3, null],
      ['washer', null, 'Round'],
    ]);
    expect(rows(wine.Widget)).toEqual([
      ['bolt', 11, 'A bolt'],
      ['ghost', 9, null],
      ['nosuch', null, null],
      ['nut', -3, null],
      ['washer', null, 'Round'],
    ]);
    const db = applyWithMsiLua(c.base, c.transforms);
    expect(db.conflicts.map((x) => [x.table, x.kind, x.key])).toEqual([
      ['Widget', 'update-missing-row', ['ghost']],
      ['Widget', 'delete-missing-row', ['nosuch']],
    ]);
  });
});
