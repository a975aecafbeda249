// Bad input: every kind of damage gives an MsiFormatError that says what is
// wrong and where, quickly, without allocating beyond what the file allows.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExitCode } from '../../../lib/cli/main';
import { encodeStreamName, inspectStructure, openCompoundFile, readPackage } from '../../../lib/package';
import { MsiFormatError } from '../../../lib/errors';
import { buildPatchFixture, buildSmallMsi } from '../../support/package-fixture-set';
import { cli } from '../../support/run-cli';
import { ENTRY, ENDOFCHAIN, layoutOf, plainCompoundFile, reversedChainFile, rewrap } from '../../support/cfb-layout';

jest.setTimeout(60_000);

let small: Buffer;

beforeAll(async () => {
  small = fs.readFileSync(await buildSmallMsi());
});

/** Reads everything a package offers, so lazily-read damage surfaces too. */
function readEverything(bytes: Buffer): void {
  const pkg = readPackage(bytes);
  for (const name of ['_SummaryInformation', '_ForceCodepage', '_Tables', '_Columns', ...pkg.tableNames]) {
    pkg.exportIdt(name);
    if (!name.startsWith('_S') && !name.startsWith('_F')) pkg.table(name).rows();
  }
  for (const s of pkg.streams) pkg.readStream(s.name);
  for (const s of pkg.storages) void pkg.openStorage(s.name).summary;
  pkg.verifySignature();
  void pkg.patch;
}

function formatError(bytes: Buffer, read: (b: Buffer) => unknown = readEverything): MsiFormatError {
  try {
    read(bytes);
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw new Error(`expected MsiFormatError, got ${(error as Error)?.stack ?? String(error)}`);
  }
  throw new Error('expected MsiFormatError, but the input was accepted');
}

const table = (name: string) => encodeStreamName(name, true);

test('the untouched fixture reads in full', () => {
  expect(() => readEverything(small)).not.toThrow();
});

describe('not a package at all', () => {
  test('zero length', () => {
    const error = formatError(Buffer.alloc(0));
    expect(error.message).toMatch(/the file is empty/);
    expect(error.where).toBe('header');
    expect(error.offset).toBe(0);
    expect(error.name).toBe('MsiFormatError');
  });

  test('a text file', () => {
    expect(formatError(Buffer.from('just some text, not a package\n')).message).toMatch(/not a compound file/);
  });

  test('a ZIP file (which cfb would otherwise parse as a ZIP container)', () => {
    expect(formatError(Buffer.from('PK\u0003\u0004 rest of a zip', 'latin1')).message).toMatch(/not a compound file/);
  });

  test('a compound file that is not a Windows Installer database', () => {
    const doc = plainCompoundFile({ WordDocument: Buffer.alloc(5000, 1), '\u0005SummaryInformation': Buffer.alloc(10) });
    const error = formatError(doc);
    expect(error.message).toMatch(/not a Windows Installer database/);
    expect(error.where).toBe('root storage');
  });
});

describe('truncated files', () => {
  test.each([8, 100, 511, 512, 700, 1024])('cut to %i bytes', (length) => {
    const error = formatError(small.subarray(0, length));
    expect(error.message).toMatch(/truncated|cut off|outside|beyond|past the end/);
  });

  // A cut that leaves every byte the package uses (only unused sector slack
  // at the end goes) opens, as Wine reads it; any other cut fails where the
  // missing bytes are needed.
  test.each([0.25, 0.5, 0.75, 0.9, 0.99])('cut to %f of its size', (fraction) => {
    const cut = Math.floor(small.length * fraction);
    if (cut >= lastUsedByte(layoutOf(small))) {
      expect(() => readEverything(small.subarray(0, cut))).not.toThrow();
    } else {
      expect(formatError(small.subarray(0, cut)).where).toBeDefined();
    }
  });

  test('at least one of those cuts takes bytes the package needs, and one does not', () => {
    const used = lastUsedByte(layoutOf(small));
    expect(Math.floor(small.length * 0.25)).toBeLessThan(used);
    expect(Math.floor(small.length * 0.99)).toBeGreaterThanOrEqual(used);
  });
});

/** One past the last byte any structure or stream of the file uses. */
function lastUsedByte(layout: ReturnType<typeof layoutOf>): number {
  let end = 512;
  const sectorEnd = (s: number) => layout.sectorOffset(s) + layout.sectorSize;
  // A FAT sector is needed up to the entries of the sectors the file has.
  const perFat = layout.sectorSize / 4;
  layout.fatSectors.forEach((s, k) => {
    const entries = Math.min(perFat, layout.sectorCount - k * perFat);
    if (entries > 0) end = Math.max(end, layout.sectorOffset(s) + entries * 4);
  });
  for (const s of layout.chain(layout.directoryStart)) end = Math.max(end, sectorEnd(s));
  if (layout.miniFatStart !== ENDOFCHAIN) for (const s of layout.chain(layout.miniFatStart)) end = Math.max(end, sectorEnd(s));
  const root = layout.entries[0];
  const miniStream = layout.chain(root.start);
  // The mini stream is needed up to its declared size.
  miniStream.forEach((s, i) => {
    if (i * layout.sectorSize < root.size)
      end = Math.max(end, layout.sectorOffset(s) + Math.min(layout.sectorSize, root.size - i * layout.sectorSize));
  });
  for (const e of layout.entries) {
    if (e.type !== 2 || e.size === 0) continue;
    for (const [at, length] of layout.streamSegments(e)) end = Math.max(end, at + length);
  }
  return end;
}

describe('sector chains', () => {
  test('a stream chain that loops back on itself', () => {
    const layout = layoutOf(small);
    const stream = layout.fatStream(3);
    const [first, second] = layout.chain(stream.start);
    layout.setU32(layout.fatEntryOffset(second), first);
    const error = formatError(layout.buf);
    expect(error.message).toMatch(/sector chain loops back to sector/);
    expect(error.offset).toBe(layout.sectorOffset(first));
  });

  test('a chain pointing past the end of the file', () => {
    const layout = layoutOf(small);
    const stream = layout.fatStream(3);
    const [, second] = layout.chain(stream.start);
    layout.setU32(layout.fatEntryOffset(second), 0x00ffffff);
    expect(formatError(layout.buf).message).toMatch(/beyond the \d+ sectors in the file/);
  });

  test('a stream starting at a free sector marker', () => {
    const layout = layoutOf(small);
    const stream = layout.fatStream(3);
    layout.setU32(stream.offset + ENTRY.start, 0xffffffff);
    expect(formatError(layout.buf).message).toMatch(/outside the \d+ sectors|free sector/);
  });

  // Not a loop nor a link outside the file: Wine and libgsf read both streams
  // from the same sectors, and so does msi-lua now (it was refused before).
  test('two streams sharing sectors both read, from the shared sectors', () => {
    const layout = layoutOf(small);
    const streams = layout.entries.filter((e) => e.type === 2 && e.size >= 4096).sort((a, b) => a.size - b.size);
    expect(streams.length).toBeGreaterThanOrEqual(2);
    // The smaller stream now starts inside the larger one's chain.
    layout.setU32(streams[0].offset + ENTRY.start, streams[1].start);
    const compound = openCompoundFile(layout.buf);
    const entry = (name: string) => [...inspectStructure(layout.buf).entries.values()].find((e) => e.name === name)!;
    const smaller = compound.streamData(entry(streams[0].name));
    const larger = compound.streamData(entry(streams[1].name));
    expect(smaller.equals(larger.subarray(0, smaller.length))).toBe(true);
  });

  test('a mini stream chain that loops', () => {
    const layout = layoutOf(small);
    const stream = layout.miniStream(2);
    layout.setU32(layout.miniFatEntryOffset(stream.start), stream.start);
    expect(formatError(layout.buf).message).toMatch(/mini sector chain loops back/);
  });

  test('a directory chain that loops', () => {
    const layout = layoutOf(small);
    const directory = layout.chain(layout.directoryStart);
    layout.setU32(layout.fatEntryOffset(directory[directory.length - 1]), directory[0]);
    const error = formatError(layout.buf);
    expect(error.message).toMatch(/directory: sector chain loops back/);
  });

  test('the directory starting outside the file', () => {
    const layout = layoutOf(small).setU32(48, 999999);
    const error = formatError(layout.buf);
    expect(error.message).toMatch(/directory starts at sector 999999/);
    expect(error.offset).toBe(48);
  });

  test('a DIFAT chain that loops', () => {
    const layout = layoutOf(small);
    const sector = layout.directoryStart;
    layout.setU32(68, sector).setU32(72, 5);
    layout.setU32(layout.sectorOffset(sector) + 508, sector);
    expect(formatError(layout.buf).message).toMatch(/DIFAT chain loops back/);
  });

  // It was refused to protect the old cfb dependency (which copied chain
  // suffixes quadratically); the chain is legal and is now read in one pass.
  test('a long chain that runs backwards through the file opens and reads in chain order', () => {
    const file = reversedChainFile(4000);
    const inspection = inspectStructure(file);
    const big = [...inspection.entries.values()].find((e) => e.name === 'Big')!;
    const data = openCompoundFile(file).streamData(big);
    expect(data.length).toBe(4000 * 512);
    // Sector s is filled with s & 0xff; the chain runs from the last sector to the first.
    const last = inspection.layout.sectorCount - 1;
    expect(data[0]).toBe(last & 0xff);
    expect(data[512]).toBe((last - 1) & 0xff);
    expect(data[3999 * 512]).toBe((last - 3999) & 0xff);
  });

  test('a short backwards chain is fine', () => {
    expect(() => inspectStructure(reversedChainFile(20))).not.toThrow();
  });
});

describe('the directory', () => {
  test('a sibling link that makes a cycle', () => {
    const layout = layoutOf(small);
    const entry = layout.entries.find((e) => e.type === 2 && e.left === 0xffffffff)!;
    layout.setU32(entry.offset + ENTRY.left, layout.entries[0].child);
    const error = formatError(layout.buf);
    expect(error.message).toMatch(/linked more than once/);
    expect(error.offset).toBe(entry.offset + ENTRY.left);
  });

  test('a link to an entry that does not exist', () => {
    const layout = layoutOf(small);
    const entry = layout.entries.find((e) => e.type === 2 && e.right === 0xffffffff)!;
    layout.setU32(entry.offset + ENTRY.right, 4000);
    expect(formatError(layout.buf).message).toMatch(/points to entry 4000, but the directory has \d+ entries/);
  });

  test('a root entry of the wrong type', () => {
    const layout = layoutOf(small);
    layout.buf[layout.entries[0].offset + ENTRY.type] = 1;
    expect(formatError(layout.buf).message).toMatch(/not the root storage/);
  });

  // Windows, libgsf and Wine never look at entries the tree does not reach;
  // refusing them was a rule of the old cfb-based reader.
  test('an entry outside the tree is ignored, whatever its type', () => {
    const layout = layoutOf(small);
    const free = layout.entries.find((e) => e.type === 0);
    expect(free).toBeDefined();
    layout.buf[free!.offset + ENTRY.type] = 2;
    expect(() => readEverything(layout.buf)).not.toThrow();
    expect([...inspectStructure(layout.buf).entries.values()].map((e) => e.id)).not.toContain(free!.id);
  });

  test('an impossible name length', () => {
    const layout = layoutOf(small);
    const entry = layout.entries.find((e) => e.type === 2)!;
    layout.buf.writeUInt16LE(200, entry.offset + ENTRY.nameLength);
    expect(formatError(layout.buf).message).toMatch(/invalid name length 200/);
  });
});

describe('absurd declared sizes', () => {
  test('a stream larger than the file', () => {
    const layout = layoutOf(small);
    const stream = layout.fatStream(3);
    layout.setU32(stream.offset + ENTRY.size, 0x7ffffff0);
    const error = formatError(layout.buf);
    expect(error.message).toMatch(/declares 2147483632 bytes, more than the whole file/);
    expect(error.offset).toBe(stream.offset + ENTRY.size);
  });

  test('a stream longer than its chain', () => {
    const layout = layoutOf(small);
    const stream = layout.fatStream(3);
    layout.setU32(stream.offset + ENTRY.size, stream.size + 4096);
    expect(formatError(layout.buf).message).toMatch(/its sector chain holds only/);
  });

  test('more FAT sectors than the file has sectors', () => {
    expect(formatError(layoutOf(small).setU32(44, 0x7fffffff).buf).message).toMatch(/declares 2147483647 FAT sectors/);
  });

  test('more DIFAT sectors than the file has sectors', () => {
    expect(formatError(layoutOf(small).setU32(68, 1).setU32(72, 0x10000000).buf).message).toMatch(/DIFAT sectors/);
  });

  test('a string pool entry longer than the string data', () => {
    const bytes = rewrap(small, (name, content) => {
      if (name !== table('_StringPool')) return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt16LE(0xfff0, 4);
      return copy;
    });
    const error = formatError(bytes);
    expect(error.message).toMatch(/string 1 declares 65520 bytes at offset 0 but _StringData has only \d+ bytes/);
    expect(error.where).toBe('_StringPool');
  });

  test('a long-string marker at the end of the pool', () => {
    const bytes = rewrap(small, (name, content) => {
      if (name !== table('_StringPool')) return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt32LE(0x00010000, copy.length - 4); // length 0, refs 1: "longer than 64 KiB"
      return copy;
    });
    expect(formatError(bytes).message).toMatch(/marked as longer than 64 KiB/);
  });

  test('a summary with more properties than its section can hold', () => {
    const bytes = rewrap(small, (name, content) => {
      if (name !== '\u0005SummaryInformation') return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt32LE(1_000_000_000, copy.readUInt32LE(44) + 4);
      return copy;
    });
    const error = formatError(bytes);
    expect(error.message).toMatch(/declares 1000000000 properties/);
    expect(error.where).toBe('\u0005SummaryInformation');
  });

  test('a summary string running past its section', () => {
    const bytes = rewrap(small, (name, content) => {
      if (name !== '\u0005SummaryInformation') return undefined;
      const copy = Buffer.from(content);
      const section = copy.readUInt32LE(44);
      for (let i = 0; i < copy.readUInt32LE(section + 4); i++) {
        const at = section + copy.readUInt32LE(section + 12 + i * 8);
        if (copy.readUInt32LE(at) === 30) {
          copy.writeUInt32LE(0x7fffffff, at + 4);
          break;
        }
      }
      return copy;
    });
    expect(formatError(bytes).message).toMatch(/string property \d+ declares 2147483647 bytes/);
  });

  test('a table stream that is not a whole number of rows', () => {
    const bytes = rewrap(small, (name, content) => (name === table('Property') ? Buffer.concat([content, Buffer.from([1])]) : undefined));
    const error = formatError(bytes);
    expect(error.message).toMatch(/table Property: stream is \d+ bytes, not a whole number of 4-byte rows/);
    expect(error.where).toBe('Property');
  });
});

describe('tables', () => {
  test('a string index past the end of the string pool', () => {
    const bytes = rewrap(small, (name, content) => {
      if (name !== table('Property')) return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt16LE(0xfff0, 0); // first row's Property column
      return copy;
    });
    // The package opens; reading the damaged table fails.
    const pkg = readPackage(bytes);
    const error = formatError(bytes, () => pkg.table('Property').rows());
    expect(error.message).toMatch(/table Property, row 1, column Property: string index 65520 is out of range/);
    expect(error.where).toBe('Property');
    expect(error.offset).toBe(0);
    expect(() => pkg.exportIdt('Property')).toThrow(MsiFormatError);
    expect(() => pkg.table('File').rows()).not.toThrow();
  });

  test('_Columns declaring the same column twice', () => {
    const bytes = rewrap(small, (name, content) => {
      if (name !== table('_Columns')) return undefined;
      const rows = content.length / 8;
      const copy = Buffer.from(content);
      // Column "Number" is the second block of 2-byte values: make row 2 repeat row 1.
      copy.writeUInt16LE(copy.readUInt16LE(0), 2);
      copy.writeUInt16LE(copy.readUInt16LE(rows * 2), rows * 2 + 2);
      return copy;
    });
    expect(formatError(bytes).message).toMatch(/_Columns declares column \d+ of table \S+ twice/);
  });

  test('a table whose column 1 is missing from _Columns', () => {
    // Row 1 of _Columns moves to a table with no name: its table loses column 1.
    const bytes = rewrap(small, (name, content) => {
      if (name !== table('_Columns')) return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt16LE(0, 0);
      return copy;
    });
    expect(formatError(bytes).message).toMatch(/has \d+ columns but no column 1/);
  });
});

test('a damaged ministream root size is refused, not over-read', () => {
  const layout = layoutOf(small);
  layout.setU32(layout.entries[0].offset + ENTRY.size, small.length * 4);
  expect(formatError(layout.buf).message).toMatch(/mini stream declares \d+ bytes, more than the whole file/);
});

test('an ENDOFCHAIN directory start is outside the file', () => {
  expect(formatError(layoutOf(small).setU32(48, ENDOFCHAIN).buf).message).toMatch(/directory starts at end of chain/);
});

describe('one damaged part fails that part only (the package opens, every other part reads)', () => {
  let scratch = '';
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-isolation-'));
  });
  afterAll(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** The damaged table fails typed; every other table and the summary read; `tables` lists them all. */
  async function isolated(bytes: Buffer, damaged: string, message: RegExp): Promise<void> {
    const pkg = readPackage(bytes);
    const error = formatError(bytes, () => pkg.table(damaged).rows());
    expect(error.message).toMatch(message);
    expect(() => pkg.exportIdt(damaged)).toThrow(MsiFormatError);
    for (const name of pkg.tableNames.filter((n) => n !== damaged)) {
      expect(() => pkg.table(name).rows()).not.toThrow();
      expect(() => pkg.exportIdt(name)).not.toThrow();
    }
    expect(() => pkg.exportIdt('_SummaryInformation')).not.toThrow();
    const file = path.join(scratch, `${damaged}.msi`);
    fs.writeFileSync(file, bytes);
    const listed = await cli('tables', file, '--json');
    // Every table listed, the damaged one with its reason; not every one read: exit 1.
    expect(listed.code).toBe(ExitCode.INVALID_PACKAGE);
    const tables = JSON.parse(listed.text) as Array<{ name: string; error?: string }>;
    expect(tables.map((t) => t.name)).toEqual(['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]);
    expect(tables.filter((t) => t.error).map((t) => t.name)).toEqual([damaged]);
    const other = pkg.tableNames.find((n) => n !== damaged)!;
    expect((await cli('export', file, other, '--idt')).code).toBe(ExitCode.OK);
    const refused = await cli('export', file, damaged, '--idt');
    expect(refused.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(refused.stderr).toMatch(message);
  }

  /** Rewrites one cell of _Columns (column 0 Table, 1 Number, 2 Name, 3 Type) for the row of table.column. */
  function columnsCell(tableName: string, columnName: string, cell: number, value: number): Buffer {
    const rows = readPackage(small).table('_Columns').rows();
    const row = rows.findIndex((r) => r.Table === tableName && r.Name === columnName);
    expect(row).toBeGreaterThanOrEqual(0);
    return rewrap(small, (name, content) => {
      if (name !== table('_Columns')) return undefined;
      const copy = Buffer.from(content);
      copy.writeUInt16LE(value, cell * rows.length * 2 + row * 2);
      return copy;
    });
  }

  test('an integer column declared with 3 bytes', async () => {
    const type = 0x0100 | 3; // valid, integer, 3 bytes
    await isolated(
      columnsCell('File', 'FileSize', 3, type ^ 0x8000),
      'File',
      /table File, column FileSize: declares an integer of 3 bytes/,
    );
  });

  test('a column name that is not in the string pool', async () => {
    await isolated(
      columnsCell('File', 'FileSize', 2, 0xfff0),
      'File',
      /_Columns row \d+ \(table File, column \d+\): string index 65520 is out of range/,
    );
  });

  test('a column number repeated', async () => {
    const rows = readPackage(small).table('_Columns').rows();
    const first = rows.find((r) => r.Table === 'File' && r.Number === 1)!;
    expect(first).toBeDefined();
    await isolated(columnsCell('File', 'FileName', 1, 0x8000 + 1), 'File', /_Columns declares column 1 of table File twice/);
  });

  test('a table stream that is not a whole number of rows', async () => {
    const bytes = rewrap(small, (name, content) => (name === table('Property') ? Buffer.concat([content, Buffer.from([1])]) : undefined));
    await isolated(bytes, 'Property', /table Property: stream is \d+ bytes, not a whole number of 4-byte rows/);
  });

  test('a damaged summary fails the summary only', async () => {
    const bytes = rewrap(small, (name, content) => (name === '\u0005SummaryInformation' ? content.subarray(0, 20) : undefined));
    const pkg = readPackage(bytes);
    expect(formatError(bytes, () => pkg.summary).where).toBe('\u0005SummaryInformation');
    for (const name of pkg.tableNames) expect(() => pkg.exportIdt(name)).not.toThrow();
    const file = path.join(scratch, 'summary.msi');
    fs.writeFileSync(file, bytes);
    const info = await cli('info', file);
    expect(info.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(info.text).toMatch(/^Summary\s+cannot be read: .*too short for a property set header/m);
    expect(info.text).toMatch(/^Tables\s+\d+$/m);
    expect(info.stderr).toMatch(/summary\.msi: .*too short for a property set header/);
  });

  test("a patch's damaged summary fails the summary and the patch details only: info shows the rest", async () => {
    const bytes = rewrap(fs.readFileSync(await buildPatchFixture()), (name, content) =>
      name === '\u0005SummaryInformation' ? content.subarray(0, 20) : undefined,
    );
    const file = path.join(scratch, 'summary.msp');
    fs.writeFileSync(file, bytes);
    const info = await cli('info', file);
    expect(info.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(info.text).toMatch(/^Kind\s+patch \(\.msp\)/m);
    expect(info.text).toMatch(/^Summary\s+cannot be read: .*too short for a property set header/m);
    expect(info.text).toMatch(/^Patch\s+cannot be read: /m);
    expect(info.text).toMatch(/^Storages\s+\d+$/m);
    expect(info.stderr.trimEnd().split('\n')).toHaveLength(1);
    const json = await cli('info', file, '--json');
    expect(json.code).toBe(ExitCode.INVALID_PACKAGE);
    const parsed = JSON.parse(json.text) as Record<string, unknown>;
    expect(parsed).toMatchObject({ kind: 'patch', summary: null, patch: null });
    expect(parsed.patchError).toMatch(/too short for a property set header/);
    expect((parsed.storages as unknown[]).length).toBeGreaterThan(0);
  });
});
