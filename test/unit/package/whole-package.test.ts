// `msi-lua dump` against msidump; the commands on a transform; rows whose
// column names are also JavaScript object keys.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as CFB from 'cfb';
import { ExitCode } from '../../../lib/cli/main';
import { DumpFolderNames, dumpFileName } from '../../../lib/cli/commands/dump';
import { applyTransforms, readPackage, readTransform, readTransformFile, StringPool, MsiTable, ColumnFlags } from '../../../lib/package';
import { defineColumn } from '../../../lib/package/tables';
import { msiinfoExport, requireTool, scratchDir } from '../../support/package-fixtures';
import { cli } from '../../support/run-cli';
import { TRANSFORM_SUMMARY } from '../../support/transform-cases';
import { writeTransformFile, type TransformSpec, type WriterColumn } from '../../support/transform-writer';
import { buildPatchFixture, buildSignedFixtures, buildSmallMsi } from '../../support/package-fixture-set';

jest.setTimeout(180_000);

let scratch = '';
let small = '';

beforeAll(async () => {
  scratch = scratchDir('whole');
  small = await buildSmallMsi();
});

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

describe('dump', () => {
  test('writes what msidump -t -s -d writes, table for table and stream for stream', async () => {
    const signed = await buildSignedFixtures(small);
    for (const file of [small, signed.signedDse, await buildPatchFixture()]) {
      const theirs = fs.mkdtempSync(path.join(scratch, 'msidump-'));
      const ours = path.join(fs.mkdtempSync(path.join(scratch, 'dump-')), 'out');
      // msiinfo export (which msidump runs) writes binary columns' streams into its working directory.
      const reference = spawnSync(requireTool('msidump'), ['-t', '-s', '-d', theirs, path.resolve(file)], {
        cwd: fs.mkdtempSync(path.join(scratch, 'cwd-')),
      });
      expect(reference.status).toBe(0);
      const run = await cli('dump', file, ours);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(ExitCode.OK);
      expect(tree(ours)).toEqual(tree(theirs));
      for (const name of tree(theirs))
        expect(fs.readFileSync(path.join(ours, name)).equals(fs.readFileSync(path.join(theirs, name)))).toBe(true);
      const json = JSON.parse((await cli('dump', file, ours, '--json')).text) as { tables: string[]; failures: unknown[] };
      expect(json.tables.slice(0, 2)).toEqual(['_SummaryInformation', '_ForceCodepage']);
      expect(json.failures).toEqual([]);
    }
  });

  test('a table that cannot be read is reported and the rest is written', async () => {
    const pkg = readPackage(fs.readFileSync(small));
    const rows = pkg.table('_Columns').rows();
    const row = rows.findIndex((r) => r.Table === 'File' && r.Name === 'FileSize');
    const { rewrap } = await import('../../support/cfb-layout');
    const { encodeStreamName } = await import('../../../lib/package');
    const damaged = rewrap(fs.readFileSync(small), (name, content) => {
      if (name !== encodeStreamName('_Columns', true)) return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt16LE((0x0100 | 3) ^ 0x8000, 3 * rows.length * 2 + row * 2);
      return copy;
    });
    const file = path.join(scratch, 'damaged.msi');
    fs.writeFileSync(file, damaged);
    const out = path.join(scratch, 'damaged-dump');
    const run = await cli('dump', file, out);
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(run.stderr).toMatch(/table "File" cannot be read: .*declares an integer of 3 bytes/);
    expect(fs.existsSync(path.join(out, 'File.idt'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'Property.idt')).equals(msiinfoExport(file, 'Property', scratch))).toBe(true);
  });

  test('names become file names inside the folder, never outside it, and never meet', () => {
    const names = ['..', '.', '../../etc/passwd', 'a/b', 'a%2Fb', '', 'Binary.x', '\u0005SummaryInformation', 'C:\\x'];
    const files = names.map((n) => dumpFileName(n));
    for (const f of files) {
      expect(f).not.toMatch(/[/\u0000]/);
      expect(f === '.' || f === '..' || f === '').toBe(false);
      expect(path.dirname(path.join('/out', f))).toBe('/out');
    }
    expect(new Set(files).size).toBe(names.length);
    expect(dumpFileName('Binary.x')).toBe('Binary.x');
    if (process.platform !== 'win32') expect(dumpFileName('\u0005SummaryInformation')).toBe('\u0005SummaryInformation');
  });

  test('names that differ only in lone surrogates stay apart as file names (the file system sees UTF-8)', async () => {
    // A directory entry name is UTF-16 and may hold a lone surrogate; Node writes it to the
    // file system as U+FFFD, so without an escape these three names were one file.
    const names = ['a\ud800', 'a\ud801', 'a\ufffd', '\udc00b', 'x\ud83d\ude00'];
    const bytes = names.map((n) => Buffer.from(dumpFileName(n), 'utf8').toString('hex'));
    expect(new Set(bytes).size).toBe(names.length);
    expect(dumpFileName('a\ufffd')).toBe('a\ufffd');
    expect(dumpFileName('x\ud83d\ude00')).toBe('x\ud83d\ude00');
    const file = path.join(scratch, 'surrogates.msi');
    const cfb = CFB.read(fs.readFileSync(small), { type: 'buffer' });
    names.slice(0, 3).forEach((n, i) => CFB.utils.cfb_add(cfb, `Root Entry/${n}`, Buffer.from(`stream ${i}`)));
    fs.writeFileSync(file, CFB.write(cfb, { type: 'buffer' }) as Buffer);
    const out = path.join(scratch, 'surrogates-dump');
    expect((await cli('dump', file, out)).code).toBe(ExitCode.OK);
    const written = fs.readdirSync(path.join(out, '_Streams')).filter((f) => f.startsWith('a'));
    expect(written).toHaveLength(3);
    expect(written.map((f) => fs.readFileSync(path.join(out, '_Streams', f), 'utf8')).sort()).toEqual(['stream 0', 'stream 1', 'stream 2']);
  });
});

describe('dump file names on other platforms', () => {
  /** What a name's file name reads as, %XX decoded as UTF-8 (WTF-8) bytes. */
  const decode = (file: string) => {
    const bytes: number[] = [];
    for (let i = 0; i < file.length;) {
      if (file[i] === '%' && /^[0-9A-F]{2}$/.test(file.slice(i + 1, i + 3))) {
        bytes.push(parseInt(file.slice(i + 1, i + 3), 16));
        i += 3;
      } else {
        const c = String.fromCodePoint(file.codePointAt(i)!);
        bytes.push(...wtf8(c));
        i += c.length;
      }
    }
    return fromWtf8(bytes);
  };
  const wtf8 = (c: string) => {
    const cp = c.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
    return [...Buffer.from(c, 'utf8')];
  };
  const fromWtf8 = (bytes: number[]) => {
    let out = '';
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i]!;
      const n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      let cp = n === 1 ? b : b & (0xff >> (n + 1));
      for (let k = 1; k < n; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
      out += String.fromCodePoint(cp);
      i += n;
    }
    return out;
  };
  /** How the platform's file system sees a file name (the part that decides whether two meet). */
  const seenBy = (platform: NodeJS.Platform, file: string) =>
    platform === 'win32' ? file.replace(/[. ]+$/, '').toLowerCase() : platform === 'darwin' ? file.normalize('NFC').toLowerCase() : file;

  const NAMES = [
    'Binary.a',
    'Binary.A',
    'BINARY.A',
    'binary.a',
    'CON',
    'con',
    'Con.txt',
    'NUL',
    'aux.idt',
    'COM1',
    'LPT\u00b9',
    'CONSOLE',
    'A.',
    'A',
    'A ',
    'A. .',
    '\u00e9',
    'e\u0301',
    '\u00c9',
    'E\u0301',
    '\u03a9',
    '\u03c9',
    ':x',
    'a%41',
    'a\ud800',
    'ß',
    'SS',
  ];

  test.each(['win32', 'darwin', 'linux'] as NodeJS.Platform[])(
    'on %s, names that differ only where its file system does not look never meet, and each file name decodes to its name',
    (platform) => {
      for (const suffix of ['', '.idt']) {
        const folder = new DumpFolderNames(suffix, platform);
        const files = NAMES.map((n) => folder.fileName(n));
        expect(new Set(files.map((f) => seenBy(platform, f))).size).toBe(NAMES.length);
        files.forEach((f, i) => expect(decode(f.slice(0, f.length - suffix.length))).toBe(NAMES[i]));
        if (platform === 'win32') {
          for (const f of files) {
            expect(f).not.toMatch(/^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]) *(\.|$)/i);
            expect(f).not.toMatch(/[. ]$/);
            expect(f).not.toMatch(/[\u0000-\u001f<>:"/\\|?*]/);
          }
        }
      }
    },
  );

  test('the first of names that meet keeps the name msidump gives it; Linux keeps every name', () => {
    const windows = new DumpFolderNames('.idt', 'win32');
    expect(windows.fileName('Binary')).toBe('Binary.idt');
    expect(windows.fileName('binary')).toBe('%62%69%6E%61%72%79.idt');
    expect(dumpFileName('CON', 'win32')).toBe('%43ON');
    expect(dumpFileName('A. ', 'win32')).toBe('A%2E%20');
    const linux = new DumpFolderNames('.idt', 'linux');
    expect(linux.fileName('Binary')).toBe('Binary.idt');
    expect(linux.fileName('binary')).toBe('binary.idt');
    expect(dumpFileName('CON', 'linux')).toBe('CON');
  });
});

const WEIRD: WriterColumn[] = [
  { name: 'Key', type: 's72', key: true },
  { name: '__proto__', type: 'S72' },
  { name: 'constructor', type: 'S72' },
  { name: 'toString', type: 'I2' },
];

const weirdTransform: TransformSpec = {
  summary: TRANSFORM_SUMMARY,
  addTables: [{ name: 'Weird', columns: WEIRD }],
  changes: [
    {
      table: 'Weird',
      columns: WEIRD,
      records: [
        { op: 'insert', values: ['k1', 'p1', 'c1', 7] },
        { op: 'insert', values: ['k2', null, null, null] },
      ],
    },
    {
      table: 'Property',
      columns: [
        { name: 'Property', type: 's72', key: true },
        { name: 'Value', type: 'l0' },
      ],
      records: [{ op: 'update', key: ['ProductName'], set: { Value: 'Changed' } }],
    },
  ],
};

describe('the commands on a transform (.mst)', () => {
  let mst = '';
  beforeAll(() => {
    mst = path.join(scratch, 'weird.mst');
    fs.writeFileSync(mst, writeTransformFile(weirdTransform));
  });

  test('info says what it applies to and what it adds and changes', async () => {
    const run = await cli('info', mst);
    expect(run.code).toBe(ExitCode.OK);
    expect(run.text).toMatch(/^Kind\s+transform \(\.mst\)/m);
    expect(run.text).toMatch(new RegExp(`^Applies to\\s+\\${TRANSFORM_SUMMARY.targetProductCode} version 1\\.0\\.0$`, 'm'));
    expect(run.text).toMatch(/^Produces\s+.* version 1\.0\.1$/m);
    expect(run.text).toMatch(/^Adds tables\s+Weird$/m);
    expect(run.text).toMatch(/^Changes rows of\s+Property \(records need the target database\)$/m);
    const json = JSON.parse((await cli('info', mst, '--json')).text) as {
      kind: string;
      transform: { addedTables: string[]; upgradeCode: string };
    };
    expect(json.kind).toBe('transform');
    expect(json.transform.addedTables).toEqual(['Weird']);
    expect(json.transform.upgradeCode).toBe(TRANSFORM_SUMMARY.upgradeCode);
  });

  test('tables lists the tables it adds and changes; export shows its records; signature says unsigned', async () => {
    const tables = JSON.parse((await cli('tables', mst, '--json')).text);
    expect(tables).toEqual([
      { table: 'Weird', change: 'added', records: 2, addedColumns: 4 },
      { table: 'Property', change: 'changed', records: null, addedColumns: 0 },
    ]);
    const exported = JSON.parse((await cli('export', mst, 'Weird', '--json')).text) as { rows: Array<Record<string, unknown>> };
    expect(
      exported.rows.map((r) => [r.Change, r.Key, Object.getOwnPropertyDescriptor(r, '__proto__')?.value, r.constructor, r.toString]),
    ).toEqual([
      ['insert', 'k1', 'p1', 'c1', 7],
      ['insert', 'k2', null, null, null],
    ]);
    const text = await cli('export', mst, 'Weird');
    expect(text.text).not.toMatch(/object Object|function/);
    const undecodable = await cli('export', mst, 'Property');
    expect(undecodable.code).toBe(ExitCode.NO_SUCH_TABLE);
    expect(undecodable.stderr).toMatch(/need that database's columns/);
    expect((await cli('export', mst, 'Weird', '--idt')).code).toBe(ExitCode.USAGE);
    const summary = await cli('export', mst, '_SummaryInformation', '--idt');
    expect(summary.stdout.equals(msiinfoExport(mst, '_SummaryInformation', scratch))).toBe(true);
    expect((await cli('signature', mst)).code).toBe(ExitCode.UNSIGNED);
  });

  test('rows keep columns named like object keys: decoded records and the transformed database', async () => {
    const { buildTransformBase } = await import('../../support/transform-cases');
    const base = readPackage(fs.readFileSync(await buildTransformBase()));
    const storage = readTransformFile(writeTransformFile(weirdTransform));
    const decoded = readTransform(storage, base).tables.find((t) => t.table === 'Weird')!;
    expect(Object.getOwnPropertyDescriptor(decoded.operations[0].values, '__proto__')?.value).toBe('p1');
    const rows = applyTransforms(base, [storage]).rows('Weird');
    expect(rows.map((r) => Object.keys(r))).toEqual([WEIRD.map((c) => c.name), WEIRD.map((c) => c.name)]);
    expect(rows.map((r) => [r.__proto__, r.constructor, r.toString])).toEqual([
      ['p1', 'c1', 7],
      [null, null, null],
    ]);
  });
});

test('rows of a table read from a package keep columns named like object keys, null cells included', () => {
  const strings = ['k1', 'p1', 'c1', 'k2'].map((s) => Buffer.from(s));
  const header = Buffer.alloc(4);
  header.writeUInt32LE(1252);
  const pairs = Buffer.alloc(strings.length * 4);
  strings.forEach((s, i) => {
    pairs.writeUInt16LE(s.length, i * 4);
    pairs.writeUInt16LE(1, i * 4 + 2);
  });
  const pool = new StringPool(Buffer.concat([header, pairs]), Buffer.concat(strings));
  const { VALID, STRING, NULLABLE, KEY } = ColumnFlags;
  const columns = [
    defineColumn('W', 1, 'Key', VALID | STRING | KEY | 72, false),
    defineColumn('W', 2, '__proto__', VALID | STRING | NULLABLE | 72, false),
    defineColumn('W', 3, 'constructor', VALID | STRING | NULLABLE | 72, false),
    defineColumn('W', 4, 'hasOwnProperty', VALID | NULLABLE | 2, false),
  ];
  // Two rows, column by column: Key (1, 4), __proto__ (2, null), constructor (3, null), hasOwnProperty (5, null).
  const data = Buffer.alloc(16);
  [1, 4, 2, 0, 3, 0, 0x8000 + 5, 0].forEach((v, i) => data.writeUInt16LE(v, i * 2));
  const table = new MsiTable('W', columns, data, { pool, hasStream: () => false });
  const rows = table.rows();
  expect(rows.map((r) => Object.keys(r))).toEqual([
    ['Key', '__proto__', 'constructor', 'hasOwnProperty'],
    ['Key', '__proto__', 'constructor', 'hasOwnProperty'],
  ]);
  expect(rows.map((r) => [r.Key, r.__proto__, r.constructor, r.hasOwnProperty])).toEqual([
    ['k1', 'p1', 'c1', 5],
    ['k2', null, null, null],
  ]);
  expect(JSON.parse(JSON.stringify(rows[0]))).toEqual({ Key: 'k1', ['__proto__']: 'p1', constructor: 'c1', hasOwnProperty: 5 });
  expect([...table].map((r) => r.__proto__)).toEqual(['p1', null]);
});
