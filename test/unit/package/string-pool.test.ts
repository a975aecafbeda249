// The string pool format, on pools written by hand: ids, unused slots,
// strings of 64 KiB and more, the 3-byte reference flag and the codepage.

import { StringPool } from '../../../lib/package';
import { MsiFormatError } from '../../../lib/errors';

/** A _StringPool/_StringData pair; `strings` entries of null are unused ids. */
function pool(codepage: number, strings: Array<Buffer | string | null>, options: { longReferences?: boolean } = {}) {
  const entries: number[] = [];
  const data: Buffer[] = [];
  for (const s of strings) {
    if (s === null) {
      entries.push(0, 0);
      continue;
    }
    const bytes = Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1');
    // 64 KiB or more: (0, references), then the length, low word first.
    if (bytes.length >= 0x10000) entries.push(0, 1, bytes.length & 0xffff, bytes.length >>> 16);
    else entries.push(bytes.length, 1);
    data.push(bytes);
  }
  const header = Buffer.alloc(4);
  header.writeUInt32LE((codepage | (options.longReferences ? 0x80000000 : 0)) >>> 0);
  const body = Buffer.alloc(entries.length * 2);
  entries.forEach((v, i) => body.writeUInt16LE(v, i * 2));
  return new StringPool(Buffer.concat([header, body]), Buffer.concat(data));
}

test('ids count from 1; unused ids still take a number', () => {
  const p = pool(1252, ['alpha', null, 'gamma']);
  expect(p.get(1)).toBe('alpha');
  expect(p.has(2)).toBe(false);
  expect(p.get(2)).toBe('');
  expect(p.get(3)).toBe('gamma');
  expect(p.size).toBe(4);
  expect(p.get(0)).toBe('');
  expect(p.referenceCount(3)).toBe(1);
});

test('strings of 64 KiB and more use a second entry holding the 32-bit length, low word first', () => {
  const long = Buffer.alloc(0x12345, 0x41);
  const p = pool(65001, ['before', long, 'after']);
  expect(p.get(1)).toBe('before');
  expect(p.get(2)).toHaveLength(0x12345);
  expect(p.bytes(2).equals(long)).toBe(true);
  expect(p.get(3)).toBe('after');
  expect(p.size).toBe(4);
});

test('the codepage and the 3-byte reference flag share the header', () => {
  const p = pool(65001, ['x'], { longReferences: true });
  expect(p.codepage).toBe(65001);
  expect(p.longReferences).toBe(true);
  expect(pool(1252, ['x']).longReferences).toBe(false);
});

test('decoding follows the codepage', () => {
  expect(pool(1252, [Buffer.from([0x63, 0x61, 0x66, 0xe9])]).get(1)).toBe('café');
  expect(pool(65001, [Buffer.from('café', 'utf8')]).get(1)).toBe('café');
  expect(pool(1251, [Buffer.from([0xcf, 0xf0, 0xe8])]).get(1)).toBe('При');
  expect(pool(932, [Buffer.from([0x93, 0xfa, 0x96, 0x7b])]).get(1)).toBe('日本');
  expect(pool(0, [Buffer.from([0x80])]).get(1)).toBe('€');
  expect(pool(0, ['x']).encoding).toBe('windows-1252');
});

test('a codepage without a decoder keeps ASCII and marks the rest', () => {
  const p = pool(437, [Buffer.from([0x41, 0x82, 0x42])]);
  expect(p.encoding).toBeNull();
  expect(p.get(1)).toBe('A\ufffdB');
  expect(p.bytes(1)).toEqual(Buffer.from([0x41, 0x82, 0x42]));
});

test('an id past the pool is a format error, not undefined', () => {
  const p = pool(1252, ['a', 'b']);
  expect(() => p.get(3)).toThrow(MsiFormatError);
  expect(() => p.get(-1)).toThrow(/string index -1 is out of range/);
  expect(() => p.bytes(99)).toThrow(MsiFormatError);
});

test('a pool shorter than its header is a format error', () => {
  expect(() => new StringPool(Buffer.from([1, 2]), Buffer.alloc(0))).toThrow(/too short for its 4-byte header/);
});

test('an empty pool is valid: only id 0', () => {
  const p = new StringPool(Buffer.alloc(0), Buffer.alloc(0));
  expect(p.size).toBe(1);
  expect(p.codepage).toBe(0);
});

test('reference counts come with each id, also for unused ids and after a string of 64 KiB or more', () => {
  const entries = [3, 1, 0, 0, 0, 7, 0x2345, 1, 2, 9]; // "abc" x1, unused, 65536+0x2345 bytes x7, "de" x9
  const header = Buffer.alloc(4);
  header.writeUInt32LE(1252);
  const body = Buffer.alloc(entries.length * 2);
  entries.forEach((v, i) => body.writeUInt16LE(v, i * 2));
  const data = Buffer.concat([Buffer.from('abc'), Buffer.alloc(0x12345, 0x41), Buffer.from('de')]);
  const p = new StringPool(Buffer.concat([header, body]), data);
  expect(p.size).toBe(5);
  expect([0, 1, 2, 3, 4].map((id) => p.referenceCount(id))).toEqual([0, 1, 0, 7, 9]);
  expect([0, 1, 2, 3, 4].map((id) => p.byteLength(id))).toEqual([0, 3, 0, 0x12345, 2]);
  expect(p.get(4)).toBe('de');
  expect(p.has(2)).toBe(false);
  expect(p.has(3)).toBe(true);
});

test('many strings decode the same whether asked for singly or in bulk', () => {
  // Past the first few hundred, the pool switches to decoding in bulk.
  for (const codepage of [1252, 65001]) {
    const strings = Array.from({ length: 2000 }, (_, i) => (i % 7 === 3 ? null : `s${i}-${'é€'.repeat(i % 5)}`));
    const encode = (s: string) => (codepage === 65001 ? Buffer.from(s, 'utf8') : Buffer.from(s.replace(/€/g, '\x80'), 'latin1'));
    const p = pool(
      codepage,
      strings.map((s) => (s === null ? null : encode(s))),
    );
    // Out of order, each asked for twice.
    const ids = Array.from({ length: 2000 }, (_, i) => ((i * 761) % 2000) + 1);
    for (const id of [...ids, ...ids]) expect(p.get(id)).toBe(strings[id - 1] ?? '');
  }
});

test('a string over 128 KiB used more than once keeps its length and every later string (Wine string.c layout)', () => {
  // 201,300 bytes = 0x31254: the high word (3) is not the reference count (2),
  // so reading either word in the wrong place changes the length.
  const long = Buffer.alloc(201300, 0x4c);
  const entries = [6, 1, 0, 2, 201300 & 0xffff, 201300 >>> 16, 7, 3];
  const header = Buffer.alloc(4);
  header.writeUInt32LE(1252);
  const body = Buffer.alloc(entries.length * 2);
  entries.forEach((v, i) => body.writeUInt16LE(v, i * 2));
  const p = new StringPool(Buffer.concat([header, body]), Buffer.concat([Buffer.from('before'), long, Buffer.from('Feature')]));
  expect(p.size).toBe(4);
  expect(p.byteLength(2)).toBe(201300);
  expect(p.referenceCount(2)).toBe(2);
  expect(p.get(3)).toBe('Feature');
  expect(p.referenceCount(3)).toBe(3);
});

// _StringPool is read as 32-bit words where its bytes are 4-byte aligned and
// byte by byte where they are not (a package read from a Buffer that starts
// at an odd offset): both must give the same ids, lengths and longest string.
test('a pool at an unaligned offset reads as the same pool aligned', () => {
  const long = Buffer.alloc(0x10005, 0x42);
  const strings = ['alpha', null, 'gamma', long, 'after', 'x'.repeat(300), null, 'end'];
  const aligned = pool(1252, strings);
  const rawPool = (aligned as unknown as { pool: Buffer }).pool;
  const rawData = (aligned as unknown as { data: Buffer }).data;
  expect(rawPool.byteOffset % 4).toBe(0);
  for (const shift of [1, 2, 3]) {
    const padded = Buffer.alloc(rawPool.length + 8);
    const start = (4 - ((padded.byteOffset + 0) % 4) + shift) % 4 || 4;
    rawPool.copy(padded, start);
    const view = padded.subarray(start, start + rawPool.length);
    expect(view.byteOffset % 4).not.toBe(0);
    const shifted = new StringPool(view, rawData);
    expect(shifted.size).toBe(aligned.size);
    expect(shifted.longest).toBe(0x10005);
    expect(aligned.longest).toBe(0x10005);
    for (let id = 0; id < aligned.size; id++) {
      expect(shifted.has(id)).toBe(aligned.has(id));
      expect(shifted.get(id)).toBe(aligned.get(id));
      expect(shifted.referenceCount(id)).toBe(aligned.referenceCount(id));
    }
  }
  expect(pool(1252, []).longest).toBe(0);
});
