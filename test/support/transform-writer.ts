// A transform writer for tests: no tool on the build machine writes Windows
// Installer transforms (msibuild and wixl cannot; Wine's
// MsiDatabaseGenerateTransform is a stub), so the fixtures write them here, in
// the format Wine's msi.dll reads (dlls/msi/table.c): a string pool of the
// transform's own, and per changed table a stream of records, each a 16-bit
// mask followed by the cells it carries. Independent of lib/package/transform.ts
// on purpose: the cross-check against Wine only means something if the writer
// and the reader were not built from each other.

import * as CFB from 'cfb';

import { encodeStreamName } from '../../lib/package/stream-names';
import { CLSID, summaryInformationStream, type SummaryPropertyValue } from './package-fixtures';

/** An IDT column type: s72, S255, l0, L0, i2, I2, i4, I4, v0, V0. */
export type IdtType = string;

export interface WriterColumn {
  name: string;
  type: IdtType;
  key?: boolean;
}

/** A cell: string, integer, null, or binary data (stored as a stream "Table.key..." in the transform). */
export type WriterValue = string | number | null | { binary: Buffer };

export type WriterRecord =
  /** Low-bit mask: the first values.length columns. Inserts, or replaces the row with that key. */
  | { op: 'insert'; values: WriterValue[] }
  /** Bit mask: the key columns plus the columns named in `set`. */
  | { op: 'update'; key: WriterValue[]; set: Record<string, WriterValue> }
  /** Mask 0: the key columns only. */
  | { op: 'delete'; key: WriterValue[] }
  /** Bytes written as they are (for damaged transforms). */
  | { op: 'raw'; bytes: Buffer };

export interface WriterTableChange {
  table: string;
  /** Every column of the table after the transform's own column additions. */
  columns: WriterColumn[];
  records: WriterRecord[];
}

export interface WriterSummary {
  targetProductCode: string;
  targetVersion: string;
  upgradedProductCode: string;
  upgradedVersion: string;
  upgradeCode: string;
  /** High word of Character Count. */
  validation?: number;
  /** Low word of Character Count. */
  errorConditions?: number;
}

export interface TransformSpec {
  /** Codepage of the transform's string pool: 1252 (default) or 65001. */
  codepage?: 1252 | 65001;
  /** Mark the pool as using 3-byte string references (header bit 31). */
  longReferences?: boolean;
  /** Tables to add with their columns (written with null column numbers, as Windows does, unless `numbered`). */
  addTables?: Array<{ name: string; columns: WriterColumn[]; numbered?: boolean }>;
  /** Columns to add to existing tables: the new column's number (or null for "the next one"). */
  addColumns?: Array<{ table: string; number: number | null; column: WriterColumn }>;
  dropTables?: string[];
  changes?: WriterTableChange[];
  /** Extra non-table streams, by decoded name. */
  streams?: Record<string, Buffer>;
  /** Table streams replaced by raw bytes, by table name (also _Tables, _Columns, _StringPool, _StringData). */
  rawTableStreams?: Record<string, Buffer>;
  summary?: WriterSummary;
}

const FLAG = { VALID: 0x0100, LOCALIZABLE: 0x0200, SHORT: 0x0400, STRING: 0x0800, NULLABLE: 0x1000, KEY: 0x2000 };

/** _Columns.Type for an IDT type, as Windows Installer stores it (i2 = 0x502, i4 = 0x104, s72 = 0xD48, l0 = 0xF00, v0 = 0x900). */
export function columnType(idt: IdtType, key = false): number {
  const match = /^([sSlLiIvV])(\d+)$/.exec(idt);
  if (!match) throw new Error(`transform writer: unknown column type ${idt}`);
  const letter = match[1].toLowerCase();
  const size = Number(match[2]);
  let type: number;
  if (letter === 'v') type = FLAG.VALID | FLAG.STRING;
  else if (letter === 'i') type = size === 4 ? FLAG.VALID | 4 : FLAG.VALID | FLAG.SHORT | size;
  else type = FLAG.VALID | FLAG.SHORT | FLAG.STRING | (letter === 'l' ? FLAG.LOCALIZABLE : 0) | size;
  if (match[1] !== match[1].toLowerCase()) type |= FLAG.NULLABLE;
  if (key) type |= FLAG.KEY;
  return type;
}

type Kind = 'string' | 'int2' | 'int4' | 'binary';

function kindOf(idt: IdtType): Kind {
  const letter = idt[0].toLowerCase();
  if (letter === 'v') return 'binary';
  if (letter === 'i') return idt.slice(1) === '4' ? 'int4' : 'int2';
  return 'string';
}

class PoolBuilder {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [''];
  private readonly refs: number[] = [0];
  constructor(private readonly codepage: 1252 | 65001) {}

  id(value: string | null): number {
    if (value === null || value === '') return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(value, id);
      this.strings.push(value);
      this.refs.push(0);
    }
    this.refs[id]++;
    return id;
  }

  streams(long: boolean): { pool: Buffer; data: Buffer } {
    const encode = (s: string) => Buffer.from(s, this.codepage === 65001 ? 'utf8' : 'latin1');
    const entries: Buffer[] = [];
    const header = Buffer.alloc(4);
    header.writeUInt32LE((this.codepage | (long ? 0x80000000 : 0)) >>> 0, 0);
    entries.push(header);
    const data: Buffer[] = [];
    for (let id = 1; id < this.strings.length; id++) {
      const bytes = encode(this.strings[id]);
      if (bytes.length > 0xffff) throw new Error('transform writer: strings of 64 KiB or more are not supported');
      const entry = Buffer.alloc(4);
      entry.writeUInt16LE(bytes.length, 0);
      entry.writeUInt16LE(Math.min(this.refs[id], 0xffff), 2);
      entries.push(entry);
      data.push(bytes);
    }
    return { pool: Buffer.concat(entries), data: Buffer.concat(data) };
  }
}

class RecordWriter {
  private readonly parts: Buffer[] = [];
  constructor(private readonly refBytes: 2 | 3) {}

  u16(value: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value & 0xffff, 0);
    this.parts.push(b);
  }

  ref(id: number): void {
    const b = Buffer.alloc(this.refBytes);
    b.writeUIntLE(id, 0, this.refBytes);
    this.parts.push(b);
  }

  int(kind: 'int2' | 'int4', value: number | null): void {
    if (kind === 'int2') {
      this.u16(value === null ? 0 : value + 0x8000);
    } else {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(value === null ? 0 : ((value | 0) ^ 0x80000000) >>> 0, 0);
      this.parts.push(b);
    }
  }

  raw(bytes: Buffer): void {
    this.parts.push(bytes);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function keyText(value: WriterValue): string {
  if (value === null) return '';
  if (typeof value === 'object') throw new Error('transform writer: a key cannot be binary');
  return String(value);
}

/** The streams of a transform storage: [stored name, content], plus the summary. */
export function transformStreams(spec: TransformSpec): Array<[string, Buffer]> {
  const codepage = spec.codepage ?? 1252;
  const long = spec.longReferences ?? false;
  const pool = new PoolBuilder(codepage);
  const out: Array<[string, Buffer]> = [];
  const dataStreams: Array<[string, Buffer]> = [];
  const table = (name: string, bytes: Buffer) => out.push([encodeStreamName(name, true), bytes]);

  // _Tables: added tables, then dropped ones.
  if ((spec.addTables?.length ?? 0) + (spec.dropTables?.length ?? 0) > 0) {
    const w = new RecordWriter(long ? 3 : 2);
    for (const t of spec.addTables ?? []) {
      w.u16(0x0101);
      w.ref(pool.id(t.name));
    }
    for (const name of spec.dropTables ?? []) {
      w.u16(0x0000);
      w.ref(pool.id(name));
    }
    table('_Tables', w.bytes());
  }
  // _Columns: Table, Number, Name, Type.
  const columnRecords: Array<[string, number | null, WriterColumn]> = [];
  for (const t of spec.addTables ?? []) t.columns.forEach((c, i) => columnRecords.push([t.name, t.numbered ? i + 1 : null, c]));
  for (const a of spec.addColumns ?? []) columnRecords.push([a.table, a.number, a.column]);
  if (columnRecords.length > 0) {
    const w = new RecordWriter(long ? 3 : 2);
    for (const [tableName, number, column] of columnRecords) {
      w.u16(0x0401);
      w.ref(pool.id(tableName));
      w.int('int2', number);
      w.ref(pool.id(column.name));
      w.u16(columnType(column.type, column.key) + 0x8000);
    }
    table('_Columns', w.bytes());
  }
  for (const change of spec.changes ?? []) {
    const w = new RecordWriter(long ? 3 : 2);
    const columns = change.columns;
    const keyIndexes = columns.map((c, i) => (c.key ? i : -1)).filter((i) => i >= 0);
    const streamName = (key: WriterValue[]) => [change.table, ...key.map(keyText)].join('.');
    const cell = (column: WriterColumn, value: WriterValue, key: WriterValue[]) => {
      const kind = kindOf(column.type);
      if (kind === 'binary') {
        if (value === null) w.u16(0);
        else if (typeof value === 'object') {
          w.u16(1);
          dataStreams.push([streamName(key), value.binary]);
        } else throw new Error(`transform writer: ${change.table}.${column.name} is binary`);
      } else if (kind === 'string') {
        if (value !== null && typeof value !== 'string')
          throw new Error(`transform writer: ${change.table}.${column.name} is a string column`);
        w.ref(pool.id(value as string | null));
      } else {
        if (value !== null && typeof value !== 'number')
          throw new Error(`transform writer: ${change.table}.${column.name} is an integer column`);
        w.int(kind, value as number | null);
      }
    };
    for (const record of change.records) {
      if (record.op === 'raw') {
        w.raw(record.bytes);
      } else if (record.op === 'insert') {
        if (record.values.length === 0 || record.values.length > columns.length) throw new Error('transform writer: bad insert width');
        w.u16(0x0001 | (record.values.length << 8));
        const key = keyIndexes.map((k) => record.values[k] ?? null);
        record.values.forEach((value, i) => cell(columns[i], value, key));
      } else if (record.op === 'delete') {
        w.u16(0);
        keyIndexes.forEach((k, i) => cell(columns[k], record.key[i] ?? null, record.key));
      } else {
        let mask = 0;
        for (const name of Object.keys(record.set)) {
          const index = columns.findIndex((c) => c.name === name);
          if (index < 1 || index > 15 || columns[index].key) throw new Error(`transform writer: cannot mask column ${name}`);
          mask |= 1 << index;
        }
        w.u16(mask);
        let k = 0;
        columns.forEach((column, i) => {
          if (column.key) cell(column, record.key[k++] ?? null, record.key);
          else if (mask & (1 << i)) cell(column, record.set[column.name], record.key);
        });
      }
    }
    table(change.table, w.bytes());
  }
  const { pool: poolBytes, data } = pool.streams(long);
  out.unshift([encodeStreamName('_StringData', true), data]);
  out.unshift([encodeStreamName('_StringPool', true), poolBytes]);
  for (const [name, bytes] of Object.entries(spec.rawTableStreams ?? {})) {
    const stored = encodeStreamName(name, true);
    const at = out.findIndex(([n]) => n === stored);
    if (at >= 0) out[at] = [stored, bytes];
    else out.push([stored, bytes]);
  }
  for (const [name, bytes] of [...dataStreams, ...Object.entries(spec.streams ?? {})]) out.push([encodeStreamName(name, false), bytes]);
  out.push(['\u0005SummaryInformation', summaryInformationStream(transformSummary(spec.summary))]);
  return out;
}

function transformSummary(summary: WriterSummary | undefined): SummaryPropertyValue[] {
  const s = summary ?? {
    targetProductCode: '{00000000-0000-0000-0000-000000000001}',
    targetVersion: '1.0.0',
    upgradedProductCode: '{00000000-0000-0000-0000-000000000001}',
    upgradedVersion: '1.0.1',
    upgradeCode: '{00000000-0000-0000-0000-000000000002}',
  };
  const charCount = (((s.validation ?? 0x0001) << 16) | (s.errorConditions ?? 0x001f)) >>> 0;
  return [
    { id: 1, type: 'i2', value: 1252 },
    { id: 7, type: 'string', value: 'Intel;1033' },
    { id: 8, type: 'string', value: 'Intel;1033' },
    {
      id: 9,
      type: 'string',
      value: `${s.targetProductCode}${s.targetVersion};${s.upgradedProductCode}${s.upgradedVersion};${s.upgradeCode}`,
    },
    { id: 14, type: 'i4', value: 200 },
    { id: 16, type: 'i4', value: charCount | 0 },
  ];
}

/** A transform file (.mst): the streams at the root of a compound file with the transform CLSID. */
export function writeTransformFile(spec: TransformSpec): Buffer {
  const cfb = CFB.utils.cfb_new({ root: 'Root Entry' });
  for (const [name, bytes] of transformStreams(spec)) CFB.utils.cfb_add(cfb, `/${name}`, bytes);
  CFB.utils.cfb_gc(cfb);
  cfb.FileIndex[0].clsid = CLSID.transform;
  return CFB.write(cfb, { type: 'buffer' }) as Buffer;
}
