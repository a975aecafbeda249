// cfb/stream.ts: a damaged stream fails only its own read, naming it; the
// package around it opens.

import * as fs from 'node:fs';
import { openCompoundFile, readPackage } from '../../../../lib/package';
import { buildSmallMsi } from '../../../support/package-fixture-set';
import { ENTRY, layoutOf, plainCompoundFile } from '../../../support/cfb-layout';
import { formatErrorOf } from '../../../support/cfb-helpers';

jest.setTimeout(60_000);

test('a last stream running past the end of the file: the package opens, only that stream fails', async () => {
  const small = fs.readFileSync(await buildSmallMsi());
  const layout = layoutOf(small);
  // The FAT stream whose data ends last in the file is the one a cut takes.
  const last = layout.entries
    .filter((e) => e.type === 2 && e.size >= 4096)
    .map((e) => ({ e, end: Math.max(...layout.streamSegments(e).map(([at, length]) => at + length)) }))
    .sort((a, b) => b.end - a.end)[0];
  // Declare it longer than the file holds (as a truncated download would leave it).
  const grown = last.e.size + (small.length - last.end) + 4096;
  layout.setU32(last.e.offset + ENTRY.size, grown);
  const pkg = readPackage(layout.buf);
  expect(pkg.tableNames.length).toBeGreaterThan(0);
  const decoded = pkg.streams.find((s) => s.storedName === last.e.name) ?? pkg.tableStreams.find((s) => s.storedName === last.e.name)!;
  const read = () => (decoded.isTable ? pkg.readTableStream(decoded.name) : pkg.readStream(decoded.name));
  const error = formatErrorOf(read);
  expect(error.message).toContain(JSON.stringify(decoded.name));
});

test('a stream declaring more than the whole file fails when read, not at open', () => {
  const layout = layoutOf(plainCompoundFile({ A: Buffer.alloc(5000, 1), B: Buffer.alloc(10, 2) }));
  layout.setU32(layout.entry('A').offset + ENTRY.size, 0x7ffffff0);
  const compound = openCompoundFile(layout.buf);
  const [a, b] = ['A', 'B'].map((n) => compound.childrenOf(compound.root).find((e) => e.name === n)!);
  expect(compound.streamData(b).equals(Buffer.alloc(10, 2))).toBe(true);
  const error = formatErrorOf(() => compound.streamData(a));
  expect(error.message).toMatch(/stream "A" .*declares 2147483632 bytes, more than the whole file/);
  expect(error.offset).toBe(layout.entry('A').offset + ENTRY.size);
});

test('chunks of a stream concatenate to the stream, each at most 1 MiB', () => {
  const big = Buffer.alloc(3 * 1024 * 1024 + 5);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
  const compound = openCompoundFile(plainCompoundFile({ Big: big }));
  const entry = compound.childrenOf(compound.root)[0];
  const chunks: Buffer[] = [];
  compound.streamChunks(entry, (chunk) => chunks.push(Buffer.from(chunk)));
  expect(chunks.length).toBeGreaterThanOrEqual(4);
  expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(1 << 20);
  expect(Buffer.concat(chunks).equals(big)).toBe(true);
});
