// cfb/directory.ts: the tree of entries. Refused: what is not a tree or
// cannot be read; ignored: what Windows, libgsf and Wine ignore.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspectStructure, openCompoundFile, readPackage } from '../../../../lib/package';
import { msiinfoTables } from '../../../support/package-fixtures';
import { ENTRY, NOSTREAM, layoutOf, plainCompoundFile } from '../../../support/cfb-layout';
import { formatErrorOf } from '../../../support/cfb-helpers';

const file = plainCompoundFile({ A: Buffer.alloc(100, 1), B: Buffer.alloc(5000, 2), C: Buffer.alloc(10, 3) });
const UNTOUCHED = (() => {
  const compound = openCompoundFile(file);
  return compound
    .childrenOf(compound.root)
    .map((e) => e.name)
    .sort();
})();
const names = (bytes: Buffer) => {
  const compound = openCompoundFile(bytes);
  return compound
    .childrenOf(compound.root)
    .map((e) => e.name)
    .sort();
};

test('the untouched file lists its streams', () => {
  expect(UNTOUCHED).toEqual(expect.arrayContaining(['A', 'B', 'C']));
});

test('entries are read from their records: fields, parents and children in directory order', () => {
  const bytes = plainCompoundFile({ 'S/A': Buffer.alloc(10, 1), 'S/B': Buffer.alloc(7000, 2), C: Buffer.alloc(20, 3) });
  const layout = layoutOf(bytes);
  const { entries, root } = inspectStructure(bytes);
  expect(entries.get(0)).toBe(root);
  const linked = [...entries.keys()].filter((id) => id !== 0);
  expect(linked.sort((a, b) => a - b)).toEqual(
    layout.entries
      .filter((e) => e.id !== 0 && e.type !== 0)
      .map((e) => e.id)
      .sort((a, b) => a - b),
  );
  for (const entry of entries.values()) {
    const raw = layout.entries[entry.id];
    expect(entry.offset).toBe(raw.offset);
    expect(entry.name).toBe(raw.name);
    expect(entry.nameBytes.equals(layout.buf.subarray(raw.offset, raw.offset + raw.name.length * 2 + 2))).toBe(true);
    expect(entry.clsid.equals(layout.buf.subarray(raw.offset + ENTRY.clsid, raw.offset + ENTRY.clsid + 16))).toBe(true);
    expect(entry.type).toBe(raw.type === 5 ? 'root' : raw.type === 1 ? 'storage' : 'stream');
    if (entry.type !== 'storage') expect([entry.startSector, entry.size]).toEqual([raw.start, raw.size]);
    // Children: ascending ids, each naming this entry as its parent.
    expect(entry.children).toEqual([...entry.children].sort((a, b) => a - b));
    for (const child of entry.children) expect(entries.get(child)!.parent).toBe(entry.id);
  }
  const storage = [...entries.values()].find((e) => e.type === 'storage')!;
  expect(storage.children.map((id) => entries.get(id)!.name).sort()).toEqual(['A', 'B']);
  expect(root.children.map((id) => entries.get(id)!.name)).toEqual(expect.arrayContaining(['C', 'S']));
  expect(root.parent).toBe(-1);
});

test('an entry the tree does not hold is not an entry', () => {
  const compound = openCompoundFile(file);
  const free = layoutOf(file).entries.find((e) => e.type === 0)!;
  expect(() => compound.entry(free.id)).toThrow(RangeError);
  expect(() => compound.entry(10_000)).toThrow(RangeError);
  expect(compound.entry(0)).toBe(compound.root);
});

describe('refused', () => {
  test('a sibling link that makes a cycle', () => {
    const layout = layoutOf(file);
    const entry = layout.entries.find((e) => e.type === 2 && e.left === NOSTREAM)!;
    layout.setU32(entry.offset + ENTRY.left, layout.entries[0].child);
    const error = formatErrorOf(() => openCompoundFile(layout.buf));
    expect(error.message).toMatch(/linked more than once/);
    expect(error.offset).toBe(entry.offset + ENTRY.left);
  });

  test('a link to an entry the directory does not have', () => {
    const layout = layoutOf(file);
    layout.setU32(layout.entries[0].offset + ENTRY.child, 999);
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/points to entry 999, but the directory has \d+ entries/);
  });

  test('an unallocated entry linked into the tree', () => {
    const layout = layoutOf(file);
    const free = layout.entries.find((e) => e.type === 0)!;
    const entry = layout.entries.find((e) => e.type === 2 && e.right === NOSTREAM)!;
    layout.setU32(entry.offset + ENTRY.right, free.id);
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/is linked into the tree but is unallocated \(type 0\)/);
  });

  test('a first entry that is not the root storage', () => {
    const layout = layoutOf(file);
    layout.buf[layout.entries[0].offset + ENTRY.type] = 1;
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/not the root storage/);
  });

  test('a name longer than 32 UTF-16 characters', () => {
    const layout = layoutOf(file);
    layout.buf.writeUInt16LE(66, layout.entry('A').offset + ENTRY.nameLength);
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/invalid name length 66/);
  });

  test('a directory chain that loops', () => {
    const layout = layoutOf(file);
    const sectors = layout.chain(layout.directoryStart);
    layout.setU32(layout.fatEntryOffset(sectors[sectors.length - 1]), sectors[0]);
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/^.*directory: sector chain loops back/);
  });
});

describe('ignored', () => {
  test('a free entry with a leftover size, start sector and sibling links', () => {
    const layout = layoutOf(file);
    const free = layout.entries.find((e) => e.type === 0)!;
    layout.setU32(free.offset + ENTRY.size, 123456).setU32(free.offset + ENTRY.start, 0xfffffffe);
    layout
      .setU32(free.offset + ENTRY.left, 1)
      .setU32(free.offset + ENTRY.right, 2)
      .setU32(free.offset + ENTRY.child, 0);
    expect(names(layout.buf)).toEqual(UNTOUCHED);
  });

  test('a storage entry with a start sector and size', () => {
    const layout = layoutOf(plainCompoundFile({ 'S/A': Buffer.alloc(10, 1), B: Buffer.alloc(20, 2) }));
    const storage = layout.entries.find((e) => e.type === 1)!;
    layout.setU32(storage.offset + ENTRY.start, 0xfffffff0).setU32(storage.offset + ENTRY.size, 0x7fffffff);
    const compound = openCompoundFile(layout.buf);
    const s = compound.childrenOf(compound.root).find((e) => e.type === 'storage')!;
    expect(s.size).toBe(0);
    const a = compound.childrenOf(s)[0];
    expect(compound.streamData(a).equals(Buffer.alloc(10, 1))).toBe(true);
  });

  test('sibling links on the root and a child link on a stream', () => {
    const layout = layoutOf(file);
    layout.setU32(layout.entries[0].offset + ENTRY.left, 3);
    layout.setU32(layout.entry('A').offset + ENTRY.child, 2);
    expect(names(layout.buf)).toEqual(UNTOUCHED);
  });
});

// Real files from ../shared/cases (read there, never copied): reference msiinfo.
const CASES = path.resolve(__dirname, '../../../../../shared/cases');
const haveCases = fs.existsSync(CASES);
(haveCases ? describe : describe.skip)('../shared/cases (skipped when ../shared is absent)', () => {
  test.each(['storage-entry-start-size.msi', 'free-entry-leftover-size.msi'])('%s opens and lists the tables msiinfo lists', (name) => {
    const file = path.join(CASES, name);
    const pkg = readPackage(fs.readFileSync(file));
    const reference = msiinfoTables(file).filter((t) => t !== '_SummaryInformation' && t !== '_ForceCodepage');
    expect(pkg.tableNames.sort()).toEqual(reference.sort());
    expect(reference.length).toBe(28);
    for (const table of pkg.tableNames) pkg.table(table).rows();
  });
});
