// Reading stream contents: where a stream's bytes are (its FAT or mini FAT
// chain, followed only as far as its size needs), then the bytes, whole or
// in chunks.
//
// Every stream is judged when it is read, not at open: a stream whose chain
// is broken, or that runs past the end of the file (a truncated download
// whose last stream is an embedded cabinet), fails only its own read, with
// an MsiFormatError naming it. Nothing is allocated before the chain has
// been followed and the sizes checked against the file.

import type { Allocation } from './alloc';
import type { MiniAllocation } from './minialloc';
import type { DirectoryEntry } from './directory';
import { FileSource, type ByteSource } from './source';
import { runSync, type Reader } from './reads';
import { MINI_STREAM_CUTOFF, fail, sectorPosition, type Header } from './header';
import { decodeStreamName } from '../stream-names';

export interface StreamLayout {
  readonly header: Header;
  readonly alloc: Allocation;
  readonly mini: MiniAllocation;
}

/** How messages name a stream: decoded name and directory entry. */
export function describeStream(entry: DirectoryEntry): string {
  return `stream ${JSON.stringify(decodeStreamName(entry.name).name)} (directory entry ${entry.id})`;
}

/** The message for a stream the end of the file cuts off. */
export function truncatedMessage(entry: DirectoryEntry, held: number): string {
  return `stream ${JSON.stringify(decodeStreamName(entry.name).name)} declares ${entry.size} bytes but only ${held} could be read (file truncated?)`;
}

/**
 * [position, length] runs of the file that hold a stream's bytes, in
 * order, consecutive sectors merged. Checks the chain and that the file
 * holds every byte; throws MsiFormatError otherwise. Yields reads for the
 * FAT sectors the chain needs that were not read yet.
 */
export function* readStreamSegments(layout: StreamLayout, entry: DirectoryEntry): Reader<Array<[number, number]>> {
  const { header, alloc, mini } = layout;
  const what = describeStream(entry);
  const size = entry.size;
  if (size === 0) return [];
  if (size > header.fileSize) {
    fail(`${what} declares ${size} bytes, more than the whole file (${header.fileSize})`, 'directory', entry.offset + 120);
  }
  let segments: Array<[number, number]>;
  if (size < MINI_STREAM_CUTOFF) {
    segments = mini.segments(entry, what);
  } else {
    const { sectorSize } = header;
    const needed = Math.ceil(size / sectorSize);
    const sectors = yield* alloc.follow(entry.startSector, {
      what,
      where: 'FAT',
      needed,
      startOffset: entry.offset + 116,
      short: (n) => `${what} declares ${size} bytes but its sector chain holds only ${n * sectorSize}`,
    });
    segments = [];
    let remaining = size;
    for (const sector of sectors) {
      const position = sectorPosition(header, sector);
      const take = Math.min(sectorSize, remaining);
      const last = segments[segments.length - 1];
      if (last && last[0] + last[1] === position) last[1] += take;
      else segments.push([position, take]);
      remaining -= take;
    }
  }
  let held = 0;
  for (const [position, length] of segments) {
    if (position + length > header.fileSize) {
      held += Math.max(0, header.fileSize - position);
      fail(truncatedMessage(entry, held), 'stream', entry.offset + 120);
    }
    held += length;
  }
  return segments;
}

/** `readStreamSegments` with FAT sectors read synchronously from the allocation's source. */
export function streamSegments(layout: StreamLayout, entry: DirectoryEntry): Array<[number, number]> {
  const source = layout.alloc.source;
  if (!source) throw new Error('streamSegments: the allocation has no source');
  return runSync(readStreamSegments(layout, entry), source);
}

/**
 * The whole stream: a view of the source when it is in memory and stored in
 * one run, otherwise one buffer of exactly the stream's size.
 */
export function readSegments(source: ByteSource, segments: ReadonlyArray<readonly [number, number]>, entry: DirectoryEntry): Buffer {
  if (segments.length === 0) return Buffer.alloc(0);
  return source.hold(() => {
    if (segments.length === 1 && source.inMemory) return checked(source.read(segments[0][0], segments[0][1]), segments[0][1], entry);
    const out = Buffer.allocUnsafe(entry.size);
    let filled = 0;
    for (const [position, length] of segments) {
      // A file is read straight into the stream's buffer, not copied there.
      if (source instanceof FileSource) {
        if (source.readInto(position, out, filled, length) !== length) truncated(entry);
      } else {
        checked(source.read(position, length), length, entry).copy(out, filled);
      }
      filled += length;
    }
    return out;
  });
}

/** Feeds a stream to `sink` in chunks of at most `chunkSize` bytes (each valid only during the call). */
export function chunkSegments(
  source: ByteSource,
  segments: ReadonlyArray<readonly [number, number]>,
  entry: DirectoryEntry,
  sink: (chunk: Buffer) => void,
  chunkSize = 1 << 20,
): void {
  source.hold(() => {
    for (const [position, length] of segments) {
      for (let done = 0; done < length; done += chunkSize) {
        const n = Math.min(chunkSize, length - done);
        sink(checked(source.read(position + done, n), n, entry));
      }
    }
  });
}

function checked(bytes: Buffer, length: number, entry: DirectoryEntry): Buffer {
  if (bytes.length !== length) truncated(entry);
  return bytes;
}

/** Throws the MsiFormatError of a stream whose file ended while it was read. */
export function truncated(entry: DirectoryEntry): never {
  fail(`${describeStream(entry)}: the file ended while reading it (file truncated?)`, 'stream', entry.offset + 120);
}
