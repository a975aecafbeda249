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
import { ENDOFCHAIN, FREESECT, HEADER_DIFAT_ENTRIES, MAXREGSECT, describeSector, fail, sectorPosition, type Header } from './header';

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
          fail(
            options.short ? options.short(out.length) : `${what}: its sector chain holds only ${out.length * this.header.sectorSize} bytes`,
            where,
            sectorPosition(this.header, previous),
          );
        }
        const from = previous < 0 ? 'starts at' : `continues from sector ${previous} to`;
        const beyond = sector <= MAXREGSECT ? 'beyond' : 'outside';
        fail(
          `${what}: sector chain ${from} ${describeSector(sector)}, ${beyond} the ${count} sectors in the file`,
          where,
          previous < 0 ? options.startOffset : sectorPosition(this.header, previous),
        );
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

// The loops of readAllocation live in plain functions: a generator's body
// is optimised poorly, and a 400 MiB file has 6,451 FAT sectors.

/** Appends a DIFAT sector's FAT sector numbers to `out`; returns its link to the next DIFAT sector. */
function takeDifatEntries(bytes: Buffer, perSector: number, out: number[]): number {
  for (let i = 0; i < perSector - 1; i++) {
    const value = bytes.readUInt32LE(i * 4);
    if (value === FREESECT || value === ENDOFCHAIN) break;
    out.push(value);
  }
  return bytes.readUInt32LE((perSector - 1) * 4);
}

interface FatPiece {
  position: number;
  length: number;
  firstEntry: number;
}

/**
 * The reads that fill the FAT: runs of FAT sectors consecutive in the file
 * and in the DIFAT, each in pieces of at most 1 MiB decoded straight into
 * the FAT array, so a large FAT is never held twice. FAT sectors outside
 * the file are skipped (the entries they would hold stay uncovered).
 */
function planFatReads(header: Header, fatSectors: readonly number[]): FatPiece[] {
  const { sectorSize, sectorCount } = header;
  const perSector = sectorSize / 4;
  const MAX_READ = 1 << 20;
  const pieces: FatPiece[] = [];
  for (let i = 0; i < fatSectors.length;) {
    if (fatSectors[i] >= sectorCount) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < fatSectors.length && fatSectors[j] === fatSectors[j - 1] + 1 && fatSectors[j] < sectorCount) j++;
    const position = sectorPosition(header, fatSectors[i]);
    const length = Math.max(0, Math.min((j - i) * sectorSize, header.fileSize - position));
    for (let done = 0; done < length; done += MAX_READ) {
      pieces.push({ position: position + done, length: Math.min(MAX_READ, length - done), firstEntry: i * perSector + done / 4 });
    }
    i = j;
  }
  return pieces;
}

/** Copies FAT entries read from the file into `fat` from entry `first` on. */
function decodeFat(fat: Uint32Array, first: number, bytes: Buffer): void {
  const entries = Math.min(Math.floor(bytes.length / 4), fat.length - first);
  if (entries <= 0) return;
  // Little-endian hosts: one byte copy into the FAT's memory.
  if (LITTLE_ENDIAN) new Uint8Array(fat.buffer, first * 4, entries * 4).set(bytes.subarray(0, entries * 4));
  else for (let i = 0; i < entries; i++) fat[first + i] = bytes.readUInt32LE(i * 4);
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
  let ahead: { first: number; bytes: Buffer } | null = null;
  for (let n = 0; n < header.difatSectorCount && sector !== ENDOFCHAIN && sector !== FREESECT; n++) {
    if (sector >= sectorCount) {
      fail(
        `DIFAT chain points to ${describeSector(sector)}, outside the ${sectorCount} sectors in the file`,
        'DIFAT',
        n === 0 ? 68 : undefined,
      );
    }
    if (seen.has(sector)) fail(`DIFAT chain loops back to sector ${sector}`, 'DIFAT', sectorPosition(header, sector));
    seen.add(sector);
    const position = sectorPosition(header, sector);
    // DIFAT sectors are usually written one after the other: read ahead the
    // ones the header still declares (at most 256), so a large DIFAT costs
    // one read, not one per sector; a link elsewhere reads again.
    let bytes: Buffer;
    if (ahead && sector >= ahead.first && (sector - ahead.first + 1) * sectorSize <= ahead.bytes.length) {
      bytes = ahead.bytes.subarray((sector - ahead.first) * sectorSize, (sector - ahead.first + 1) * sectorSize);
    } else {
      const count = Math.max(1, Math.min(header.difatSectorCount - n, sectorCount - sector, 256));
      const [read] = yield [[position, Math.min(count * sectorSize, header.fileSize - position)]];
      ahead = { first: sector, bytes: read };
      bytes = read.subarray(0, sectorSize);
    }
    if (bytes.length < sectorSize) fail(`DIFAT sector ${sector} is cut off by the end of the file`, 'DIFAT', position);
    sector = takeDifatEntries(bytes, perSector, fatSectors);
  }
  // A FAT longer than the file has sectors cannot be right; what is past
  // that is not needed to read anything in the file.
  const neededFatSectors = Math.ceil(sectorCount / perSector);
  fatSectors.length = Math.min(fatSectors.length, neededFatSectors);

  const fat = new Uint32Array(sectorCount).fill(UNCOVERED);
  const pieces = planFatReads(header, fatSectors);
  const BATCH = 16;
  for (let b = 0; b < pieces.length; b += BATCH) {
    const batch = pieces.slice(b, b + BATCH);
    const buffers = yield batch.map((p) => [p.position, p.length] as [number, number]);
    for (let k = 0; k < batch.length; k++) decodeFat(fat, batch[k].firstEntry, buffers[k]);
  }
  return new Allocation(header, fatSectors, fat);
}
