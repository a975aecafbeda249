// cfb/minialloc.ts: the mini FAT and the mini stream. A short mini stream
// fails only the small streams that need its missing part.

import { openCompoundFile } from '../../../../lib/package';
import { ENDOFCHAIN, ENTRY, layoutOf, plainCompoundFile } from '../../../support/cfb-layout';
import { formatErrorOf } from '../../../support/cfb-helpers';

const small = { A: Buffer.alloc(100, 1), B: Buffer.alloc(1000, 2), C: Buffer.alloc(30, 3), Big: Buffer.alloc(5000, 4) };
const file = plainCompoundFile(small);
const entries = (bytes: Buffer) => {
  const compound = openCompoundFile(bytes);
  return { compound, byName: new Map(compound.childrenOf(compound.root).map((e) => [e.name, e])) };
};

describe('refused', () => {
  test('a mini stream declared larger than the whole file (at open)', () => {
    const layout = layoutOf(file);
    layout.setU32(layout.entries[0].offset + ENTRY.size, file.length + 1);
    const error = formatErrorOf(() => openCompoundFile(layout.buf));
    expect(error.message).toMatch(/mini stream declares \d+ bytes, more than the whole file/);
    expect(error.offset).toBe(layout.entries[0].offset + ENTRY.size);
  });

  test('a mini sector chain that loops (only that stream fails)', () => {
    const layout = layoutOf(file);
    const b = layout.entry('B');
    layout.setU32(layout.miniFatEntryOffset(b.start + 1), b.start);
    const { compound, byName } = entries(layout.buf);
    expect(formatErrorOf(() => compound.streamData(byName.get('B')!)).message).toMatch(
      /stream "B" .*mini sector chain loops back to mini sector/,
    );
    expect(compound.streamData(byName.get('A')!).equals(small.A)).toBe(true);
  });

  test('a mini sector chain ending before the stream size', () => {
    const layout = layoutOf(file);
    const b = layout.entry('B');
    layout.setU32(layout.miniFatEntryOffset(b.start + 2), ENDOFCHAIN);
    const { compound, byName } = entries(layout.buf);
    expect(formatErrorOf(() => compound.streamData(byName.get('B')!)).message).toMatch(
      /declares 1000 bytes but its mini sector chain holds only 192/,
    );
  });

  test('a mini FAT chain that loops (at open)', () => {
    const layout = layoutOf(file);
    layout.setU32(layout.fatEntryOffset(layout.miniFatStart), layout.miniFatStart);
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/mini FAT: sector chain loops back/);
  });
});

describe('accepted', () => {
  test('small streams declaring more than the mini stream holds: only the stream that needs the missing part fails', () => {
    const layout = layoutOf(file);
    const root = layout.entries[0];
    const c = layout.entry('C');
    // The mini stream now ends before C (the last small stream written).
    const cut = c.start * 64;
    layout.setU32(root.offset + ENTRY.size, cut);
    const { compound, byName } = entries(layout.buf);
    expect(compound.streamData(byName.get('A')!).equals(small.A)).toBe(true);
    expect(compound.streamData(byName.get('Big')!).equals(small.Big)).toBe(true);
    expect(formatErrorOf(() => compound.streamData(byName.get('C')!)).message).toMatch(
      /stream "C" .*outside the \d+ mini sectors of the mini stream/,
    );
  });

  test('a mini stream chain shorter than its declared size: the error names why', () => {
    const layout = layoutOf(file);
    const root = layout.entries[0];
    const chain = layout.chain(root.start);
    expect(chain.length).toBeGreaterThanOrEqual(2);
    layout.setU32(layout.fatEntryOffset(chain[0]), ENDOFCHAIN);
    const { compound, byName } = entries(layout.buf);
    // A sits in the first 512 bytes of the mini stream; B runs past them.
    expect(compound.streamData(byName.get('A')!).equals(small.A)).toBe(true);
    const error = formatErrorOf(() => compound.streamData(byName.get('B')!));
    expect(error.message).toMatch(
      /outside the 8 mini sectors of the mini stream \(the mini stream's sector chain ends after 1 of its \d+ sectors: its sector chain holds only 512 bytes\)/,
    );
  });

  test('a header that declares no mini FAT sectors: the mini FAT is not read, one-sector small streams still are', () => {
    const layout = layoutOf(file).setU32(64, 0);
    const { compound, byName } = entries(layout.buf);
    // Without a mini FAT, a small stream of more than one mini sector cannot be followed.
    expect(compound.streamData(byName.get('Big')!).equals(small.Big)).toBe(true);
    expect(formatErrorOf(() => compound.streamData(byName.get('B')!)).message).toMatch(/no mini FAT entry covers mini sector/);
  });
});
