// The corpus cross-check where msitools cannot answer: for each file of
// ../shared/corpus that msitools cannot open, or with a table it cannot
// export (scripts/corpus-crosscheck.js found them and dumped them through
// Wine's msi.dll with test/tools/dump-database.c), msi-lua must read what
// msi.dll reads, table by table; a table msi.dll refuses must fail in
// msi-lua with a typed MsiFormatError; and a file no reference can read must
// give a MsiFormatError naming the structure. The rest of the corpus is
// compared with msitools in test/unit/package/corpus.test.ts.
import * as fs from 'node:fs';

import { MsiFormatError } from '../../lib/errors';
import { readPackage, type MsiPackage } from '../../lib/package';
import { loadCorpusCrossCheck, type CorpusCrossCheckEntry } from '../support/wine-fixtures';

interface WineTable {
  columns: Array<{ name: string; type: string }>;
  keys: string[];
  rows: Array<Array<string | number | null>>;
  fetch: number;
}
interface WineDump {
  open: number;
  tables: Record<string, WineTable | { error: number }>;
}

const entries = loadCorpusCrossCheck();
const describeCorpus = entries ? describe : describe.skip;
if (!entries) {
  console.warn('corpus Wine cross-check skipped: the fixture manifest has no corpus entries (../shared/corpus was absent)');
}

function typedError(run: () => unknown): MsiFormatError | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw new Error(`untyped error (not MsiFormatError): ${(error as Error)?.stack ?? String(error)}`);
  }
}

/** msi-lua's rows in msi.dll's form: binary cells as hex of their stream, rows sorted by key. */
function ours(pkg: MsiPackage, name: string, wine: WineTable): Array<Array<string | number | null>> {
  const table = pkg.readTable(name);
  return table.rows
    .map((row) =>
      table.columns.map((c) => {
        const value = row[c.name] ?? null;
        if (c.kind === 'binary') return typeof value === 'string' ? pkg.readStream(value).toString('hex') : null;
        // Wine (like msitools) reads an integer of a column declared with 0 or 1 bytes as 0x80008000 + v.
        if (c.kind === 'integer' && c.size < 2 && typeof value === 'number') return (0x80008000 + value) | 0;
        return value;
      }),
    )
    .sort(byKey(wine));
}

function byKey(wine: WineTable): (a: Array<string | number | null>, b: Array<string | number | null>) => number {
  const indexes = wine.keys.map((k) => wine.columns.findIndex((c) => c.name === k));
  const key = (row: Array<string | number | null>) => JSON.stringify(indexes.map((i) => row[i]));
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

describeCorpus("corpus files msitools cannot read, against Wine's msi.dll", () => {
  test.each((entries ?? []).map((e) => [e.name, e] as [string, CorpusCrossCheckEntry]))('%s', (_name, entry) => {
    const dump = JSON.parse(fs.readFileSync(entry.wineDump, 'utf8')) as WineDump;
    const bytes = fs.readFileSync(entry.file);
    if (dump.open !== 0) {
      // No reference reads it: msi-lua must refuse it, typed, naming the structure.
      const error = typedError(() => readPackage(bytes));
      expect(error).not.toBeNull();
      expect(error!.where).toEqual(expect.any(String));
      return;
    }
    const opened = typedError(() => readPackage(bytes));
    expect(opened).toBeNull();
    const pkg = readPackage(bytes);
    // The tables msitools cannot export; every table when it cannot open the file or
    // crashed on it (then which table it failed on is not known).
    const tables = entry.msitoolsOpens && entry.msitoolsFailedTables.length > 0 ? entry.msitoolsFailedTables : Object.keys(dump.tables);
    expect(tables.length).toBeGreaterThan(0);
    for (const name of tables) {
      const wine = dump.tables[name];
      expect(wine).toBeDefined();
      if ('error' in wine) {
        expect(typedError(() => pkg.readTable(name))).not.toBeNull();
        continue;
      }
      expect(wine.fetch).toBe(0);
      expect(pkg.columns(name).map((c) => ({ name: c.name, type: c.idtType }))).toEqual(wine.columns);
      expect(ours(pkg, name, wine)).toEqual([...wine.rows].sort(byKey(wine)));
    }
  });
});
