// The reader's API on real packages: summary fields, typed rows, streams,
// certificates stored in tables, patches and their transforms.

import * as fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { decodeStreamName, encodeStreamName, openPackage, readPackage, type MsiPackage } from '../../../lib/package';
import { MsiFormatError } from '../../../lib/errors';
import { deterministicBytes, makeTestCa, type TestCa } from '../../support/package-fixtures';
import {
  buildCertificateFixture,
  buildCodepageFixtures,
  buildLongReferencesFixture,
  buildPatchFixture,
  buildSmallMsi,
  PATCH,
} from '../../support/package-fixture-set';

jest.setTimeout(120_000);

let small: string;
let pkg: MsiPackage;
let ca: TestCa;
let certificates: string;
let patchFile: string;

beforeAll(async () => {
  small = await buildSmallMsi();
  pkg = await openPackage(small);
  ca = await makeTestCa();
  certificates = await buildCertificateFixture(small, ca);
  patchFile = await buildPatchFixture();
});

describe('openPackage / readPackage', () => {
  test('opens from a path, a Buffer and a plain Uint8Array alike', async () => {
    const bytes = fs.readFileSync(small);
    const fromBuffer = readPackage(bytes);
    const fromArray = await openPackage(new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
    expect(fromBuffer.tableNames).toEqual(pkg.tableNames);
    expect(fromArray.summary.revisionNumber).toBe(pkg.summary.revisionNumber);
    expect(pkg.byteLength).toBe(bytes.length);
  });

  test('a missing file rejects with the file system error, not a format error', async () => {
    const error = await openPackage('/nonexistent/x.msi').catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(error).not.toBeInstanceOf(MsiFormatError);
  });

  test('rejects values that are neither path nor bytes', async () => {
    await expect(openPackage(42 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('summary information', () => {
  test('every property the fixture sets, typed', () => {
    const s = pkg.summary;
    expect(s.codepage).toBe(1252);
    expect(s.title).toBe('Installation Database');
    expect(s.subject).toBe('Small reader fixture');
    expect(s.author).toBe('msi-lua tests');
    expect(s.keywords).toBe('Installer,Test');
    expect(s.comments).toBe('Built by wixl at test time');
    expect(s.template).toBe('Intel;1033');
    expect(s.platform).toBe('Intel');
    expect(s.languages).toEqual([1033]);
    // wixl makes a new package code on every build, whatever Package/@Id says.
    expect(s.revisionNumber).toMatch(/^\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}$/);
    expect(s.pageCount).toBe(200);
    expect(s.wordCount).toBe(2);
    expect(s.wordCountFlags).toEqual({ shortNames: false, compressed: true, administrativeImage: false, elevationNotRequired: false });
    expect(s.security).toBe(2);
    expect(s.creatingApplication).toMatch(/^msitools /);
    expect(s.created).toBeInstanceOf(Date);
    expect(s.lastSaved).toBeInstanceOf(Date);
    expect(Math.abs(s.created!.getTime() - Date.now())).toBeLessThan(10 * 365 * 86400_000);
    expect(s.lastPrinted).toBeNull();
    expect(s.charCount).toBeNull();
  });

  test('properties keep their stored id, variant type and raw value', () => {
    const byId = new Map(pkg.summary.properties.map((p) => [p.id, p]));
    expect(byId.get(1)).toMatchObject({ name: 'codepage', vt: 2, value: 1252 });
    expect(byId.get(9)).toMatchObject({ name: 'revisionNumber', vt: 30 });
    expect(byId.get(12)?.vt).toBe(64);
    expect(typeof byId.get(12)?.filetime).toBe('bigint');
    expect(byId.get(14)).toMatchObject({ name: 'pageCount', vt: 3, value: 200 });
  });
});

describe('tables', () => {
  test('names come from _Tables; the catalog tables are readable too', () => {
    expect(pkg.tableNames).toEqual(expect.arrayContaining(['Property', 'File', 'Component', 'Directory', 'Binary', 'Icon', 'Registry']));
    expect(pkg.hasTable('_Columns')).toBe(true);
    const columns = pkg.table('_Columns').rows();
    expect(columns).toContainEqual({ Table: 'File', Number: 1, Name: 'File', Type: expect.any(Number) });
    expect(
      pkg
        .table('_Tables')
        .rows()
        .map((r) => r.Name),
    ).toEqual(pkg.tableNames);
  });

  test('column definitions are typed from _Columns', () => {
    const file = pkg.table('File');
    expect(file.columns.map((c) => [c.name, c.idtType])).toEqual([
      ['File', 's72'],
      ['Component_', 's72'],
      ['FileName', 'l255'],
      ['FileSize', 'i4'],
      ['Version', 'S72'],
      ['Language', 'S20'],
      ['Attributes', 'I2'],
      ['Sequence', 'i4'],
    ]);
    const [key, , fileName, size, version, , attributes] = file.columns;
    expect(key).toMatchObject({ kind: 'string', primaryKey: true, nullable: false, size: 72, storageBytes: 2 });
    expect(fileName).toMatchObject({ kind: 'string', localizable: true });
    expect(size).toMatchObject({ kind: 'integer', size: 4, storageBytes: 4 });
    expect(version.nullable).toBe(true);
    expect(attributes).toMatchObject({ kind: 'integer', size: 2, nullable: true, storageBytes: 2 });
    expect(file.primaryKeys).toEqual(['File']);
  });

  test('rows hold numbers, strings and nulls', () => {
    const rows = pkg.readTable('File').rows;
    const readme = rows.find((r) => r.File === 'ReadmeFile');
    expect(readme).toMatchObject({
      Component_: 'MainComponent',
      FileSize: 23,
      Version: null,
      Language: null,
      Sequence: expect.any(Number),
    });
    expect(readme!.FileName).toMatch(/readme\.txt$/);
    const data = rows.find((r) => r.File === 'DataFile');
    expect(data!.FileSize).toBe(10000);
    const property = Object.fromEntries(
      pkg
        .table('Property')
        .rows()
        .map((r) => [r.Property, r.Value]),
    );
    expect(property.GREETING).toBe('héllo wörld');
    expect(property.ProductVersion).toBe('1.2.3');
    expect(property.ProductCode).toBe('{6F0E9B52-3C0A-4E43-9B7E-6B2B6A1D0001}');
  });

  test('negative and large integers round-trip through the flipped sign bit', () => {
    const registry = pkg.table('Registry').rows();
    expect(registry[0].Root).toBe(2); // HKLM
    const sequence = pkg.table('InstallExecuteSequence').rows();
    expect(sequence.every((r) => typeof r.Sequence === 'number' || r.Sequence === null)).toBe(true);
    expect(sequence.find((r) => r.Action === 'InstallFinalize')!.Sequence).toBeGreaterThan(1000);
  });

  test('binary cells name their stream, whose content is the source file', () => {
    const binary = pkg.table('Binary').rows();
    expect(binary).toEqual([{ Name: 'helper', Data: 'Binary.helper' }]);
    expect(pkg.readStream('Binary.helper')).toEqual(deterministicBytes('helper.bin', 5000));
    expect(pkg.table('Icon').rows()).toEqual([{ Name: 'app.ico', Data: 'Icon.app.ico' }]);
    expect(pkg.readStream('Icon.app.ico')).toEqual(deterministicBytes('icon.ico', 766));
  });

  test('an unknown table is a RangeError, not a format error', () => {
    expect(() => pkg.table('NoSuchTable')).toThrow(RangeError);
    expect(pkg.hasTable('NoSuchTable')).toBe(false);
  });

  test('cell accessors check their bounds', () => {
    const t = pkg.table('Property');
    expect(() => t.value(t.rowCount, 0)).toThrow(RangeError);
    expect(() => t.value(0, 5)).toThrow(RangeError);
    expect(t.rowValues(0)).toHaveLength(2);
    expect([...t]).toHaveLength(t.rowCount);
  });
});

describe('streams and storages', () => {
  test('lists non-table streams with decoded names; table streams apart', () => {
    const names = pkg.streams.map((s) => s.name).sort();
    expect(names).toEqual(['\u0005SummaryInformation', 'Binary.helper', 'Icon.app.ico', 'small.cab']);
    expect(pkg.tableStreams.map((s) => s.name)).toEqual(
      expect.arrayContaining(['_StringPool', '_StringData', '_Tables', '_Columns', 'File']),
    );
    expect(pkg.tableStreams.every((s) => s.isTable && s.storedName.charCodeAt(0) === 0x4840)).toBe(true);
    expect(pkg.storages).toEqual([]);
    expect(pkg.kind).toBe('installer');
    expect(pkg.clsid).toBe('{000C1084-0000-0000-C000-000000000046}');
  });

  test('the cabinet is a real cabinet (MSCF)', () => {
    expect(pkg.readStream('small.cab').subarray(0, 4).toString('latin1')).toBe('MSCF');
  });

  test('readStream of a missing stream is a RangeError', () => {
    expect(() => pkg.readStream('nope')).toThrow(RangeError);
  });
});

describe('MsiDigitalCertificate and MsiPatchCertificate (msibuild)', () => {
  test('certificate streams hold the DER certificates', () => {
    const p = readPackage(fs.readFileSync(certificates));
    const rows = p.table('MsiDigitalCertificate').rows();
    expect(rows).toEqual([
      { DigitalCertificate: 'signer', CertData: 'MsiDigitalCertificate.signer' },
      { DigitalCertificate: 'ca', CertData: 'MsiDigitalCertificate.ca' },
    ]);
    const signer = p.readStream('MsiDigitalCertificate.signer');
    expect(signer).toEqual(ca.signerDer);
    expect(new X509Certificate(signer).subject).toContain('CN=msi-lua Test Signer');
    expect(p.readStream('MsiDigitalCertificate.ca')).toEqual(ca.caDer);
    expect(p.table('MsiPatchCertificate').rows()).toEqual([{ PatchCertificate: 'patchcert1', DigitalCertificate_: 'signer' }]);
  });

  test('extra properties are there', () => {
    const p = readPackage(fs.readFileSync(certificates));
    const property = Object.fromEntries(
      p
        .table('Property')
        .rows()
        .map((r) => [r.Property, r.Value]),
    );
    expect(property.EXTRA_PROPERTY).toBe('added by msibuild');
    expect(property.MSIFASTINSTALL).toBe('7');
  });
});

describe('patches', () => {
  test('patch code, obsoleted codes, targets and transforms come from the summary', () => {
    const p = readPackage(fs.readFileSync(patchFile));
    expect(p.kind).toBe('patch');
    const patch = p.patch!;
    expect(patch.patchCode).toBe(PATCH.patchCode);
    expect(patch.obsoletedPatchCodes).toEqual(PATCH.obsoleted);
    expect(patch.targetProductCodes).toEqual(PATCH.targets);
    expect(patch.transformNames).toEqual(['RTM.1', '#RTM.1']);
    expect(p.summary.pageCount).toBe(300);
  });

  test("a patch's Template and Word Count are not read as a package's: no platform, languages or source-type flags", () => {
    const p = readPackage(fs.readFileSync(patchFile));
    // Template lists the target products (Template Summary); Word Count is not the bit field.
    expect(p.summary.template).toBe(PATCH.targets.join(';'));
    expect(p.summary.platform).toBeNull();
    expect(p.summary.languages).toEqual([]);
    expect(p.summary.wordCountFlags).toBeNull();
    expect(p.summary.wordCount).toEqual(expect.any(Number));
    // A transform inside keeps its platform and languages.
    expect(p.openStorage('RTM.1').summary).toMatchObject({ platform: 'Intel', languages: [1033] });
  });

  test('transforms are sub-storages with their own summary', () => {
    const p = readPackage(fs.readFileSync(patchFile));
    expect(p.storages.map((s) => [s.name, s.kind]).sort()).toEqual([
      ['#RTM.1', 'transform'],
      ['RTM.1', 'transform'],
    ]);
    const rtm = p.patch!.transforms.find((t) => t.name === 'RTM.1')!;
    expect(rtm).toMatchObject({
      present: true,
      targetProductCode: PATCH.targets[0],
      targetProductVersion: '1.2.3',
      upgradedProductCode: PATCH.targets[0],
      upgradedProductVersion: '1.2.4',
      upgradeCode: PATCH.upgradeCode,
    });
    expect(rtm.summary?.template).toBe('Intel;1033');
    const storage = p.openStorage('RTM.1');
    expect(storage.kind).toBe('transform');
    expect(storage.tableStreams.map((s) => s.name)).toContain('_StringPool');
  });

  test('MsiPatchMetadata and MsiPatchSequence rows', () => {
    const patch = readPackage(fs.readFileSync(patchFile)).patch!;
    expect(patch.metadata).toEqual(
      expect.arrayContaining([
        { company: null, property: 'AllowRemoval', value: '1' },
        { company: null, property: 'Classification', value: 'Update' },
        { company: 'msi-lua tests', property: 'DisplayName', value: 'msi-lua Small 1.2.4 patch' },
      ]),
    );
    expect(patch.sequence).toEqual(
      expect.arrayContaining([
        { patchFamily: 'SmallFamily', productCode: PATCH.targets[0], sequence: '1.2.4.0', attributes: 1 },
        { patchFamily: 'OtherFamily', productCode: null, sequence: '7', attributes: null },
      ]),
    );
  });

  test('a database is not a patch', () => {
    expect(pkg.patch).toBeNull();
  });
});

describe('string pool', () => {
  test('3-byte references decode the same strings as msitools writes', async () => {
    const p = readPackage(fs.readFileSync(await buildLongReferencesFixture(small)));
    expect(p.stringPool.longReferences).toBe(true);
    const rows = p.table('Property').rows();
    const last = rows.find((r) => r.Property === 'Prop33999');
    expect(last?.Value).toBe('value number 33999');
    expect(
      p
        .table('File')
        .rows()
        .map((r) => r.File)
        .sort(),
    ).toEqual(['DataFile', 'ReadmeFile']);
  });

  test('strings decode with the pool codepage; undecodable bytes become the WHATWG replacement', async () => {
    const cp = await buildCodepageFixtures(small);
    const values = (file: string) =>
      Object.fromEntries(
        readPackage(fs.readFileSync(file))
          .table('Property')
          .rows()
          .map((r) => [r.Property, r.Value]),
      );
    expect(readPackage(fs.readFileSync(cp.cp1252)).codepage).toBe(1252);
    expect(values(cp.cp1252).NAME).toBe('café ünïcödé 1252 €5 — “quoted”');
    expect(readPackage(fs.readFileSync(cp.cp65001)).stringPool.encoding).toBe('utf-8');
    expect(values(cp.cp65001).NAME).toBe('café ünïcödé 65001 €5 — “quoted”');
    expect(values(cp.bad1252).MARKER).toBe('QQQQ\u0081QQQQ');
    expect(values(cp.bad65001).MARKER).toBe('QQQQ\ufffdQQQQ');
    const raw = readPackage(fs.readFileSync(cp.bad65001)).stringPool;
    const id = [...Array(raw.size).keys()].find((i) => raw.has(i) && raw.bytes(i).includes(0xff))!;
    expect(raw.bytes(id)).toEqual(Buffer.from('QQQQ\xffQQQQ', 'latin1'));
  });
});

describe('stream names', () => {
  test.each([
    ['_StringPool', true],
    ['Binary.helper', false],
    ['MsiDigitalCertificate.signer', false],
    ['a', false],
    ['File', true],
    ['\u0005SummaryInformation', false],
    ['name with spaces', false],
    ['ünïcode.x', false],
  ])('%s (table %s) round-trips', (name, isTable) => {
    const encoded = encodeStreamName(name as string, isTable as boolean);
    expect(decodeStreamName(encoded)).toEqual({ name, isTable });
  });

  test('two alphabet characters share one code unit; a lone one uses the single range', () => {
    expect([...encodeStreamName('ab', false)].map((c) => c.charCodeAt(0))).toEqual([0x3800 + 36 + (37 << 6)]);
    expect([...encodeStreamName('a', false)].map((c) => c.charCodeAt(0))).toEqual([0x4800 + 36]);
    expect(encodeStreamName('x', true).charCodeAt(0)).toBe(0x4840);
  });

  test('decodes the names wixl wrote', () => {
    // Names starting with U+0005 are OLE property sets, stored unencoded.
    for (const s of pkg.streams.filter((x) => !x.name.startsWith('\u0005'))) expect(encodeStreamName(s.name, false)).toBe(s.storedName);
    for (const s of pkg.tableStreams) expect(encodeStreamName(s.name, true)).toBe(s.storedName);
  });
});
