// IDT rows written straight from table bytes, on tables built by hand:
// every integer width and sign at its edges, nulls, 2- and 3-byte string
// references, ASCII pools (bytes copied) and others (decoded), binary cells,
// and tables long enough to be handed to a sink in several chunks.

import { ColumnFlags, MsiTable, StringPool } from '../../../lib/package';
import { defineColumn, type CellValue } from '../../../lib/package/tables';
import { tableToIdt, tableToIdtSink } from '../../../lib/package/idt';

const { VALID, STRING, NULLABLE, KEY } = ColumnFlags;

function stringPool(codepage: number, strings: Buffer[], longReferences: boolean): StringPool {
  const header = Buffer.alloc(4);
  header.writeUInt32LE((codepage | (longReferences ? 0x80000000 : 0)) >>> 0);
  // One (length, references) pair per string; (0, references) then the length, low word first, for 64 KiB or more.
  const words = strings.flatMap((s) => (s.length >= 0x10000 ? [0, 1, s.length & 0xffff, s.length >>> 16] : [s.length, 1]));
  const pairs = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => pairs.writeUInt16LE(w, i * 2));
  return new StringPool(Buffer.concat([header, pairs]), Buffer.concat(strings));
}

interface Built {
  table: MsiTable;
  expected: string;
}

/**
 * A table Key (string), Small (I2), Big (I4), Text (S255), Data (V0, binary)
 * holding `rows`, stored column by column as Windows Installer does; without
 * Data when `binary` is false (every column then an integer or a string).
 */
function build(
  rows: Array<[number, number | null, number | null, number | null]>,
  options: { codepage: number; strings: string[]; longReferences: boolean; streams?: Set<string>; binary?: boolean },
): Built {
  const encode = (s: string) => (options.codepage === 65001 ? Buffer.from(s, 'utf8') : Buffer.from(s, 'latin1'));
  const pool = stringPool(options.codepage, options.strings.map(encode), options.longReferences);
  const long = options.longReferences;
  const columns = [
    defineColumn('T', 1, 'Key', VALID | STRING | KEY | 72, long),
    defineColumn('T', 2, 'Small', VALID | NULLABLE | 2, long),
    defineColumn('T', 3, 'Big', VALID | NULLABLE | 4, long),
    defineColumn('T', 4, 'Text', VALID | STRING | NULLABLE | 255, long),
    defineColumn('T', 5, 'Data', VALID | STRING | NULLABLE, long),
  ];
  const binary = options.binary ?? true;
  if (!binary) columns.pop();
  const ref = long ? 3 : 2;
  const rowSize = ref + 2 + 4 + ref + (binary ? 2 : 0);
  const data = Buffer.alloc(rows.length * rowSize);
  let at = 0;
  const put = (value: number, bytes: number) => {
    for (let i = 0; i < bytes; i++) data[at++] = (value >>> (8 * i)) & 0xff;
  };
  for (const [key] of rows) put(key, ref);
  for (const [, small] of rows) put(small === null ? 0 : small + 0x8000, 2);
  for (const [, , big] of rows) put(big === null ? 0 : (big ^ 0x80000000) >>> 0, 4);
  for (const [, , , text] of rows) put(text ?? 0, ref);
  if (binary) for (let i = 0; i < rows.length; i++) put(1, 2);
  const streams = options.streams ?? new Set<string>();
  const table = new MsiTable('T', columns, data, { pool, hasStream: (name) => streams.has(name) });
  const lines = binary
    ? ['Key\tSmall\tBig\tText\tData', 's72\tI2\tI4\tS255\tV0', 'T\tKey']
    : ['Key\tSmall\tBig\tText', 's72\tI2\tI4\tS255', 'T\tKey'];
  const show = (v: CellValue) => (v === null ? '' : String(v));
  for (const [key, small, big, text] of rows) {
    const name = options.strings[key - 1];
    const stream = `T.${name}`;
    const cells = [name, show(small), show(big), text === null ? '' : options.strings[text - 1]];
    if (binary) cells.push(streams.has(stream) ? stream : '');
    lines.push(cells.join('\t'));
  }
  return { table, expected: lines.map((l) => l + '\r\n').join('') };
}

// The lowest value of each width is stored as 0, which is null.
const SMALL = [-32767, -256, -255, -1, 0, 1, 255, 256, 32766, 32767, null];
const BIG = [-2147483647, -65537, -65536, -65535, -32768, -1, 0, 1, 32768, 65535, 65536, 65537, 2147483646, 2147483647, null];

function edgeRows(count: number): Array<[number, number | null, number | null, number | null]> {
  return Array.from({ length: count }, (_, i) => [
    1 + (i % 50),
    SMALL[i % SMALL.length],
    BIG[(i * 7) % BIG.length],
    i % 3 === 0 ? null : 51 + (i % 4),
  ]);
}

function sinkText(table: MsiTable): { text: string; chunks: number } {
  const parts: Buffer[] = [];
  tableToIdtSink(table, (chunk) => parts.push(Buffer.from(chunk)));
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

const names = Array.from({ length: 50 }, (_, i) => `key${i}`);

test.each([
  ['an ASCII pool with 2-byte references', 1252, false, ['plain', 'text', 'more words here', 'x'.repeat(300)]],
  ['an ASCII pool with 3-byte references', 1252, true, ['plain', 'text', 'more words here', 'x'.repeat(300)]],
  ['a windows-1252 pool with other characters', 1252, false, ['café', 'naïve', 'plain', '\u00ff'.repeat(40)]],
  ['a UTF-8 pool', 65001, false, ['日本語', 'Ελληνικά', 'plain', 'é'.repeat(200)]],
])('%s: integers at their edges, nulls, strings, binary cells', (_, codepage, longReferences, texts) => {
  const strings = [...names, ...texts];
  const streams = new Set(['T.key3', 'T.key10']);
  const { table, expected } = build(edgeRows(200), { codepage, strings, longReferences, streams });
  expect(tableToIdt(table).toString('utf8')).toBe(expected);
  expect(sinkText(table).text).toBe(expected);
});

test('integers around every power of ten and 10,000 pseudo-random ones read as their decimal text', () => {
  const values: number[] = [];
  for (let p = 1; p <= 1e9; p *= 10) for (const v of [p - 1, p, p + 1]) values.push(v, -v);
  values.push(9999, 10000, 10001, 99990000, 99999999, 100000000, 2147483647, -2147483647, 2147450879, -2147450879);
  let seed = 12345;
  for (let i = 0; i < 10000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    if (seed !== -2147483648) values.push(seed); // stored as 0: null
  }
  const rows = values.map((v, i): [number, number | null, number | null, number | null] => [
    1 + (i % 50),
    i % 2 === 0 ? null : (i % 65535) - 32767,
    v,
    null,
  ]);
  const { table, expected } = build(rows, { codepage: 1252, strings: names, longReferences: false, binary: false });
  expect(tableToIdt(table).toString('utf8')).toBe(expected);
});

test('a table larger than a sink chunk arrives whole, in several chunks', () => {
  const strings = [...names, 'alpha', 'beta', 'gamma', 'y'.repeat(1000)];
  const { table, expected } = build(edgeRows(20000), { codepage: 1252, strings, longReferences: false });
  const { text, chunks } = sinkText(table);
  expect(chunks).toBeGreaterThan(3);
  expect(text).toBe(expected);
  expect(tableToIdt(table).toString('utf8')).toBe(expected);
});

// With only integer and string columns of an ASCII pool, rows that cannot
// reach the end of the chunk are written without being measured first
// (RowWriter's bound, from the longest string of the pool): the chunks must
// still break between whole rows, whatever the string lengths near a break.
test.each([
  ['short strings', 20000, ['alpha', 'beta', 'gamma', 'y'.repeat(60)]],
  ['a string of 10,000 bytes', 2000, ['alpha', 'beta', 'gamma', 'y'.repeat(10_000)]],
  ['a string longer than a chunk', 300, ['alpha', 'beta', 'gamma', 'y'.repeat(70_000)]],
] as const)('integer and string columns only, %s: every chunk ends between rows', (_, rows, texts) => {
  const strings = [...names, ...texts];
  for (const longReferences of [false, true]) {
    const { table, expected } = build(edgeRows(rows), { codepage: 1252, strings, longReferences, binary: false });
    const parts: Buffer[] = [];
    tableToIdtSink(table, (chunk) => parts.push(Buffer.from(chunk)));
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(part.subarray(-2).toString('latin1')).toBe('\r\n');
    expect(Buffer.concat(parts).toString('utf8')).toBe(expected);
    expect(tableToIdt(table).toString('utf8')).toBe(expected);
  }
});

test('a string longer than a sink chunk still fits', () => {
  const strings = [...names, 'z'.repeat(200_000), 'w'];
  const { table, expected } = build(
    [
      [1, 1, 1, 51],
      [2, null, null, 52],
    ],
    { codepage: 1252, strings, longReferences: false },
  );
  expect(sinkText(table).text).toBe(expected);
});

test('a string reference past the pool names its cell', () => {
  const strings = [...names, 'a'];
  const { table } = build(
    [
      [1, 1, 1, 51],
      [2, 2, 2, 99],
    ],
    { codepage: 1252, strings, longReferences: false },
  );
  expect(() => tableToIdt(table)).toThrow(/table T, row 2, column Text: string index 99 is out of range/);
});
