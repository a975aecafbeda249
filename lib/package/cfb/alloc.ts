// MS-CFB 2.3 and 2.5: the DIFAT (where the FAT sectors are) and the FAT
// (the next sector of every sector), and following sector chains.
//
// Read on demand: at open only the DIFAT is read (the list of FAT sectors:
// 4 bytes per 128 sectors of 512 bytes, so 25 KB for a 400 MiB file). A FAT
// sector is read the first time a chain that is followed needs one of its
// entries, with those after it in the file read ahead while one chain keeps
// needing more, so a package with a 400 MiB cabinet costs at open the FAT
// sectors covering its directory, mini FAT and mini stream, not its 3 MB of
// FAT. A FAT sector is never read twice.
//
// Refused, because reading would be impossible or unbounded: a DIFAT chain
// that loops, leaves the file or is cut off by its end. Not refused at open:
// FAT entries that point outside the file, FAT sectors the file does not
// hold, chains that share sectors — nothing is judged that no read needs. A
// chain is judged only when it is followed (`chain`/`follow`): then a loop,
// a link outside the file, a sector no FAT sector covers or a chain shorter
// than the size it must hold fail that read, with an MsiFormatError naming
// what was being read; every chain is bounded by the sectors in the file.
// This is how Windows' structured storage, libgsf and Wine read: a package
// whose unused last FAT entry points one sector past the end opens, as it
// does for them.

import type { Reader, ReadRequest } from './reads';
import type { ByteSource } from './source';
import { ENDOFCHAIN, FREESECT, HEADER_DIFAT_ENTRIES, MAXREGSECT, describeSector, fail, sectorPosition, type Header } from './header';

/**
 * The host stores integers low byte first (every platform Node ships for but
 * s390x): little-endian tables can then be copied into typed arrays as bytes.
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Internal FAT value: no FAT sector in the file covers this sector. */
const UNCOVERED = 0xfffffffb;

/** FAT bytes read ahead by the first load of a chain; doubled by each further load of the same chain. */
const FIRST_LOAD_BYTES = 4096;
/** Largest single FAT read. */
const MAX_LOAD_BYTES = 1 << 20;
/** Chains up to this many sectors detect loops with a Set; longer ones with a bitmap of the file's sectors. */
const SET_LIMIT = 4096;

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

/** FAT sectors to read in one request: DIFAT indexes `first`..`first + count - 1`, consecutive in the file. */
interface FatLoad {
  first: number;
  count: number;
  position: number;
  length: number;
}

/**
 * One chain being followed. `run` goes as far as the FAT entries already
 * read allow and returns the index (in DIFAT order) of the FAT sector it
 * needs next, or -1 when the chain is complete. The loop lives in a plain
 * method, not a generator: a generator's body is optimised poorly, and a
 * 400 MiB stream has 820,000 sectors.
 */
class ChainWalk {
  readonly out: number[];
  /** The sector reached last; `pending` while it is not yet checked and taken. */
  private sector: number;
  private pending = true;
  private previous = -1;
  private seenSet: Set<number> | null = new Set<number>();
  private seenMap: Uint8Array | null = null;
  /** Bytes the next FAT load of this chain reads ahead. */
  loadBytes = FIRST_LOAD_BYTES;

  constructor(
    private readonly alloc: Allocation,
    start: number,
    private readonly options: ChainOptions,
  ) {
    this.out = options.into ?? [];
    this.sector = start;
  }

  run(): number {
    const { needed } = this.options;
    if (needed === 0) return -1;
    for (;;) {
      if (this.pending) {
        if (this.sector === ENDOFCHAIN && needed === undefined) return -1;
        this.take(this.sector);
        this.pending = false;
        if (needed !== undefined && this.out.length >= needed) return -1;
      }
      const sector = this.sector;
      const next = this.alloc.entry(sector);
      if (next === undefined) return this.alloc.fatIndexOf(sector);
      if (next === UNCOVERED)
        fail(`${this.options.what}: no FAT entry covers sector ${sector}`, 'FAT', sectorPosition(this.alloc.header, sector));
      this.previous = sector;
      this.sector = next;
      this.pending = true;
    }
  }

  /** Checks that `sector` is in the file and not yet in the chain, and appends it. */
  private take(sector: number): void {
    const { what, where, needed } = this.options;
    const { header } = this.alloc;
    const count = header.sectorCount;
    const previous = this.previous;
    if (sector >= count) {
      if (sector === ENDOFCHAIN && this.out.length > 0 && needed !== undefined) {
        fail(
          this.options.short
            ? this.options.short(this.out.length)
            : `${what}: its sector chain holds only ${this.out.length * header.sectorSize} bytes`,
          where,
          sectorPosition(header, previous),
        );
      }
      const from = previous < 0 ? 'starts at' : `continues from sector ${previous} to`;
      const beyond = sector <= MAXREGSECT ? 'beyond' : 'outside';
      fail(
        `${what}: sector chain ${from} ${describeSector(sector)}, ${beyond} the ${count} sectors in the file`,
        where,
        previous < 0 ? this.options.startOffset : sectorPosition(header, previous),
      );
    }
    if (this.seenSet) {
      if (this.seenSet.has(sector)) this.loop(sector);
      this.seenSet.add(sector);
      if (this.seenSet.size > SET_LIMIT) {
        // A long chain: a bitmap of the file's sectors costs less than the Set.
        this.seenMap = new Uint8Array(count);
        for (const s of this.seenSet) this.seenMap[s] = 1;
        this.seenSet = null;
      }
    } else {
      const map = this.seenMap!;
      if (map[sector]) this.loop(sector);
      map[sector] = 1;
    }
    this.out.push(sector);
  }

  private loop(sector: number): never {
    fail(
      `${this.options.what}: sector chain loops back to sector ${sector}`,
      this.options.where,
      sectorPosition(this.alloc.header, sector),
    );
  }
}

export class Allocation {
  readonly header: Header;
  /** FAT sectors, in DIFAT order (no more than the file's sectors need). */
  readonly fatSectors: Uint32Array;
  /** FAT entries per FAT sector. */
  private readonly perSector: number;
  /** The FAT sectors read so far, by DIFAT index; undefined: not read yet. */
  private readonly tables: Array<Uint32Array | undefined>;
  /** Where FAT sectors are read from after open (set by the compound file). */
  source: ByteSource | null = null;
  /** FAT sectors read so far, and their bytes (for tests and benchmarks). */
  readonly fatReads = { sectors: 0, bytes: 0 };

  constructor(header: Header, fatSectors: Uint32Array) {
    this.header = header;
    this.fatSectors = fatSectors;
    this.perSector = header.sectorSize / 4;
    this.tables = new Array<Uint32Array | undefined>(fatSectors.length);
  }

  get sectorCount(): number {
    return this.header.sectorCount;
  }

  /** DIFAT index of the FAT sector holding a sector's entry. */
  fatIndexOf(sector: number): number {
    return Math.floor(sector / this.perSector);
  }

  /**
   * FAT entry of a sector in the file: undefined when its FAT sector has not
   * been read yet, UNCOVERED when no FAT sector in the file covers it.
   */
  entry(sector: number): number | undefined {
    const index = Math.floor(sector / this.perSector);
    if (index >= this.fatSectors.length) return UNCOVERED;
    const table = this.tables[index];
    return table === undefined ? undefined : table[sector - index * this.perSector];
  }

  /**
   * FAT sectors to read for DIFAT index `index`: it and those after it that
   * are consecutive in the file and not read yet, up to `maxBytes`. A FAT
   * sector the file does not hold is stored at once as uncovering its
   * sectors; null then.
   */
  private planLoad(index: number, maxBytes: number): FatLoad | null {
    const { header } = this;
    const { sectorSize, sectorCount } = header;
    const first = this.fatSectors[index];
    if (first >= sectorCount) {
      this.tables[index] = new Uint32Array(this.perSector).fill(UNCOVERED);
      return null;
    }
    const limit = Math.max(1, Math.floor(maxBytes / sectorSize));
    let count = 1;
    while (
      count < limit &&
      index + count < this.fatSectors.length &&
      this.tables[index + count] === undefined &&
      this.fatSectors[index + count] === first + count &&
      first + count < sectorCount
    ) {
      count++;
    }
    const position = sectorPosition(header, first);
    const length = Math.max(0, Math.min(count * sectorSize, header.fileSize - position));
    return { first: index, count, position, length };
  }

  /** Decodes what a load read; entries the file cut off stay uncovered. */
  private store(load: FatLoad, bytes: Buffer): void {
    const { sectorSize } = this.header;
    const per = this.perSector;
    this.fatReads.sectors += load.count;
    this.fatReads.bytes += bytes.length;
    for (let k = 0; k < load.count; k++) {
      const table = new Uint32Array(per);
      const part = bytes.subarray(k * sectorSize, (k + 1) * sectorSize);
      const entries = Math.floor(part.length / 4);
      if (entries < per) table.fill(UNCOVERED, entries);
      if (LITTLE_ENDIAN) new Uint8Array(table.buffer).set(part.subarray(0, entries * 4));
      else for (let i = 0; i < entries; i++) table[i] = part.readUInt32LE(i * 4);
      this.tables[load.first + k] = table;
    }
  }

  /**
   * Follows a chain from `start`, yielding reads for the FAT sectors it
   * needs that have not been read. Returns its sectors, in order: exactly
   * `options.needed` of them when given (the FAT entry of the last one is
   * never read), otherwise up to ENDOFCHAIN. Bounded by the sectors in the
   * file. Throws MsiFormatError for a loop, a link outside the file, an
   * uncovered sector or a chain that ends early.
   */
  *follow(start: number, options: ChainOptions): Reader<number[]> {
    const walk = new ChainWalk(this, start, options);
    for (;;) {
      const index = walk.run();
      if (index < 0) return walk.out;
      const load = this.planLoad(index, walk.loadBytes);
      if (load === null) continue;
      walk.loadBytes = Math.min(MAX_LOAD_BYTES, walk.loadBytes * 2);
      const [bytes] = yield [[load.position, load.length]];
      this.store(load, bytes);
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

/**
 * The FAT sector numbers of the DIFAT, up to the count the file's sectors
 * need (what is past that is not needed to read anything in the file).
 * Decoded a sector at a time with typed-array copies: a 400 MiB file has
 * 6,451 of them, and this runs at every open, before V8 optimises anything.
 */
class FatSectorList {
  readonly values: Uint32Array;
  length = 0;

  constructor(limit: number) {
    this.values = new Uint32Array(limit);
  }

  /** Appends entries up to the first unused one (FREESECT or ENDOFCHAIN). */
  take(entries: Uint32Array): void {
    let end = entries.length;
    const free = entries.indexOf(FREESECT);
    if (free >= 0) end = free;
    const last = entries.indexOf(ENDOFCHAIN);
    if (last >= 0 && last < end) end = last;
    const count = Math.min(end, this.values.length - this.length);
    if (count <= 0) return;
    this.values.set(entries.subarray(0, count), this.length);
    this.length += count;
  }
}

/** The `count` little-endian 32-bit values at the start of `bytes`. */
function decodeU32(bytes: Buffer, count: number): Uint32Array {
  const out = new Uint32Array(count);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
  else for (let i = 0; i < count; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** Reads the DIFAT: where the FAT sectors are. The FAT itself is read on demand. */
export function* readAllocation(header: Header): Reader<Allocation> {
  const { sectorSize, sectorCount } = header;
  const perSector = sectorSize / 4;
  // A FAT longer than the file has sectors cannot be right; what is past
  // that is not needed to read anything in the file.
  const fatSectors = new FatSectorList(Math.ceil(sectorCount / perSector));
  // The header's entries up to the first unused one.
  fatSectors.take(header.headerDifat.slice(0, HEADER_DIFAT_ENTRIES));
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
      const request: ReadRequest = [[position, Math.min(count * sectorSize, header.fileSize - position)]];
      const [read] = yield request;
      ahead = { first: sector, bytes: read };
      bytes = read.subarray(0, sectorSize);
    }
    if (bytes.length < sectorSize) fail(`DIFAT sector ${sector} is cut off by the end of the file`, 'DIFAT', position);
    const entries = decodeU32(bytes, perSector);
    fatSectors.take(entries.subarray(0, perSector - 1));
    sector = entries[perSector - 1];
  }
  return new Allocation(header, fatSectors.values.subarray(0, fatSectors.length));
}
