// MS-CFB 2.4: the mini FAT and the mini stream, where streams under 4096
// bytes live in 64-byte mini sectors.
//
// The mini stream is the root entry's sector chain; its size is the root's.
// Refused at open: a mini stream declared larger than the whole file, and a
// mini FAT chain that loops or leaves the file (when the header declares a
// mini FAT). Not refused: a mini stream whose chain holds less than the root
// declares, or small streams declaring more in total than the mini stream
// holds — only reading a small stream that needs the missing part fails,
// with an MsiFormatError naming that stream and why the part is missing.

import type { Allocation } from './alloc';
import { sectorRanges } from './alloc';
import type { Reader } from './reads';
import { ENDOFCHAIN, FREESECT, MINI_SECTOR_SIZE, describeSector, fail, sectorPosition, type Header } from './header';
import type { DirectoryEntry } from './directory';
import { MsiFormatError } from '../../errors/classes';
import { truncatedMessage } from './stream';

export class MiniAllocation {
  private readonly header: Header;
  /** The mini FAT, concatenated (4 bytes per mini sector). */
  private readonly miniFat: Buffer;
  /** Sectors of the mini stream that could be followed, in order. */
  readonly streamSectors: readonly number[];
  /** Bytes of the mini stream that can be read. */
  readonly streamBytes: number;
  /** Bytes of the mini stream its chain reaches (some may lie past the end of the file). */
  private readonly chainBytes: number;
  /** Why the mini stream's chain ends before its declared size, if it does. */
  private readonly shortfall: string | null;

  constructor(header: Header, miniFat: Buffer, streamSectors: number[], chainBytes: number, streamBytes: number, shortfall: string | null) {
    this.header = header;
    this.chainBytes = chainBytes;
    this.miniFat = miniFat;
    this.streamSectors = streamSectors;
    this.streamBytes = streamBytes;
    this.shortfall = shortfall;
  }

  get miniSectorCount(): number {
    return Math.floor(this.streamBytes / MINI_SECTOR_SIZE);
  }

  /** Next mini sector of a mini sector, or null when no mini FAT entry covers it. */
  next(mini: number): number | null {
    const at = mini * 4;
    return at + 4 <= this.miniFat.length ? this.miniFat.readUInt32LE(at) : null;
  }

  /**
   * [position, length] runs in the file holding the `size` bytes of a small
   * stream, in stream order. Throws MsiFormatError naming `what` for a loop,
   * a mini sector outside the mini stream or a chain that ends early.
   */
  segments(entry: DirectoryEntry, what: string): Array<[number, number]> {
    const { sectorSize } = this.header;
    const out: Array<[number, number]> = [];
    const seen = new Set<number>();
    let remaining = entry.size;
    let mini = entry.startSector;
    while (remaining > 0) {
      const take = Math.min(MINI_SECTOR_SIZE, remaining);
      const position = mini * MINI_SECTOR_SIZE;
      if (mini < 0xfffffffa && position + take <= this.chainBytes && position + take > this.streamBytes) {
        fail(truncatedMessage(entry, entry.size - remaining + Math.max(0, this.streamBytes - position)), 'stream', entry.offset + 120);
      }
      if (mini >= 0xfffffffa || position + take > this.streamBytes) {
        const why = this.shortfall && mini < 0xfffffffa ? ` (${this.shortfall})` : '';
        fail(
          `${what}: mini sector chain reaches ${describeSector(mini).replace('sector', 'mini sector')}, outside the ${this.miniSectorCount} mini sectors of the mini stream${why}`,
          'mini FAT',
          entry.offset + 116,
        );
      }
      if (seen.has(mini)) fail(`${what}: mini sector chain loops back to mini sector ${mini}`, 'mini FAT');
      seen.add(mini);
      const sector = this.streamSectors[Math.floor(position / sectorSize)];
      const at = sectorPosition(this.header, sector) + (position % sectorSize);
      const last = out[out.length - 1];
      if (last && last[0] + last[1] === at) last[1] += take;
      else out.push([at, take]);
      remaining -= take;
      if (remaining === 0) break;
      const next = this.next(mini);
      if (next === null) fail(`${what}: no mini FAT entry covers mini sector ${mini}`, 'mini FAT');
      if (next === ENDOFCHAIN)
        fail(
          `${what}: declares ${entry.size} bytes but its mini sector chain holds only ${entry.size - remaining}`,
          'mini FAT',
          entry.offset + 120,
        );
      mini = next;
    }
    return out;
  }
}

/** Reads the mini FAT and follows the mini stream's chain (root entry). */
export function* readMiniAllocation(header: Header, alloc: Allocation, root: DirectoryEntry): Reader<MiniAllocation> {
  const { sectorSize, fileSize } = header;
  let miniFat: Buffer = Buffer.alloc(0);
  const start = header.miniFatStart;
  if (start !== ENDOFCHAIN && start !== FREESECT && header.miniFatSectorCount > 0) {
    const sectors = yield* alloc.follow(start, { what: 'mini FAT', where: 'mini FAT', startOffset: 60 });
    const buffers = yield sectorRanges(header, sectors);
    miniFat = buffers.length === 1 ? buffers[0] : Buffer.concat(buffers);
  }

  const streamSectors: number[] = [];
  let shortfall: string | null = null;
  const declared = root.size;
  if (declared > fileSize) {
    fail(`the mini stream declares ${declared} bytes, more than the whole file (${fileSize})`, 'directory', root.offset + 120);
  }
  if (declared > 0 && root.startSector !== ENDOFCHAIN) {
    const needed = Math.ceil(declared / sectorSize);
    try {
      yield* alloc.follow(root.startSector, {
        what: 'mini stream',
        where: 'mini stream',
        needed,
        short: (n) => `its sector chain holds only ${n * sectorSize} bytes`,
        startOffset: root.offset + 116,
        into: streamSectors,
      });
    } catch (error) {
      if (!(error instanceof MsiFormatError)) throw error;
      // The reason without the error code prefix and the location suffix.
      const reason = error.message.replace(/^[A-Z_0-9]+ \([^)]*\): (mini stream: )?/, '').replace(/ \(in .*\)$/, '');
      shortfall = `the mini stream's sector chain ends after ${streamSectors.length} of its ${needed} sectors: ${reason}`;
    }
  }
  // Bytes the file really holds of those sectors.
  const chainBytes = Math.min(declared, streamSectors.length * sectorSize);
  let streamBytes = chainBytes;
  if (streamSectors.length > 0) {
    const lastEnd = sectorPosition(header, streamSectors[streamSectors.length - 1]) + sectorSize;
    if (lastEnd > fileSize)
      streamBytes = Math.max(0, Math.min(streamBytes, (streamSectors.length - 1) * sectorSize + (fileSize - (lastEnd - sectorSize))));
  }
  return new MiniAllocation(header, miniFat, streamSectors, chainBytes, streamBytes, shortfall);
}
