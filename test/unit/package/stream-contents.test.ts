// Stream contents are read from the file in place along the checked sector
// chains: a view of the caller's bytes when a stream's sectors follow each
// other, one copy of the stream otherwise. Checked here against an
// independent walk of the chains (test/support/cfb-layout.ts).

import * as CFB from 'cfb';
import * as fs from 'node:fs';
import { decodeStreamName, openCompoundFile, readPackage, type DirectoryEntry } from '../../../lib/package';
import { MsiFormatError } from '../../../lib/errors';
import { buildPatchFixture, buildSignedFixtures, buildSmallMsi } from '../../support/package-fixture-set';
import { layoutOf, plainCompoundFile, reversedChainFile, type Layout, type RawEntry } from '../../support/cfb-layout';

jest.setTimeout(60_000);

let small: Buffer;

beforeAll(async () => {
  small = fs.readFileSync(await buildSmallMsi());
});

function streamsOf(layout: Layout): RawEntry[] {
  return layout.entries.filter((e) => e.type === 2);
}

/** Every stream of the root storage, through the package API. */
function readAll(bytes: Buffer): Map<string, Buffer> {
  const pkg = readPackage(bytes);
  const out = new Map<string, Buffer>();
  for (const s of pkg.streams) out.set(s.storedName, pkg.readStream(s.name));
  for (const s of pkg.tableStreams) out.set(s.storedName, pkg.readTableStream(s.name) ?? Buffer.alloc(0));
  return out;
}

function isContiguous(layout: Layout, e: RawEntry): boolean {
  const segments = layout.streamSegments(e);
  return segments.every(([at], i) => i === 0 || at === segments[i - 1][0] + segments[i - 1][1]);
}

test('every stream reads what its sector chain holds, FAT and mini streams alike', () => {
  const layout = layoutOf(small);
  const read = readAll(small);
  const streams = streamsOf(layout);
  expect(streams.some((e) => e.size >= 4096)).toBe(true);
  expect(streams.some((e) => e.size < 4096 && e.size > 64)).toBe(true);
  for (const e of streams)
    expect([decodeStreamName(e.name).name, read.get(e.name)]).toEqual([decodeStreamName(e.name).name, layout.readStream(e)]);
});

test('a stream stored in consecutive sectors is a view of the bytes passed in, not a copy', () => {
  const layout = layoutOf(small);
  const contiguous = streamsOf(layout).filter((e) => e.size >= 4096 && isContiguous(layout, e));
  expect(contiguous.length).toBeGreaterThan(0);
  const read = readAll(layout.buf);
  for (const e of contiguous) {
    const data = read.get(e.name)!;
    expect(data.buffer).toBe(layout.buf.buffer);
    expect(data.byteOffset).toBe(layout.streamSegments(e)[0][0] + layout.buf.byteOffset);
  }
});

test('a stream whose sectors are out of order reads the same, from one copy', () => {
  const original = layoutOf(small);
  const stream = original.fatStream();
  const expected = original.readStream(stream);
  const moved = layoutOf(small).swapFirstTwoSectors(stream);
  expect(isContiguous(moved, moved.entry(stream.name))).toBe(false);
  const data = readAll(moved.buf).get(stream.name)!;
  expect(data.equals(expected)).toBe(true);
  expect(data.buffer).not.toBe(moved.buf.buffer);
});

test('a chain that runs backwards through the file reads in chain order', () => {
  const file = reversedChainFile(20);
  const compound = openCompoundFile(file);
  const big = compound.childrenOf(compound.root).find((e) => e.name === 'Big')!;
  const data = compound.streamData(big);
  expect(data.length).toBe(20 * 512);
  // Sector s is filled with s & 0xff; the chain runs from the last sector (21) to the first (2).
  for (let i = 0; i < 20; i++) expect(data[i * 512]).toBe(21 - i);
});

test('a FAT stream cut off by the end of the file is a format error when read, naming the stream', () => {
  // The chain starts at the file's last sector, which the cut leaves 412 bytes of.
  const file = reversedChainFile(20);
  const compound = openCompoundFile(file.subarray(0, file.length - 100));
  const big = compound.childrenOf(compound.root).find((e) => e.name === 'Big')!;
  let error: unknown;
  try {
    compound.streamData(big);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MsiFormatError);
  expect((error as MsiFormatError).message).toContain('stream "Big" declares 10240 bytes but only 412 could be read (file truncated?)');
  expect((error as MsiFormatError).where).toBe('stream');
});

test('a small stream cut off by the end of the file is a format error when read; the others still read', () => {
  const file = plainCompoundFile({ A: Buffer.alloc(5000, 1), B: Buffer.alloc(100, 2), C: Buffer.alloc(30, 3) });
  const layout = layoutOf(file);
  const miniStreamStart = layout.sectorOffset(layout.entries[0].start);
  // Keep the first two mini sectors (64 bytes each) of the mini stream, and half of the third.
  const cut = miniStreamStart + 160;
  const compound = openCompoundFile(file.subarray(0, cut));
  let failed = 0;
  for (const entry of compound.childrenOf(compound.root)) {
    const e = layout.entry(entry.name);
    const inside = layout.streamSegments(e).every(([at, length]) => at + length <= cut);
    if (inside) {
      expect(compound.streamData(entry).equals(layout.readStream(e))).toBe(true);
    } else {
      failed++;
      expect(() => compound.streamData(entry)).toThrow(MsiFormatError);
      expect(() => compound.streamData(entry)).toThrow(/could be read \(file truncated\?\)/);
    }
  }
  expect(failed).toBeGreaterThan(0);
});

/** Every stream in every storage, keyed by full path, as a maintained CFB library reads it. */
function cfbStreams(bytes: Buffer): Map<string, Buffer> {
  const container = CFB.parse(bytes, { type: 'buffer' } as CFB.CFB$ParsingOptions);
  const out = new Map<string, Buffer>();
  container.FileIndex.forEach((entry, i) => {
    if (entry.type === 2) out.set(container.FullPaths[i]?.replace(/^[^/]*\//, '') ?? '', Buffer.from(entry.content as Uint8Array));
  });
  return out;
}

/** The same through msi-lua's container layer. */
function ourStreams(bytes: Buffer): Map<string, Buffer> {
  const compound = openCompoundFile(bytes);
  const out = new Map<string, Buffer>();
  const walk = (entry: DirectoryEntry, prefix: string) => {
    for (const child of compound.childrenOf(entry)) {
      if (child.type === 'storage') walk(child, `${prefix}${child.name}/`);
      else if (child.type === 'stream') out.set(`${prefix}${child.name}`, Buffer.from(compound.streamData(child)));
    }
  };
  walk(compound.root, '');
  return out;
}

test('every stream of every storage reads byte for byte what SheetJS cfb reads (plain, signed, patch with transforms)', async () => {
  const signed = await buildSignedFixtures(await buildSmallMsi());
  const files = [small, fs.readFileSync(signed.signed), fs.readFileSync(await buildPatchFixture())];
  for (const bytes of files) {
    const ours = ourStreams(bytes);
    const theirs = cfbStreams(bytes);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [name, data] of theirs) expect(ours.get(name)?.equals(data)).toBe(true);
    expect(ours.size).toBeGreaterThan(5);
  }
});
