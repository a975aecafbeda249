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
 * Output buffer for IDT rows, written as bytes rather than built as one big
 * string. Without a sink it grows and holds the whole result; with a sink it
 * hands over full 64 KiB chunks and reuses its buffer.
 */
class ByteWriter {
  private buf: Buffer;
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

  byte(value: number): void {
    this.ensure(1)[this.length++] = value;
  }

  /**
   * Decimal digits of the 32-bit integer high * 65536 + low (high: signed
   * 16 bits, low: 0..65535). Works in 16-bit halves with exact divisions so
   * that no intermediate leaves V8's small-integer range: until the loop is
   * optimised, every larger or fractional number would be a heap allocation,
   * and a 20,000-row table has hundreds of thousands of digits.
   */
  integer(high: number, low: number): void {
    const buf = this.ensure(11);
    let at = this.length;
    if (high < 0) {
      buf[at++] = 45; // '-'
      // Magnitude of the negative value, in the same two halves.
      if (low === 0) high = -high;
      else {
        high = -high - 1;
        low = 65536 - low;
      }
    }
    const start = at;
    do {
      const highDigit = high % 10;
      high = (high - highDigit) / 10;
      const rest = highDigit * 65536 + low;
      const digit = rest % 10;
      low = (rest - digit) / 10;
      buf[at++] = 48 + digit;
    } while (high > 0 || low > 0);
    for (let i = start, j = at - 1; i < j; i++, j--) {
      const t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
    this.length = at;
  }

  /** Bytes from `source`; short runs copied inline (cheaper than a native call). */
  copy(source: Buffer, start: number, length: number): void {
    const buf = this.ensure(length);
    if (length < 48) {
      let at = this.length;
      for (let i = start, end = start + length; i < end; i++) buf[at++] = source[i];
    } else {
      source.copy(buf, this.length, start, start + length);
    }
    this.length += length;
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

function writeTable(table: MsiTable, sink?: ChunkSink): ByteWriter {
  const columns = table.columns;
  const pool = table.context.pool;
  const { data, starts } = pool.spans();
  const cells = table.rawData();
  // ASCII strings are their own UTF-8: copy pool bytes without decoding.
  const copyRaw = pool.isAscii;
  // A sink gets chunks of at most 64 KiB: a rough size is enough to choose
  // the chunk buffer, without a pass over every string of the table.
  const size = sink ? table.rowCount * 32 * table.columns.length : estimateSize(table, starts, pool.size, copyRaw);
  const writer = new ByteWriter(256 + size, sink);
  writer.text(columns.map((c) => c.name).join('\t') + '\r\n');
  writer.text(columns.map((c) => c.idtType).join('\t') + '\r\n');
  // msitools finds primary keys through _Columns, which does not describe
  // the two catalog tables: their key line is the bare table name.
  const keys = table.name === '_Tables' || table.name === '_Columns' ? [] : table.primaryKeys;
  writer.text([table.name, ...keys].join('\t') + '\r\n');
  const last = columns.length - 1;
  for (let row = 0; row < table.rowCount; row++) {
    for (let column = 0; column <= last; column++) {
      const c = columns[column];
      if (c.kind === 'integer') {
        // Straight from the bytes: stored values have the sign bit flipped.
        const at = table.cellOffset(row, column);
        const low = cells[at] | (cells[at + 1] << 8);
        if (c.storageBytes === 2) {
          if (low !== 0) {
            const value = low - 0x8000;
            writer.integer(value < 0 ? -1 : 0, value & 0xffff);
          }
        } else {
          const high = (cells[at + 2] | (cells[at + 3] << 8)) ^ 0x8000;
          if (low !== 0 || high !== 0x8000) writer.integer(high >= 0x8000 ? high - 0x10000 : high, low);
        }
        writeSeparator(writer, column, last);
        continue;
      }
      const raw = table.rawAt(row, column);
      if (c.kind === 'string') {
        if (raw !== 0) {
          if (copyRaw) {
            if (raw >= pool.size) table.stringAt(row, column, raw); // throws, naming the cell
            writer.copy(data, starts[raw], starts[raw + 1] - starts[raw]);
          } else {
            writer.text(table.stringAt(row, column, raw));
          }
        }
      } else {
        const stream = table.streamName(row);
        if (table.context.hasStream(stream)) writer.text(stream);
      }
      writeSeparator(writer, column, last);
    }
  }
  return writer;
}

function writeSeparator(writer: ByteWriter, column: number, last: number): void {
  if (column < last) writer.byte(9);
  else {
    writer.byte(13);
    writer.byte(10);
  }
}

export function forceCodepageToIdt(codepage: number): Buffer {
  // msitools writes the terminating NUL of its format buffer too.
  return Buffer.from(`\r\n\r\n${codepage >>> 0}\t_ForceCodepage\r\n\0`, 'latin1');
}

/** Property types msitools expects per id; anything else ends its reading. */
function expectedType(id: number): number | null {
  switch (id) {
    case PID.CODEPAGE: return VT_I2;
    case PID.TITLE: case PID.SUBJECT: case PID.AUTHOR: case PID.KEYWORDS: case PID.COMMENTS:
    case PID.TEMPLATE: case PID.LASTAUTHOR: case PID.REVNUMBER: case PID.APPNAME:
      return VT_LPSTR;
    case PID.EDITTIME: case PID.LASTPRINTED: case PID.CREATE_DTM: case PID.LASTSAVE_DTM:
      return VT_FILETIME;
    case PID.PAGECOUNT: case PID.WORDCOUNT: case PID.CHARCOUNT: case PID.SECURITY:
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

/** Inverse of formatFiletime for string-typed date properties, as msitools parses them. */
function parseLocalFiletime(text: string): bigint | null {
  const match = /^[ \t]*(\d+)\/(\d+)\/(\d+) [ \t]*(\d+):(\d+):(\d+)/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  return (BigInt(Math.floor(ms / 1000)) + 11644473600n) * 10000000n;
}

interface ExportedProperty { kind: 'int'; value: number }
interface ExportedString { kind: 'string'; bytes: Buffer }
interface ExportedTime { kind: 'time'; ticks: bigint }

/**
 * The summary properties as msitools keeps them: it reads in stored order,
 * stops at the first property it does not know or cannot convert, reads
 * I2 values as 32 bits and converts string-typed numbers with atoi.
 */
function msitoolsSummaryView(properties: SummaryProperty[]): Map<number, ExportedProperty | ExportedString | ExportedTime> {
  const out = new Map<number, ExportedProperty | ExportedString | ExportedTime>();
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
      if (type === VT_FILETIME) out.set(p.id, { kind: 'time', ticks: parseLocalFiletime(text) ?? 0n });
      else out.set(p.id, { kind: 'int', value: atoi(text) });
    } else {
      break;
    }
  }
  return out;
}

export function summaryToIdt(summary: SummaryInformation): Buffer {
  const parts: Buffer[] = [Buffer.from('PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n', 'latin1')];
  const view = msitoolsSummaryView(summary.properties);
  for (let id = 0; id < 20; id++) {
    const p = view.get(id);
    if (!p) continue;
    let value: Buffer;
    if (p.kind === 'int') value = Buffer.from(String(p.value), 'latin1');
    else if (p.kind === 'string') value = p.bytes;
    else value = Buffer.from(formatFiletime(p.ticks), 'latin1');
    parts.push(Buffer.from(`${id}\t`, 'latin1'), value, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}
