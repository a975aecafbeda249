// Test-only tools to damage compound files in precise ways: read the header,
// FAT, mini FAT and directory of a (valid) file, and locate the bytes to
// change. Written from MS-CFB independently of the reader under test.

import * as CFB from 'cfb';

export const ENDOFCHAIN = 0xfffffffe;
export const FREESECT = 0xffffffff;
export const FATSECT = 0xfffffffd;
export const NOSTREAM = 0xffffffff;

export const ENTRY = { nameLength: 64, type: 66, left: 68, right: 72, child: 76, clsid: 80, start: 116, size: 120 } as const;

export interface RawEntry {
  id: number;
  offset: number;
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

export class Layout {
  readonly buf: Buffer;
  readonly sectorSize: number;
  readonly fatSectors: number[] = [];
  readonly directoryStart: number;
  readonly miniFatStart: number;
  readonly entries: RawEntry[] = [];

  constructor(buf: Buffer) {
    this.buf = buf;
    this.sectorSize = 1 << buf.readUInt16LE(30);
    for (let i = 0; i < 109; i++) {
      const v = buf.readUInt32LE(76 + i * 4);
      if (v === FREESECT) break;
      this.fatSectors.push(v);
    }
    if (buf.readUInt32LE(72) !== 0) throw new Error('Layout: files with DIFAT sectors are not needed by the tests');
    this.directoryStart = buf.readUInt32LE(48);
    this.miniFatStart = buf.readUInt32LE(60);
    let id = 0;
    for (const sector of this.chain(this.directoryStart)) {
      for (let i = 0; i < this.sectorSize / 128; i++, id++) {
        const offset = this.sectorOffset(sector) + i * 128;
        const nameLength = buf.readUInt16LE(offset + ENTRY.nameLength);
        this.entries.push({
          id,
          offset,
          name: buf.toString('utf16le', offset, offset + Math.max(0, nameLength - 2)),
          type: buf[offset + ENTRY.type],
          left: buf.readUInt32LE(offset + ENTRY.left),
          right: buf.readUInt32LE(offset + ENTRY.right),
          child: buf.readUInt32LE(offset + ENTRY.child),
          start: buf.readUInt32LE(offset + ENTRY.start),
          size: buf.readUInt32LE(offset + ENTRY.size),
        });
      }
    }
  }

  get sectorCount(): number {
    return Math.ceil(this.buf.length / this.sectorSize) - 1;
  }

  sectorOffset(sector: number): number {
    return (sector + 1) * this.sectorSize;
  }

  fatEntryOffset(sector: number): number {
    const per = this.sectorSize / 4;
    return this.sectorOffset(this.fatSectors[Math.floor(sector / per)]) + (sector % per) * 4;
  }

  next(sector: number): number {
    return this.buf.readUInt32LE(this.fatEntryOffset(sector));
  }

  chain(start: number): number[] {
    const out: number[] = [];
    for (let s = start; s !== ENDOFCHAIN; s = this.next(s)) {
      out.push(s);
      if (out.length > this.sectorCount) throw new Error('Layout: cyclic chain in the input');
    }
    return out;
  }

  miniFatEntryOffset(mini: number): number {
    const per = this.sectorSize / 4;
    const sectors = this.chain(this.miniFatStart);
    return this.sectorOffset(sectors[Math.floor(mini / per)]) + (mini % per) * 4;
  }

  /** Entry by its name as stored (MSI-encoded for table streams). */
  entry(storedName: string): RawEntry {
    const found = this.entries.find((e) => e.type !== 0 && e.name === storedName);
    if (!found) throw new Error(`Layout: no entry ${JSON.stringify(storedName)}`);
    return found;
  }

  /** A stream stored in FAT sectors (4096 bytes or more), smallest first. */
  fatStream(minSectors = 3): RawEntry {
    const found = this.entries
      .filter((e) => e.type === 2 && e.size >= 4096 && Math.ceil(e.size / this.sectorSize) >= minSectors)
      .sort((a, b) => a.size - b.size)[0];
    if (!found) throw new Error('Layout: no FAT stream');
    return found;
  }

  /** A stream stored in the mini stream of at least `minMiniSectors` mini sectors. */
  miniStream(minMiniSectors = 2): RawEntry {
    const found = this.entries.find((e) => e.type === 2 && e.size > 64 * (minMiniSectors - 1) && e.size < 4096);
    if (!found) throw new Error('Layout: no mini stream');
    return found;
  }

  /** Where the bytes of a stream are in the file: [offset, length] runs in stream order. */
  streamSegments(e: RawEntry): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let remaining = e.size;
    if (e.size >= 4096) {
      for (const sector of this.chain(e.start)) {
        if (remaining <= 0) break;
        const length = Math.min(this.sectorSize, remaining);
        out.push([this.sectorOffset(sector), length]);
        remaining -= length;
      }
      return out;
    }
    const miniStream = this.chain(this.entries[0].start);
    for (let mini = e.start; remaining > 0; mini = this.buf.readUInt32LE(this.miniFatEntryOffset(mini))) {
      const byte = mini * 64;
      const length = Math.min(64, remaining);
      out.push([this.sectorOffset(miniStream[Math.floor(byte / this.sectorSize)]) + (byte % this.sectorSize), length]);
      remaining -= length;
    }
    return out;
  }

  readStream(e: RawEntry): Buffer {
    return Buffer.concat(this.streamSegments(e).map(([at, length]) => this.buf.subarray(at, at + length)));
  }

  /** Overwrites a stream's content in place (same length). */
  writeStream(e: RawEntry, data: Buffer): this {
    if (data.length !== e.size) throw new Error(`writeStream: ${data.length} bytes for a ${e.size}-byte stream`);
    let from = 0;
    for (const [at, length] of this.streamSegments(e)) {
      data.copy(this.buf, at, from, from + length);
      from += length;
    }
    return this;
  }

  /**
   * Moves a FAT stream's first two sectors past each other: contents swapped
   * and the chain relinked, so the stream reads the same from a new layout.
   */
  swapFirstTwoSectors(e: RawEntry): this {
    const [first, second] = this.chain(e.start);
    const third = this.next(second);
    const a = Buffer.from(this.buf.subarray(this.sectorOffset(first), this.sectorOffset(first) + this.sectorSize));
    this.buf.copy(this.buf, this.sectorOffset(first), this.sectorOffset(second), this.sectorOffset(second) + this.sectorSize);
    a.copy(this.buf, this.sectorOffset(second));
    this.setU32(e.offset + ENTRY.start, second);
    this.setU32(this.fatEntryOffset(second), first);
    this.setU32(this.fatEntryOffset(first), third);
    return this;
  }

  setU32(offset: number, value: number): this {
    this.buf.writeUInt32LE(value >>> 0, offset);
    return this;
  }
}

/** A copy of the bytes, ready to be damaged. */
export function layoutOf(bytes: Buffer): Layout {
  return new Layout(Buffer.from(bytes));
}

/**
 * Rewrites a compound file with cfb, letting `change` replace stream
 * contents by stored name (return undefined to keep, null to drop).
 */
export function rewrap(bytes: Buffer, change: (storedName: string, content: Buffer) => Buffer | null | undefined): Buffer {
  const source = CFB.read(bytes, { type: 'buffer' });
  const out = CFB.utils.cfb_new({ root: 'Root Entry' });
  source.FullPaths.forEach((fullPath, i) => {
    const entry = source.FileIndex[i];
    if (entry.type !== 2) return;
    const relative = fullPath.slice(fullPath.indexOf('/'));
    const content = Buffer.from((entry.content ?? []) as Uint8Array);
    const replaced = change(entry.name, content);
    if (replaced === null) return;
    CFB.utils.cfb_add(out, relative, replaced ?? content);
  });
  CFB.utils.cfb_gc(out);
  out.FileIndex[0].clsid = source.FileIndex[0].clsid;
  return CFB.write(out, { type: 'buffer' }) as Buffer;
}

/** A compound file holding only the given streams (no MSI database). */
export function plainCompoundFile(streams: Record<string, Buffer>): Buffer {
  const out = CFB.utils.cfb_new({ root: 'Root Entry' });
  for (const [name, content] of Object.entries(streams)) CFB.utils.cfb_add(out, `/${name}`, content);
  return CFB.write(out, { type: 'buffer' }) as Buffer;
}

/**
 * A valid version 3 compound file with one stream of `sectors` sectors
 * whose chain runs backwards through the file (last sector first).
 * Legal, but a reader that copies every chain suffix goes quadratic on it.
 */
export function reversedChainFile(sectors: number): Buffer {
  const sectorSize = 512;
  const perFat = sectorSize / 4;
  let fatCount = 1;
  while (fatCount * perFat < fatCount + 1 + sectors) fatCount++;
  const total = fatCount + 1 + sectors;
  const buf = Buffer.alloc((total + 1) * sectorSize);
  const at = (s: number) => (s + 1) * sectorSize;
  // Header.
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(buf, 0);
  buf.writeUInt16LE(0x3e, 24);
  buf.writeUInt16LE(3, 26);
  buf.writeUInt16LE(0xfffe, 28);
  buf.writeUInt16LE(9, 30);
  buf.writeUInt16LE(6, 32);
  buf.writeUInt32LE(fatCount, 44);
  const directory = fatCount;
  buf.writeUInt32LE(directory, 48);
  buf.writeUInt32LE(4096, 56);
  buf.writeUInt32LE(ENDOFCHAIN, 60);
  buf.writeUInt32LE(0, 64);
  buf.writeUInt32LE(ENDOFCHAIN, 68);
  buf.writeUInt32LE(0, 72);
  for (let i = 0; i < 109; i++) buf.writeUInt32LE(i < fatCount ? i : FREESECT, 76 + i * 4);
  // FAT.
  const fat = (s: number, v: number) => buf.writeUInt32LE(v >>> 0, at(Math.floor(s / perFat)) + (s % perFat) * 4);
  for (let s = 0; s < fatCount * perFat; s++) fat(s, FREESECT);
  for (let s = 0; s < fatCount; s++) fat(s, FATSECT);
  fat(directory, ENDOFCHAIN);
  const first = directory + 1;
  const last = directory + sectors;
  for (let s = last; s > first; s--) fat(s, s - 1);
  fat(first, ENDOFCHAIN);
  // Directory: root, one stream, two free entries.
  const entry = (id: number, name: string, type: number, child: number, start: number, size: number) => {
    const o = at(directory) + id * 128;
    buf.write(name + '\0', o, 'utf16le');
    buf.writeUInt16LE((name.length + 1) * 2, o + ENTRY.nameLength);
    buf[o + ENTRY.type] = type;
    buf[o + 67] = 1;
    buf.writeUInt32LE(NOSTREAM, o + ENTRY.left);
    buf.writeUInt32LE(NOSTREAM, o + ENTRY.right);
    buf.writeUInt32LE(child >>> 0, o + ENTRY.child);
    buf.writeUInt32LE(start >>> 0, o + ENTRY.start);
    buf.writeUInt32LE(size, o + ENTRY.size);
  };
  entry(0, 'Root Entry', 5, 1, ENDOFCHAIN, 0);
  entry(1, 'Big', 2, NOSTREAM, last, sectors * sectorSize);
  for (const id of [2, 3]) {
    const o = at(directory) + id * 128;
    buf.writeUInt32LE(NOSTREAM, o + ENTRY.left);
    buf.writeUInt32LE(NOSTREAM, o + ENTRY.right);
    buf.writeUInt32LE(NOSTREAM, o + ENTRY.child);
  }
  for (let s = first; s <= last; s++) buf.fill(s & 0xff, at(s), at(s) + sectorSize);
  return buf;
}
