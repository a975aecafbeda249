// Database transforms: decoding the table changes a transform (.mst, or a transform
// sub-storage of a patch) makes. The database with transforms applied is
// transformed-database.ts.
//
// A transform storage holds its own string pool (_StringPool, _StringData)
// and one stream per changed table, named like the table. The table streams
// are not column-major tables but a sequence of records, each one a 16-bit
// mask followed by cell values:
//
// * mask with the low bit set: the first (mask >> 8) columns follow, in
//   order. The row is inserted, or replaces the row with the same primary
//   key (the columns left out become null).
// * mask 0: only the primary key columns follow; that row is deleted.
// * any other mask: the primary key columns and each column i (0-based)
//   whose bit (1 << i) is set follow; those columns of the row with that key
//   are updated. A 16-bit mask can name columns 1 to 15 only (bit 0 is the
//   mode bit); the low-bit form can carry up to 255 columns.
//
// Values are stored as in tables (integers with the sign bit flipped, 0 being
// null), strings as references into the transform's own pool with the width
// that pool declares (2 bytes, or 3 when its header sets bit 31), binary cells
// as a 2-byte flag with the data in a stream of the transform storage named
// "Table.key1.key2...". _Tables and _Columns use the same encoding: an
// inserted _Tables row adds a table, a deleted one drops it, inserted
// _Columns rows add columns (a null Number means "the next column"). They are
// applied first, so the other table streams are decoded with the columns the
// transform gives their tables. This follows Wine's msi.dll
// (dlls/msi/table.c), the only public implementation.

import { MsiFormatError } from '../errors/classes';
import { openCompoundFile } from './compound';
import { MsiStorage } from './package';
import { assertAttached, assertInstance, describeValue } from '../validate';
import { describeTransform, type TransformInfo } from './patch';
import { runSteps, type ReadAhead, type Steps } from './scheduler';
import { StringPool } from './string-pool';
import { catalogColumns, ColumnFlags, defineColumn, emptyRow, type CellValue, type ColumnDefinition, type Row } from './tables';
import { argumentTypeError } from '../argument-error';

/** What a transform is decoded against: the tables and columns of the database it changes. */
export interface TransformTarget {
  readonly tableNames: readonly string[];
  hasTable(name: string): boolean;
  columns(name: string): readonly ColumnDefinition[];
  /**
   * @internal What columns(name) reads from a file (MsiPackage.columns reads the table), for
   * the async twins to read first (see ReadAhead); undefined when nothing needs reading.
   */
  tableReadAhead?(name: string): ReadAhead | undefined;
}

export type TransformOperationKind = 'insert' | 'update' | 'delete';

export interface TransformOperation {
  /**
   * 'insert': a row with the values given (columns left out are null); it
   * replaces a row with the same primary key. 'update': the given columns
   * of the row with this key. 'delete': the row with this key.
   */
  kind: TransformOperationKind;
  /** Primary key values, in column order. */
  key: CellValue[];
  /**
   * The cells the record carries, keys included, by column name. Binary
   * cells hold the name of their stream ("Table.key") when the record marks
   * data, else null.
   */
  values: Row;
  /** The record's 16-bit mask as stored. */
  mask: number;
  /** Byte offset of the record in the table's transform stream. */
  offset: number;
}

export interface TableTransform {
  table: string;
  /** Columns the records were decoded with: the table's columns after this transform's additions. */
  columns: readonly ColumnDefinition[];
  operations: TransformOperation[];
}

export interface AddedColumn {
  table: string;
  column: ColumnDefinition;
}

export interface DecodedTransform {
  /** Sub-storage name in the patch, or '' for the root of a .mst file. */
  name: string;
  /** Summary of the transform: target and upgraded product code and version, upgrade code. */
  info: TransformInfo;
  /** Validation flags (high word of the summary Character Count) and error conditions (low word). */
  validationFlags: number | null;
  errorConditions: number | null;
  /** The transform's own string pool. */
  codepage: number;
  longReferences: boolean;
  /** Tables added (inserted _Tables rows) and dropped (deleted _Tables rows). */
  addedTables: string[];
  droppedTables: string[];
  /** Columns added (inserted _Columns rows), to new tables and to existing ones. */
  addedColumns: AddedColumn[];
  /** Row changes, one entry per changed table (other than _Tables and _Columns), in storage order. */
  tables: TableTransform[];
  /** Streams other than tables the transform carries (binary cell data such as "MsiDigitalCertificate.x"). */
  streams: string[];
}

const SUMMARY_STREAM = '\u0005SummaryInformation';
const POOL_STREAMS = new Set(['_StringPool', '_StringData']);
const CATALOG = new Set(['_Tables', '_Columns']);

function isBinaryColumn(column: ColumnDefinition): boolean {
  return column.kind === 'binary';
}

/** Bytes a value of this column takes in a transform whose pool uses `refBytes`-wide references. */
function transformWidth(column: ColumnDefinition, refBytes: number): number {
  if (column.kind === 'binary') return 2;
  if (column.kind === 'string') return refBytes;
  return column.storageBytes;
}

function readUInt(data: Buffer, at: number, bytes: number): number {
  if (bytes === 2) return data[at] | (data[at + 1] << 8);
  if (bytes === 3) return data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
  return data.readUInt32LE(at);
}

function hex(value: number, digits = 4): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}

interface DecodeContext {
  transform: string;
  pool: StringPool;
  refBytes: number;
}

function where(ctx: DecodeContext, table: string): string {
  return ctx.transform ? `${table} (transform ${ctx.transform})` : `${table} (transform)`;
}

/** Records decoded per step of decodeRecordSteps (about 0.3 ms of work). */
const RECORDS_PER_STEP = 128;

/**
 * Decodes the records of one table stream (the catalog's as well). `columns` are the table's
 * columns (with the transform's additions). Yields every RECORDS_PER_STEP records: a table of
 * 20,000 rows took 50 ms.
 */
function* decodeRecordSteps(
  ctx: DecodeContext,
  table: string,
  columns: readonly ColumnDefinition[],
  data: Buffer,
): Steps<TransformOperation[]> {
  const loc = where(ctx, table);
  const keyIndexes: number[] = [];
  columns.forEach((c, i) => {
    if (c.primaryKey) keyIndexes.push(i);
  });
  const widths = columns.map((c) => transformWidth(c, ctx.refBytes));
  const operations: TransformOperation[] = [];
  let n = 0;
  while (n < data.length) {
    if (n + 2 > data.length) {
      throw new MsiFormatError(`table ${table}: ${data.length - n} byte left at the end of the stream, too short for a record mask`, {
        where: loc,
        offset: n,
      });
    }
    const mask = data[n] | (data[n + 1] << 8);
    let kind: TransformOperationKind;
    const present: number[] = [];
    if (mask & 1) {
      const count = mask >> 8;
      if (count === 0) {
        throw new MsiFormatError(`table ${table}: record mask ${hex(mask)} inserts no columns`, { where: loc, offset: n });
      }
      if (count > columns.length) {
        throw new MsiFormatError(`table ${table}: record mask ${hex(mask)} carries ${count} columns but the table has ${columns.length}`, {
          where: loc,
          offset: n,
        });
      }
      const missingKey = keyIndexes.find((k) => k >= count);
      if (missingKey !== undefined) {
        throw new MsiFormatError(
          `table ${table}: record mask ${hex(mask)} carries ${count} columns, leaving out key column ${columns[missingKey].name}`,
          { where: loc, offset: n },
        );
      }
      for (let i = 0; i < count; i++) present.push(i);
      kind = 'insert';
    } else {
      // Bits for columns past the table are an error; a table of 16 or more
      // columns cannot have any.
      if (columns.length < 16 && mask >> columns.length !== 0) {
        throw new MsiFormatError(`table ${table}: record mask ${hex(mask)} marks columns beyond the table's ${columns.length}`, {
          where: loc,
          offset: n,
        });
      }
      for (let i = 0; i < columns.length; i++) {
        if (columns[i].primaryKey || (i < 16 && (mask & (1 << i)) !== 0)) present.push(i);
      }
      kind = mask === 0 ? 'delete' : 'update';
    }
    let size = 2;
    for (const i of present) size += widths[i];
    if (n + size > data.length) {
      throw new MsiFormatError(
        `table ${table}: record at offset ${n} (mask ${hex(mask)}) needs ${size} bytes but the stream ends after ${data.length - n}`,
        { where: loc, offset: n },
      );
    }
    const values = emptyRow();
    let at = n + 2;
    for (const i of present) {
      const column = columns[i];
      const raw = readUInt(data, at, widths[i]);
      let value: CellValue;
      if (column.kind === 'integer') {
        value = raw === 0 ? null : widths[i] === 2 ? raw - 0x8000 : (raw ^ 0x80000000) | 0;
      } else if (column.kind === 'string') {
        if (raw >= ctx.pool.size) {
          throw new MsiFormatError(
            `table ${table}, record at offset ${n}, column ${column.name}: string index ${raw} is out of range (the transform's string pool has ids 1 to ${ctx.pool.size - 1})`,
            { where: loc, offset: at },
          );
        }
        value = raw === 0 ? null : ctx.pool.get(raw);
      } else {
        value = raw === 0 ? null : 0; // placeholder, named below once the key is known
      }
      values[column.name] = value;
      at += widths[i];
    }
    const key = keyIndexes.map((k) => values[columns[k].name] ?? null);
    for (const i of present) {
      const column = columns[i];
      if (isBinaryColumn(column) && values[column.name] !== null) values[column.name] = streamNameFor(table, columns, key);
    }
    operations.push({ kind, key, values, mask, offset: n });
    n += size;
    if (operations.length % RECORDS_PER_STEP === 0) yield;
  }
  return operations;
}

/** Name of the stream holding a binary cell: the table and the key values joined with dots. */
export function streamNameFor(table: string, columns: readonly ColumnDefinition[], key: readonly CellValue[]): string {
  let name = table;
  let k = 0;
  for (const column of columns) {
    if (!column.primaryKey) continue;
    const value = key[k++];
    name += '.' + (value === null || value === undefined ? '' : String(value));
  }
  return name;
}

function summaryWords(info: TransformInfo): { validationFlags: number | null; errorConditions: number | null } {
  const count = info.summary?.charCount;
  if (count === null || count === undefined) return { validationFlags: null, errorConditions: null };
  const unsigned = count >>> 0;
  return { validationFlags: unsigned >>> 16, errorConditions: unsigned & 0xffff };
}

/**
 * Decodes a transform storage against the database it applies to (whose
 * tables and columns the record layouts depend on). Throws MsiFormatError
 * naming the table, record offset and problem when the transform is damaged.
 */
export function readTransform(storage: MsiStorage, target: TransformTarget): DecodedTransform {
  assertInstance(storage, MsiStorage, 'storage', 'a transform storage (MsiStorage)');
  assertTransformTarget(target, 'target');
  return runSteps(readTransformSteps(storage, target));
}

/** @internal readTransform cut into steps (between tables and every few records), for TransformedDatabase. */
export function* readTransformSteps(storage: MsiStorage, target: TransformTarget): Steps<DecodedTransform> {
  const { undecoded: _undecoded, ...decoded } = yield* decodeTransformSteps(storage, target);
  return decoded;
}

/**
 * What a transform holds, read without the database it applies to (as
 * `msi-lua info` shows a .mst): its summary, the tables and columns it adds
 * and drops, the rows of the tables it adds, and which other tables it
 * changes. Rows of a table the transform does not define cannot be decoded
 * without that table's columns: those tables are listed in `undecoded` with
 * the size of their records. Throws MsiFormatError when the transform is
 * damaged.
 */
export function describeTransformStorage(storage: MsiStorage): TransformOverview {
  assertInstance(storage, MsiStorage, 'storage', 'a transform storage (MsiStorage)');
  return runSteps(decodeTransformSteps(storage, null));
}

export interface TransformOverview extends DecodedTransform {
  /** Tables whose rows the transform changes but which it does not define: their records need the target's columns. */
  undecoded: Array<{ table: string; bytes: number }>;
}

/** readTransform; with a null target, what can be decoded without one (describeTransformStorage). */
function* decodeTransformSteps(storage: MsiStorage, target: TransformTarget | null): Steps<TransformOverview> {
  // A transform inside a patch opened from a path reads its streams from the file.
  const ahead = storage.transformReadAhead();
  if (ahead) yield ahead;
  const poolData = storage.readTableStream('_StringPool');
  const stringData = storage.readTableStream('_StringData');
  const label = storage.name;
  if (poolData === null || stringData === null) {
    throw new MsiFormatError(`transform ${label ? JSON.stringify(label) + ' ' : ''}has no string pool (_StringPool and _StringData)`, {
      where: label ? `transform ${label}` : 'transform',
    });
  }
  yield;
  const pool = new StringPool(poolData, stringData);
  yield;
  const ctx: DecodeContext = { transform: label, pool, refBytes: pool.longReferences ? 3 : 2 };
  const info = describeTransform(label, storage.summary, true);

  // _Tables: added and dropped tables.
  const addedTables: string[] = [];
  const droppedTables: string[] = [];
  // Looked up for every _Columns record: sets, or 10,000 columns of 2,000 added tables cost 20 million comparisons.
  const added = new Set<string>();
  const dropped = new Set<string>();
  const tablesData = storage.readTableStream('_Tables');
  if (tablesData !== null) {
    for (const op of yield* decodeRecordSteps(ctx, '_Tables', catalogColumns('_Tables', pool.longReferences), tablesData)) {
      const name = op.values.Name;
      if (typeof name !== 'string' || name === '') {
        throw new MsiFormatError('_Tables record names no table', { where: where(ctx, '_Tables'), offset: op.offset });
      }
      if (op.kind === 'insert') {
        addedTables.push(name);
        added.add(name);
      } else if (op.kind === 'delete') {
        droppedTables.push(name);
        dropped.add(name);
      } else {
        throw new MsiFormatError(`_Tables record for ${name} has mask ${hex(op.mask)}: a table can only be added or dropped`, {
          where: where(ctx, '_Tables'),
          offset: op.offset,
        });
      }
    }
  }
  // Without a target, any table the transform does not drop may exist.
  const inTarget = (table: string): boolean => (target === null ? true : target.hasTable(table));
  const exists = (table: string): boolean => (inTarget(table) && !dropped.has(table)) || added.has(table);
  /** Tables whose columns are unknown (no target, and the transform does not add them). */
  const unknown = (table: string): boolean => target === null && !added.has(table);

  // _Columns: added columns.
  const addedColumns: AddedColumn[] = [];
  const schema = new Map<string, ColumnDefinition[]>();
  const columnsOf = (table: string): ColumnDefinition[] => {
    let columns = schema.get(table);
    if (!columns) {
      const fresh = added.has(table) && (dropped.has(table) || !inTarget(table));
      columns = fresh || target === null ? [] : [...target.columns(table)];
      schema.set(table, columns);
    }
    return columns;
  };
  const columnsData = storage.readTableStream('_Columns');
  let nullRun = { table: '', count: 0 };
  if (columnsData !== null) {
    let checked = 0;
    for (const op of yield* decodeRecordSteps(ctx, '_Columns', catalogColumns('_Columns', pool.longReferences), columnsData)) {
      if (++checked % RECORDS_PER_STEP === 0) yield;
      const loc = where(ctx, '_Columns');
      const table = op.values.Table;
      const name = op.values.Name;
      if (typeof table !== 'string' || table === '')
        throw new MsiFormatError('_Columns record names no table', { where: loc, offset: op.offset });
      if (op.kind !== 'insert') {
        throw new MsiFormatError(`_Columns record for table ${table} has mask ${hex(op.mask)}: a transform can only add columns`, {
          where: loc,
          offset: op.offset,
        });
      }
      if (typeof name !== 'string' || name === '')
        throw new MsiFormatError(`_Columns record for table ${table} names no column`, { where: loc, offset: op.offset });
      if (!exists(table) || CATALOG.has(table)) {
        throw new MsiFormatError(`_Columns adds column ${name} to table ${table}, which neither the database nor the transform defines`, {
          where: loc,
          offset: op.offset,
        });
      }
      const typeValue = op.values.Type;
      if (typeof typeValue !== 'number')
        throw new MsiFormatError(`_Columns record for ${table}.${name} has no type`, { where: loc, offset: op.offset });
      const type = typeValue & 0xffff;
      const size = type & ColumnFlags.SIZE_MASK;
      if ((type & ColumnFlags.STRING) === 0 && size > 2 && size !== 4) {
        throw new MsiFormatError(`_Columns record declares ${table}.${name} an integer of ${size} bytes (only 2 and 4 exist)`, {
          where: loc,
          offset: op.offset,
        });
      }
      if (unknown(table)) {
        // Added to a table of the target, whose columns are not known here.
        const numberValue = op.values.Number;
        const number = typeof numberValue === 'number' ? numberValue : 0;
        addedColumns.push({ table, column: defineColumn(table, number, name, type, pool.longReferences) });
        continue;
      }
      const columns = columnsOf(table);
      // Windows writes a null Number for the columns of a new table: they are
      // numbered from 1 in the order of the records, restarting whenever the
      // table changes (as Wine numbers them).
      const numberValue = op.values.Number;
      let number: number;
      if (typeof numberValue === 'number') number = numberValue;
      else {
        if (table !== nullRun.table) nullRun = { table, count: 0 };
        number = ++nullRun.count;
      }
      if (number >= 1 && number <= columns.length) {
        const existing = columns[number - 1];
        const restated = defineColumn(table, number, name, type, pool.longReferences);
        // A table added again (an error condition Windows can be told to ignore) restates its columns.
        if (existing.name === name && existing.idtType === restated.idtType && existing.primaryKey === restated.primaryKey) continue;
        throw new MsiFormatError(
          `_Columns record redefines column ${number} of table ${table} (${existing.name} ${existing.idtType}) as ${name} ${restated.idtType}`,
          { where: loc, offset: op.offset },
        );
      }
      if (columns.some((c) => c.name === name)) {
        throw new MsiFormatError(`_Columns record adds column ${name} to table ${table}, which already has a column of that name`, {
          where: loc,
          offset: op.offset,
        });
      }
      if (number !== columns.length + 1) {
        throw new MsiFormatError(`_Columns record adds column ${number} to table ${table}, which has ${columns.length} columns`, {
          where: loc,
          offset: op.offset,
        });
      }
      const column = defineColumn(table, number, name, type, pool.longReferences);
      columns.push(column);
      addedColumns.push({ table, column });
    }
  }
  for (const table of addedTables) {
    if (columnsOf(table).length === 0) {
      throw new MsiFormatError(`the transform adds table ${table} without columns`, { where: where(ctx, '_Columns') });
    }
  }

  // Row changes.
  const tables: TableTransform[] = [];
  const undecoded: Array<{ table: string; bytes: number }> = [];
  for (const stream of storage.tableStreams) {
    const table = stream.name;
    if (POOL_STREAMS.has(table) || CATALOG.has(table)) continue;
    const data = storage.readTableStream(table) ?? Buffer.alloc(0);
    yield;
    if (!exists(table)) {
      if (data.length === 0) continue; // changes nothing

      const reason = droppedTables.includes(table) ? 'which it drops' : 'which neither the database nor the transform defines';
      throw new MsiFormatError(`the transform changes rows of table ${table}, ${reason}`, { where: where(ctx, table) });
    }
    if (unknown(table)) {
      undecoded.push({ table, bytes: data.length });
      continue;
    }
    // A table of the target is read to learn its columns (400 KB for a large File table),
    // unless columnsOf knows them already or the transform drops and adds it anew.
    const reads = inTarget(table) && !schema.has(table) && !(added.has(table) && dropped.has(table));
    const ahead = reads ? target?.tableReadAhead?.(table) : undefined;
    if (ahead) yield ahead;
    const columns = columnsOf(table);
    tables.push({ table, columns: [...columns], operations: yield* decodeRecordSteps(ctx, table, columns, data) });
  }
  const streams = storage.streams.map((s) => s.name).filter((name) => name !== SUMMARY_STREAM);
  return {
    name: label,
    info,
    ...summaryWords(info),
    codepage: pool.codepage,
    longReferences: pool.longReferences,
    addedTables,
    droppedTables,
    addedColumns,
    tables,
    streams,
    undecoded,
  };
}

/**
 * The root storage of a transform file (.mst), read from bytes (used in place, not copied).
 * Throws TypeError for anything but a Buffer/Uint8Array and MsiFormatError when the bytes are
 * not a readable compound file (MS-CFB).
 */
export function readTransformFile(data: Uint8Array): MsiStorage {
  if (!(data instanceof Uint8Array))
    throw argumentTypeError(`The "data" argument of readTransformFile must be a Buffer or Uint8Array; received ${describeValue(data)}`);
  assertAttached(data, 'data');
  const compound = openCompoundFile(data);
  return new MsiStorage(compound, compound.root);
}

/** Throws a TypeError unless `target` is a database a transform applies to. */
export function assertTransformTarget(target: unknown, name: string): asserts target is TransformTarget {
  const t = target as Partial<TransformTarget> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    !Array.isArray(t.tableNames) ||
    typeof t.hasTable !== 'function' ||
    typeof t.columns !== 'function'
  ) {
    throw argumentTypeError(
      `The "${name}" argument must be the database the transform applies to (an MsiPackage or TransformedDatabase); received ${describeValue(target)}`,
    );
  }
}
