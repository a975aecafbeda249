// Compound File (MS-CFB) layer of the package reader.
//
// `inspectStructure` walks the header, DIFAT, FAT, directory and mini FAT,
// bounded by the file size, and rejects anything malformed (cyclic or shared
// chains, links outside the file, a directory that is not a tree, sizes its
// chain cannot hold) with an MsiFormatError that names the structure and the
// byte offset. `openCompoundFile` then reads stream contents in place along
// the chains it checked (see there for why not with SheetJS cfb).
//
// These checks were written to make cfb safe to run (cfb trusts the file: on
// a malformed one it can loop forever, allocate far more than the file size
// or throw untyped errors), and some still follow cfb's reading rules: how a
// missing FAT sector ends a chain, a trailing partial sector counting as a
// sector, refusing chain layouts cfb would copy quadratically. They are kept
// as they are so that the set of files accepted does not change.
//
// The raw directory entries read here are also what the Authenticode digest
// needs (exact UTF-16 name bytes, CLSIDs, state bits and FILETIMEs).

import { MsiFormatError } from '../errors';
import { decodeStreamName } from './stream-names';
import { assertBytes } from '../validate';

const ENDOFCHAIN = -2; // 0xFFFFFFFE as int32
const FREESECT = -1; // 0xFFFFFFFF
const NOSTREAM = 0xffffffff;
const MINI_SECTOR_SIZE = 64;
const MINI_STREAM_CUTOFF = 4096;
const DIRECTORY_ENTRY_SIZE = 128;
const HEADER_DIFAT_ENTRIES = 109;
const SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export type EntryType = 'storage' | 'stream' | 'root';

/** One used directory entry, with the raw fields the signature digest needs. */
export interface DirectoryEntry {
  readonly id: number;
  /** Name as stored (UTF-16 code units, MSI-encoded for table streams). */
  readonly name: string;
  /** Name bytes exactly as stored, UTF-16LE including the terminating NUL. */
  readonly nameBytes: Buffer;
  readonly type: EntryType;
  /** CLSID in file byte order (16 bytes). */
  readonly clsid: Buffer;
  readonly stateBits: Buffer;
  readonly creationTime: Buffer;
  readonly modifiedTime: Buffer;
  readonly startSector: number;
  readonly size: number;
  readonly parent: number;
  /** Ids of child entries (storages and root only), in directory order. */
  readonly children: number[];
  /** Byte offset of this entry's 128-byte record in the file. */
  readonly offset: number;
}

export interface CompoundFile {
  readonly byteLength: number;
  readonly majorVersion: number;
  readonly sectorSize: number;
  readonly root: DirectoryEntry;
  entry(id: number): DirectoryEntry;
  childrenOf(entry: DirectoryEntry): DirectoryEntry[];
  /**
   * Stream content: a view of the file when its sectors are consecutive, a
   * copy otherwise. Throws MsiFormatError when it cannot be read in full.
   */
  streamData(entry: DirectoryEntry): Buffer;
}

function fail(message: string, where: string, offset?: number, cause?: unknown): never {
  throw new MsiFormatError(message, { where, offset, cause });
}

interface Layout {
  sectorSize: number;
  sectorCount: number;
  fileLength: number;
  fatSectors: number[];
  buf: Buffer;
  /** The FAT, decoded once (`decodeFat`): entry of each sector, valid where `hasNext` is 1. */
  next: Int32Array;
  hasNext: Uint8Array;
}

function sectorOffset(layout: Layout, sector: number): number {
  return (sector + 1) * layout.sectorSize;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Reads every sector's FAT entry into `layout.next`, the way cfb looks them
 * up: through the list of FAT sectors, a missing or out-of-file FAT sector
 * (or a FAT sector cut off by the end of the file) leaving the entries it
 * would hold unset. One pass with native copies, so that following chains
 * afterwards is an array lookup rather than a computed read per sector.
 */
function decodeFat(layout: Layout): void {
  const { sectorSize, sectorCount, fileLength, buf, fatSectors } = layout;
  const perSector = sectorSize / 4;
  const next = new Int32Array(sectorCount);
  const hasNext = new Uint8Array(sectorCount);
  for (let k = 0; k * perSector < sectorCount && k < fatSectors.length; k++) {
    const fatSector = fatSectors[k];
    if (fatSector < 0 || fatSector >= sectorCount) continue;
    const first = k * perSector;
    const start = sectorOffset(layout, fatSector);
    const count = Math.min(perSector, sectorCount - first, Math.floor((fileLength - start) / 4));
    if (count <= 0) continue;
    if (LITTLE_ENDIAN) {
      new Uint8Array(next.buffer, first * 4, count * 4).set(buf.subarray(start, start + count * 4));
    } else {
      for (let i = 0; i < count; i++) next[first + i] = buf.readInt32LE(start + i * 4);
    }
    hasNext.fill(1, first, first + count);
  }
  layout.next = next;
  layout.hasNext = hasNext;
}

/**
 * Next sector after `sector` (inside the file) according to the FAT: null
 * when no FAT sector covers it (cfb ends the chain there; callers report it).
 */
function fatNext(layout: Layout, sector: number): number | null {
  return layout.hasNext[sector] === 1 ? layout.next[sector] : null;
}

function describeSector(value: number): string {
  switch (value) {
    case FREESECT: return 'a free sector marker';
    case ENDOFCHAIN: return 'end of chain';
    case -3: return 'a FAT sector marker';
    case -4: return 'a DIFAT sector marker';
    default: return `sector ${value >>> 0}`;
  }
}

/**
 * Walks a FAT chain, marking each sector with `owner` so that cycles and
 * chains sharing sectors are detected. Returns the number of sectors.
 */
function walkFatChain(layout: Layout, owners: Int32Array, owner: number, start: number, what: string, where: string): number {
  let sector = start;
  let count = 0;
  let previous = -1;
  while (sector !== ENDOFCHAIN) {
    if (sector < 0 || sector >= layout.sectorCount) {
      const from = previous < 0 ? 'starts at' : `continues from sector ${previous} to`;
      fail(`${what}: sector chain ${from} ${describeSector(sector)}, outside the ${layout.sectorCount} sectors in the file`,
        where, previous < 0 ? undefined : sectorOffset(layout, previous));
    }
    const current = owners[sector];
    if (current === owner) {
      fail(`${what}: sector chain loops back to sector ${sector}`, where, sectorOffset(layout, sector));
    }
    if (current !== -1) {
      fail(`${what}: sector ${sector} is also used by ${ownerName(current)}`, where, sectorOffset(layout, sector));
    }
    owners[sector] = owner;
    count++;
    const next = fatNext(layout, sector);
    if (next === null) {
      fail(`${what}: no FAT entry covers sector ${sector}`, 'FAT', sectorOffset(layout, sector));
    }
    previous = sector;
    sector = next;
  }
  return count;
}

// Owner ids: entries use their directory id; structures use negatives below -1.
const OWNER_FAT = -10;
const OWNER_DIFAT = -11;
const OWNER_DIRECTORY = -12;
const OWNER_MINIFAT = -13;
function ownerName(owner: number): string {
  switch (owner) {
    case OWNER_FAT: return 'the FAT';
    case OWNER_DIFAT: return 'the DIFAT';
    case OWNER_DIRECTORY: return 'the directory';
    case OWNER_MINIFAT: return 'the mini FAT';
    case 0: return 'the mini stream';
    default: return `directory entry ${owner}`;
  }
}

interface RawEntry {
  id: number;
  offset: number;
  nameLength: number;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number; // low 32 bits, unsigned
  sizeHigh: number;
}

function readRawEntry(buf: Buffer, offset: number, id: number): RawEntry {
  return {
    id,
    offset,
    nameLength: buf.readUInt16LE(offset + 64),
    type: buf[offset + 66],
    left: buf.readUInt32LE(offset + 68),
    right: buf.readUInt32LE(offset + 72),
    child: buf.readUInt32LE(offset + 76),
    start: buf.readInt32LE(offset + 116),
    size: buf.readUInt32LE(offset + 120),
    sizeHigh: buf.readUInt32LE(offset + 124),
  };
}

/**
 * cfb walks, from every sector not yet visited (starting at the directory
 * sector and wrapping), the chain that begins there, and concatenates it.
 * This computes how many sectors that copies in total, in linear time, so a
 * layout that would make it quadratic is refused before cfb runs.
 * Also returns the set of sectors cfb starts a walk at.
 */
function simulateCfbChainWalks(layout: Layout, directoryStart: number): { copiedSectors: number; heads: Uint8Array; reach: Int32Array; cyclic: Uint8Array } {
  const n = layout.sectorCount;
  const succ = new Int32Array(n);
  const { next, hasNext } = layout;
  for (let j = 0; j < n; j++) succ[j] = hasNext[j] === 1 && next[j] >= 0 && next[j] < n ? next[j] : -1;
  // reach[j]: sectors visited by a walk from j that stops at a terminal or a repeat.
  const reach = new Int32Array(n);
  const cyclic = new Uint8Array(n); // walk from j runs into a cycle
  const state = new Uint8Array(n); // 0 new, 1 on path, 2 done
  // The walk in progress; a typed array, as a growing array would be garbage.
  const path = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    if (state[k] !== 0) continue;
    let pathLength = 0;
    let x = k;
    while (x !== -1 && state[x] === 0) {
      state[x] = 1;
      path[pathLength++] = x;
      x = succ[x];
    }
    let base = 0;
    let baseCyclic = 0;
    if (x !== -1 && state[x] === 1) {
      // Cycle: every node on it reaches exactly the cycle.
      let at = pathLength - 1;
      while (path[at] !== x) at--;
      const length = pathLength - at;
      for (let i = at; i < pathLength; i++) {
        reach[path[i]] = length;
        cyclic[path[i]] = 1;
        state[path[i]] = 2;
      }
      pathLength = at;
      base = length;
      baseCyclic = 1;
    } else if (x !== -1) {
      base = reach[x];
      baseCyclic = cyclic[x];
    }
    for (let i = pathLength - 1; i >= 0; i--) {
      base += 1;
      reach[path[i]] = base;
      cyclic[path[i]] = baseCyclic;
      state[path[i]] = 2;
    }
  }
  const checked = new Uint8Array(n);
  const heads = new Uint8Array(n);
  let copied = 0;
  for (let i = 0; i < n; i++) {
    const k = (i + directoryStart) % n;
    if (checked[k]) continue;
    heads[k] = 1;
    copied += reach[k];
    let x = k;
    while (x !== -1 && !checked[x]) {
      checked[x] = 1;
      x = succ[x];
    }
  }
  return { copiedSectors: copied, heads, reach, cyclic };
}

interface Inspection {
  layout: Layout;
  majorVersion: number;
  entries: Map<number, DirectoryEntry>;
  root: DirectoryEntry;
  /** Sectors of the mini stream (the root entry's chain), in order. */
  miniStreamSectors: number[];
  /** File offsets of the mini FAT sectors, in order. */
  miniFatOffsets: number[];
}

/** Validates the container structure without cfb. Exported for tests. */
export function inspectStructure(input: Uint8Array): Inspection {
  assertBytes(input, 'input');
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const length = buf.length;
  if (length === 0) fail('the file is empty', 'header', 0);
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (i >= length || buf[i] !== SIGNATURE[i]) {
      fail('not a compound file (the OLE2 signature D0 CF 11 E0 A1 B1 1A E1 is missing), so not an .msi or .msp', 'header', 0);
    }
  }
  if (length < 512) fail(`the file is truncated: ${length} bytes, shorter than the 512-byte compound file header`, 'header', length);
  const majorVersion = buf.readUInt16LE(26);
  const sectorShift = buf.readUInt16LE(30);
  if (!((majorVersion === 3 && sectorShift === 9) || (majorVersion === 4 && sectorShift === 12))) {
    fail(`unsupported compound file version ${majorVersion} with sector shift ${sectorShift} (expected 3/9 or 4/12)`, 'header', 26);
  }
  if (buf.readUInt16LE(32) !== 6) fail(`mini sector shift is ${buf.readUInt16LE(32)}, expected 6`, 'header', 32);
  for (let i = 34; i < 40; i++) if (buf[i] !== 0) fail('reserved header bytes are not zero', 'header', i);
  if (buf.readUInt32LE(56) !== MINI_STREAM_CUTOFF) {
    fail(`mini stream cutoff is ${buf.readUInt32LE(56)}, expected 4096`, 'header', 56);
  }
  const sectorSize = 1 << sectorShift;
  if (majorVersion === 3 && buf.readUInt32LE(40) !== 0) fail('version 3 file declares directory sectors in the header', 'header', 40);
  if (length < 2 * sectorSize) {
    fail(`the file is truncated: ${length} bytes cannot hold a header and one ${sectorSize}-byte sector`, 'header', length);
  }
  // cfb counts a trailing partial sector as a sector; so do we, and reads
  // that run past the end are reported where they happen.
  const sectorCount = Math.ceil(length / sectorSize) - 1;
  const fatSectorCount = buf.readUInt32LE(44);
  const directoryStart = buf.readInt32LE(48);
  const miniFatStart = buf.readInt32LE(60);
  const miniFatCount = buf.readUInt32LE(64);
  const difatStart = buf.readInt32LE(68);
  const difatCount = buf.readUInt32LE(72);
  if (fatSectorCount > sectorCount) {
    fail(`header declares ${fatSectorCount} FAT sectors but the file has only ${sectorCount} sectors`, 'header', 44);
  }
  if (difatCount > sectorCount) {
    fail(`header declares ${difatCount} DIFAT sectors but the file has only ${sectorCount} sectors`, 'header', 72);
  }
  if (miniFatCount > sectorCount) {
    fail(`header declares ${miniFatCount} mini FAT sectors but the file has only ${sectorCount} sectors`, 'header', 64);
  }

  const owners = new Int32Array(sectorCount).fill(-1);
  const layout: Layout = { sectorSize, sectorCount, fileLength: length, fatSectors: [], buf, next: new Int32Array(0), hasNext: new Uint8Array(0) };

  // FAT sector list as cfb builds it: header entries up to the first
  // negative value, then every DIFAT sector's entries up to ENDOFCHAIN.
  for (let i = 0; i < HEADER_DIFAT_ENTRIES; i++) {
    const value = buf.readInt32LE(76 + i * 4);
    if (value < 0) break;
    layout.fatSectors.push(value);
  }
  if (difatStart === ENDOFCHAIN) {
    if (difatCount !== 0) fail(`header declares ${difatCount} DIFAT sectors but the DIFAT chain is empty`, 'header', 72);
  } else if (difatStart !== FREESECT) {
    let sector = difatStart;
    let remaining = difatCount;
    const perSector = sectorSize / 4 - 1;
    for (;;) {
      if (sector < 0 || sector >= sectorCount) {
        fail(`DIFAT chain points to ${describeSector(sector)}, outside the ${sectorCount} sectors in the file`, 'DIFAT', 68);
      }
      if (owners[sector] !== -1) fail(`DIFAT chain loops back to sector ${sector}`, 'DIFAT', sectorOffset(layout, sector));
      owners[sector] = OWNER_DIFAT;
      const base = sectorOffset(layout, sector);
      if (base + sectorSize > length) fail(`DIFAT sector ${sector} is cut off by the end of the file`, 'DIFAT', base);
      for (let i = 0; i < perSector; i++) {
        const value = buf.readInt32LE(base + i * 4);
        if (value === ENDOFCHAIN) break;
        layout.fatSectors.push(value);
      }
      if (remaining < 1) break;
      remaining--;
      const next = buf.readInt32LE(base + perSector * 4);
      // cfb stops quietly at a DIFAT link to nowhere; so do we when the
      // declared count is used up, otherwise it is a broken chain.
      if (next === ENDOFCHAIN || next === FREESECT) {
        if (remaining > 0) fail(`DIFAT chain ends after fewer sectors than the ${difatCount} declared`, 'DIFAT', base + perSector * 4);
        break;
      }
      sector = next;
    }
  }
  if (layout.fatSectors.length === 0) fail('the compound file has no FAT sectors', 'header', 76);
  // Only the declared FAT sectors must be real; cfb ignores unused slots.
  const declaredFat = Math.min(fatSectorCount || layout.fatSectors.length, layout.fatSectors.length);
  for (let i = 0; i < declaredFat; i++) {
    const fatSector = layout.fatSectors[i];
    if (fatSector < 0 || fatSector >= sectorCount) {
      fail(`FAT sector #${i} is ${describeSector(fatSector)}, outside the ${sectorCount} sectors in the file`, 'DIFAT', i < HEADER_DIFAT_ENTRIES ? 76 + i * 4 : undefined);
    }
    if (owners[fatSector] !== -1 && owners[fatSector] !== OWNER_FAT) {
      fail(`FAT sector ${fatSector} is also used by ${ownerName(owners[fatSector])}`, 'FAT', sectorOffset(layout, fatSector));
    }
    if (sectorOffset(layout, fatSector) + sectorSize > length) {
      fail(`FAT sector ${fatSector} is cut off by the end of the file`, 'FAT', sectorOffset(layout, fatSector));
    }
    owners[fatSector] = OWNER_FAT;
  }
  decodeFat(layout);
  // Every sector's FAT entry must be a marker or point inside the file:
  // cfb follows every one of them while reading.
  for (let j = 0; j < sectorCount; j++) {
    if (layout.hasNext[j] === 1 && layout.next[j] >= sectorCount) {
      fail(`FAT entry for sector ${j} points to sector ${layout.next[j]}, beyond the ${sectorCount} sectors in the file`, 'FAT');
    }
  }

  if (directoryStart < 0 || directoryStart >= sectorCount) {
    fail(`the directory starts at ${describeSector(directoryStart)}, outside the ${sectorCount} sectors in the file`, 'header', 48);
  }
  const simulation = simulateCfbChainWalks(layout, directoryStart);
  // A healthy file is walked about once (at most twice where a chain crosses
  // the directory start); anything far beyond that means chains running
  // backwards, which cfb would copy over and over.
  const copyBudget = 3 * sectorCount + 2048;
  if (simulation.copiedSectors > copyBudget) {
    fail(`sector chains are laid out so that reading them would copy ${simulation.copiedSectors} sectors for a file of ${sectorCount}; refusing (chains run backwards or overlap)`, 'FAT');
  }

  // Directory.
  const directorySectors = walkFatChain(layout, owners, OWNER_DIRECTORY, directoryStart, 'directory', 'directory');
  const directoryBytes: number[] = [];
  {
    let sector = directoryStart;
    for (let i = 0; i < directorySectors; i++) {
      directoryBytes.push(sectorOffset(layout, sector));
      sector = fatNext(layout, sector) as number;
    }
  }
  const perSector = sectorSize / DIRECTORY_ENTRY_SIZE;
  const entryCount = directorySectors * perSector;
  const entryOffset = (id: number): number => directoryBytes[Math.floor(id / perSector)] + (id % perSector) * DIRECTORY_ENTRY_SIZE;
  const rawEntry = (id: number): RawEntry => {
    const offset = entryOffset(id);
    if (offset + DIRECTORY_ENTRY_SIZE > length) fail(`directory entry ${id} is cut off by the end of the file`, 'directory', offset);
    return readRawEntry(buf, offset, id);
  };

  const rootRaw = rawEntry(0);
  if (rootRaw.type !== 5) fail(`the first directory entry has type ${rootRaw.type}, not the root storage (5)`, 'directory', rootRaw.offset + 66);
  // The root has no siblings. cfb follows these links regardless.
  if (rootRaw.left !== NOSTREAM || rootRaw.right !== NOSTREAM) {
    fail('the root storage has sibling links', 'directory', rootRaw.offset + (rootRaw.left !== NOSTREAM ? 68 : 72));
  }

  // Mini FAT and mini stream.
  let miniFatSectors = 0;
  if (miniFatStart !== ENDOFCHAIN && miniFatCount > 0) {
    miniFatSectors = walkFatChain(layout, owners, OWNER_MINIFAT, miniFatStart, 'mini FAT', 'mini FAT');
  }
  const miniFatOffsets: number[] = [];
  {
    let sector = miniFatStart;
    for (let i = 0; i < miniFatSectors; i++) {
      miniFatOffsets.push(sectorOffset(layout, sector));
      sector = fatNext(layout, sector) as number;
    }
  }
  let miniStreamSectors = 0;
  const miniStreamSectorList: number[] = [];
  const rootSize = rootRaw.size;
  if (rootRaw.start !== ENDOFCHAIN && rootSize > 0) {
    if (rootSize > length) fail(`the mini stream declares ${rootSize} bytes, more than the whole file (${length})`, 'directory', rootRaw.offset + 120);
    miniStreamSectors = walkFatChain(layout, owners, 0, rootRaw.start, 'mini stream', 'mini stream');
    if (miniStreamSectors * sectorSize < rootSize) {
      fail(`the mini stream declares ${rootSize} bytes but its chain holds only ${miniStreamSectors * sectorSize}`, 'mini stream', rootRaw.offset + 120);
    }
    let sector = rootRaw.start;
    for (let i = 0; i < miniStreamSectors; i++) {
      miniStreamSectorList.push(sector);
      sector = fatNext(layout, sector) as number;
    }
  }
  const miniSectorCount = Math.floor(Math.min(rootSize, miniStreamSectors * sectorSize) / MINI_SECTOR_SIZE);
  const miniOwners = new Int32Array(miniSectorCount).fill(-1);
  const miniNext = (mini: number): number | null => {
    const perFatSector = sectorSize / 4;
    const at = miniFatOffsets[Math.floor(mini / perFatSector)];
    if (at === undefined) return null;
    const pos = at + (mini % perFatSector) * 4;
    if (pos + 4 > length) return null;
    return buf.readInt32LE(pos);
  };

  // Directory tree: every entry reached from the root exactly once.
  const entries = new Map<number, DirectoryEntry>();
  const reached = new Uint8Array(entryCount);
  const makeEntry = (raw: RawEntry, parent: number): DirectoryEntry => {
    if (raw.nameLength > 64 || raw.nameLength % 2 !== 0 || (raw.nameLength < 2 && raw.type !== 5)) {
      fail(`directory entry ${raw.id} has an invalid name length ${raw.nameLength}`, 'directory', raw.offset + 64);
    }
    const nameBytes = Buffer.from(buf.subarray(raw.offset, raw.offset + raw.nameLength));
    const name = nameBytes.toString('utf16le').replace(/\u0000+$/, '');
    const type: EntryType = raw.type === 5 ? 'root' : raw.type === 1 ? 'storage' : 'stream';
    return {
      id: raw.id,
      name,
      nameBytes,
      type,
      clsid: Buffer.from(buf.subarray(raw.offset + 80, raw.offset + 96)),
      stateBits: Buffer.from(buf.subarray(raw.offset + 96, raw.offset + 100)),
      creationTime: Buffer.from(buf.subarray(raw.offset + 100, raw.offset + 108)),
      modifiedTime: Buffer.from(buf.subarray(raw.offset + 108, raw.offset + 116)),
      startSector: raw.start,
      size: raw.size,
      parent,
      children: [],
      offset: raw.offset,
    };
  };
  const root = makeEntry(rootRaw, -1);
  entries.set(0, root);
  reached[0] = 1;
  // Iterative walk: sibling trees written by some tools are linked lists
  // thousands deep.
  const pending: Array<{ id: number; parent: number; from: number }> = [];
  if (rootRaw.child !== NOSTREAM) pending.push({ id: rootRaw.child, parent: 0, from: rootRaw.offset + 76 });
  while (pending.length > 0) {
    const { id, parent, from } = pending.pop()!;
    if (id >= entryCount) {
      fail(`directory link points to entry ${id}, but the directory has ${entryCount} entries`, 'directory', from);
    }
    if (reached[id]) fail(`directory entry ${id} is linked more than once (the directory tree has a cycle)`, 'directory', from);
    reached[id] = 1;
    const raw = rawEntry(id);
    if (raw.type !== 1 && raw.type !== 2) {
      fail(`directory entry ${id} is linked into the tree but has type ${raw.type} (expected storage 1 or stream 2)`, 'directory', raw.offset + 66);
    }
    const entry = makeEntry(raw, parent);
    entries.set(id, entry);
    entries.get(parent)!.children.push(id);
    if (raw.left !== NOSTREAM) pending.push({ id: raw.left, parent, from: raw.offset + 68 });
    if (raw.right !== NOSTREAM) pending.push({ id: raw.right, parent, from: raw.offset + 72 });
    if (raw.type === 1 && raw.child !== NOSTREAM) pending.push({ id: raw.child, parent: id, from: raw.offset + 76 });
    // A stream has no children; cfb would still take this link as a parent
    // relation, and a bad one can send its path building into a loop.
    if (raw.type === 2 && raw.child !== NOSTREAM) fail(`stream entry ${id} has a child link`, 'directory', raw.offset + 76);
  }
  for (const entry of entries.values()) entry.children.sort((a, b) => a - b);

  // Entries not in the tree must be free, or cfb may chase their links.
  // Also account for what cfb will read for every entry.
  let miniBytesDeclared = 0;
  const cfbChainStarts = new Set<number>();
  let extraCopied = 0;
  for (let id = 1; id < entryCount; id++) {
    const raw = rawEntry(id);
    const size = raw.size | 0; // cfb reads the size as int32
    if (!reached[id]) {
      const links = [raw.left, raw.right, raw.child];
      const clean = raw.type === 0 && (links.every((l) => l === NOSTREAM) || links.every((l) => l === 0));
      if (!clean) {
        fail(`directory entry ${id} is not linked into the directory tree but is not marked free`, 'directory', raw.offset);
      }
    }
    if (size < 0 && raw.start < 0) continue; // cfb clears these
    if (size >= MINI_STREAM_CUTOFF) {
      if (raw.start < 0 || raw.start >= sectorCount) {
        fail(`directory entry ${id} starts at ${describeSector(raw.start)}, outside the ${sectorCount} sectors in the file`, 'directory', raw.offset + 116);
      }
      if (!simulation.heads[raw.start] && !cfbChainStarts.has(raw.start)) {
        // cfb walks this chain separately, without loop detection.
        if (simulation.cyclic[raw.start]) {
          fail(`directory entry ${id}: sector chain from sector ${raw.start} loops`, 'directory', raw.offset + 116);
        }
        cfbChainStarts.add(raw.start);
        extraCopied += simulation.reach[raw.start];
      }
    } else if (size > 0 && raw.start !== ENDOFCHAIN) {
      miniBytesDeclared += size;
    }
  }
  if (extraCopied > copyBudget) {
    fail(`directory entries start inside other chains; reading them would copy ${extraCopied} sectors for a file of ${sectorCount}`, 'directory');
  }
  if (miniBytesDeclared > miniSectorCount * MINI_SECTOR_SIZE) {
    fail(`directory entries declare ${miniBytesDeclared} bytes of small streams but the mini stream holds ${miniSectorCount * MINI_SECTOR_SIZE}`, 'mini stream', rootRaw.offset + 120);
  }

  // Chains of the streams that are actually in the tree.
  for (const entry of entries.values()) {
    if (entry.type !== 'stream') continue;
    const raw = rawEntry(entry.id);
    const what = `stream ${JSON.stringify(decodeStreamName(entry.name).name)} (directory entry ${entry.id})`;
    if (majorVersion === 4 && raw.sizeHigh !== 0) {
      fail(`${what} declares a size over 4 GiB`, 'directory', raw.offset + 120);
    }
    if (entry.size > length) {
      fail(`${what} declares ${entry.size} bytes, more than the whole file (${length})`, 'directory', raw.offset + 120);
    }
    if (entry.size === 0) continue;
    if (entry.size >= MINI_STREAM_CUTOFF) {
      const sectors = walkFatChain(layout, owners, entry.id, entry.startSector, what, 'FAT');
      if (sectors * sectorSize < entry.size) {
        fail(`${what} declares ${entry.size} bytes but its sector chain holds only ${sectors * sectorSize}`, 'directory', raw.offset + 120);
      }
    } else {
      let mini = entry.startSector;
      let count = 0;
      const needed = Math.ceil(entry.size / MINI_SECTOR_SIZE);
      while (count < needed) {
        if (mini < 0 || mini >= miniSectorCount) {
          fail(`${what}: mini sector chain reaches ${describeSector(mini)}, outside the ${miniSectorCount} mini sectors`, 'mini FAT');
        }
        if (miniOwners[mini] === entry.id) fail(`${what}: mini sector chain loops back to mini sector ${mini}`, 'mini FAT');
        if (miniOwners[mini] !== -1) fail(`${what}: mini sector ${mini} is also used by directory entry ${miniOwners[mini]}`, 'mini FAT');
        miniOwners[mini] = entry.id;
        count++;
        const next = miniNext(mini);
        if (next === null) {
          if (count < needed) fail(`${what}: no mini FAT entry covers mini sector ${mini}`, 'mini FAT');
          break;
        }
        mini = next;
      }
    }
  }

  return { layout, majorVersion, entries, root, miniStreamSectors: miniStreamSectorList, miniFatOffsets };
}

/**
 * Gathers a stream's bytes from the file: a view of the file while its
 * pieces follow each other (the usual layout, as Windows, libgsf and cfb
 * write streams), one copy of the stream once they do not.
 */
class StreamReader {
  private readonly buf: Buffer;
  private readonly size: number;
  private start = -1;
  private out: Buffer | null = null;
  filled = 0;

  constructor(buf: Buffer, size: number) {
    this.buf = buf;
    this.size = size;
  }

  /** Takes up to `length` bytes at file offset `at`; false when they run past the end of the file. */
  take(at: number, length: number): boolean {
    const n = Math.min(length, this.size - this.filled);
    if (at + n > this.buf.length) {
      this.filled += Math.max(0, this.buf.length - at);
      return false;
    }
    if (this.out === null) {
      if (this.filled === 0) this.start = at;
      else if (at !== this.start + this.filled) {
        this.out = Buffer.allocUnsafe(this.size);
        this.buf.copy(this.out, 0, this.start, this.start + this.filled);
      }
    }
    if (this.out !== null) this.buf.copy(this.out, this.filled, at, at + n);
    this.filled += n;
    return true;
  }

  get done(): boolean {
    return this.filled >= this.size;
  }

  result(): Buffer {
    return this.out ?? this.buf.subarray(this.start, this.start + this.size);
  }
}

/**
 * Parses a compound file. The structure is checked by `inspectStructure`;
 * stream contents are then read from the file in place.
 *
 * Why not cfb for the contents: `CFB.parse` has no lazy or in-place mode
 * (its only option, `raw`, adds data). It concatenates every sector chain of
 * the file into new buffers, and every small stream again out of the mini
 * stream, before returning: a second copy of the whole file plus its
 * bookkeeping, about 1.6 times the file size held for nothing, since
 * `inspectStructure` has already followed every chain cfb would follow,
 * with loop and bounds checks. Reading here is a view of the file when a
 * stream's sectors are contiguous and one copy of that stream otherwise.
 */
export function openCompoundFile(input: Uint8Array): CompoundFile {
  const inspection = inspectStructure(input);
  const { entries, root, majorVersion, layout, miniStreamSectors, miniFatOffsets } = inspection;
  const { sectorSize, buf } = layout;
  const byteLength = buf.length;
  const perFatSector = sectorSize / 4;

  const truncated = (entry: DirectoryEntry, read: number): never =>
    fail(`stream ${JSON.stringify(decodeStreamName(entry.name).name)} declares ${entry.size} bytes but only ${read} could be read (file truncated?)`,
      'stream', entry.offset + 120);

  // Chains of streams in the tree were followed by inspectStructure: no
  // loops, no shared sectors, long enough for the declared size.
  const readFatStream = (entry: DirectoryEntry): Buffer => {
    const { next, hasNext, sectorCount } = layout;
    const reader = new StreamReader(buf, entry.size);
    let sector = entry.startSector;
    let remaining = Math.ceil(entry.size / sectorSize);
    while (remaining > 0) {
      if (sector < 0 || sector >= sectorCount) truncated(entry, reader.filled);
      // A run of consecutive sectors is taken at once.
      const first = sector;
      let run = 1;
      while (run < remaining && hasNext[sector] === 1 && next[sector] === sector + 1) {
        sector++;
        run++;
      }
      if (!reader.take(sectorOffset(layout, first), run * sectorSize)) truncated(entry, reader.filled);
      remaining -= run;
      if (remaining === 0) break;
      if (hasNext[sector] !== 1) truncated(entry, reader.filled);
      sector = next[sector];
    }
    return reader.result();
  };

  const miniFatNext = (mini: number): number => {
    const at = miniFatOffsets[Math.floor(mini / perFatSector)];
    if (at === undefined) return ENDOFCHAIN;
    const pos = at + (mini % perFatSector) * 4;
    return pos + 4 > byteLength ? ENDOFCHAIN : buf.readInt32LE(pos);
  };

  const readMiniStream = (entry: DirectoryEntry): Buffer => {
    const reader = new StreamReader(buf, entry.size);
    const miniStreamBytes = Math.min(root.size, miniStreamSectors.length * sectorSize);
    let mini = entry.startSector;
    while (!reader.done) {
      const position = mini * MINI_SECTOR_SIZE;
      if (mini < 0 || position + MINI_SECTOR_SIZE > miniStreamBytes) truncated(entry, reader.filled);
      const sector = miniStreamSectors[Math.floor(position / sectorSize)];
      if (!reader.take(sectorOffset(layout, sector) + (position % sectorSize), MINI_SECTOR_SIZE)) truncated(entry, reader.filled);
      if (reader.done) break;
      mini = miniFatNext(mini);
    }
    return reader.result();
  };

  return {
    byteLength,
    majorVersion,
    sectorSize,
    root,
    entry(id: number): DirectoryEntry {
      const entry = entries.get(id);
      if (!entry) throw new RangeError(`no directory entry ${id}`);
      return entry;
    },
    childrenOf(entry: DirectoryEntry): DirectoryEntry[] {
      return entry.children.map((id) => entries.get(id)!);
    },
    streamData(entry: DirectoryEntry): Buffer {
      if (entry.type !== 'stream') throw new TypeError(`${entry.name} is not a stream`);
      if (entry.size === 0) return Buffer.alloc(0);
      return entry.size >= MINI_STREAM_CUTOFF ? readFatStream(entry) : readMiniStream(entry);
    },
  };
}
