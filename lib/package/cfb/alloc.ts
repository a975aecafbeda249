// MS-CFB 2.3 and 2.5: the DIFAT (where the FAT sectors are) and the FAT
// (the next sector of every sector), and following sector chains.
//
// Refused, because reading would be impossible or unbounded: a DIFAT chain
// that loops, leaves the file or is cut off by its end. Not refused at open:
// FAT entries that point outside the file, FAT sectors the file does not
// hold, chains that share sectors. A chain is judged only when it is read
// (`chain`): then a loop, a link outside the file, a sector no FAT sector
// covers or a chain shorter than the size it must hold fail that read, with
// an MsiFormatError naming what was being read. This is how Windows'
// structured storage, libgsf and Wine read: a package whose unused last FAT
// entry points one sector past the end opens, as it does for them.

import type { Reader } from './reads';
import { DIFSECT, ENDOFCHAIN, FREESECT, HEADER_DIFAT_ENTRIES, MAXREGSECT, describeSector, fail, sectorPosition, type Header } from './header';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Internal FAT value: no FAT sector in the file covers this sector. */
const UNCOVERED = 0xfffffffb;

export interface ChainOptions {
  /** What is being read, for messages ("stream \"Binary.x\" (directory entry 7)"). */
  what: string;
  /** `where` of the MsiFormatError. */
  where: string;
  /** Sectors needed; the chain is read that far and no further. Omitted: up to ENDOFCHAIN. */
  needed?: number;
  /** Byte offset of the field holding the start sector, for messages. */
  startOffset?: number;
  /** Chain is shorter than `needed`: the message to give (default: "its sector chain holds only N bytes"). */
  short?: (sectors: number) => string;
  /** Collects the sectors here as they are followed (so that a caller catching the error keeps the part before it). */
  into?: number[];
}

export class Allocation {
  readonly header: Header;
  /** FAT sectors, in DIFAT order. */
  readonly fatSectors: readonly number[];
  private readonly fat: Uint32Array;

  constructor(header: Header, fatSectors: number[], fat: Uint32Array) {
    this.header = header;
    this.fatSectors = fatSectors;
    this.fat = fat;
  }

  get sectorCount(): number {
    return this.header.sectorCount;
  }

  /** FAT entry of a sector in the file; UNCOVERED-free API: null when no FAT sector covers it. */
  next(sector: number): number | null {
    const value = this.fat[sector];
    return value === undefined || value === UNCOVERED ? null : value;
  }

  /**
   * Follows a chain from `start`. Returns its sectors, in order: exactly
   * `options.needed` of them when given (the FAT entry of the last one is
   * never read), otherwise up to ENDOFCHAIN. Bounded by the sectors in the
   * file. Throws MsiFormatError for a loop, a link outside the file, an
   * uncovered sector or a chain that ends early.
   */
  chain(start: number, options: ChainOptions): number[] {
    const { what, where } = options;
    const count = this.sectorCount;
    const needed = options.needed;
    const out: number[] = options.into ?? [];
    if (needed === 0) return out;
    // Loop detection: a Set for short chains, a bitmap of the file's
    // sectors for long ones.
    const small = needed !== undefined && needed <= 4096;
    const seenSet = small ? new Set<number>() : null;
    let seenMap: Uint8Array | null = null;
    let sector = start;
    let previous = -1;
    for (;;) {
      if (sector === ENDOFCHAIN && needed === undefined) return out;
      if (sector >= count) {
        if (sector === ENDOFCHAIN && out.length > 0 && needed !== undefined) {
          fail(options.short ? options.short(out.length) : `${what}: its sector chain holds only ${out.length * this.header.sectorSize} bytes`,
            where, sectorPosition(this.header, previous));
        }
        const from = previous < 0 ? 'starts at' : `continues from sector ${previous} to`;
        const beyond = sector <= MAXREGSECT ? 'beyond' : 'outside';
        fail(`${what}: sector chain ${from} ${describeSector(sector)}, ${beyond} the ${count} sectors in the file`,
          where, previous < 0 ? options.startOffset : sectorPosition(this.header, previous));
      }
      if (seenSet) {
        if (seenSet.has(sector)) fail(`${what}: sector chain loops back to sector ${sector}`, where, sectorPosition(this.header, sector));
        seenSet.add(sector);
      } else {
        seenMap ??= new Uint8Array(count);
        if (seenMap[sector]) fail(`${what}: sector chain loops back to sector ${sector}`, where, sectorPosition(this.header, sector));
        seenMap[sector] = 1;
      }
      out.push(sector);
      if (needed !== undefined && out.length >= needed) return out;
      const next = this.next(sector);
      if (next === null) fail(`${what}: no FAT entry covers sector ${sector}`, 'FAT', sectorPosition(this.header, sector));
      previous = sector;
      sector = next;
    }
  }
}

/** Merges sectors into [position, length] ranges of consecutive sectors, each cut to what the file holds. */
export function sectorRanges(header: Header, sectors: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const sector of sectors) {
    const position = sectorPosition(header, sector);
    const last = ranges[ranges.length - 1];
    if (last && last[0] + last[1] === position) last[1] += header.sectorSize;
    else ranges.push([position, header.sectorSize]);
  }
  for (const range of ranges) range[1] = Math.max(0, Math.min(range[1], header.fileSize - range[0]));
  return ranges;
}

/** Reads the DIFAT and the FAT. */
export function* readAllocation(header: Header): Reader<Allocation> {
  const { sectorSize, sectorCount } = header;
  const perSector = sectorSize / 4;
  const fatSectors: number[] = [];
  // The header's entries up to the first unused one.
  for (let i = 0; i < HEADER_DIFAT_ENTRIES; i++) {
    const value = header.headerDifat[i];
    if (value === FREESECT || value === ENDOFCHAIN) break;
    fatSectors.push(value);
  }
  // DIFAT sectors: as many as the header declares, along their chain.
  let sector = header.difatStart;
  const seen = new Set<number>();
  for (let n = 0; n < header.difatSectorCount && sector !== ENDOFCHAIN && sector !== FREESECT; n++) {
    if (sector >= sectorCount) {
      fail(`DIFAT chain points to ${describeSector(sector)}, outside the ${sectorCount} sectors in the file`, 'DIFAT', n === 0 ? 68 : undefined);
    }
    if (seen.has(sector)) fail(`DIFAT chain loops back to sector ${sector}`, 'DIFAT', sectorPosition(header, sector));
    seen.add(sector);
    const position = sectorPosition(header, sector);
    const [bytes] = yield [[position, sectorSize]];
    if (bytes.length < sectorSize) fail(`DIFAT sector ${sector} is cut off by the end of the file`, 'DIFAT', position);
    for (let i = 0; i < perSector - 1; i++) {
      const value = bytes.readUInt32LE(i * 4);
      if (value === FREESECT || value === ENDOFCHAIN) break;
      fatSectors.push(value);
    }
    sector = bytes.readUInt32LE((perSector - 1) * 4);
  }
  // A FAT longer than the file has sectors cannot be right; what is past
  // that is not needed to read anything in the file.
  const neededFatSectors = Math.ceil(sectorCount / perSector);
  fatSectors.length = Math.min(fatSectors.length, neededFatSectors);

  const fat = new Uint32Array(sectorCount).fill(UNCOVERED);
  // Read the FAT sectors that are in the file, consecutive ones at once.
  const present: Array<{ index: number; sector: number }> = [];
  fatSectors.forEach((s, index) => {
    if (s < sectorCount && s !== DIFSECT) present.push({ index, sector: s });
  });
  // Runs of consecutive FAT sectors (consecutive in the DIFAT too), each
  // read in pieces of at most 1 MiB and decoded straight into `fat`, so a
  // large FAT is never held twice.
  const MAX_READ = 1 << 20;
  const pieces: Array<{ position: number; length: number; firstEntry: number }> = [];
  for (let i = 0; i < present.length;) {
    let j = i + 1;
    while (j < present.length && present[j].sector === present[j - 1].sector + 1 && present[j].index === present[j - 1].index + 1) j++;
    const position = sectorPosition(header, present[i].sector);
    const length = (j - i) * sectorSize;
    for (let done = 0; done < length; done += MAX_READ) {
      pieces.push({ position: position + done, length: Math.min(MAX_READ, length - done), firstEntry: present[i].index * perSector + done / 4 });
    }
    i = j;
  }
  const BATCH = 16;
  for (let b = 0; b < pieces.length; b += BATCH) {
    const batch = pieces.slice(b, b + BATCH);
    const buffers = yield batch.map((p) => [p.position, Math.max(0, Math.min(p.length, header.fileSize - p.position))] as [number, number]);
    for (let k = 0; k < batch.length; k++) {
      const bytes = buffers[k];
      const first = batch[k].firstEntry;
      const entries = Math.min(Math.floor(bytes.length / 4), sectorCount - first);
      if (entries <= 0) continue;
      // Little-endian hosts: one byte copy into the FAT's memory.
      if (LITTLE_ENDIAN) new Uint8Array(fat.buffer, first * 4, entries * 4).set(bytes.subarray(0, entries * 4));
      else for (let i = 0; i < entries; i++) fat[first + i] = bytes.readUInt32LE(i * 4);
    }
  }
  return new Allocation(header, fatSectors, fat);
}
