// Transforms: decoding the table changes of a transform storage (a .mst root or a
// patch's sub-storage) and applying them in memory. The transforms are written by
// test/support/transform-writer.ts; the same cases are cross-checked against Wine's
// msi.dll in test/native/transform.test.ts.

import * as fs from 'node:fs';

import {
  applyPatches,
  applyTransforms,
  openCompoundFile,
  MsiStorage,
  patchTransformsFor,
  readPackage,
  readTransform,
  readTransformFile,
  type MsiPackage,
} from '../../../lib/package';
import { MsiFormatError } from '../../../lib/errors';
import { buildPatch } from '../../support/package-fixtures';
import { buildTransformBase, CERTIFICATE_BLOB, COLUMNS, TRANSFORM_SUMMARY, transformSpecs } from '../../support/transform-cases';
import { transformStreams, writeTransformFile, type TransformSpec, type WriterRecord } from '../../support/transform-writer';

jest.setTimeout(120_000);

let baseFile: string;
let base: MsiPackage;

beforeAll(async () => {
  baseFile = await buildTransformBase();
  base = readPackage(fs.readFileSync(baseFile));
});

const summary = TRANSFORM_SUMMARY;
const mst = (spec: TransformSpec): MsiStorage => readTransformFile(writeTransformFile(spec));
const specs = transformSpecs();
const caseStorages = (name: string): MsiStorage[] => specs[name].transforms.map(mst);
const byKey = <T extends Record<string, unknown>>(rows: T[], key: string) => Object.fromEntries(rows.map((r) => [String(r[key]), r]));

function formatError(run: () => unknown): MsiFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw new Error(`expected MsiFormatError, got ${(error as Error)?.stack ?? String(error)}`);
  }
  throw new Error('expected MsiFormatError, but the transform was accepted');
}

describe('decoding', () => {
  test('insert, replace, masked update and delete records with their keys, values, masks and offsets', () => {
    const decoded = readTransform(mst(specs['row-changes'].transforms[0]), base);
    expect(decoded.name).toBe('');
    expect(decoded.addedTables).toEqual([]);
    expect(decoded.droppedTables).toEqual([]);
    expect(decoded.codepage).toBe(1252);
    expect(decoded.longReferences).toBe(false);
    expect(decoded.info.targetProductCode).toBe(summary.targetProductCode);
    expect(decoded.validationFlags).toBe(0x0001);
    expect(decoded.errorConditions).toBe(0x001f);
    const property = decoded.tables.find((t) => t.table === 'Property')!;
    expect(property.operations).toEqual([
      { kind: 'insert', key: ['NEWPROP'], values: { Property: 'NEWPROP', Value: 'a new value' }, mask: 0x0201, offset: 0 },
      { kind: 'insert', key: ['Manufacturer'], values: { Property: 'Manufacturer', Value: 'Replaced Inc.' }, mask: 0x0201, offset: 6 },
      { kind: 'update', key: ['ProductName'], values: { Property: 'ProductName', Value: 'Renamed product' }, mask: 0x0002, offset: 12 },
      { kind: 'delete', key: ['ALLUSERS'], values: { Property: 'ALLUSERS' }, mask: 0x0000, offset: 18 },
    ]);
    const file = decoded.tables.find((t) => t.table === 'File')!;
    // FileSize is column 4 (bit 3), Version 5 (bit 4), Attributes 7 (bit 6).
    expect(file.operations[0]).toMatchObject({
      kind: 'update',
      mask: (1 << 3) | (1 << 4) | (1 << 6),
      values: { File: 'ReadmeFile', FileSize: 123456789, Version: '1.2.3.4', Attributes: null },
    });
    expect(file.operations[1].values).toEqual({
      File: 'Second',
      Component_: 'MainFile',
      FileName: 'second.txt',
      FileSize: 42,
      Version: null,
      Language: '1033',
      Attributes: 512,
      Sequence: 2,
    });
  });

  test('added tables and their columns; a null column number is the next column', () => {
    const decoded = readTransform(mst(specs['certificate-tables'].transforms[0]), base);
    expect(decoded.addedTables).toEqual(['MsiDigitalCertificate', 'MsiPatchCertificate']);
    expect(decoded.addedColumns.map(({ table, column }) => [table, column.number, column.name, column.idtType, column.primaryKey])).toEqual(
      [
        ['MsiDigitalCertificate', 1, 'DigitalCertificate', 's72', true],
        ['MsiDigitalCertificate', 2, 'CertData', 'v0', false],
        ['MsiPatchCertificate', 1, 'PatchCertificate', 's72', true],
        ['MsiPatchCertificate', 2, 'DigitalCertificate_', 's72', false],
      ],
    );
    const certs = decoded.tables.find((t) => t.table === 'MsiDigitalCertificate')!;
    expect(certs.operations[0].values).toEqual({ DigitalCertificate: 'PatchSigner', CertData: 'MsiDigitalCertificate.PatchSigner' });
    expect(decoded.streams).toContain('MsiDigitalCertificate.PatchSigner');
  });

  test("3-byte string references and a UTF-8 pool of the transform's own", () => {
    const decoded = readTransform(mst(specs['long-references-utf8'].transforms[0]), base);
    expect(decoded.longReferences).toBe(true);
    expect(decoded.codepage).toBe(65001);
    const widget = decoded.tables.find((t) => t.table === 'Widget')!;
    expect(widget.operations.map((o) => o.values)).toEqual([
      { Widget: 'café', Size: -32767, Label: 'Crème brûlée' },
      { Widget: 'über', Size: 32767, Label: null },
      { Widget: 'washer', Label: 'Größe ½' },
      { Widget: 'bolt' },
    ]);
  });

  test('a table of more than 16 columns: a low-bit record carries them all, a bit mask only reaches columns 2 to 16', () => {
    const columns = Array.from({ length: 20 }, (_, i) => ({ name: `C${i + 1}`, type: i === 0 ? 's72' : 'I4', key: i === 0 }));
    const values = ['row', ...Array.from({ length: 19 }, (_, i) => i * 1000)];
    const decoded = readTransform(
      mst({
        summary,
        addTables: [{ name: 'Wide', columns }],
        changes: [
          {
            table: 'Wide',
            columns,
            records: [
              { op: 'insert', values },
              { op: 'update', key: ['row'], set: { C16: -1 } },
            ],
          },
        ],
      }),
      base,
    );
    const ops = decoded.tables[0].operations;
    expect(Object.values(ops[0].values)).toEqual(values);
    expect(ops[1]).toMatchObject({ kind: 'update', mask: 0x8000, values: { C1: 'row', C16: -1 } });
  });

  test('a .mst root and the same transform as a patch sub-storage decode alike', async () => {
    const spec = specs['certificate-tables'].transforms[0];
    const patchFile = await buildPatch({
      patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E91}',
      targetProductCodes: [summary.targetProductCode],
      transforms: [
        { name: 'RTM.1', ...transformFields(), streams: transformStreams(spec) },
        { name: '#RTM.1', ...transformFields() },
      ],
    });
    const patch = readPackage(fs.readFileSync(patchFile));
    const fromPatch = readTransform(patch.openStorage('RTM.1'), base);
    const fromFile = readTransform(mst(spec), base);
    expect(fromPatch.name).toBe('RTM.1');
    // cfb adds a marker stream ("\u0001Sh33tJ5") at the root of the files it writes.
    const strip = (d: typeof fromFile) => ({ ...d, name: '', info: null, streams: d.streams.filter((n) => !n.startsWith('\u0001')) });
    expect(strip(fromPatch)).toEqual(strip(fromFile));
    expect(fromPatch.tables.length).toBe(2);
  });
});

function transformFields() {
  return {
    targetProductCode: summary.targetProductCode,
    targetVersion: summary.targetVersion,
    upgradedProductCode: summary.upgradedProductCode,
    upgradedVersion: summary.upgradedVersion,
    upgradeCode: summary.upgradeCode,
  };
}

describe('applying', () => {
  test('rows inserted, replaced, updated and deleted; the base package is not changed', () => {
    const db = applyTransforms(base, caseStorages('row-changes'));
    const property = byKey(db.rows('Property'), 'Property');
    expect(property.NEWPROP.Value).toBe('a new value');
    expect(property.Manufacturer.Value).toBe('Replaced Inc.');
    expect(property.ProductName.Value).toBe('Renamed product');
    expect(property.ALLUSERS).toBeUndefined();
    expect(property.ProductCode.Value).toBe(summary.targetProductCode);
    // Changed tables keep the base order, inserted rows last.
    expect(db.rows('Property').map((r) => r.Property)).toEqual([
      'Manufacturer',
      'ProductLanguage',
      'ProductCode',
      'ProductName',
      'ProductVersion',
      'UpgradeCode',
      'NEWPROP',
    ]);
    expect(byKey(db.rows('File'), 'File').ReadmeFile).toMatchObject({
      FileSize: 123456789,
      Version: '1.2.3.4',
      Attributes: null,
      Sequence: 1,
    });
    expect(byKey(db.rows('Component'), 'Component').MainFile).toMatchObject({
      Attributes: 256,
      Condition: 'VersionNT >= 600',
      KeyPath: 'ReadmeFile',
    });
    expect(db.conflicts).toEqual([{ transform: '', table: 'Property', kind: 'insert-existing-row', key: ['Manufacturer'] }]);
    // Untouched tables come from the base as they are.
    expect(db.rows('Media')).toEqual(base.table('Media').rows());
    expect(byKey(base.table('Property').rows(), 'Property').ALLUSERS.Value).toBe('1');
    expect(db.readTable('Property')).toMatchObject({ name: 'Property', primaryKeys: ['Property'] });
  });

  test('an added table with a certificate stream carried in the transform', () => {
    const db = applyTransforms(base, caseStorages('certificate-tables'));
    expect(db.hasTable('MsiPatchCertificate')).toBe(true);
    expect(db.tableNames.slice(-2)).toEqual(['MsiDigitalCertificate', 'MsiPatchCertificate']);
    expect(db.columns('MsiDigitalCertificate').map((c) => c.idtType)).toEqual(['s72', 'v0']);
    expect(db.rows('MsiPatchCertificate')).toEqual([{ PatchCertificate: 'patchcert1', DigitalCertificate_: 'PatchSigner' }]);
    expect(db.rows('MsiDigitalCertificate')).toEqual([
      { DigitalCertificate: 'PatchSigner', CertData: 'MsiDigitalCertificate.PatchSigner' },
    ]);
    expect(db.hasStream('MsiDigitalCertificate.PatchSigner')).toBe(true);
    expect(db.readStream('MsiDigitalCertificate.PatchSigner')).toEqual(CERTIFICATE_BLOB);
    expect(db.streamSource('MsiDigitalCertificate.PatchSigner')).toEqual({ transform: '' });
    expect(base.hasStream('MsiDigitalCertificate.PatchSigner')).toBe(false);
    expect(db.rows('_Tables')).toContainEqual({ Name: 'MsiPatchCertificate' });
  });

  test('columns added to an existing table, rows updated through them, a table dropped', () => {
    const db = applyTransforms(base, caseStorages('columns-and-drop'));
    expect(db.hasTable('Gadget')).toBe(false);
    expect(() => db.rows('Gadget')).toThrow(RangeError);
    expect(db.columns('Widget').map((c) => `${c.name}:${c.idtType}`)).toEqual([
      'Widget:s72',
      'Size:I2',
      'Label:L64',
      'Weight:I4',
      'Notes:S0',
    ]);
    expect(db.rows('Widget')).toEqual([
      { Widget: 'bolt', Size: 10, Label: 'A bolt', Weight: -2147483647, Notes: 'heavy' },
      { Widget: 'nut', Size: 5, Label: null, Weight: 2147483647, Notes: null },
      { Widget: 'washer', Size: null, Label: 'Round', Weight: null, Notes: null },
      { Widget: 'screw', Size: 1, Label: 'A screw', Weight: 0, Notes: 'new' },
      { Widget: 'gear', Size: 7, Label: null, Weight: null, Notes: null },
    ]);
    expect(
      db
        .rows('_Columns')
        .filter((r) => r.Table === 'Widget')
        .map((r) => r.Number),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  test('transforms in order: the second sees the table and column the first added', () => {
    const db = applyTransforms(base, caseStorages('transform-sequence'));
    expect(db.transforms.map((t) => t.addedColumns.length)).toEqual([3, 1]);
    expect(db.rows('Extra')).toEqual([
      { Extra: 'one', Count: 10, Blob: 'Extra.one', Flag: 1 },
      { Extra: 'three', Count: 3, Blob: 'Extra.three', Flag: null },
      { Extra: 'four', Count: 4, Blob: 'Extra.four', Flag: 0 },
    ]);
    expect(db.readStream('Extra.one').toString()).toBe('first blob');
    expect(db.readStream('Extra.four').toString()).toBe('fourth blob');
    expect(db.streamSource('Extra.four')).toEqual({ transform: '' });
  });

  test('updating or deleting a missing row, adding an existing or dropping a missing table: conflicts, nothing changed', () => {
    const db = applyTransforms(base, [
      ...caseStorages('wine-differences'),
      mst({ summary, addTables: [{ name: 'Widget', columns: COLUMNS.Widget }], dropTables: ['NoSuchTable'] }),
    ]);
    expect(db.conflicts.map((c) => [c.table, c.kind, c.key])).toEqual([
      ['Widget', 'update-missing-row', ['ghost']],
      ['Widget', 'delete-missing-row', ['nosuch']],
      ['NoSuchTable', 'drop-missing-table', []],
      ['Widget', 'add-existing-table', []],
    ]);
    expect(db.rows('Widget').map((r) => r.Widget)).toEqual(['bolt', 'nut', 'washer']);
    expect(db.rows('Extra')).toEqual([
      { Extra: 'with-data', Count: 1, Blob: 'Extra.with-data' },
      { Extra: 'without-data', Count: 2, Blob: null },
    ]);
  });

  test('a binary cell names its stream only where some layer holds it', () => {
    const columns = [
      { name: 'Id', type: 's72', key: true },
      { name: 'Data', type: 'V0' },
    ];
    const db = applyTransforms(base, [
      mst({
        summary,
        addTables: [{ name: 'Blobs', columns }],
        changes: [{ table: 'Blobs', columns, records: [{ op: 'raw', bytes: Buffer.from([0x01, 0x02, 0x01, 0x00, 0x01, 0x00]) }] }],
        // string 1 is the table name "Blobs": the record says data exists, the stream does not.
      }),
    ]);
    expect(db.rows('Blobs')).toEqual([{ Id: 'Blobs', Data: null }]);
  });
});

describe('patches', () => {
  let patch: MsiPackage;
  beforeAll(async () => {
    const other = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E99}';
    const file = await buildPatch({
      patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E92}',
      targetProductCodes: [other, summary.targetProductCode],
      transforms: [
        // A pair for another product first: it must not be chosen.
        {
          name: 'Other.1',
          ...transformFields(),
          targetProductCode: other,
          streams: transformStreams({ ...specs['row-changes'].transforms[0], summary: { ...summary, targetProductCode: other } }),
        },
        { name: '#Other.1', ...transformFields(), targetProductCode: other },
        { name: 'RTM.1', ...transformFields(), streams: transformStreams(specs['certificate-tables'].transforms[0]) },
        {
          name: '#RTM.1',
          ...transformFields(),
          streams: transformStreams({
            summary,
            changes: [{ table: 'Property', columns: COLUMNS.Property, records: [{ op: 'insert', values: ['PATCHED', '1'] }] }],
          }),
        },
      ],
    });
    patch = readPackage(fs.readFileSync(file));
  });

  test('patchTransformsFor chooses the pair whose summary targets the product', () => {
    expect(patchTransformsFor(patch, { productCode: summary.targetProductCode }).map((s) => s.name)).toEqual(['RTM.1', '#RTM.1']);
    expect(patchTransformsFor(patch, { productCode: summary.targetProductCode.toLowerCase() }).map((s) => s.name)).toEqual([
      'RTM.1',
      '#RTM.1',
    ]);
    expect(patchTransformsFor(patch, { productCode: '{00000000-0000-0000-0000-000000000000}' })).toEqual([]);
    expect(() => patchTransformsFor(base, { productCode: summary.targetProductCode })).toThrow(TypeError);
  });

  test('applyPatches applies the chosen pair of each patch, in order', () => {
    const db = applyPatches(base, [patch]);
    expect(db.patches).toEqual([
      { patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E92}', productCode: summary.targetProductCode, transforms: ['RTM.1', '#RTM.1'] },
    ]);
    expect(db.rows('MsiPatchCertificate')).toEqual([{ PatchCertificate: 'patchcert1', DigitalCertificate_: 'PatchSigner' }]);
    expect(byKey(db.rows('Property'), 'Property').PATCHED.Value).toBe('1');
    // The other product's transform (which would rename the product) was not applied.
    expect(byKey(db.rows('Property'), 'Property').ProductName.Value).toBe('msi-lua LUA Fixture Machine');
    expect(db.streamSource('MsiDigitalCertificate.PatchSigner')).toEqual({ transform: 'RTM.1' });
  });
});

describe('damaged transforms throw MsiFormatError naming what and where', () => {
  const widget = COLUMNS.Widget;
  const raw = (table: string, bytes: number[], columns = widget) =>
    mst({ summary, changes: [{ table, columns, records: [{ op: 'raw', bytes: Buffer.from(bytes) }] }] });

  test('a bit mask marking columns the table does not have', () => {
    const error = formatError(() => readTransform(raw('Widget', [0x10, 0x00, 0x00, 0x00]), base));
    expect(error.message).toMatch(/record mask 0x0010 marks columns beyond the table's 3/);
    expect(error.where).toBe('Widget (transform)');
    expect(error.offset).toBe(0);
  });

  test('a low-bit record carrying more columns than the table has, or none', () => {
    expect(formatError(() => readTransform(raw('Widget', [0x01, 0x04]), base)).message).toMatch(/carries 4 columns but the table has 3/);
    expect(formatError(() => readTransform(raw('Widget', [0x01, 0x00]), base)).message).toMatch(/inserts no columns/);
  });

  test('a truncated record', () => {
    // An insert of three columns needs 2 + 2 + 2 + 2 bytes; the stream has 6.
    const error = formatError(() => readTransform(raw('Widget', [0x01, 0x03, 0x00, 0x00, 0x00, 0x80]), base));
    expect(error.message).toMatch(/record at offset 0 \(mask 0x0301\) needs 8 bytes but the stream ends after 6/);
    expect(formatError(() => readTransform(raw('Widget', [0x00, 0x00, 0x00, 0x00, 0x01]), base)).message).toMatch(/1 byte left at the end/);
  });

  test("a string index past the transform's string pool", () => {
    const error = formatError(() => readTransform(raw('Property', [0x01, 0x02, 0x39, 0x05, 0x00, 0x00], COLUMNS.Property), base));
    expect(error.message).toMatch(
      /table Property, record at offset 0, column Property: string index 1337 is out of range \(the transform's string pool has ids 1 to 0\)/,
    );
    expect(error.offset).toBe(2);
  });

  test('changes to a table nobody defines, to a dropped table, or column removals', () => {
    const nowhere = (records: WriterRecord[]) => mst({ summary, changes: [{ table: 'Nowhere', columns: widget, records }] });
    expect(formatError(() => readTransform(nowhere([{ op: 'delete', key: ['x'] }]), base)).message).toMatch(
      /changes rows of table Nowhere, which neither the database nor the transform defines/,
    );
    // An empty stream changes nothing, wherever it is.
    expect(readTransform(nowhere([]), base).tables).toEqual([]);
    expect(
      formatError(() =>
        readTransform(
          mst({
            summary,
            dropTables: ['Widget'],
            changes: [{ table: 'Widget', columns: widget, records: [{ op: 'delete', key: ['nut'] }] }],
          }),
          base,
        ),
      ).message,
    ).toMatch(/changes rows of table Widget, which it drops/);
    const columnsStream = Buffer.from([0x00, 0x00, 0x01, 0x00, 0x01, 0x80]); // mask 0: delete Widget.1
    const error = formatError(() =>
      readTransform(mst({ summary, dropTables: ['Gadget'], rawTableStreams: { _Columns: columnsStream } }), base),
    );
    expect(error.message).toMatch(/a transform can only add columns/);
    expect(error.where).toBe('_Columns (transform)');
  });

  test('columns numbered out of order, a table added without columns, an integer of 3 bytes', () => {
    expect(
      formatError(() =>
        readTransform(mst({ summary, addColumns: [{ table: 'Widget', number: 7, column: { name: 'X', type: 'I2' } }] }), base),
      ).message,
    ).toMatch(/adds column 7 to table Widget, which has 3 columns/);
    // Nothing else uses strings here, so the pool is empty and string 1 does not exist.
    const tablesOnly = mst({ summary, rawTableStreams: { _Tables: Buffer.from([0x01, 0x01, 0x01, 0x00]) } });
    expect(formatError(() => readTransform(tablesOnly, base)).message).toMatch(/string index 1 is out of range/);
    const lonely = mst({ summary, addTables: [{ name: 'Lonely', columns: [] }] });
    expect(formatError(() => readTransform(lonely, base)).message).toMatch(/adds table Lonely without columns/);
    const threeBytes = Buffer.from([0x01, 0x04, 0x01, 0x00, 0x01, 0x80, 0x02, 0x00, 0x03, 0x81]); // T.1 Id, type 0x103
    const pool = mst({
      summary,
      addTables: [{ name: 'T', columns: [{ name: 'Id', type: 's72', key: true }] }],
      rawTableStreams: { _Columns: threeBytes },
    });
    expect(formatError(() => readTransform(pool, base)).message).toMatch(/an integer of 3 bytes/);
  });

  test('no string pool, and not a compound file', () => {
    const storage = mst({ summary });
    const compound = openCompoundFile(writeTransformFile({ summary }));
    const noPool = Object.create(compound) as typeof compound;
    noPool.childrenOf = (entry) => compound.childrenOf(entry).filter((child) => !child.name.startsWith('\u4840\u3f3f'));
    expect(storage.tableStreams.map((s) => s.name)).toContain('_StringPool');
    expect(formatError(() => readTransform(new MsiStorage(noPool, noPool.root), base)).message).toMatch(/has no string pool/);
    expect(formatError(() => readTransformFile(Buffer.from('not a transform'))).message).toMatch(/not a compound file/);
    expect(() => readTransformFile('x.mst' as never)).toThrow(TypeError);
  });
});

// ------------------------------------------------------------------ fuzz

// Plain JS shared with the long-running reader fuzz script.
const { makeRandom, mutateContent } = require('../../../scripts/fuzz-reader.js') as {
  makeRandom(seed: number): { next(): number; int(n: number): number; pick<T>(list: T[]): T };
  mutateContent(content: Buffer, random: ReturnType<typeof makeRandom>): Buffer;
};

test('fuzz: damaged transform streams apply in full or throw MsiFormatError, quickly', () => {
  const CASES = Number(process.env.MSI_LUA_TRANSFORM_FUZZ_CASES ?? 300);
  const random = makeRandom(Number(process.env.MSI_LUA_FUZZ_SEED ?? 20261121));
  const files = Object.values(specs).flatMap(({ transforms }) => transforms.map((spec) => writeTransformFile(spec)));
  const outcomes = { applied: 0, rejected: 0 };
  const rejectedBy = new Set<string>();
  const failures: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const compound = openCompoundFile(random.pick(files));
    const streams = compound.childrenOf(compound.root).filter((e) => e.type === 'stream' && e.name !== '\u0005SummaryInformation');
    const target = random.pick(streams);
    const damaged = mutateContent(compound.streamData(target), random);
    const wrapped = Object.create(compound) as typeof compound;
    wrapped.streamData = (entry) => (entry.id === target.id ? damaged : compound.streamData(entry));
    const started = process.hrtime.bigint();
    try {
      const db = applyTransforms(base, [new MsiStorage(wrapped, wrapped.root)]);
      for (const name of db.tableNames) db.rows(name);
      outcomes.applied++;
    } catch (error) {
      if (error instanceof MsiFormatError) {
        outcomes.rejected++;
        rejectedBy.add(error.where ?? '?');
      } else failures.push(`case ${i}: ${(error as Error)?.stack ?? String(error)}`);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ms > 2000) failures.push(`case ${i} took ${ms.toFixed(0)} ms`);
  }
  expect(failures).toEqual([]);
  expect(outcomes.applied).toBeGreaterThan(0);
  expect(outcomes.rejected).toBeGreaterThan(CASES / 10);
  expect(rejectedBy.size).toBeGreaterThan(3);
});
