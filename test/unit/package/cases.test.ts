// The failing inputs of ../shared/cases (see its README), one test per kind
// of fault, each checked against what msitools reads (`msiinfo`), never
// against msi-lua itself. Other files of the same kinds are covered by the
// hand-built tests in string-pool.test.ts, bad-input.test.ts,
// reader.test.ts, signature.test.ts and summary-fuzz.test.ts.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode } from '../../../lib/cli/main';
import { MsiFormatError } from '../../../lib/errors';
import { readPackage, type MsiPackage } from '../../../lib/package';
import { msiinfoExport, msiinfoTables, scratchDir } from '../../support/package-fixtures';
import { cli } from '../../support/run-cli';

const CASES = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'cases');
const present = fs.existsSync(path.join(CASES, 'README.md'));
const describeCases = present ? describe : describe.skip;
if (!present) {
  console.warn(`cases test skipped: ${CASES} is absent (it is the repository's sibling ../shared/cases)`);
}

jest.setTimeout(60_000);

const file = (name: string) => path.join(CASES, name);
const open = (name: string): MsiPackage => readPackage(fs.readFileSync(file(name)));
let scratch = '';

function formatError(run: () => unknown): MsiFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw new Error(`expected MsiFormatError, got ${(error as Error)?.stack ?? String(error)}`);
  }
  throw new Error('expected MsiFormatError, but it was accepted');
}

describeCases('../shared/cases', () => {
  beforeAll(() => {
    scratch = scratchDir('cases');
  });
  afterAll(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('string pool: a string of 64 KiB or more (long-string-64k.msi) and every string after it', async () => {
    const pkg = open('long-string-64k.msi');
    const property = new Map(
      pkg
        .table('Property')
        .rows()
        .map((r) => [r.Property, r.Value]),
    );
    expect((property.get('LicenseText') as string).length).toBe(201_300);
    expect(property.get('ProductCode')).toBe('{11111111-2222-3333-4444-555555555555}');
    expect(property.get('ProductName')).toBe('Example App');
    expect(property.get('ALLUSERS')).toBe('1');
    expect(pkg.tableNames).toContain('Feature');
    expect(
      pkg
        .table('Feature')
        .rows()
        .map((r) => r.Feature),
    ).toEqual(['MainFeature']);
    for (const table of ['Property', 'Feature'])
      expect(pkg.exportIdt(table).equals(msiinfoExport(file('long-string-64k.msi'), table, scratch))).toBe(true);
    const check = await cli('lua-check', file('long-string-64k.msi'), '--json');
    expect(JSON.parse(check.text).checks.find((c: { id: string }) => c.id === 'per-machine').status).toBe('pass');
  });

  test('per-table damage: an integer column of 3 bytes (integer-column-size-3.msi) fails that table only', async () => {
    const pkg = open('integer-column-size-3.msi');
    const error = formatError(() => pkg.table('ExampleExec'));
    expect(error.message).toMatch(/table ExampleExec, column \w+: declares an integer of 3 bytes/);
    expect(error.where).toBe('ExampleExec');
    expect(() => pkg.exportIdt('ExampleExec')).toThrow(MsiFormatError);
    for (const name of pkg.tableNames.filter((n) => n !== 'ExampleExec')) {
      expect(pkg.exportIdt(name).equals(msiinfoExport(file('integer-column-size-3.msi'), name, scratch))).toBe(true);
    }
    expect((await cli('info', file('integer-column-size-3.msi'))).code).toBe(ExitCode.OK);
    expect((await cli('export', file('integer-column-size-3.msi'), 'Property', '--idt')).code).toBe(ExitCode.OK);
    expect((await cli('lua-check', file('integer-column-size-3.msi'))).code).not.toBe(ExitCode.INVALID_PACKAGE);
    const tables = await cli('tables', file('integer-column-size-3.msi'));
    // Every table listed, but not every one read: exit 1, as dump (it was 0, which no script could tell).
    expect(tables.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(tables.text).toMatch(/^ExampleExec\s+\?\s+\?\s+\(cannot be read, see above\)/m);
    expect(tables.stderr).toMatch(/table ExampleExec cannot be read/);
  });

  test('per-table damage: a table without columns (table-without-columns.msi) is listed and the others read', async () => {
    const reference = msiinfoTables(file('table-without-columns.msi'));
    expect(reference).toHaveLength(31);
    const pkg = open('table-without-columns.msi');
    expect(['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]).toEqual(reference);
    expect(formatError(() => pkg.table('OrphanTable')).message).toMatch(/OrphanTable is listed in _Tables but has no columns/);
    const run = await cli('tables', file('table-without-columns.msi'), '--json');
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    const listed = JSON.parse(run.text) as Array<{ name: string; error?: string }>;
    expect(listed.map((t) => t.name)).toEqual(reference);
    expect(listed.filter((t) => t.error).map((t) => t.name)).toEqual(['OrphanTable']);
    expect(pkg.exportIdt('Property').equals(msiinfoExport(file('table-without-columns.msi'), 'Property', scratch))).toBe(true);
  });

  test('signatures with MsiDigitalSignatureEx: what Windows checks, and metadata apart', async () => {
    const intact = open('dse-signed.msi').verifySignature()!;
    expect(intact).toMatchObject({
      digestValid: true,
      signatureValid: true,
      hasMsiDigitalSignatureEx: true,
      metadataDigestValid: true,
      metadataChange: null,
    });
    const changed = open('dse-signed-metadata-changed.msi').verifySignature()!;
    // The content digest Windows computes (stored MsiDigitalSignatureEx, then the content) still matches.
    expect(changed.digestValid).toBe(true);
    expect(changed.computedDigest).toBe(changed.signedDigest);
    expect(changed.metadataDigestValid).toBe(false);
    expect(changed.storedMetadataDigest).not.toBe(changed.computedMetadataDigest);
    expect(changed.metadataChange).toMatch(/metadata .* changed after signing; the content did not/);
    expect(changed.problems).toEqual([]);
    const run = await cli('signature', file('dse-signed-metadata-changed.msi'));
    expect(run.code).toBe(ExitCode.OK);
    expect(run.text).toMatch(/^Content\s+unchanged since signing$/m);
    expect(run.text).toMatch(/^MsiDigitalSignatureEx\s+present; metadata CHANGED after signing/m);
    expect((await cli('signature', file('dse-signed.msi'))).text).toMatch(/metadata unchanged since signing/);
  });

  test('summary: a string date out of range (summary-date-out-of-range.msi) exports as msiinfo does', async () => {
    const pkg = open('summary-date-out-of-range.msi');
    // msiinfo writes the properties before the date, then fails (exit 1) at it.
    const reference = spawnSync('msiinfo', ['export', file('summary-date-out-of-range.msi'), '_SummaryInformation'], { cwd: scratch });
    expect(reference.status).not.toBe(0);
    expect(reference.stdout.length).toBeGreaterThan(0);
    expect(pkg.exportIdt('_SummaryInformation').equals(reference.stdout)).toBe(true);
    const run = await cli('export', file('summary-date-out-of-range.msi'), '_SummaryInformation', '--idt');
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE); // the same bytes, but a partial table is no success
    expect((await cli('export', file('summary-date-out-of-range.msi'), '_SummaryInformation', '--json')).code).toBe(ExitCode.OK);
    const info = await cli('info', file('summary-date-out-of-range.msi'));
    expect(info.code).toBe(ExitCode.OK);
    // info prints every property: the mistyped date as stored, and said so (it was left out).
    expect(info.text).toMatch(/^Created\s+"300000\/01\/01 00:00:00" \(stored as VT_LPSTR, not VT_FILETIME\)$/m);
  });

  test('rows: a column named __proto__ (column-named-proto.msi) keeps its values everywhere', async () => {
    const pkg = open('column-named-proto.msi');
    const names = pkg.columns('Weird').map((c) => c.name);
    expect(names).toContain('__proto__');
    const rows = pkg.table('Weird').rows();
    expect(rows.map((r) => Object.keys(r))).toEqual(rows.map(() => names));
    expect(rows.map((r) => r.__proto__)).toEqual(['value-one', null]);
    expect(pkg.readTable('Weird').rows).toEqual(rows);
    const json = JSON.parse((await cli('export', file('column-named-proto.msi'), 'Weird', '--json')).text) as {
      rows: Array<Record<string, unknown>>;
    };
    expect(json.rows.map((r) => Object.getOwnPropertyDescriptor(r, '__proto__')?.value)).toEqual(['value-one', null]);
    const text = (await cli('export', file('column-named-proto.msi'), 'Weird')).text;
    expect(text).not.toMatch(/object Object/);
    expect(text).toMatch(/^k1\s+c1\s+value-one$/m);
    expect(pkg.exportIdt('Weird').equals(msiinfoExport(file('column-named-proto.msi'), 'Weird', scratch))).toBe(true);
  });

  test.each(['storage-entry-start-size.msi', 'free-entry-leftover-size.msi'])(
    'compound file: %s opens and lists the tables msiinfo lists',
    (name) => {
      // Fixed by the rebuilt compound-file layer (issue 11 item 1).
      const pkg = open(name);
      expect(['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]).toEqual(msiinfoTables(file(name)));
    },
  );
});
