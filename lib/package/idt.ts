// IDT export, byte for byte what `msiinfo export` (msitools) writes: column
// names, column types, table name and primary keys, then one line per row in
// stored order; fields separated by tabs, lines ended by CRLF, text in UTF-8,
// values written as they are (no escaping). Binary cells hold the name of
// their stream. The two pseudo tables msitools lists, _SummaryInformation and
// _ForceCodepage, are exported the same way it does.

import type { MsiTable } from './tables';
import { PID, VT_FILETIME, VT_I2, VT_I4, VT_LPSTR, type SummaryInformation, type SummaryProperty } from './summary';

/** Output size for ASCII pools (exact for strings, 6 bytes per integer guessed). */
function estimateSize(table: MsiTable, starts: Uint32Array, poolSize: number, exact: boolean): number {
  let size = 0;
  for (let column = 0; column < table.columns.length; column++) {
    const c = table.columns[column];
    if (c.kind === 'string' && exact) {
      for (let row = 0; row < table.rowCount; row++) {
        const raw = table.rawAt(row, column);
        size += raw < poolSize ? starts[raw + 1] - starts[raw] : 0;
      }
    } else {
      size += table.rowCount * (c.kind === 'integer' ? 6 : 16);
    }
  }
  return size + table.rowCount * (table.columns.length + 1);
}

/** Where IDT bytes go: each chunk is only valid during the call (the buffer is reused). */
export type ChunkSink = (chunk: Buffer) => void;

const SINK_CHUNK = 64 * 1024;

/**
 * Writes the decimal digits of the 32-bit integer high * 65536 + low (high:
 * signed 16 bits, low: 0..65535) at `at` (room for 11 bytes needed);
 * returns the end. Every intermediate stays below 2^30, V8's small-integer
 * range on every build (31 bits with pointer compression, as in Electron):
 * until the function is optimised, a larger or fractional number would be
 * a heap allocation, and a 20,000-row table has hundreds of thousands of
 * digits. The magnitude is split once into q * 10000 + r, from the 16-bit
 * halves (high * 65536 = 6 * high * 10000 + 5536 * high), and then each
 * digit costs one remainder and one exact division. The sign is handled
 * without branches, so that the first negative number does not send
 * optimised code back to the interpreter (see RowWriter).
 */
function writeDecimal(buf: Buffer, at: number, high: number, low: number): number {
  // Magnitude as in two's complement, (v ^ s) - s with s = -1 for negative
  // numbers, in the same two halves.
  const sign = high >> 31;
  buf[at] = 45; // '-', kept only for a negative number
  at -= sign;
  low = (low ^ (sign & 0xffff)) - sign;
  high = (high ^ sign) + (low >> 16);
  low &= 0xffff;
  const t = 5536 * high + low;
  const r = t % 10000;
  let q = 6 * high + (t - r) / 10000;
  // Lowest digit first, reversed at the end: r's four digits (leading
  // zeros dropped when nothing is above them), then q's.
  const start = at;
  let x = r;
  let digit = x % 10;
  x = (x - digit) / 10;
  buf[at] = 48 + digit;
  digit = x % 10;
  x = (x - digit) / 10;
  buf[at + 1] = 48 + digit;
  digit = x % 10;
  x = (x - digit) / 10;
  buf[at + 2] = 48 + digit;
  buf[at + 3] = 48 + x;
  // q's digits, at least one (a 0 that is not kept when q is 0): a loop
  // body first run after the function is optimised would send it back to
  // the interpreter, as the first number of 10,000 or more did.
  const above = q > 0;
  let end = at + 4;
  do {
    digit = q % 10;
    q = (q - digit) / 10;
    buf[end++] = 48 + digit;
  } while (q > 0);
  at = above ? end : at + (r >= 1000 ? 4 : r >= 100 ? 3 : r >= 10 ? 2 : 1);
  for (let i = start, j = at - 1; i < j; i++, j--) {
    const swap = buf[i];
    buf[i] = buf[j];
    buf[j] = swap;
  }
  return at;
}

/**
 * Output buffer for IDT rows, written as bytes rather than built as one big
 * string. Without a sink it grows and holds the whole result; with a sink it
 * hands over full 64 KiB chunks and reuses its buffer.
 */
class ByteWriter {
  /** Current buffer; `length` bytes of it are written. Replaced by `ensure`. */
  buf: Buffer;
  length = 0;
  private readonly sink: ChunkSink | undefined;

  constructor(initial: number, sink?: ChunkSink) {
    this.sink = sink;
    this.buf = Buffer.allocUnsafe(Math.max(sink ? Math.min(initial, SINK_CHUNK) : initial, 256));
  }

  ensure(extra: number): Buffer {
    const needed = this.length + extra;
    if (needed > this.buf.length) {
      if (this.sink && this.length > 0) {
        this.sink(this.buf.subarray(0, this.length));
        this.length = 0;
        if (extra <= this.buf.length) return this.buf;
      }
      const grown = Buffer.allocUnsafe(Math.max(this.length + extra, Math.floor(this.buf.length * 1.5)));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    return this.buf;
  }

  /** Hands over what is left to the sink. */
  flush(): void {
    if (this.sink && this.length > 0) this.sink(this.buf.subarray(0, this.length));
    this.length = 0;
  }

  text(value: string): void {
    this.ensure(value.length * 3);
    this.length += this.buf.write(value, this.length, 'utf8');
  }

  result(): Buffer {
    const used = this.buf.subarray(0, this.length);
    // Copy out only when much of the buffer is spare, so it is not kept alive.
    return this.length < this.buf.length * 0.75 ? Buffer.from(used) : used;
  }
}

export function tableToIdt(table: MsiTable): Buffer {
  const writer = writeTable(table);
  return writer.result();
}

/** Writes a table's IDT to `sink` in chunks, without holding the whole text. */
export function tableToIdtSink(table: MsiTable, sink: ChunkSink): void {
  writeTable(table, sink).flush();
}

/** Time one IDT-writing slice may take, in nanoseconds (half the scheduler's turn budget). */
const IDT_SLICE_NS = 500_000n;
/** Rows written between two reads of the clock. */
const IDT_SLICE_ROWS = 64;

/**
 * tableToIdt in slices of `step` (the shared scheduler, or a wrapper of it
 * that stops on abort): the same bytes and the same errors, the rows
 * written about 0.5 ms at a time.
 */
export async function tableToIdtInSlices(table: MsiTable, step: <R>(fn: () => R) => Promise<R>): Promise<Buffer> {
  const { writer, rows } = await step(() => startTable(table));
  const count = table.rowCount;
  const write = (): void => {
    const end = process.hrtime.bigint() + IDT_SLICE_NS;
    do {
      const stop = Math.min(count, rows.row + IDT_SLICE_ROWS);
      for (;;) {
        writer.length = rows.fill(writer.buf, writer.length, stop);
        if (rows.row >= stop) break;
        writer.ensure(rows.need);
      }
    } while (rows.row < count && process.hrtime.bigint() < end);
  };
  while (rows.row < count) await step(write);
  return step(() => writer.result());
}

function writeTable(table: MsiTable, sink?: ChunkSink): ByteWriter {
  const { writer, rows } = startTable(table, sink);
  for (;;) {
    writer.length = rows.fill(writer.buf, writer.length);
    if (rows.row >= table.rowCount) break;
    // The next row does not fit: hand over what is written (or grow).
    writer.ensure(rows.need);
  }
  return writer;
}

/** The writer with the three header lines written, and the row writer for the rest. */
function startTable(table: MsiTable, sink?: ChunkSink): { writer: ByteWriter; rows: RowWriter } {
  const columns = table.columns;
  const pool = table.context.pool;
  const { starts } = pool.spans();
  // ASCII strings are their own UTF-8: copy pool bytes without decoding.
  const copyRaw = pool.isAscii;
  // A sink gets chunks of at most 64 KiB: a rough size is enough to choose
  // the chunk buffer, without a pass over every string of the table.
  // Without a sink, the estimate plus the room one row may ask for (see
  // RowWriter) is usually all the buffer ever needs.
  const size = sink ? table.rowCount * 32 * table.columns.length : estimateSize(table, starts, pool.size, copyRaw) + 13 * columns.length;
  const writer = new ByteWriter(256 + size, sink);
  writer.text(columns.map((c) => c.name).join('\t') + '\r\n');
  writer.text(columns.map((c) => c.idtType).join('\t') + '\r\n');
  // msitools finds primary keys through _Columns, which does not describe
  // the two catalog tables: their key line is the bare table name.
  const keys = table.name === '_Tables' || table.name === '_Columns' ? [] : table.primaryKeys;
  writer.text([table.name, ...keys].join('\t') + '\r\n');
  return { writer, rows: new RowWriter(table, copyRaw) };
}

/** `RowWriter.bound` when rows must be measured one by one. */
const NO_BOUND = 0x7fffffff;

// Column kinds of the row loop.
/** An integer, 2 or 4 bytes. */
const INTEGER = 1;
/** A string copied as its pool bytes (ASCII pools). */
const RAW_STRING = 2;
/** A string decoded and written as UTF-8. */
const STRING = 3;
const BINARY = 4;

/**
 * Writes rows, cell by cell, straight from the table stream into a buffer,
 * as many as fit; the caller hands the buffer over and asks for more.
 *
 * `fill` runs for every cell of the largest tables, so V8 compiles it with
 * its optimising compiler, and that compiler's working memory, not the
 * data, was the largest transient cost of an export: over 2 MB per compile
 * of the earlier loop that called the writer (and through it the sink) for
 * every cell, compiled again each time a table took a path not seen
 * before. So the loop is kept small and closed: the output position lives
 * in locals, room is checked once per row, the sink is called from outside,
 * strings of an ASCII pool are copied byte by byte, and integers of both
 * widths and signs take one path without branches (a path first taken after
 * the compile sends the code back to the interpreter, to be compiled again).
 */
class RowWriter {
  /** Next row to write. */
  row = 0;
  /** Bytes the next row may take (valid when `fill` stopped early). */
  need = 0;
  private readonly table: MsiTable;
  private readonly count: number;
  private readonly kinds: Uint8Array;
  private readonly widths: Uint8Array;
  private readonly bases: Int32Array;
  private readonly separators: Uint8Array;
  /**
   * Bytes any row can take when every column is an integer or a raw string
   * and the pool's strings are short: then a row that starts at least this
   * far from the end of the buffer fits without measuring it, and only the
   * last rows of each chunk are measured. Otherwise larger than any buffer,
   * so that every row is measured.
   */
  private readonly bound: number;

  constructor(table: MsiTable, copyRaw: boolean) {
    const columns = table.columns;
    const count = columns.length;
    this.table = table;
    this.count = count;
    this.kinds = new Uint8Array(count);
    this.widths = new Uint8Array(count);
    this.bases = new Int32Array(count);
    this.separators = new Uint8Array(count).fill(9);
    this.separators[count - 1] = 10; // CR LF
    for (let column = 0; column < count; column++) {
      const c = columns[column];
      this.kinds[column] = c.kind === 'integer' ? INTEGER : c.kind === 'string' ? (copyRaw ? RAW_STRING : STRING) : BINARY;
      this.widths[column] = c.storageBytes;
      this.bases[column] = table.rowCount === 0 ? 0 : table.cellOffset(0, column);
    }
    let bound = count * 13;
    for (let column = 0; column < count; column++) {
      const kind = this.kinds[column];
      if (kind === RAW_STRING) bound += table.context.pool.longest;
      else if (kind !== INTEGER) bound = NO_BOUND;
    }
    this.bound = Math.min(bound, NO_BOUND);
  }

  /** Writes rows from `this.row`, up to row `rows` (excluded), into `buf` at `at` while they fit; returns the end. */
  fill(buf: Buffer, at: number, rows = this.table.rowCount): number {
    const { table, count, kinds, widths, bases } = this;
    const cells = table.rawData();
    const pool = table.context.pool;
    const poolSize = pool.size;
    const { data, starts } = pool.spans();
    const bound = this.bound;
    let row = this.row;
    for (; row < rows; row++) {
      if (at + bound <= buf.length) {
        at = this.writeRow(buf, at, row, cells, data, starts, poolSize);
        continue;
      }
      // Room: 11 bytes for a number and 2 for its separator, per column,
      // plus the row's strings.
      let need = count * 13;
      for (let column = 0; column < count; column++) {
        const kind = kinds[column];
        if (kind === INTEGER) continue;
        const cell = bases[column] + row * widths[column];
        if (kind === RAW_STRING) {
          let id = cells[cell] | (cells[cell + 1] << 8);
          if (widths[column] === 3) id |= cells[cell + 2] << 16;
          if (id < poolSize) need += starts[id + 1] - starts[id];
        } else {
          need += 3 * this.decodedCell(row, column, kind).length;
        }
      }
      this.need = need;
      if (at + need > buf.length) break;
      at = this.writeRow(buf, at, row, cells, data, starts, poolSize);
    }
    this.row = row;
    return at;
  }

  /** Writes row `row` at `at` (the caller made sure it fits); returns the end. */
  private writeRow(
    buf: Buffer,
    at: number,
    row: number,
    cells: Uint8Array,
    data: Uint8Array,
    starts: Uint32Array,
    poolSize: number,
  ): number {
    const { table, count, kinds, widths, bases, separators } = this;
    for (let column = 0; column < count; column++) {
      const kind = kinds[column];
      const width = widths[column];
      const cell = bases[column] + row * width;
      let present = false;
      let high = 0;
      let low = 0;
      if (kind === INTEGER) {
        // Stored with the sign bit flipped, 0 meaning null. One path for
        // both widths, without branches: `wide` is 1 for 4 bytes, 0 for 2
        // (whose "high half" re-reads the low bytes and is masked away).
        const wide = width >> 2;
        const storedLow = cells[cell] | (cells[cell + 1] << 8);
        const storedHigh = (cells[cell + 2 * wide] | (cells[cell + 3 * wide] << 8)) & -wide;
        present = (storedLow | storedHigh) !== 0;
        // 2 bytes: the value's low half is storedLow ^ 0x8000 and its high
        // half the sign of that; 4 bytes: storedLow, and storedHigh ^ 0x8000.
        low = storedLow ^ (0x8000 & (wide - 1));
        const half = ((storedHigh ^ 0x8000) & -wide) | (((low << 16) >> 31) & 0xffff & (wide - 1));
        high = (half << 16) >> 16;
      } else if (kind === RAW_STRING) {
        let id = cells[cell] | (cells[cell + 1] << 8);
        if (width === 3) id |= cells[cell + 2] << 16;
        if (id >= poolSize) table.stringAt(row, column, id); // throws, naming the cell
        for (let i = starts[id], end = starts[id + 1]; i < end; i++) buf[at++] = data[i];
      } else {
        at += buf.write(this.decodedCell(row, column, kind), at, 'utf8');
      }
      if (present) at = writeDecimal(buf, at, high, low);
      const separator = separators[column];
      if (separator === 10) buf[at++] = 13;
      buf[at++] = separator;
    }
    return at;
  }

  /** Text of a string cell of a pool that is not plain ASCII, or of a binary cell (its stream's name). */
  private decodedCell(row: number, column: number, kind: number): string {
    const table = this.table;
    if (kind === STRING) {
      const raw = table.rawAt(row, column);
      return raw === 0 ? '' : table.stringAt(row, column, raw);
    }
    const stream = table.streamName(row);
    return table.context.hasStream(stream) ? stream : '';
  }
}

export function forceCodepageToIdt(codepage: number): Buffer {
  // msitools writes the terminating NUL of its format buffer too.
  return Buffer.from(`\r\n\r\n${codepage >>> 0}\t_ForceCodepage\r\n\0`, 'latin1');
}

/** Property types msitools expects per id; anything else ends its reading. */
function expectedType(id: number): number | null {
  switch (id) {
    case PID.CODEPAGE:
      return VT_I2;
    case PID.TITLE:
    case PID.SUBJECT:
    case PID.AUTHOR:
    case PID.KEYWORDS:
    case PID.COMMENTS:
    case PID.TEMPLATE:
    case PID.LASTAUTHOR:
    case PID.REVNUMBER:
    case PID.APPNAME:
      return VT_LPSTR;
    case PID.EDITTIME:
    case PID.LASTPRINTED:
    case PID.CREATE_DTM:
    case PID.LASTSAVE_DTM:
      return VT_FILETIME;
    case PID.PAGECOUNT:
    case PID.WORDCOUNT:
    case PID.CHARCOUNT:
    case PID.SECURITY:
      return VT_I4;
    default:
      return null;
  }
}

/** C atoi: optional whitespace and sign, then digits. */
function atoi(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return match ? Number.parseInt(match[1], 10) | 0 : 0;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** FILETIME in local time as "YYYY/MM/DD hh:mm:ss", whole seconds. */
function formatFiletime(ticks: bigint): string {
  const seconds = ticks / 10000000n - 11644473600n;
  const date = new Date(Number(seconds) * 1000);
  return `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * Inverse of formatFiletime for string-typed date properties, as msitools
 * parses them: null when the text is not a date at all (msitools keeps
 * FILETIME 0), 'unrepresentable' when it is one no FILETIME can hold (a year
 * past what a Date or a FILETIME reaches: msitools cannot format it and stops
 * its export there).
 */
function parseLocalFiletime(text: string): bigint | null | 'unrepresentable' {
  const match = /^[ \t]*(\d+)\/(\d+)\/(\d+) [ \t]*(\d+):(\d+):(\d+)/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  if (!Number.isFinite(ms)) return 'unrepresentable';
  const ticks = (BigInt(Math.floor(ms / 1000)) + 11644473600n) * 10000000n;
  return ticks < 0n || ticks > 0xffffffffffffffffn ? 'unrepresentable' : ticks;
}

interface ExportedProperty {
  kind: 'int';
  value: number;
}
interface ExportedString {
  kind: 'string';
  bytes: Buffer;
}
interface ExportedTime {
  kind: 'time';
  ticks: bigint;
}
/** A date msitools reads but cannot write back as text: its export ends there. */
interface Unwritable {
  kind: 'unwritable';
}

/**
 * The summary properties as msitools keeps them: it reads in stored order,
 * stops at the first property it does not know or cannot convert, reads
 * I2 values as 32 bits and converts string-typed numbers with atoi.
 */
function msitoolsSummaryView(properties: SummaryProperty[]): Map<number, ExportedProperty | ExportedString | ExportedTime | Unwritable> {
  const out = new Map<number, ExportedProperty | ExportedString | ExportedTime | Unwritable>();
  if (properties.length > 20) return out;
  for (const p of properties) {
    if (p.id >= 20) break;
    const type = expectedType(p.id);
    if (type === null) break;
    if (p.vt === VT_LPSTR && (p.byteLength ?? 0) === 0) break;
    if (p.vt !== VT_I2 && p.vt !== VT_I4 && p.vt !== VT_LPSTR && p.vt !== VT_FILETIME) break;
    if (type === p.vt) {
      if (p.vt === VT_LPSTR) out.set(p.id, { kind: 'string', bytes: p.raw ?? Buffer.alloc(0) });
      else if (p.vt === VT_FILETIME) out.set(p.id, { kind: 'time', ticks: p.filetime ?? 0n });
      else out.set(p.id, { kind: 'int', value: p.rawDword ?? 0 });
    } else if (p.vt === VT_LPSTR) {
      const text = (p.raw ?? Buffer.alloc(0)).toString('latin1');
      if (type === VT_FILETIME) {
        const ticks = parseLocalFiletime(text);
        out.set(p.id, ticks === 'unrepresentable' ? { kind: 'unwritable' } : { kind: 'time', ticks: ticks ?? 0n });
      } else out.set(p.id, { kind: 'int', value: atoi(text) });
    } else {
      break;
    }
  }
  return out;
}

/**
 * The id of the summary date property where summaryToIdt stops (a string date no FILETIME
 * can hold, where msiinfo export stops too), or null when the IDT holds every property.
 */
export function summaryIdtStopsAt(summary: SummaryInformation): number | null {
  const view = msitoolsSummaryView(summary.properties);
  for (let id = 0; id < 20; id++) if (view.get(id)?.kind === 'unwritable') return id;
  return null;
}

export function summaryToIdt(summary: SummaryInformation): Buffer {
  const parts: Buffer[] = [Buffer.from('PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n', 'latin1')];
  const view = msitoolsSummaryView(summary.properties);
  for (let id = 0; id < 20; id++) {
    const p = view.get(id);
    if (!p) continue;
    // msiinfo export writes the properties before it and stops.
    if (p.kind === 'unwritable') break;
    let value: Buffer;
    if (p.kind === 'int') value = Buffer.from(String(p.value), 'latin1');
    else if (p.kind === 'string') value = p.bytes;
    else value = Buffer.from(formatFiletime(p.ticks), 'latin1');
    parts.push(Buffer.from(`${id}\t`, 'latin1'), value, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}
