// cfb/alloc.ts: the DIFAT and the FAT, and chains followed only as far as
// a read needs them.

import { openCompoundFile } from '../../../../lib/package';
import { ENDOFCHAIN, layoutOf, plainCompoundFile, reversedChainFile } from '../../../support/cfb-layout';
import { formatErrorOf } from '../../../support/cfb-helpers';

const A = Buffer.alloc(5000, 1);
const B = Buffer.alloc(9000, 2);
const file = plainCompoundFile({ A, B });
const streamOf = (bytes: Buffer, name: string) => {
  const compound = openCompoundFile(bytes);
  return { compound, entry: compound.childrenOf(compound.root).find((e) => e.name === name)! };
};

describe('refused when the chain is read', () => {
  test('a chain that loops back on itself (only that stream fails)', () => {
    const layout = layoutOf(file);
    const chain = layout.chain(layout.entry('B').start);
    layout.setU32(layout.fatEntryOffset(chain[2]), chain[0]);
    const { compound, entry } = streamOf(layout.buf, 'B');
    const error = formatErrorOf(() => compound.streamData(entry));
    expect(error.message).toMatch(/stream "B" \(directory entry \d+\): sector chain loops back to sector/);
    expect(error.offset).toBe(layout.sectorOffset(chain[0]));
    const a = compound.childrenOf(compound.root).find((e) => e.name === 'A')!;
    expect(compound.streamData(a).equals(A)).toBe(true);
  });

  test('a link to a sector beyond the file', () => {
    const layout = layoutOf(file);
    const chain = layout.chain(layout.entry('B').start);
    layout.setU32(layout.fatEntryOffset(chain[1]), layout.sectorCount);
    const { compound, entry } = streamOf(layout.buf, 'B');
    expect(formatErrorOf(() => compound.streamData(entry)).message).toMatch(
      /continues from sector \d+ to sector \d+, beyond the \d+ sectors in the file/,
    );
  });

  test('a chain ending before the size it must hold', () => {
    const layout = layoutOf(file);
    const chain = layout.chain(layout.entry('B').start);
    layout.setU32(layout.fatEntryOffset(chain[3]), ENDOFCHAIN);
    const { compound, entry } = streamOf(layout.buf, 'B');
    expect(formatErrorOf(() => compound.streamData(entry)).message).toMatch(/declares 9000 bytes but its sector chain holds only 2048/);
  });

  test('a DIFAT chain that loops', () => {
    const layout = layoutOf(file);
    const sector = layout.directoryStart;
    layout.setU32(68, sector).setU32(72, 2);
    layout.setU32(layout.sectorOffset(sector) + 508, sector);
    expect(formatErrorOf(() => openCompoundFile(layout.buf)).message).toMatch(/DIFAT chain loops back/);
  });

  test('a DIFAT sector outside the file', () => {
    const layout = layoutOf(file).setU32(68, 5000).setU32(72, 1);
    const error = formatErrorOf(() => openCompoundFile(layout.buf));
    expect(error.message).toMatch(/DIFAT chain points to sector 5000, outside/);
    expect(error.offset).toBe(68);
  });
});

describe('accepted', () => {
  test('the last FAT entry of a chain pointing one sector past the end of the file is never read', () => {
    const layout = layoutOf(file);
    const chain = layout.chain(layout.entry('B').start);
    // B's last sector points on, beyond the file, instead of ending its chain.
    layout.setU32(layout.fatEntryOffset(chain[chain.length - 1]), layout.sectorCount);
    const { compound, entry } = streamOf(layout.buf, 'B');
    expect(compound.streamData(entry).equals(B)).toBe(true);
  });

  test('an unused last sector whose FAT entry points one sector past the end of the file', () => {
    // As a commercial authoring tool leaves it: "FAT entry for sector N
    // points to sector N+1, beyond the N+1 sectors in the file".
    const layout = layoutOf(Buffer.concat([file, Buffer.alloc(512)]));
    const last = layout.sectorCount - 1;
    // No chain the reader follows uses the appended sector.
    layout.setU32(layout.fatEntryOffset(last), last + 1);
    const { compound, entry } = streamOf(layout.buf, 'B');
    expect(compound.streamData(entry).equals(B)).toBe(true);
  });

  test('a chain that runs backwards through the file reads in chain order', () => {
    const bytes = reversedChainFile(300);
    const { compound, entry } = streamOf(bytes, 'Big');
    const data = compound.streamData(entry);
    expect(data.length).toBe(300 * 512);
    expect(data[0]).not.toBe(data[512]);
  });

  test('FAT sector entries in the DIFAT beyond what the file needs are ignored', () => {
    const layout = layoutOf(file);
    const used = layout.fatSectors.length;
    layout.setU32(76 + used * 4, 9999); // a bogus extra FAT sector
    const { compound, entry } = streamOf(layout.buf, 'A');
    expect(compound.streamData(entry).equals(A)).toBe(true);
  });
});
