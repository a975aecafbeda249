// msi-lua against msitools on the same files: every table of every fixture
// exports byte-identical to `msiinfo export`, the table and stream lists and
// the summary information match `msiinfo tables`, `streams` and `suminfo`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readPackage, type MsiPackage, type SummaryInformation } from '../../../lib/package';
import {
  buildLargeMsiWithTiming,
  msiinfoExport,
  msiinfoStreams,
  msiinfoSuminfo,
  msiinfoTables,
  scratchDir,
  summaryInformationStream,
  type SummaryPropertyValue,
} from '../../support/package-fixtures';
import { rewrap } from '../../support/cfb-layout';
import {
  buildCertificateFixture,
  buildCodepageFixtures,
  buildLongReferencesFixture,
  buildPatchFixture,
  buildSignedFixtures,
  buildSmallMsi,
  CODEPAGE_MARKER,
} from '../../support/package-fixture-set';

jest.setTimeout(300_000);

const fixtures: Record<string, string> = {};
let codepageFixtures: Awaited<ReturnType<typeof buildCodepageFixtures>>;
let largeBuildSeconds: number | null = null;
const exportDir = scratchDir('msiinfo-export');

beforeAll(async () => {
  const small = await buildSmallMsi();
  const large = await buildLargeMsiWithTiming();
  largeBuildSeconds = large.buildSeconds;
  const signed = await buildSignedFixtures(small);
  codepageFixtures = await buildCodepageFixtures(small);
  Object.assign(fixtures, {
    small,
    large: large.path,
    certificates: await buildCertificateFixture(small, signed.ca),
    longReferences: await buildLongReferencesFixture(small),
    signed: signed.signed,
    signedWithMsiDigitalSignatureEx: signed.signedDse,
    tampered: signed.tampered,
    patch: await buildPatchFixture(),
    codepage1252: codepageFixtures.cp1252,
    codepage65001: codepageFixtures.cp65001,
  });
});

afterAll(() => {
  fs.rmSync(exportDir, { recursive: true, force: true });
});

function open(file: string): MsiPackage {
  return readPackage(fs.readFileSync(file));
}

/** Every table msiinfo lists, msi-lua exports identically. Returns the names compared. */
function compareEveryTable(file: string, skip: string[] = []): string[] {
  const pkg = open(file);
  const tables = msiinfoTables(file);
  expect(['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]).toEqual(tables);
  const compared: string[] = [];
  // The catalog tables export too, though msiinfo does not list them.
  for (const table of [...tables, '_Tables', '_Columns']) {
    if (skip.includes(table)) continue;
    const theirs = msiinfoExport(file, table, exportDir);
    const ours = pkg.exportIdt(table);
    if (!ours.equals(theirs)) {
      // Show the first differing line rather than two large buffers.
      const a = ours.toString('latin1').split('\r\n');
      const b = theirs.toString('latin1').split('\r\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(
        `${file}: table ${table} differs at line ${line + 1}:\n  msi-lua: ${JSON.stringify(a[line])}\n  msiinfo: ${JSON.stringify(b[line])}`,
      );
    }
    compared.push(table);
  }
  return compared;
}

const fixtureNames = [
  'small',
  'large',
  'certificates',
  'longReferences',
  'signed',
  'signedWithMsiDigitalSignatureEx',
  'tampered',
  'patch',
  'codepage1252',
  'codepage65001',
];

describe.each(fixtureNames)('fixture %s', (name) => {
  test('every table exports byte-identical to msiinfo export', () => {
    const compared = compareEveryTable(fixtures[name]);
    expect(compared.length).toBeGreaterThan(2);
  });

  test('the streams are the ones msiinfo lists', () => {
    const pkg = open(fixtures[name]);
    expect(pkg.streams.map((s) => s.name).sort()).toEqual(msiinfoStreams(fixtures[name]).sort());
  });

  test('summary information matches msiinfo suminfo', () => {
    const theirs = msiinfoSuminfo(fixtures[name]);
    const ours = summaryAsSuminfo(open(fixtures[name]).summary);
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(theirs));
  });
});

test('the large fixture has at least 20,000 files and uses them in File', () => {
  const pkg = open(fixtures.large);
  expect(pkg.table('File').rowCount).toBeGreaterThanOrEqual(20000);
  expect(pkg.table('MsiFileHash').rowCount).toBe(pkg.table('File').rowCount);
  // Recorded for the report: how long wixl took when it had to build it.
  if (largeBuildSeconds !== null) console.log(`wixl built the 20,000-file fixture in ${largeBuildSeconds.toFixed(1)} s`);
});

test('the long-references fixture really uses 3-byte string references', () => {
  const pkg = open(fixtures.longReferences);
  expect(pkg.stringPool.longReferences).toBe(true);
  expect(pkg.stringPool.size).toBeGreaterThan(0x10000);
  expect(pkg.table('Property').rowCount).toBeGreaterThanOrEqual(34000);
});

describe('strings the package codepage cannot decode (msitools drops them)', () => {
  test.each([
    ['bad1252', 'QQQQ\u0081QQQQ'],
    ['bad65001', 'QQQQ\ufffdQQQQ'],
  ] as const)('%s: only that value differs, and msi-lua shows it as documented', (key, expected) => {
    const file = codepageFixtures[key];
    const compared = compareEveryTable(file, ['Property']);
    expect(compared).not.toContain('Property');
    const ours = open(file).exportIdt('Property').toString('utf8').split('\r\n');
    const theirs = msiinfoExport(file, 'Property', exportDir).toString('utf8').split('\r\n');
    expect(ours.length).toBe(theirs.length);
    ours.forEach((line, i) => {
      if (line.startsWith('MARKER\t')) {
        expect(theirs[i]).toBe('MARKER\t');
        expect(line).toBe(`MARKER\t${expected}`);
      } else {
        expect(line).toBe(theirs[i]);
      }
    });
    expect(CODEPAGE_MARKER).toHaveLength(expected.length);
  });
});

// ---------------------------------------------------------------- suminfo formatting

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C ctime() in local time, without the newline. */
function ctime(date: Date): string {
  const d = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getDay()]} ${MONTHS[d.getMonth()]}${String(d.getDate()).padStart(3)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** Our summary in the shape `msiinfo suminfo` prints (label -> value). */
function summaryAsSuminfo(s: SummaryInformation): Map<string, string> {
  const out = new Map<string, string>();
  const text = (label: string, value: string | null) => {
    if (value !== null) out.set(label, value);
  };
  const int = (label: string, value: number | null) => {
    if (value !== null) out.set(label, `${value} (${(value >>> 0).toString(16)})`);
  };
  const time = (label: string, value: Date | null) => {
    if (value !== null) out.set(label, ctime(value));
  };
  text('Title', s.title);
  text('Subject', s.subject);
  text('Author', s.author);
  text('Keywords', s.keywords);
  text('Comments', s.comments);
  text('Template', s.template);
  text('Last author', s.lastSavedBy);
  text('Revision number (UUID)', s.revisionNumber);
  time('Edittime', s.editTime);
  time('Last printed', s.lastPrinted);
  time('Created', s.created);
  time('Last saved', s.lastSaved);
  int('Version', s.pageCount);
  int('Source', s.wordCount);
  int('Restrict', s.charCount);
  text('Application', s.creatingApplication);
  int('Security', s.security);
  return out;
}

describe('summary information msitools reads partially', () => {
  // msitools stops at the first property it does not know, converts numbers
  // stored as strings with atoi and rejects other type mismatches; the
  // _SummaryInformation export reproduces that, the API keeps everything.
  test.each([
    [
      'an unknown property id in the middle',
      [
        { id: 1, type: 'i2', value: 1252 },
        { id: 2, type: 'string', value: 'Title here' },
        { id: 17, type: 'i4', value: 5 },
        { id: 3, type: 'string', value: 'Subject after the unknown one' },
      ],
    ],
    [
      'an I2 where an I4 belongs',
      [
        { id: 1, type: 'i2', value: 1252 },
        { id: 4, type: 'string', value: 'Author' },
        { id: 15, type: 'i2', value: 2 },
        { id: 19, type: 'i4', value: 2 },
      ],
    ],
    [
      'properties out of order and a date',
      [
        { id: 19, type: 'i4', value: 4 },
        { id: 12, type: 'filetime', value: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)) },
        { id: 1, type: 'i2', value: 1252 },
        { id: 9, type: 'string', value: '{11111111-2222-3333-4444-555555555555}' },
      ],
    ],
  ] as const)('%s', async (_label, properties) => {
    const file = path.join(scratchDir('suminfo'), 'quirks.msi');
    const stream = summaryInformationStream(properties as unknown as SummaryPropertyValue[]);
    fs.writeFileSync(
      file,
      rewrap(fs.readFileSync(fixtures.small), (name) => (name === '\u0005SummaryInformation' ? stream : undefined)),
    );
    const pkg = open(file);
    expect(pkg.exportIdt('_SummaryInformation').equals(msiinfoExport(file, '_SummaryInformation', exportDir))).toBe(true);
    // The API still has every property as stored.
    expect(pkg.summary.properties.map((p) => p.id)).toEqual(properties.map((p) => p.id));
  });

  test('a number stored as a string (msiinfo crashes on it): read as atoi would', () => {
    const file = path.join(scratchDir('suminfo'), 'string-number.msi');
    const stream = summaryInformationStream([
      { id: 1, type: 'i2', value: 1252 },
      { id: 14, type: 'string', value: '  301 and text' },
      { id: 4, type: 'string', value: 'Author' },
    ]);
    fs.writeFileSync(
      file,
      rewrap(fs.readFileSync(fixtures.small), (name) => (name === '\u0005SummaryInformation' ? stream : undefined)),
    );
    const pkg = open(file);
    expect(pkg.summary.pageCount).toBe(301);
    expect(pkg.exportIdt('_SummaryInformation').toString('latin1')).toBe(
      'PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n1\t1252\r\n4\tAuthor\r\n14\t301\r\n',
    );
  });
});
