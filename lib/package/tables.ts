// Database tables: the catalog (_Tables, _Columns) and column-major table
// streams. A table stream holds all values of column 1, then all of column
// 2, and so on; integers are stored with their sign bit flipped so that 0
// means null, strings as ids into the string pool (2 or 3 bytes), binary
// columns as a 2-byte flag with the data in a stream named
// "Table.key1.key2...".

import { MsiFormatError } from '../errors/classes';
import type { StringPool } from './string-pool';
import { assertName, describeValue } from '../validate';
import { internName } from './intern';
import { argumentRangeError, argumentTypeError } from '../argument-error';

/** Column type flags as stored in _Columns.Type. */
export const ColumnFlags = {
  SIZE_MASK: 0x00ff,
  VALID: 0x0100,
  LOCALIZABLE: 0x0200,
  STRING: 0x0800,
  NULLABLE: 0x1000,
  KEY: 0x2000,
  TEMPORARY: 0x4000,
  UNKNOWN: 0x8000,
} as const;

export type ColumnKind = 'integer' | 'string' | 'binary';

export interface ColumnDefinition {
  /** 1-based position. */
  number: number;
  name: string;
  /** Type flags as stored in _Columns (see ColumnFlags). */
  type: number;
  kind: ColumnKind;
  /** Declared size: maximum string length (0 = unlimited) or integer width in bytes. */
  size: number;
  nullable: boolean;
  primaryKey: boolean;
  localizable: boolean;
  /** Bytes per value in the table stream. */
  storageBytes: 2 | 3 | 4;
  /** IDT type code, e.g. s72, S255, l0, i2, I4, v0. */
  idtType: string;
}

export type CellValue = string | number | null;
export type Row = Record<string, CellValue>;

/**
 * An empty row object without a prototype: a column may be named anything,
 * `__proto__`, `constructor` or `toString` included, and assigning such a
 * name to an object without a prototype makes an own property like any
 * other (on a plain `{}` it would change the prototype or be shadowed).
 * Every row the reader builds starts here.
 */
export function emptyRow(): Row {
  return Object.create(null) as Row;
}

function isBinary(type: number): boolean {
  return (type & ~ColumnFlags.NULLABLE & 0xffff) === (ColumnFlags.STRING | ColumnFlags.VALID);
}

/**
 * Type codes by column type, so that every column of a type shares one
 * string (a package has a hundred or more columns, most of a few types).
 * At most 65,536 entries.
 */
const TYPE_CODES = new Map<number, string>();

/** IDT type code, spelled the way msitools and Windows Installer export it. */
export function idtTypeCode(type: number): string {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff)
    throw argumentTypeError(`The "type" argument must be a column type (an integer 0..0xFFFF); received ${describeValue(type)}`);
  let code = TYPE_CODES.get(type);
  if (code === undefined) TYPE_CODES.set(type, (code = spellType(type)));
  return code;
}

function spellType(type: number): string {
  let letter: string;
  if (isBinary(type)) letter = 'v';
  else if (type & ColumnFlags.LOCALIZABLE) letter = 'l';
  else if (type & ColumnFlags.UNKNOWN) letter = 'f';
  else if (type & ColumnFlags.STRING) letter = type & ColumnFlags.TEMPORARY ? 'g' : 's';
  else letter = type & ColumnFlags.TEMPORARY ? 'j' : 'i';
  if (type & ColumnFlags.NULLABLE) letter = letter.toUpperCase();
  return letter + String(type & ColumnFlags.SIZE_MASK);
}

export function defineColumn(table: string, number: number, name: string, type: number, longReferences: boolean): ColumnDefinition {
  let kind: ColumnKind;
  let storageBytes: 2 | 3 | 4;
  if (isBinary(type)) {
    kind = 'binary';
    storageBytes = 2;
  } else if (type & ColumnFlags.STRING) {
    kind = 'string';
    storageBytes = longReferences ? 3 : 2;
  } else {
    kind = 'integer';
    const size = type & ColumnFlags.SIZE_MASK;
    if (size <= 2) storageBytes = 2;
    else if (size === 4) storageBytes = 4;
    else {
      throw new MsiFormatError(`table ${table}, column ${name}: declares an integer of ${size} bytes (only 2 and 4 exist)`, {
        where: table,
      });
    }
  }
  return {
    number,
    name,
    type,
    kind,
    size: type & ColumnFlags.SIZE_MASK,
    nullable: (type & ColumnFlags.NULLABLE) !== 0,
    primaryKey: (type & ColumnFlags.KEY) !== 0,
    localizable: (type & ColumnFlags.LOCALIZABLE) !== 0,
    storageBytes,
    idtType: idtTypeCode(type),
  };
}

// The two catalog tables describe themselves implicitly.
const CATALOG_COLUMNS: Record<string, Array<[string, number]>> = {
  _Tables: [['Name', ColumnFlags.VALID | ColumnFlags.STRING | ColumnFlags.KEY | 64]],
  _Columns: [
    ['Table', ColumnFlags.VALID | ColumnFlags.STRING | ColumnFlags.KEY | 64],
    ['Number', ColumnFlags.VALID | ColumnFlags.KEY | 2],
    ['Name', ColumnFlags.VALID | ColumnFlags.STRING | 64],
    ['Type', ColumnFlags.VALID | 2],
  ],
};

export function catalogColumns(table: '_Tables' | '_Columns', longReferences: boolean): ColumnDefinition[] {
  return CATALOG_COLUMNS[table].map(([name, type], i) => defineColumn(table, i + 1, name, type, longReferences));
}

function readRef(data: Buffer, at: number, bytes: number): number {
  if (bytes === 2) return data[at] | (data[at + 1] << 8);
  if (bytes === 3) return data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
  return data.readUInt32LE(at);
}

export interface TableContext {
  pool: StringPool;
  /** Does a (decoded, non-table) stream of this name exist at the database root? */
  hasStream(name: string): boolean;
}

/**
 * One table of a database, read from its column-major stream (`pkg.table(name)`): `columns`,
 * `rowCount`, `primaryKeys`, `rows()`, `row(i)`, `value(row, column)`, iteration. Integers are
 * numbers, strings strings, nulls null, binary cells the name of their stream. Damage to the
 * table throws MsiFormatError naming it; a row or column that does not exist is a RangeError.
 */
export class MsiTable {
  readonly name: string;
  readonly columns: readonly ColumnDefinition[];
  readonly rowCount: number;
  private readonly data: Buffer;
  private readonly columnOffsets: number[];
  /** @internal */
  readonly context: TableContext;

  constructor(name: string, columns: ColumnDefinition[], data: Buffer | null, context: TableContext) {
    this.name = name;
    this.columns = columns;
    this.context = context;
    const rowSize = columns.reduce((sum, c) => sum + c.storageBytes, 0);
    const bytes = data ?? Buffer.alloc(0);
    if (rowSize === 0) {
      throw new MsiFormatError(`table ${name} has no columns`, { where: name });
    }
    if (bytes.length % rowSize !== 0) {
      throw new MsiFormatError(`table ${name}: stream is ${bytes.length} bytes, not a whole number of ${rowSize}-byte rows`, {
        where: name,
        offset: bytes.length,
      });
    }
    this.rowCount = bytes.length / rowSize;
    this.data = bytes;
    this.columnOffsets = [];
    let offset = 0;
    for (const column of columns) {
      this.columnOffsets.push(offset);
      offset += column.storageBytes * this.rowCount;
    }
  }

  get primaryKeys(): string[] {
    return this.columns.filter((c) => c.primaryKey).map((c) => c.name);
  }

  columnIndex(name: string): number {
    assertName(name, 'name', 'a column name');
    const index = this.columns.findIndex((c) => c.name === name);
    if (index < 0) throw argumentRangeError(`table ${this.name} has no column ${name}`);
    return index;
  }

  /** The stored value (string id, flipped integer, binary flag), 0 meaning null. */
  rawValue(row: number, column: number): number {
    this.checkCell(row, column);
    return this.rawAt(row, column);
  }

  /**
   * @internal The string a cell refers to, with a bad reference reported as
   * the table, row and column it is in.
   */
  stringAt(row: number, column: number, id: number): string {
    const pool = this.context.pool;
    if (id >= pool.size) {
      throw new MsiFormatError(
        `table ${this.name}, row ${row + 1}, column ${this.columns[column].name}: string index ${id} is out of range (the string pool has ids 1 to ${pool.size - 1})`,
        { where: this.name, offset: this.cellOffset(row, column) },
      );
    }
    return pool.get(id);
  }

  /** @internal The table stream, column after column. */
  rawData(): Buffer {
    return this.data;
  }

  /** @internal Byte offset of a cell in rawData(). */
  cellOffset(row: number, column: number): number {
    return this.columnOffsets[column] + row * this.columns[column].storageBytes;
  }

  /** @internal rawValue without the bounds check, for bulk readers. */
  rawAt(row: number, column: number): number {
    const bytes = this.columns[column].storageBytes;
    return readRef(this.data, this.columnOffsets[column] + row * bytes, bytes);
  }

  /**
   * Typed value of a cell: number for integers, string for strings, the
   * stream name for binary columns whose stream exists, null for null.
   */
  value(row: number, column: number): CellValue {
    const raw = this.rawValue(row, column);
    const c = this.columns[column];
    switch (c.kind) {
      case 'integer':
        if (raw === 0) return null;
        return c.storageBytes === 2 ? raw - 0x8000 : (raw - 0x80000000) | 0;
      case 'string':
        return raw === 0 ? null : this.stringAt(row, column, raw);
      case 'binary': {
        const stream = this.streamName(row);
        return this.context.hasStream(stream) ? stream : null;
      }
    }
  }

  /**
   * Name of the stream holding a binary value of this row: the table name
   * and the primary key values joined with dots.
   */
  streamName(row: number): string {
    let name = this.name;
    for (let column = 0; column < this.columns.length; column++) {
      const c = this.columns[column];
      if (!c.primaryKey) continue;
      const raw = this.rawValue(row, column);
      let key: string;
      if (c.kind === 'integer') {
        // A null key still names a stream: Windows Installer and msitools
        // print the unflipped value.
        key = String(c.storageBytes === 2 ? raw - 0x8000 : (raw ^ 0x80000000) | 0);
      } else {
        key = raw === 0 ? '' : this.stringAt(row, column, raw);
      }
      name += '.' + key;
    }
    return name;
  }

  row(index: number): Row {
    checkIndexType(index, 'index');
    const out = emptyRow();
    for (let column = 0; column < this.columns.length; column++) out[this.columns[column].name] = this.value(index, column);
    return out;
  }

  rowValues(index: number): CellValue[] {
    checkIndexType(index, 'index');
    const out: CellValue[] = new Array(this.columns.length);
    for (let column = 0; column < this.columns.length; column++) out[column] = this.value(index, column);
    return out;
  }

  /** Every row as an object keyed by column name, in stored order. */
  rows(): Row[] {
    const out: Row[] = new Array(this.rowCount);
    for (let i = 0; i < this.rowCount; i++) out[i] = this.row(i);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<Row> {
    for (let i = 0; i < this.rowCount; i++) yield this.row(i);
  }

  private checkCell(row: number, column: number): void {
    if (typeof row !== 'number' || !(row >= 0 && row < this.rowCount && Number.isInteger(row))) {
      checkIndexType(row, 'row');
      throw argumentRangeError(`row ${row} is out of range for table ${this.name} (${this.rowCount} rows)`);
    }
    if (typeof column !== 'number' || !(column >= 0 && column < this.columns.length && Number.isInteger(column))) {
      checkIndexType(column, 'column');
      throw argumentRangeError(`column ${column} is out of range for table ${this.name}`);
    }
  }
}

/**
 * A row or column index that is not a number is the caller's mistake, not a place in the
 * table: a TypeError naming it (a number out of range stays a RangeError). Tested before the
 * range comparison, which a Symbol would make throw a TypeError that names nothing.
 */
function checkIndexType(value: unknown, name: string): void {
  if (typeof value !== 'number') throw argumentTypeError(`The "${name}" argument must be a number; received ${describeValue(value)}`);
}

/**
 * Integer sizes a column may declare (bytes): other sizes make
 * `defineColumn` throw. Checked without building the definition.
 */
function hasStorableType(type: number): boolean {
  if (isBinary(type) || type & ColumnFlags.STRING) return true;
  const size = type & ColumnFlags.SIZE_MASK;
  return size <= 2 || size === 4;
}

const NO_ERRORS: ReadonlyMap<string, MsiFormatError> = new Map();

/** Reads _Columns rows; shared by every catalog (never handed to callers). */
const CATALOG_READERS = new Map<boolean, ColumnDefinition[]>();

function catalogReader(table: '_Tables' | '_Columns', longReferences: boolean): ColumnDefinition[] {
  if (table === '_Tables') return catalogColumns('_Tables', longReferences);
  let columns = CATALOG_READERS.get(longReferences);
  if (!columns) CATALOG_READERS.set(longReferences, (columns = catalogColumns('_Columns', longReferences)));
  return columns;
}

/**
 * The catalog of a database: table names, and where in _Columns each
 * table's columns are. Column definitions are built when a table is asked
 * for, not at open: a package has a hundred or more columns, most of which
 * a caller never reads, and 1,000 packages opened at once should not each
 * keep them all (a few dozen KiB a package, which made the garbage
 * collector hold the event loop).
 */
export class Catalog {
  /** Table names in the order _Tables stores them. */
  readonly tableNames: string[];
  /**
   * Why a table listed in _Tables (or described in _Columns) cannot be read:
   * its _Columns rows are damaged, or it has none. Reading that table throws
   * this error; every other table reads. Windows Installer (Wine's msi.dll
   * too) looks a table's columns up when the table is opened, so damage in
   * one table's rows fails that table alone.
   */
  readonly errors: ReadonlyMap<string, MsiFormatError>;
  private readonly columnsTable: MsiTable;
  /** Per entry of tableNames: offset in `order` of its column count, or -1 (no sound columns). */
  private readonly starts: Int32Array;
  /** For each sound table: its column count, then the _Columns row of column 1, 2, ... */
  private readonly order: Uint32Array;

  constructor(
    tableNames: string[],
    errors: ReadonlyMap<string, MsiFormatError>,
    columnsTable: MsiTable,
    starts: Int32Array,
    order: Uint32Array,
  ) {
    this.tableNames = tableNames;
    this.errors = errors;
    this.columnsTable = columnsTable;
    this.starts = starts;
    this.order = order;
  }

  /** Column definitions of a table whose _Columns rows are sound (a new array each call); undefined otherwise. */
  columns(table: string): ColumnDefinition[] | undefined {
    const index = this.tableNames.indexOf(table);
    if (index < 0 || this.starts[index] < 0) return undefined;
    const at = this.starts[index];
    const count = this.order[at];
    const columns = this.columnsTable;
    const pool = columns.context.pool;
    const defs: ColumnDefinition[] = new Array(count);
    for (let n = 1; n <= count; n++) {
      const row = this.order[at + n];
      // Checked when the catalog was read: the name id is in the pool and
      // the type is one defineColumn accepts.
      const name = pool.get(columns.rawAt(row, 2));
      defs[n - 1] = defineColumn(table, n, name, columns.rawAt(row, 3) ^ 0x8000, pool.longReferences);
    }
    return defs;
  }
}

/**
 * Reads _Tables and _Columns. Damage that belongs to one table (a column
 * of an impossible type, a missing or repeated column number, a column
 * name that is not in the string pool) is kept in `errors` for that table;
 * only damage to the catalog streams themselves (a stream that is not a
 * whole number of rows, a table name that is not in the string pool) fails
 * the whole catalog. Column names are decoded only for error messages
 * here; definitions are built by `Catalog.columns`.
 */
export function readCatalog(tablesData: Buffer | null, columnsData: Buffer | null, context: TableContext): Catalog {
  const long = context.pool.longReferences;
  const tables = new MsiTable('_Tables', catalogReader('_Tables', long), tablesData, context);
  const tableNames: string[] = [];
  const seen = new Set<string>();
  const errors = new Map<string, MsiFormatError>();
  for (let i = 0; i < tables.rowCount; i++) {
    const id = tables.rawValue(i, 0);
    // A null name is listed as an empty name, as msiinfo lists it; it
    // cannot be read (the key of _Tables is never null in a sound package).
    // stringAt for its error on an id past the pool; the names are kept
    // here, shared between packages, not in the pool's cache.
    const name = id === 0 ? '' : id < context.pool.size ? internName(context.pool.peek(id)) : tables.stringAt(i, 0, id);
    if (!seen.has(name)) {
      seen.add(name);
      tableNames.push(name);
      if (id === 0) errors.set(name, new MsiFormatError(`_Tables row ${i + 1} has no table name`, { where: '_Tables' }));
    }
  }
  const columnsTable = new MsiTable('_Columns', catalogReader('_Columns', long), columnsData, context);
  // Table name -> column number -> _Columns row.
  const raw = new Map<string, Map<number, number>>();
  // Each table's name id repeats on every row of its columns: decode it once.
  const tableNameOf = new Map<number, string>();
  const fail = (table: string, error: MsiFormatError) => {
    if (!errors.has(table)) errors.set(table, error);
  };
  for (let i = 0; i < columnsTable.rowCount; i++) {
    const tableId = columnsTable.rawValue(i, 0);
    const numberRaw = columnsTable.rawValue(i, 1);
    const nameId = columnsTable.rawValue(i, 2);
    // A row whose table name is not in the string pool belongs to no table
    // (Windows Installer finds a table's columns by its name's string id);
    // a table it would have described then misses a column and fails.
    if (tableId === 0 || tableId >= context.pool.size) continue;
    let table = tableNameOf.get(tableId);
    if (table === undefined) tableNameOf.set(tableId, (table = context.pool.peek(tableId)));
    let entries = raw.get(table);
    if (!entries) raw.set(table, (entries = new Map()));
    const number = numberRaw - 0x8000;
    if (nameId >= context.pool.size) {
      fail(
        table,
        new MsiFormatError(
          `_Columns row ${i + 1} (table ${table}, column ${number}): string index ${nameId} is out of range (the string pool has ids 1 to ${context.pool.size - 1})`,
          { where: '_Columns', offset: columnsTable.cellOffset(i, 2) },
        ),
      );
      continue;
    }
    if (number < 1 || number > 0x7fff) {
      const name = context.pool.peek(nameId);
      fail(table, new MsiFormatError(`_Columns row ${i + 1}: column ${table}.${name} has number ${number}`, { where: '_Columns' }));
      continue;
    }
    if (entries.has(number)) {
      fail(table, new MsiFormatError(`_Columns declares column ${number} of table ${table} twice`, { where: '_Columns' }));
      continue;
    }
    entries.set(number, i);
  }
  const sound = new Map<string, Map<number, number>>();
  for (const [table, entries] of raw) {
    if (errors.has(table)) continue;
    let damaged = false;
    for (let n = 1; n <= entries.size; n++) {
      const row = entries.get(n);
      if (row === undefined) {
        errors.set(
          table,
          new MsiFormatError(`_Columns: table ${table} has ${entries.size} columns but no column ${n}`, { where: '_Columns' }),
        );
        damaged = true;
        break;
      }
      const type = columnsTable.rawAt(row, 3) ^ 0x8000;
      if (!hasStorableType(type)) {
        // defineColumn names the column and what is wrong with it.
        try {
          defineColumn(table, n, context.pool.peek(columnsTable.rawAt(row, 2)), type, long);
        } catch (error) {
          if (!(error instanceof MsiFormatError)) throw error;
          errors.set(table, error);
        }
        damaged = true;
        break;
      }
    }
    if (damaged) continue;
    sound.set(table, entries);
  }
  let total = 0;
  for (const table of tableNames) total += 1 + (sound.get(table)?.size ?? 0);
  const starts = new Int32Array(tableNames.length).fill(-1);
  const order = new Uint32Array(total);
  let at = 0;
  tableNames.forEach((table, index) => {
    const entries = sound.get(table);
    if (!entries) {
      if (!errors.has(table)) {
        errors.set(table, new MsiFormatError(`table ${table} is listed in _Tables but has no columns in _Columns`, { where: '_Columns' }));
      }
      return;
    }
    starts[index] = at;
    order[at++] = entries.size;
    for (let n = 1; n <= entries.size; n++) order[at++] = entries.get(n)!;
  });
  return new Catalog(tableNames, errors.size > 0 ? errors : NO_ERRORS, columnsTable, starts, order);
}
