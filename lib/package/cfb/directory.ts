// MS-CFB 2.6: the directory — 128-byte entries in the directory sector
// chain, linked into one red-black tree of siblings per storage.
//
// Refused, because the tree could not be read or would not be a tree: a
// directory chain that loops or leaves the file, a first entry that is not
// the root storage, a link to an entry the directory does not have, an
// entry linked twice (a cycle), an unallocated entry or a second root linked
// into the tree, and an entry in the tree with a name length that is not a
// UTF-16 name of at most 32 characters. Ignored, as Windows' structured
// storage, libgsf and Wine ignore them: entries not linked into the tree
// (unallocated ones whatever they still hold: size, start sector, links),
// the start sector and size of storage entries, the root's sibling links, a
// stream's child link, and the red-black colours (no balance is required).

import type { Allocation } from './alloc';
import { sectorRanges } from './alloc';
import type { Reader } from './reads';
import { internName } from '../intern';
import { DIRECTORY_ENTRY_SIZE, ENDOFCHAIN, NOSTREAM, describeSector, fail, sectorPosition, type Header } from './header';

export type EntryType = 'storage' | 'stream' | 'root';

/** One directory entry of the tree, with the raw fields the signature digest needs. */
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
  /** First sector (FAT) or mini sector; ENDOFCHAIN for storages, whose field is ignored. */
  readonly startSector: number;
  /** Size in bytes (streams; 0 for storages, whose field is ignored). Version 3 files: the low 32 bits only. */
  readonly size: number;
  readonly parent: number;
  /** Ids of child entries (storages and root only), in directory order. */
  readonly children: number[];
  /** Byte offset of this entry's 128-byte record in the file. */
  readonly offset: number;
}

export interface Directory {
  readonly root: DirectoryEntry;
  /** The entries of the tree by id (a new map, of new entry objects, on each use). */
  readonly entries: ReadonlyMap<number, DirectoryEntry>;
  /** Entries the directory sectors hold (used or not). */
  readonly entryCount: number;
  /** Sectors of the directory chain. */
  readonly sectors: readonly number[];
  /** Entry `id` of the tree, or undefined when the tree does not hold it. */
  entry(id: number): DirectoryEntry | undefined;
}

/**
 * A directory entry made when asked for, over the directory's records:
 * every field is read from the 128-byte record or the directory's arrays
 * on access, so the directory keeps no object per entry.
 */
class Entry implements DirectoryEntry {
  constructor(
    private readonly directory: Entries,
    readonly id: number,
  ) {}

  private get at(): number {
    return this.id * DIRECTORY_ENTRY_SIZE;
  }

  get name(): string {
    return this.directory.names[this.id] as string;
  }

  get nameBytes(): Buffer {
    return this.directory.records.subarray(this.at, this.at + nameLengthOf(this.directory.records, this.at));
  }

  get type(): EntryType {
    const type = this.directory.records[this.at + 66];
    return type === TYPE_ROOT ? 'root' : type === TYPE_STORAGE ? 'storage' : 'stream';
  }

  get clsid(): Buffer {
    return this.directory.records.subarray(this.at + 80, this.at + 96);
  }

  get stateBits(): Buffer {
    return this.directory.records.subarray(this.at + 96, this.at + 100);
  }

  get creationTime(): Buffer {
    return this.directory.records.subarray(this.at + 100, this.at + 108);
  }

  get modifiedTime(): Buffer {
    return this.directory.records.subarray(this.at + 108, this.at + 116);
  }

  get startSector(): number {
    // The root's start and size locate the mini stream; a storage's are ignored.
    return this.type === 'storage' ? ENDOFCHAIN : this.directory.records.readUInt32LE(this.at + 116);
  }

  get size(): number {
    if (this.type === 'storage') return 0;
    const { records } = this.directory;
    const high = this.directory.majorVersion === 4 ? records.readUInt32LE(this.at + 124) : 0;
    return high * 0x100000000 + records.readUInt32LE(this.at + 120);
  }

  get parent(): number {
    return this.directory.links[this.id] as number;
  }

  get children(): number[] {
    const { links, entryCount } = this.directory;
    const first = links[entryCount + this.id] as number;
    const end = links[entryCount + this.id + 1] as number;
    return Array.from(links.subarray(2 * entryCount + 1 + first, 2 * entryCount + 1 + end));
  }

  get offset(): number {
    return this.directory.offsetOf(this.id);
  }
}

/** Name length in bytes, even and at most 64 (the check at open refused the rest for entries of the tree). */
function nameLengthOf(records: Buffer, at: number): number {
  const nameLength = records.readUInt16LE(at + 64);
  return Math.min(64, nameLength - (nameLength % 2));
}

/** Parent of an entry the tree does not hold. */
const NOT_IN_TREE = -2;

/**
 * The directory as a few arrays: the records (one buffer), the names, and
 * one Int32Array of links. An open package is kept by many callers at once
 * and every object it holds is heap the garbage collector copies; these are
 * a handful of objects whatever the number of entries, and the typed
 * arrays' contents are outside the collected heap.
 */
class Entries implements Directory {
  readonly root: DirectoryEntry;
  /**
   * [0, entryCount): parent of each entry (-1 for the root, NOT_IN_TREE);
   * [entryCount, 2 * entryCount + 1): where each entry's children start in
   * the list that follows (children of entry i: [start[i], start[i + 1]));
   * then the children of every entry, each entry's in ascending id order.
   */
  readonly links: Int32Array;

  constructor(
    readonly records: Buffer,
    readonly names: Array<string | undefined>,
    parents: Int32Array,
    readonly entryCount: number,
    readonly sectors: readonly number[],
    readonly majorVersion: number,
    private readonly sectorSize: Header['sectorSize'],
  ) {
    let linked = 0;
    const counts = new Int32Array(entryCount + 1);
    for (let id = 1; id < entryCount; id++) {
      const parent = parents[id] as number;
      if (parent >= 0) {
        counts[parent + 1]++;
        linked++;
      }
    }
    const links = new Int32Array(2 * entryCount + 1 + linked);
    links.set(parents);
    const start = entryCount;
    for (let id = 0; id < entryCount; id++) links[start + id + 1] = (links[start + id] as number) + (counts[id + 1] as number);
    const list = 2 * entryCount + 1;
    const filled = new Int32Array(entryCount);
    for (let id = 1; id < entryCount; id++) {
      const parent = parents[id] as number;
      if (parent >= 0) links[list + (links[start + parent] as number) + filled[parent]!++] = id;
    }
    this.links = links;
    this.root = new Entry(this, 0);
  }

  entry(id: number): DirectoryEntry | undefined {
    if (!Number.isInteger(id) || id < 0 || id >= this.entryCount || this.links[id] === NOT_IN_TREE) return undefined;
    return id === 0 ? this.root : new Entry(this, id);
  }

  get entries(): ReadonlyMap<number, DirectoryEntry> {
    const map = new Map<number, DirectoryEntry>();
    for (let id = 0; id < this.entryCount; id++) if (this.links[id] !== NOT_IN_TREE) map.set(id, this.entry(id)!);
    return map;
  }

  offsetOf(id: number): number {
    const perSector = this.sectorSize / DIRECTORY_ENTRY_SIZE;
    return (
      sectorPosition({ sectorSize: this.sectorSize }, this.sectors[Math.floor(id / perSector)] as number) +
      (id % perSector) * DIRECTORY_ENTRY_SIZE
    );
  }
}

const TYPE_UNALLOCATED = 0;
const TYPE_STORAGE = 1;
const TYPE_STREAM = 2;
const TYPE_ROOT = 5;

/** Reads the directory sectors and the tree of entries reached from the root. */
export function* readDirectory(header: Header, alloc: Allocation): Reader<Directory> {
  const { sectorSize, sectorCount } = header;
  if (header.directoryStart >= sectorCount) {
    fail(
      `the directory starts at ${describeSector(header.directoryStart)}, outside the ${sectorCount} sectors in the file`,
      'directory',
      48,
    );
  }
  const sectors = yield* alloc.follow(header.directoryStart, { what: 'directory', where: 'directory', startOffset: 48 });
  const ranges = sectorRanges(header, sectors);
  const buffers = yield ranges;
  const perSector = sectorSize / DIRECTORY_ENTRY_SIZE;
  const entryCount = sectors.length * perSector;
  // The directory sectors copied into one buffer in chain order (sectors
  // the file holds only in part are zero past its end); `held` is how many
  // bytes of each sector the file held.
  const records = Buffer.alloc(entryCount * DIRECTORY_ENTRY_SIZE);
  const held = new Int32Array(sectors.length);
  // sectorRanges merged consecutive sectors in chain order: walk both.
  for (let i = 0, r = 0, within = 0; i < sectors.length; i++) {
    const position = sectorPosition(header, sectors[i]);
    if (ranges[r][0] + within !== position) {
      r++;
      within = 0;
    }
    const bytes = buffers[r];
    const end = Math.min(bytes.length, within + sectorSize);
    if (end > within) bytes.copy(records, i * sectorSize, within, end);
    held[i] = Math.max(0, end - within);
    within += sectorSize;
  }
  const offsetOf = (id: number): number =>
    sectorPosition(header, sectors[Math.floor(id / perSector)]) + (id % perSector) * DIRECTORY_ENTRY_SIZE;
  const record = (id: number): number => {
    const within = (id % perSector) * DIRECTORY_ENTRY_SIZE;
    if (within + DIRECTORY_ENTRY_SIZE > held[Math.floor(id / perSector)]) {
      fail(`directory entry ${id} is cut off by the end of the file`, 'directory', offsetOf(id));
    }
    return id * DIRECTORY_ENTRY_SIZE;
  };

  const names: Array<string | undefined> = new Array(entryCount);
  const parents = new Int32Array(entryCount).fill(NOT_IN_TREE);
  const makeEntry = (id: number, parent: number): { left: number; right: number; child: number } => {
    const at = record(id);
    const type = records[at + 66];
    const nameLength = records.readUInt16LE(at + 64);
    if (id !== 0 && (nameLength > 64 || nameLength % 2 !== 0 || nameLength < 2)) {
      fail(`directory entry ${id} has an invalid name length ${nameLength}`, 'directory', offsetOf(id) + 64);
    }
    // Names repeat from one package to the next (table streams): one shared copy.
    names[id] = internName(records.toString('utf16le', at, at + nameLengthOf(records, at)).replace(/\u0000+$/, ''));
    parents[id] = parent;
    return {
      left: records.readUInt32LE(at + 68),
      right: records.readUInt32LE(at + 72),
      child: type === TYPE_STREAM ? NOSTREAM : records.readUInt32LE(at + 76),
    };
  };

  const rootAt = record(0);
  const rootType = records[rootAt + 66];
  if (rootType !== TYPE_ROOT)
    fail(`the first directory entry has type ${rootType}, not the root storage (5)`, 'directory', offsetOf(0) + 66);
  const rootMade = makeEntry(0, -1);
  const reached = new Uint8Array(entryCount);
  reached[0] = 1;
  // Iterative walk: sibling trees written by some tools are linked lists
  // thousands deep.
  const pending: Array<{ id: number; parent: number; from: number }> = [];
  if (rootMade.child !== NOSTREAM) pending.push({ id: rootMade.child, parent: 0, from: offsetOf(0) + 76 });
  while (pending.length > 0) {
    const { id, parent, from } = pending.pop()!;
    if (id >= entryCount) fail(`directory link points to entry ${id}, but the directory has ${entryCount} entries`, 'directory', from);
    if (reached[id]) fail(`directory entry ${id} is linked more than once (the directory tree has a cycle)`, 'directory', from);
    reached[id] = 1;
    const at = record(id);
    const offset = offsetOf(id);
    const type = records[at + 66];
    if (type !== TYPE_STORAGE && type !== TYPE_STREAM) {
      const what = type === TYPE_UNALLOCATED ? 'unallocated (type 0)' : `of type ${type}`;
      fail(`directory entry ${id} is linked into the tree but is ${what} (expected storage 1 or stream 2)`, 'directory', offset + 66);
    }
    const made = makeEntry(id, parent);
    if (made.left !== NOSTREAM) pending.push({ id: made.left, parent, from: offset + 68 });
    if (made.right !== NOSTREAM) pending.push({ id: made.right, parent, from: offset + 72 });
    if (made.child !== NOSTREAM) pending.push({ id: made.child, parent: id, from: offset + 76 });
  }
  return new Entries(records, names, parents, entryCount, sectors, header.majorVersion, sectorSize);
}
