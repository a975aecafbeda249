// The FAT is read on demand: opening a package with a 400 MiB cabinet reads
// the FAT sectors its directory, mini FAT and mini stream need, not the
// 3.2 MB of FAT that covers the cabinet; reading the cabinet reads the rest,
// once. Counted through the reads a source serves, never timed.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lib from '../../../../lib/package';
import { buildSmallMsi } from '../../../support/package-fixture-set';
import { buildLargeMsi } from '../../../support/package-fixtures';
import { formatErrorOf } from '../../../support/cfb-helpers';
import { scratchDir } from '../../../support/scratch';
import { READ_AHEAD } from '../../../../lib/package/compound';

const { writeSparsePackage } = require('../../../../bench/support/sparse-cfb.js') as {
  writeSparsePackage(options: {
    lib: typeof lib;
    source: Buffer;
    output: string;
    extra?: Array<{ name: string; size: number }>;
    sectorShift?: number;
  }): { fileSize: number; sectorSize: number; fatSectors: number; difatSectors: number };
};

jest.setTimeout(120_000);

const CABINET = 400 * 1048576;
const dir = scratchDir('on-demand');

let source: Buffer;
let big: string;
let written: { fileSize: number; sectorSize: number; fatSectors: number; difatSectors: number };

beforeAll(async () => {
  source = fs.readFileSync(await buildSmallMsi());
  big = path.join(dir, 'big.msi');
  written = writeSparsePackage({ lib, source, output: big, extra: [{ name: 'BigCabinet.cab', size: CABINET }] });
});

/** A ByteSource over a file that records every read it serves. */
function countingSource(file: string): lib.ByteSource & { reads: Array<[number, number]>; bytes(): number; close(): void } {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const reads: Array<[number, number]> = [];
  return {
    size,
    inMemory: false,
    reads,
    read(position: number, length: number): Buffer {
      const wanted = Math.max(0, Math.min(length, size - position));
      const out = Buffer.alloc(wanted);
      const n = wanted > 0 ? fs.readSync(fd, out, 0, wanted, position) : 0;
      reads.push([position, n]);
      return out.subarray(0, n);
    },
    hold: <T>(fn: () => T): T => fn(),
    bytes: () => reads.reduce((sum, [, n]) => sum + n, 0),
    close: () => fs.closeSync(fd),
  };
}

test('opening a package with a 400 MiB cabinet reads a few KiB of its 3.2 MB FAT', () => {
  const fatBytes = written.fatSectors * written.sectorSize;
  expect(written.sectorSize).toBe(512);
  expect(fatBytes).toBeGreaterThan(3_000_000);
  const counted = countingSource(big);
  try {
    const compound = lib.openCompoundFile(counted);
    const names = compound.childrenOf(compound.root).map((e) => e.name);
    expect(names).toContain('BigCabinet.cab');
    // Header, DIFAT (50 sectors: 25 KiB), directory, mini FAT, mini stream
    // and the FAT sectors their chains need.
    const difatBytes = written.difatSectors * written.sectorSize;
    expect(counted.bytes()).toBeLessThan(difatBytes + 32 * 1024);
    expect(counted.bytes()).toBeLessThan(fatBytes / 50);

    // Every stream of the source reads as from the source, still without the cabinet's FAT.
    const original = lib.openCompoundFile(source);
    for (const entry of original.childrenOf(original.root)) {
      if (entry.type !== 'stream') continue;
      const mine = compound.childrenOf(compound.root).find((e) => e.name === entry.name)!;
      expect(compound.streamData(mine).equals(original.streamData(entry))).toBe(true);
    }
    expect(counted.bytes()).toBeLessThan(difatBytes + source.length + 32 * 1024);
  } finally {
    counted.close();
  }
});

test('reading a cabinet reads its FAT sectors once; a second read reads only the stream', () => {
  const size = 64 * 1048576;
  const file = path.join(dir, 'cabinet64.msi');
  const info = writeSparsePackage({ lib, source, output: file, extra: [{ name: 'BigCabinet.cab', size }] });
  const counted = countingSource(file);
  try {
    const compound = lib.openCompoundFile(counted);
    const cabinet = compound.childrenOf(compound.root).find((e) => e.name === 'BigCabinet.cab')!;
    const atOpen = counted.bytes();
    let streamed = 0;
    compound.streamChunks(cabinet, (chunk) => (streamed += chunk.length));
    expect(streamed).toBe(size);
    const fatRead = counted.bytes() - atOpen - size;
    // The cabinet spans 131,072 sectors: 1,024 FAT sectors of 512 bytes,
    // less the few read ahead at open with those covering the directory.
    const cabinetFat = (size / 512 / 128) * 512;
    expect(fatRead).toBeGreaterThanOrEqual(cabinetFat - 16 * 512);
    expect(fatRead).toBeLessThanOrEqual(info.fatSectors * 512);
    const fatReads = counted.reads.length - size / (1 << 20);
    // In reads that grow to 1 MiB, not one per FAT sector.
    expect(fatReads).toBeLessThan(40);
    const before = counted.reads.length;
    const again = counted.bytes();
    compound.streamChunks(cabinet, () => undefined);
    expect(counted.bytes() - again).toBe(size);
    expect(counted.reads.length - before).toBe(size / (1 << 20));
  } finally {
    counted.close();
    fs.rmSync(file);
  }
});

/**
 * Counts what the reader reads from files while `fn` runs: node:fs callback
 * reads (an asynchronous open) and synchronous positional reads (streams
 * read later), through the module object the reader uses.
 */
async function countFileReads<T>(fn: () => Promise<T>): Promise<{ result: T; reads: number; bytes: number }> {
  const nodeFs = require('node:fs') as typeof fs;
  let reads = 0;
  let bytes = 0;
  const realRead = nodeFs.read;
  const realReadSync = nodeFs.readSync;
  const readSpy = jest.spyOn(nodeFs, 'read').mockImplementation(((...args: unknown[]) => {
    const done = args[args.length - 1] as (error: Error | null, n: number, buffer: Buffer) => void;
    reads++;
    (realRead as (...a: unknown[]) => void)(...args.slice(0, -1), (error: Error | null, n: number, buffer: Buffer) => {
      if (!error) bytes += n;
      done(error, n, buffer);
    });
  }) as typeof nodeFs.read);
  const readSyncSpy = jest.spyOn(nodeFs, 'readSync').mockImplementation((...args: unknown[]) => {
    const n = (realReadSync as (...a: unknown[]) => number)(...args);
    reads++;
    bytes += n;
    return n;
  });
  try {
    const result = await fn();
    return { result, reads, bytes };
  } finally {
    readSpy.mockRestore();
    readSyncSpy.mockRestore();
  }
}

test('openPackage from a path (the CLI path) reads less than 96 KiB of a 400 MiB package', async () => {
  const { result: pkg, bytes } = await countFileReads(async () => {
    const opened = await lib.openPackage(big);
    expect(opened.exportIdt('Property').equals(lib.readPackage(source).exportIdt('Property'))).toBe(true);
    return opened;
  });
  expect(pkg.tableNames).toEqual(lib.readPackage(source).tableNames);
  // The read-ahead (32 KiB), the DIFAT (25 KiB) and what the directory,
  // mini FAT and catalog streams need.
  expect(bytes).toBeGreaterThan(READ_AHEAD);
  expect(bytes).toBeLessThan(96 * 1024);
});

test('an open from a path reads a package no larger than the read-ahead in one read, and no more than the file', async () => {
  const small = await buildSmallMsi();
  const size = fs.statSync(small).size;
  expect(size).toBeLessThanOrEqual(READ_AHEAD);
  const { result: pkg, reads, bytes } = await countFileReads(() => lib.openPackage(small));
  expect(reads).toBe(1);
  expect(bytes).toBe(size);
  expect(pkg.tableNames).toEqual(lib.readPackage(fs.readFileSync(small)).tableNames);
});

test('a large file that is not a compound file is refused after one read of READ_AHEAD bytes', async () => {
  // 1 GiB, sparse: the header is checked on the read-ahead, nothing past it is read.
  const file = path.join(dir, 'not-a-package.msi');
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, 1 << 30);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // The callback reads only: making the error reads source maps with fs.readSync under Jest.
    const read = jest.spyOn(require('node:fs') as typeof fs, 'read');
    const error = await lib.openPackage(file).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/not a compound file/);
    expect(read.mock.calls.map((call) => (call as unknown[]).slice(3, 5))).toEqual([[READ_AHEAD, 0]]);
  } finally {
    jest.restoreAllMocks();
    fs.rmSync(file);
  }
});

test('a FAT sector the file does not hold fails only the chains that need it', () => {
  // The header's 101st DIFAT entry names the FAT sector covering sectors
  // 12,800-12,927, inside the cabinet: point it outside the file.
  const copy = path.join(dir, 'uncovered.msi');
  writeSparsePackage({ lib, source, output: copy, extra: [{ name: 'BigCabinet.cab', size: CABINET }] });
  const fd = fs.openSync(copy, 'r+');
  try {
    const entry = Buffer.alloc(4);
    entry.writeUInt32LE(0x7fffff00);
    fs.writeSync(fd, entry, 0, 4, 76 + 100 * 4);
  } finally {
    fs.closeSync(fd);
  }
  const compound = lib.openCompoundFileSync(copy);
  const original = lib.openCompoundFile(source);
  const property = original.childrenOf(original.root).find((e) => e.name.length > 0 && e.size > 0 && e.type === 'stream')!;
  const same = compound.childrenOf(compound.root).find((e) => e.name === property.name)!;
  expect(compound.streamData(same).equals(original.streamData(property))).toBe(true);
  const cabinet = compound.childrenOf(compound.root).find((e) => e.name === 'BigCabinet.cab')!;
  const error = formatErrorOf(() => compound.streamChunks(cabinet, () => undefined));
  expect(error.message).toMatch(/stream "BigCabinet.cab" \(directory entry \d+\): no FAT entry covers sector 12800/);
  fs.rmSync(copy);
});

test('an I/O error on any read at open rejects the open with that error', async () => {
  // The 20,000-file package (2 MB): past the read-ahead, the open reads the directory, the
  // mini FAT, and FAT sectors that the catalog streams' chains need (the reads that an error
  // slipped through before).
  const medium = await buildLargeMsi();
  expect(fs.statSync(medium).size).toBeGreaterThan(READ_AHEAD);
  const nodeFs = require('node:fs') as typeof fs;
  const realRead = nodeFs.read;
  const { reads } = await countFileReads(() => lib.openPackage(medium));
  expect(reads).toBeGreaterThan(2);
  for (let failing = 0; failing < reads; failing++) {
    let call = 0;
    const spy = jest.spyOn(nodeFs, 'read').mockImplementation(((...args: unknown[]) => {
      if (call++ !== failing) return (realRead as (...a: unknown[]) => void)(...args);
      const done = args[args.length - 1] as (error: NodeJS.ErrnoException) => void;
      process.nextTick(() => done(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })));
    }) as typeof nodeFs.read);
    try {
      const outcome = await lib.openPackage(medium).then(
        () => 'opened',
        (error: NodeJS.ErrnoException) => error.code ?? error.name,
      );
      expect(`read ${failing}: ${outcome}`).toBe(`read ${failing}: EIO`);
    } finally {
      spy.mockRestore();
    }
  }
});
