// Compound File (MS-CFB) layer of the package reader.
//
// Built one structure at a time, each in its own module under cfb/ with its
// own checks: header.ts (the header), alloc.ts (DIFAT and FAT, following
// chains), minialloc.ts (mini FAT and mini stream), directory.ts (the
// directory tree) and stream.ts (stream contents). Bytes come through a
// ByteSource (cfb/source.ts): memory for `readPackage(bytes)`, positional
// reads of a file for a package opened from a path, through the same code.
//
// What is refused is what makes reading impossible or unbounded: loops,
// links outside the file, sizes beyond the file, a directory that is not a
// tree. The rest is accepted as Windows' structured storage, libgsf and Wine
// accept it, and a damaged stream fails only when that stream is read. At
// open only the header, the DIFAT, the directory, the mini FAT and the FAT
// sectors their chains need are read (plus, for packages, the few streams
// the catalog needs); the rest of the FAT is read when a stream needs it.
//
// The raw directory entries read here are also what the Authenticode digest
// needs (exact UTF-16 name bytes, CLSIDs, state bits and FILETIMEs).

import * as fs from 'node:fs';
import { readAllocation, type Allocation } from './cfb/alloc';
import { readDirectory, type Directory, type DirectoryEntry, type EntryType } from './cfb/directory';
import { HEADER_SIZE, parseHeader, type Header } from './cfb/header';
import { readMiniAllocation, type MiniAllocation } from './cfb/minialloc';
import { runAsync, runSync, type Reader } from './cfb/reads';
import {
  bufferSource,
  FileSource,
  fileTypeOf,
  identityOf,
  NotRegularFileError,
  OPEN_FLAGS,
  openRefusalAsync,
  type ByteSource,
} from './cfb/source';
import { chunkSegments, readSegments, readStreamSegments, streamSegments, truncated } from './cfb/stream';
import { MsiFormatError } from '../errors/classes';
import { limiter, slice, type ReadAhead, type Step } from './scheduler';
import { assertAttached, describeValue } from '../validate';
import { argumentTypeError } from '../argument-error';

export type { DirectoryEntry, EntryType };
export { NotRegularFileError, type ByteSource };

export interface CompoundFile {
  /** Size of the file in bytes. */
  readonly byteLength: number;
  readonly majorVersion: number;
  readonly sectorSize: number;
  readonly root: DirectoryEntry;
  entry(id: number): DirectoryEntry;
  childrenOf(entry: DirectoryEntry): DirectoryEntry[];
  /**
   * Stream content: a view of the bytes when they are in memory and the
   * stream's sectors are consecutive, a buffer of the stream's size
   * otherwise. Throws MsiFormatError (naming the stream) when it cannot be
   * read in full.
   */
  streamData(entry: DirectoryEntry): Buffer;
  /**
   * Stream content in chunks of at most 1 MiB, each valid only during the
   * call: for digests, which must never hold a large stream whole.
   */
  streamChunks(entry: DirectoryEntry, sink: (chunk: Buffer) => void): void;
  /**
   * streamData without holding the event loop: the same bytes and the same
   * errors, the chain followed by the same read-request parser in slices of
   * `slice` (the shared scheduler, or a caller's wrapper of it that stops on
   * abort), a file read with node:fs callback reads.
   */
  streamDataAsync(entry: DirectoryEntry, slice: Step): Promise<Buffer>;
  /**
   * The streams among `entries` that a synchronous read would take from the file, read
   * asynchronously first into the stream cache (for the async twins' steps, see ReadAhead);
   * undefined when there are none (bytes in memory, or all read before).
   */
  streamsReadAhead(entries: readonly DirectoryEntry[]): ReadAhead | undefined;
  /** MsiFormatError once the bytes in memory it reads were detached (what it read before is gone too). */
  checkAttached(): void;
}

interface Structure {
  header: Header;
  alloc: Allocation;
  directory: Directory;
  mini: MiniAllocation;
}

function* parseStructure(fileSize: number): Reader<Structure> {
  const [first] = yield [[0, Math.min(HEADER_SIZE, fileSize)]];
  const header = parseHeader(first, fileSize);
  const alloc = yield* readAllocation(header);
  const directory = yield* readDirectory(header, alloc);
  const mini = yield* readMiniAllocation(header, alloc, directory.root);
  return { header, alloc, directory, mini };
}

class Compound implements CompoundFile {
  readonly byteLength: number;
  readonly majorVersion: number;
  readonly sectorSize: number;
  readonly root: DirectoryEntry;
  readonly source: ByteSource;
  readonly structure: Structure;
  /** Streams read ahead at open (asynchronously), by entry id. */
  readonly preloaded = new Map<number, Buffer>();

  constructor(source: ByteSource, structure: Structure) {
    this.source = source;
    this.structure = structure;
    this.byteLength = source.size;
    this.majorVersion = structure.header.majorVersion;
    this.sectorSize = structure.header.sectorSize;
    this.root = structure.directory.root;
    // FAT sectors are read on demand: later chains read them from here.
    structure.alloc.source = source;
  }

  entry(id: number): DirectoryEntry {
    const entry = this.structure.directory.entry(id);
    if (!entry) throw new RangeError(`no directory entry ${id}`);
    return entry;
  }

  childrenOf(entry: DirectoryEntry): DirectoryEntry[] {
    // Built with push, not map: map's result differs in element kind between
    // V8's tiers, and each new kind deoptimizes the callers that iterate it.
    const children: DirectoryEntry[] = [];
    for (const id of entry.children) children.push(this.entry(id));
    return children;
  }

  segments(entry: DirectoryEntry): Array<[number, number]> {
    if (entry.type !== 'stream') throw new TypeError(`${entry.name} is not a stream`);
    return streamSegments(this.structure, entry);
  }

  checkAttached(): void {
    this.source.checkAttached?.();
  }

  streamData(entry: DirectoryEntry): Buffer {
    // Before the chain: the mini FAT is a view as well, and would report a broken chain instead.
    this.checkAttached();
    const cached = this.preloaded.get(entry.id);
    if (cached) return cached;
    // One open of the file for the FAT sectors the chain needs and the stream.
    return this.source.hold(() => readSegments(this.source, this.segments(entry), entry));
  }

  streamChunks(entry: DirectoryEntry, sink: (chunk: Buffer) => void): void {
    this.checkAttached();
    const cached = this.preloaded.get(entry.id);
    if (cached) sink(cached);
    else this.source.hold(() => chunkSegments(this.source, this.segments(entry), entry, sink));
  }

  async streamDataAsync(entry: DirectoryEntry, slice: Step): Promise<Buffer> {
    this.checkAttached();
    const cached = this.preloaded.get(entry.id);
    if (cached) return cached;
    if (entry.type !== 'stream') throw new TypeError(`${entry.name} is not a stream`);
    const source = this.source;
    if (!(source instanceof FileSource)) {
      // Memory (or a caller's ByteSource): reads are views or its own; the
      // parsing between them is what is sliced.
      const read = async (position: number, length: number): Promise<Buffer> => source.hold(() => source.read(position, length));
      const segments = await runAsync(readStreamSegments(this.structure, entry), read, slice);
      return slice(() => readSegments(source, segments, entry));
    }
    return limitFileStreamReads(readFileStream, { structure: this.structure, source, entry, slice }, slice.exit);
  }

  streamsReadAhead(entries: readonly DirectoryEntry[]): ReadAhead | undefined {
    if (!(this.source instanceof FileSource)) return undefined;
    const pending = entries.filter((entry) => entry.type === 'stream' && !this.preloaded.has(entry.id));
    if (pending.length === 0) return undefined;
    return {
      readAhead: async (step) => {
        // Errors are left to the synchronous reads that follow, which meet them again and throw
        // them as the synchronous call does; an abort is seen by the next slice. Kept: the
        // streams' own sizes, which the file holds.
        await Promise.all(
          pending.map((entry) =>
            this.streamDataAsync(entry, step).then(
              (data) => {
                if (data.length === entry.size) this.preloaded.set(entry.id, data);
              },
              () => undefined,
            ),
          ),
        );
      },
    };
  }
}

/** What readFileStream reads: one stream of a package opened from a path. */
interface FileStreamRead {
  structure: Structure;
  source: FileSource;
  entry: DirectoryEntry;
  slice: <R>(fn: () => R) => Promise<R>;
}

/**
 * At most 16 streams read from files at once, each holding a descriptor:
 * `Promise.all` over many tables (of many packages) would otherwise open
 * one per call and fail with EMFILE where readTable, reading one at a time,
 * succeeds. The others wait in the order of the calls.
 */
const limitFileStreamReads = limiter(16);

async function readFileStream({ structure, source, entry, slice }: FileStreamRead): Promise<Buffer> {
  // As streamData: the file is opened and checked first, then the chain
  // is followed (FAT sectors read as needed), then the bytes are read
  // straight into one buffer of the stream's size.
  const fd = await source.openCheckedAsync();
  try {
    const readInto = (target: Buffer, offset: number, position: number, wanted: number): Promise<number> =>
      readFully(fd, target, offset, position, wanted);
    const read = async (position: number, length: number): Promise<Buffer> => {
      const start = Math.min(Math.max(0, position), source.size);
      const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, source.size - start)));
      const filled = await readInto(out, 0, start, out.length);
      return filled === out.length ? out : out.subarray(0, filled);
    };
    const segments = await runAsync(readStreamSegments(structure, entry), read, slice);
    if (segments.length === 0) return Buffer.alloc(0);
    // Allocated only now: the chain has been followed and every segment
    // checked against the file's size.
    const out = Buffer.allocUnsafe(entry.size);
    let filled = 0;
    for (const [position, length] of segments) {
      const start = Math.min(Math.max(0, position), source.size);
      const wanted = Math.max(0, Math.min(length, source.size - start));
      if ((await readInto(out, filled, start, wanted)) !== length) truncated(entry);
      filled += length;
    }
    // The last step in a slice too, so that an abort between the reads and here is seen.
    return await slice(() => out);
  } finally {
    await settle<void>((done) => fs.close(fd, done));
  }
}

/** Up to `wanted` bytes at `position` into `target` at `offset` with node:fs callback reads: the count, fewer only where the file ends. */
async function readFully(fd: number, target: Buffer, offset: number, position: number, wanted: number): Promise<number> {
  let filled = 0;
  while (filled < wanted) {
    const n = await settle<number>((done) => fs.read(fd, target, offset + filled, wanted - filled, position + filled, done));
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

function toSource(input: Uint8Array | ByteSource): ByteSource {
  if (input instanceof Uint8Array) {
    assertAttached(input, 'input');
    return bufferSource(input);
  }
  if (typeof input !== 'object' || input === null || typeof input.read !== 'function' || typeof input.size !== 'number') {
    throw argumentTypeError(`The "input" argument must be a Buffer, a Uint8Array or a ByteSource; received ${describeValue(input)}`);
  }
  return input;
}

/**
 * Opens a compound file from bytes in memory or a ByteSource: reads and
 * checks the header, DIFAT, directory and mini FAT, and the FAT sectors
 * their chains need, nothing else (the rest of the FAT is read when a
 * stream's chain needs it).
 * Throws MsiFormatError naming the structure and byte offset.
 */
export function openCompoundFile(input: Uint8Array | ByteSource): CompoundFile {
  const source = toSource(input);
  return new Compound(source, runSync(parseStructure(source.size), source));
}

/**
 * Opens a compound file from a path with synchronous positional reads
 * (only regular files; see cfb/source.ts for the file's lifetime).
 */
export function openCompoundFileSync(path: string): CompoundFile {
  return openCompoundFile(FileSource.open(path));
}

/**
 * Bytes read in one request when a file is opened asynchronously (bounded by
 * the file's size): the header and, in most packages, the FAT, directory and
 * catalog streams behind it. Over the 96 packages of the shared corpus, an
 * open made a median of 14 node:fs reads without it and 1 with it (1,334
 * reads in all, 270 with it); each read costs a thread-pool job and a
 * callback on the event loop (docs/package-reader.md, "The event loop").
 */
export const READ_AHEAD = 32 * 1024;

/**
 * Opens a compound file from a path without holding the event loop: the
 * first READ_AHEAD bytes (or the whole file, if smaller) are read with one
 * node:fs callback read, the structures past them with more such reads, and
 * they are parsed in slices of the shared scheduler; the streams `preload`
 * picks (by entry) are read ahead the same way. Later reads are synchronous
 * positional reads (FileSource).
 * Rejects with NotRegularFileError for anything but a regular file (a FIFO
 * is opened non-blocking and refused without reading), with the file
 * system's error when the path cannot be opened, and MsiFormatError for a
 * damaged file.
 */
export async function openCompoundFileAsync(
  path: string,
  preload: (cf: CompoundFile) => DirectoryEntry[] = () => [],
  step: Step = slice,
): Promise<CompoundFile> {
  let fd: number;
  try {
    fd = await settle<number>((done) => fs.open(path, OPEN_FLAGS, done));
  } catch (error) {
    throw await openRefusalAsync(path, error);
  }
  try {
    const stats = await settle<fs.Stats>((done) => fs.fstat(fd, done));
    if (!stats.isFile()) throw new NotRegularFileError(path, fileTypeOf(stats));
    const identity = identityOf(stats);
    const size = identity.size;
    const readAt = async (position: number, wanted: number): Promise<Buffer> => {
      const out = Buffer.allocUnsafe(wanted);
      let filled = 0;
      while (filled < wanted) {
        const bytesRead = await settle<number>((done) => fs.read(fd, out, filled, wanted - filled, position + filled, done));
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === wanted ? out : out.subarray(0, filled);
    };
    // One read for the start of the file, then requests inside it are
    // served from memory; requests past it are read as they come.
    const ahead = await readAt(0, Math.min(size, READ_AHEAD));
    const read = async (position: number, length: number): Promise<Buffer> => {
      const wanted = Math.max(0, Math.min(length, size - position));
      // A copy: parsed structures and preloaded streams outlive the open,
      // and a view would keep all of `ahead` alive with them.
      if (position + wanted <= ahead.length) return Buffer.from(ahead.subarray(position, position + wanted));
      return readAt(position, wanted);
    };
    const structure = await runAsync(parseStructure(size), read, step);
    const compound = new Compound(new FileSource(path, identity), structure);
    for (const entry of preload(compound)) {
      let segments: Array<[number, number]>;
      try {
        if (entry.type !== 'stream') continue;
        segments = await runAsync(readStreamSegments(structure, entry), read, step);
      } catch (error) {
        // A damaged chain is reported when the stream is read; a failed
        // read fails the open, as it does for the structures and the
        // stream's own bytes.
        if (error instanceof MsiFormatError) continue;
        throw error;
      }
      const parts: Buffer[] = [];
      for (const [position, length] of segments) parts.push(await read(position, length));
      const data = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      if (data.length === entry.size) compound.preloaded.set(entry.id, data);
    }
    return compound;
  } finally {
    await settle<void>((done) => fs.close(fd, done));
  }
}

/**
 * Opens a compound file from bytes in memory without holding the event
 * loop: the structures are parsed in slices of the shared scheduler, as for
 * a path (openCompoundFile does the same in one piece). Reads are views of
 * `data`, which must not change while the file is in use. Rejects with
 * MsiFormatError naming the structure and byte offset.
 */
export async function openCompoundFileInSlices(data: Uint8Array, step: Step = slice): Promise<CompoundFile> {
  const source = bufferSource(data);
  const structure = await runAsync(parseStructure(source.size), async (position, length) => source.read(position, length), step);
  return new Compound(source, structure);
}

/**
 * The callback form of a node:fs call as a promise. The callback API, not
 * fs/promises' FileHandle: loading fs/promises (and what it pulls in) costs
 * a command-line run more than the few reads of an open.
 */
function settle<T>(call: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value as T))));
}

/** What `inspectStructure` found: the structures, with every stream of the tree checked. */
export interface Inspection {
  majorVersion: number;
  layout: { sectorSize: number; sectorCount: number; fatSectors: readonly number[]; fileLength: number };
  entries: ReadonlyMap<number, DirectoryEntry>;
  root: DirectoryEntry;
}

/**
 * Checks a compound file in full without reading stream contents: the
 * structures as `openCompoundFile` does, then every stream's chain and
 * extent. Throws the first MsiFormatError. For tests and tools; opening a
 * package does not need it (a damaged stream fails only its own read).
 */
export function inspectStructure(input: Uint8Array | ByteSource): Inspection {
  const compound = openCompoundFile(input) as Compound;
  const { header, alloc, directory } = compound.structure;
  for (const entry of directory.entries.values()) if (entry.type === 'stream') compound.segments(entry);
  return {
    majorVersion: header.majorVersion,
    layout: {
      sectorSize: header.sectorSize,
      sectorCount: header.sectorCount,
      fatSectors: Array.from(alloc.fatSectors),
      fileLength: header.fileSize,
    },
    entries: directory.entries,
    root: directory.root,
  };
}
