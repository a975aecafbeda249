// A package over 2 GiB (written sparsely here, never committed) opens from
// its path and lists its tables; a large stream is read in bounded chunks.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lib from '../../../../lib/package';
import { buildSmallMsi } from '../../../support/package-fixture-set';

// Plain JS shared with bench/big-package.js.

const { writeSparsePackage } = require('../../../../bench/support/sparse-cfb.js') as {
  writeSparsePackage(options: {
    lib: typeof lib;
    source: Buffer;
    output: string;
    extra?: Array<{ name: string; size: number }>;
    sectorShift?: number;
  }): { fileSize: number; difatSectors: number };
};

jest.setTimeout(120_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-large-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a 2.3 GiB package (version 4, DIFAT sectors) opens and lists the tables of its source', async () => {
  const source = fs.readFileSync(await buildSmallMsi());
  const output = path.join(dir, 'huge.msi');
  const size = 2300 * 1048576;
  const written = writeSparsePackage({ lib, source, output, extra: [{ name: 'BigCabinet.cab', size }], sectorShift: 12 });
  expect(written.fileSize).toBeGreaterThan(2 ** 31);
  const pkg = await lib.openPackage(output);
  expect(pkg.byteLength).toBe(written.fileSize);
  expect(pkg.tableNames).toEqual(lib.readPackage(source).tableNames);
  const big = pkg.streams.find((s) => s.name === 'BigCabinet.cab')!;
  expect(big.size).toBe(size);
  expect(pkg.exportIdt('Property').equals(lib.readPackage(source).exportIdt('Property'))).toBe(true);
});

test('a 64 MiB cabinet stream is read in chunks of at most 1 MiB (as digests read it), never whole', async () => {
  const source = fs.readFileSync(await buildSmallMsi());
  const output = path.join(dir, 'big.msi');
  writeSparsePackage({ lib, source, output, extra: [{ name: 'BigCabinet.cab', size: 64 * 1048576 }] });
  const compound = lib.openCompoundFileSync(output);
  const entry = compound.childrenOf(compound.root).find((e) => e.name === 'BigCabinet.cab')!;
  let chunks = 0;
  let bytes = 0;
  let largest = 0;
  compound.streamChunks(entry, (chunk) => {
    chunks++;
    bytes += chunk.length;
    largest = Math.max(largest, chunk.length);
  });
  expect(bytes).toBe(64 * 1048576);
  expect(largest).toBeLessThanOrEqual(1 << 20);
  expect(chunks).toBeGreaterThanOrEqual(64);
});
