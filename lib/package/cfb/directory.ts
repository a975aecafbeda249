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
  readonly entries: ReadonlyMap<number, DirectoryEntry>;
  /** Entries the directory sectors hold (used or not). */
  readonly entryCount: number;
  /** Sectors of the directory chain. */
  readonly sectors: readonly number[];
}

/**
 * A directory entry over its 128-byte record: the raw fields are views of
 * the directory sector read at open, made when asked for (a package with
 * many entries, opened many times, keeps one object per entry, not six).
 */
class Entry implements DirectoryEntry {
  readonly children: number[] = [];
  constructor(
    private readonly record: Buffer,
    private readonly at: number,
    private readonly nameLength: number,
    readonly id: number,
    readonly name: string,
    readonly type: EntryType,
    readonly startSector: number,
    readonly size: number,
    readonly parent: number,
    readonly offset: number,
  ) {}

  get nameBytes(): Buffer {
    return this.record.subarray(this.at, this.at + this.nameLength);
  }

  get clsid(): Buffer {
    return this.record.subarray(this.at + 80, this.at + 96);
  }

  get stateBits(): Buffer {
    return this.record.subarray(this.at + 96, this.at + 100);
  }

  get creationTime(): Buffer {
    return this.record.subarray(this.at + 100, this.at + 108);
  }

  get modifiedTime(): Buffer {
    return this.record.subarray(this.at + 108, this.at + 116);
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
  // Where each directory sector's bytes are: buffer and offset inside it.
  const located: Array<{ bytes: Buffer; at: number; position: number }> = [];
  // sectorRanges merged consecutive sectors in chain order: walk both.
  for (let i = 0, r = 0, within = 0; i < sectors.length; i++) {
    const position = sectorPosition(header, sectors[i]);
    if (ranges[r][0] + within !== position) {
      r++;
      within = 0;
    }
    located.push({ bytes: buffers[r], at: within, position });
    within += sectorSize;
  }
  const perSector = sectorSize / DIRECTORY_ENTRY_SIZE;
  const entryCount = sectors.length * perSector;
  const record = (id: number): { bytes: Buffer; at: number; offset: number } => {
    const place = located[Math.floor(id / perSector)];
    const within = (id % perSector) * DIRECTORY_ENTRY_SIZE;
    const offset = place.position + within;
    if (place.at + within + DIRECTORY_ENTRY_SIZE > place.bytes.length) {
      fail(`directory entry ${id} is cut off by the end of the file`, 'directory', offset);
    }
    return { bytes: place.bytes, at: place.at + within, offset };
  };

  const makeEntry = (id: number, parent: number): { entry: DirectoryEntry; left: number; right: number; child: number } => {
    const { bytes, at, offset } = record(id);
    const type = bytes[at + 66];
    const nameLength = bytes.readUInt16LE(at + 64);
    if (id !== 0 && (nameLength > 64 || nameLength % 2 !== 0 || nameLength < 2)) {
      fail(`directory entry ${id} has an invalid name length ${nameLength}`, 'directory', offset + 64);
    }
    const length = Math.min(64, nameLength - (nameLength % 2));
    const name = bytes.toString('utf16le', at, at + length).replace(/\u0000+$/, '');
    const isStream = type === TYPE_STREAM;
    const low = bytes.readUInt32LE(at + 120);
    const high = header.majorVersion === 4 ? bytes.readUInt32LE(at + 124) : 0;
    const entry = new Entry(
      bytes,
      at,
      length,
      id,
      name,
      type === TYPE_ROOT ? 'root' : type === TYPE_STORAGE ? 'storage' : 'stream',
      // The root's start and size locate the mini stream; a storage's are ignored.
      isStream || type === TYPE_ROOT ? bytes.readUInt32LE(at + 116) : ENDOFCHAIN,
      isStream || type === TYPE_ROOT ? high * 0x100000000 + low : 0,
      parent,
      offset,
    );
    return {
      entry,
      left: bytes.readUInt32LE(at + 68),
      right: bytes.readUInt32LE(at + 72),
      child: type === TYPE_STREAM ? NOSTREAM : bytes.readUInt32LE(at + 76),
    };
  };

  const rootRecord = record(0);
  const rootType = rootRecord.bytes[rootRecord.at + 66];
  if (rootType !== TYPE_ROOT)
    fail(`the first directory entry has type ${rootType}, not the root storage (5)`, 'directory', rootRecord.offset + 66);
  const rootMade = makeEntry(0, -1);
  const entries = new Map<number, DirectoryEntry>([[0, rootMade.entry]]);
  const reached = new Uint8Array(entryCount);
  reached[0] = 1;
  // Iterative walk: sibling trees written by some tools are linked lists
  // thousands deep.
  const pending: Array<{ id: number; parent: number; from: number }> = [];
  if (rootMade.child !== NOSTREAM) pending.push({ id: rootMade.child, parent: 0, from: rootMade.entry.offset + 76 });
  while (pending.length > 0) {
    const { id, parent, from } = pending.pop()!;
    if (id >= entryCount) fail(`directory link points to entry ${id}, but the directory has ${entryCount} entries`, 'directory', from);
    if (reached[id]) fail(`directory entry ${id} is linked more than once (the directory tree has a cycle)`, 'directory', from);
    reached[id] = 1;
    const { bytes, at, offset } = record(id);
    const type = bytes[at + 66];
    if (type !== TYPE_STORAGE && type !== TYPE_STREAM) {
      const what = type === TYPE_UNALLOCATED ? 'unallocated (type 0)' : `of type ${type}`;
      fail(`directory entry ${id} is linked into the tree but is ${what} (expected storage 1 or stream 2)`, 'directory', offset + 66);
    }
    const made = makeEntry(id, parent);
    entries.set(id, made.entry);
    entries.get(parent)!.children.push(id);
    if (made.left !== NOSTREAM) pending.push({ id: made.left, parent, from: offset + 68 });
    if (made.right !== NOSTREAM) pending.push({ id: made.right, parent, from: offset + 72 });
    if (made.child !== NOSTREAM) pending.push({ id: made.child, parent: id, from: offset + 76 });
  }
  for (const entry of entries.values()) entry.children.sort((a, b) => a - b);
  return { root: rootMade.entry, entries, entryCount, sectors };
}
