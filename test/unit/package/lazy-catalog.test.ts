// Opening a package keeps its catalog compact: column definitions are built
// when a table is asked for, table and stream names are shared between
// packages, and the string pool decodes the catalog's names without caching
// them. None of it may change what a caller reads. The reference here is the
// _Columns table itself, read row by row through the public API and turned
// into definitions by the rules of the Windows Installer SDK (Column types;
// _Columns table), independently of the reader's own code; msitools-crosscheck
// and corpus compare the exports with msiinfo.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { MsiFormatError } from '../../../lib/errors';
import {
  ColumnFlags,
  decodeStreamName,
  encodeStreamName,
  idtTypeCode,
  openPackage,
  readPackage,
  StringPool,
  type MsiPackage,
} from '../../../lib/package';
import { buildSmallMsi } from '../../support/package-fixtures';

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const corpus = fs.existsSync(path.join(CORPUS, 'manifest.tsv'))
  ? fs
      .readdirSync(CORPUS)
      .filter((f) => /\.(msi|msm)$/i.test(f))
      .sort()
      .map((f) => path.join(CORPUS, f))
  : [];

jest.setTimeout(300_000);

let small: string;
beforeAll(async () => {
  small = await buildSmallMsi();
});

interface Expected {
  number: number;
  name: string;
  type: number;
  kind: string;
  size: number;
  nullable: boolean;
  primaryKey: boolean;
  localizable: boolean;
  storageBytes: number;
  idtType: string;
}

/** Definitions of every table that _Columns describes soundly, from its rows. */
function expectedColumns(pkg: MsiPackage): Map<string, Expected[]> {
  const byTable = new Map<string, Map<number, { name: string; type: number }>>();
  for (const row of pkg.readTable('_Columns').rows) {
    const table = row.Table as string;
    const entries = byTable.get(table) ?? new Map();
    byTable.set(table, entries);
    entries.set(row.Number as number, { name: row.Name as string, type: row.Type as number });
  }
  const long = pkg.stringPool.longReferences;
  const out = new Map<string, Expected[]>();
  for (const [table, entries] of byTable) {
    const defs: Expected[] = [];
    for (let n = 1; n <= entries.size; n++) {
      const { name, type } = entries.get(n)!;
      const binary = (type & ~ColumnFlags.NULLABLE & 0xffff) === (ColumnFlags.STRING | ColumnFlags.VALID);
      const string = !binary && (type & ColumnFlags.STRING) !== 0;
      const size = type & ColumnFlags.SIZE_MASK;
      defs.push({
        number: n,
        name,
        type,
        kind: binary ? 'binary' : string ? 'string' : 'integer',
        size,
        nullable: (type & ColumnFlags.NULLABLE) !== 0,
        primaryKey: (type & ColumnFlags.KEY) !== 0,
        localizable: (type & ColumnFlags.LOCALIZABLE) !== 0,
        storageBytes: binary ? 2 : string ? (long ? 3 : 2) : size === 4 ? 4 : 2,
        idtType: idtTypeCode(type),
      });
    }
    out.set(table, defs);
  }
  return out;
}

function checkPackage(pkg: MsiPackage): number {
  const expected = expectedColumns(pkg);
  let checked = 0;
  for (const name of pkg.tableNames) {
    let columns;
    try {
      columns = pkg.columns(name);
    } catch (error) {
      // A table the catalog refuses (damaged _Columns rows) is refused with
      // a typed error naming it.
      expect(error).toBeInstanceOf(MsiFormatError);
      continue;
    }
    expect(columns.map((c) => ({ ...c }))).toEqual(expected.get(name));
    // Built once per package and table, then the same definitions.
    expect(pkg.columns(name)).toBe(columns);
    checked++;
  }
  return checked;
}

describe('column definitions built on demand', () => {
  test('every table of the small package has the definitions its _Columns rows give', async () => {
    const pkg = await openPackage(small);
    expect(checkPackage(pkg)).toBeGreaterThan(10);
  });

  test('two packages opened from the same file do not share definition objects', async () => {
    const [a, b] = await Promise.all([openPackage(small), openPackage(small)]);
    const first = a.columns('File');
    const second = b.columns('File');
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(second[0]).not.toBe(first[0]);
  });

  (corpus.length ? test : test.skip)(`every table of the real packages in ../shared/corpus (${corpus.length})`, () => {
    let tables = 0;
    for (const file of corpus) {
      let pkg: MsiPackage;
      try {
        pkg = readPackage(fs.readFileSync(file));
      } catch (error) {
        expect(error).toBeInstanceOf(MsiFormatError);
        continue;
      }
      tables += checkPackage(pkg);
    }
    expect(tables).toBeGreaterThan(0);
  });
});

describe('names shared between packages', () => {
  test('decodeStreamName gives the same names as before, for every stored name of the small package', () => {
    const pkg = readPackage(fs.readFileSync(small));
    for (const stream of [...pkg.streams, ...pkg.tableStreams]) {
      const decoded = decodeStreamName(stream.storedName);
      expect(decoded.name).toBe(stream.name);
      expect(decoded.isTable).toBe(stream.isTable);
      if (stream.isTable) expect(encodeStreamName(decoded.name, true)).toBe(stream.storedName);
    }
  });

  test('decodeStreamName keeps any code unit it does not unpack, lone surrogates included, at any length', () => {
    const long = '\ud800x'.repeat(5000) + String.fromCharCode(0x3800 + 10 + (11 << 6));
    expect(decodeStreamName(long).name).toBe('\ud800x'.repeat(5000) + 'AB');
    expect(decodeStreamName('\u4840' + String.fromCharCode(0x4800 + 63))).toEqual({ name: '_', isTable: true });
  });

  test('the string pool gives the same string through peek and get, and refuses the same ids', () => {
    const pkg = readPackage(fs.readFileSync(small));
    const pool = pkg.stringPool;
    const fresh = new StringPool(pkg.readTableStream('_StringPool')!, pkg.readTableStream('_StringData')!);
    for (let id = 0; id < pool.size; id++) expect(fresh.peek(id)).toBe(pool.get(id));
    for (const bad of [-1, pool.size, 1.5, Number.NaN]) {
      expect(() => fresh.peek(bad)).toThrow(MsiFormatError);
      expect(() => fresh.get(bad)).toThrow(MsiFormatError);
    }
  });
});
