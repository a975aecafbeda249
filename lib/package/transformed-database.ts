// A database with transforms applied (TransformedDatabase), and choosing and applying the
// transforms of a patch. Decoding a transform is transform.ts.
import { MsiPackage, MsiStorage, settleOnAbort, signalSlice, type TableData } from './package';
import { assertInstance, assertName, assertNonEmptyString, assertPlainObject, describeValue, iterableItems } from '../validate';
import { emptyRow, type CellValue, type ColumnDefinition, type Row } from './tables';
import { runSteps, stepsInSlices, type ReadAhead, type Steps } from './scheduler';
import { readTransformSteps, streamNameFor, type DecodedTransform, type TransformTarget } from './transform';
import { argumentRangeError, argumentTypeError } from '../argument-error';
import type { PatchInfo } from './patch';

// ------------------------------------------------------------------ applying

export type TransformConflictKind =
  'insert-existing-row' | 'update-missing-row' | 'delete-missing-row' | 'add-existing-table' | 'drop-missing-table';

/**
 * A change that did not fit the database, as Windows Installer's transform
 * error conditions name them. Inserting over an existing row replaces it;
 * updating or deleting a missing row and adding an existing or dropping a
 * missing table change nothing.
 */
export interface TransformConflict {
  transform: string;
  table: string;
  kind: TransformConflictKind;
  key: CellValue[];
}

/** Rows copied, indexed or changed per step of applySteps (about 0.3 ms of work). */
const ROWS_PER_STEP = 128;

interface TableState {
  columns: ColumnDefinition[];
  keyIndexes: number[];
  /** Rows as value arrays; null marks a deleted row. */
  rows: Array<CellValue[] | null>;
  index: Map<string, number>;
}

function keyString(columns: readonly ColumnDefinition[], keyIndexes: readonly number[], values: readonly CellValue[]): string {
  // A null string and an empty one are the same string id (0).
  return JSON.stringify(keyIndexes.map((k) => (values[k] === null && columns[k].kind !== 'integer' ? '' : values[k])));
}

function keyOfOperation(columns: readonly ColumnDefinition[], keyIndexes: readonly number[], key: readonly CellValue[]): string {
  return JSON.stringify(keyIndexes.map((k, i) => (key[i] === null && columns[k].kind !== 'integer' ? '' : key[i])));
}

/** What TransformedDatabase.applyPatch did with one patch. */
export interface AppliedPatch {
  patchCode: string | null;
  /** Product code the transforms were chosen for (null when the database has none). */
  productCode: string | null;
  /** Transform sub-storages applied, in order (empty when none targets the product). */
  transforms: string[];
}

/**
 * A database with transforms applied, in memory: the base package is not
 * changed. Tables no transform touches are read from the base as they are;
 * a changed table keeps the base's row order with inserted rows at the end.
 * Streams are looked up in the transforms, latest first, then in the base.
 */
export class TransformedDatabase implements TransformTarget {
  readonly base: MsiPackage;
  /** Every transform applied, in order, as decoded. */
  readonly transforms: DecodedTransform[] = [];
  readonly conflicts: TransformConflict[] = [];
  /** Every patch applied with applyPatch, in order. */
  readonly patches: AppliedPatch[] = [];
  private readonly storages: MsiStorage[] = [];
  private names: string[];
  private readonly changed = new Map<string, TableState>();
  /** Tables that exist only through a transform, or were dropped and re-added. */
  private readonly detached = new Set<string>();

  constructor(base: MsiPackage) {
    assertInstance(base, MsiPackage, 'base', 'an MsiPackage');
    this.base = base;
    this.names = base.tableNames;
  }

  get tableNames(): string[] {
    return [...this.names];
  }

  hasTable(name: string): boolean {
    assertName(name, 'name', 'a table name');
    return name === '_Tables' || name === '_Columns' || this.names.includes(name);
  }

  columns(name: string): readonly ColumnDefinition[] {
    assertName(name, 'name', 'a table name');
    const state = this.changed.get(name);
    if (state) return state.columns;
    if (!this.hasTable(name)) throw argumentRangeError(`no table named ${JSON.stringify(name)}`);
    return this.base.columns(name);
  }

  /** @internal The base's read of a table columns(name) is about to make (see TransformTarget). */
  tableReadAhead(name: string): ReadAhead | undefined {
    if (this.changed.has(name) || name === '_Tables' || name === '_Columns' || !this.base.hasTable(name)) return undefined;
    return this.base.tableReadAhead(name);
  }

  /** Rows of a table after every transform, as objects keyed by column name. */
  rows(name: string): Row[] {
    assertName(name, 'name', 'a table name');
    const state = this.changed.get(name);
    if (!state) {
      if (!this.hasTable(name)) throw argumentRangeError(`no table named ${JSON.stringify(name)}`);
      if (name === '_Tables' || name === '_Columns') return this.catalogRows(name);
      return this.base.table(name).rows();
    }
    const out: Row[] = [];
    for (const values of state.rows) {
      if (values === null) continue;
      const row = emptyRow();
      state.columns.forEach((column, i) => {
        let value = values[i] ?? null;
        // A binary cell names its stream only where some layer holds it.
        if (column.kind === 'binary' && value !== null) {
          const stream = streamNameFor(
            name,
            state.columns,
            state.keyIndexes.map((k) => values[k] ?? null),
          );
          value = this.hasStream(stream) ? stream : null;
        }
        row[column.name] = value;
      });
      out.push(row);
    }
    return out;
  }

  readTable(name: string): TableData {
    const columns = this.columns(name);
    return { name, columns, primaryKeys: columns.filter((c) => c.primaryKey).map((c) => c.name), rows: this.rows(name) };
  }

  /** Whether a (non-table) stream exists in a transform applied or in the base. */
  hasStream(name: string): boolean {
    assertName(name, 'name', 'a stream name');
    return this.storages.some((s) => s.hasStream(name)) || this.base.hasStream(name);
  }

  /** A stream's content from the latest transform that carries it, else from the base. */
  readStream(name: string): Buffer {
    assertName(name, 'name', 'a stream name');
    for (let i = this.storages.length - 1; i >= 0; i--) {
      if (this.storages[i].hasStream(name)) return this.storages[i].readStream(name);
    }
    return this.base.readStream(name);
  }

  /** Where a stream comes from: the transform's name ('' for a .mst root), 'base', or null. */
  streamSource(name: string): { transform: string } | 'base' | null {
    for (let i = this.storages.length - 1; i >= 0; i--) {
      if (this.storages[i].hasStream(name)) return { transform: this.storages[i].name };
    }
    return this.base.hasStream(name) ? 'base' : null;
  }

  /** Decodes a transform against the database as it is now and applies it. */
  apply(storage: MsiStorage): DecodedTransform {
    assertInstance(storage, MsiStorage, 'storage', 'a transform storage (MsiStorage)');
    return runSteps(this.applySteps(storage));
  }

  /**
   * @internal apply cut into steps: the decoding (between tables and every
   * few records), the copy of each base table it changes and its row changes
   * every ROWS_PER_STEP rows; the slice ends after the transform. The
   * database changes only once the transform is decoded, so a damaged one
   * leaves it as it was.
   */
  *applySteps(storage: MsiStorage): Steps<DecodedTransform> {
    const decoded = yield* readTransformSteps(storage, this);
    const conflict = (table: string, kind: TransformConflictKind, key: CellValue[]) =>
      this.conflicts.push({ transform: decoded.name, table, kind, key });
    // Tables dropped and added and columns added: a transform may hold thousands.
    let catalogDone = 0;
    for (const table of decoded.droppedTables) {
      if (++catalogDone % ROWS_PER_STEP === 0) yield;
      if (!this.names.includes(table)) {
        conflict(table, 'drop-missing-table', []);
        continue;
      }
      this.names = this.names.filter((n) => n !== table);
      this.changed.delete(table);
      this.detached.add(table);
    }
    for (const table of decoded.addedTables) {
      if (++catalogDone % ROWS_PER_STEP === 0) yield;
      if (this.names.includes(table)) {
        conflict(table, 'add-existing-table', []);
        continue;
      }
      this.names.push(table);
      this.changed.set(table, { columns: [], keyIndexes: [], rows: [], index: new Map() });
      this.detached.add(table);
    }
    for (const { table, column } of decoded.addedColumns) {
      if (++catalogDone % ROWS_PER_STEP === 0) yield;
      const state = yield* this.stateSteps(table);
      state.columns.push(column);
      for (const row of state.rows) if (row) row.push(null);
      if (column.primaryKey) yield* this.reindexSteps(state);
    }
    for (const change of decoded.tables) {
      const state = yield* this.stateSteps(change.table);
      let done = 0;
      for (const op of change.operations) {
        if (++done % ROWS_PER_STEP === 0) yield;
        const key = keyOfOperation(state.columns, state.keyIndexes, op.key);
        const found = state.keyIndexes.length > 0 ? state.index.get(key) : undefined;
        if (op.kind === 'delete') {
          if (found === undefined) conflict(change.table, 'delete-missing-row', op.key);
          else {
            state.rows[found] = null;
            state.index.delete(key);
          }
        } else if (op.kind === 'insert') {
          const values = state.columns.map((c) => (c.name in op.values ? op.values[c.name] : null));
          if (found === undefined) {
            state.rows.push(values);
            if (state.keyIndexes.length > 0) state.index.set(key, state.rows.length - 1);
          } else {
            conflict(change.table, 'insert-existing-row', op.key);
            state.rows[found] = values;
          }
        } else if (found === undefined) {
          conflict(change.table, 'update-missing-row', op.key);
        } else {
          const row = state.rows[found] as CellValue[];
          state.columns.forEach((c, i) => {
            if (!c.primaryKey && c.name in op.values) row[i] = op.values[c.name];
          });
        }
      }
      yield;
    }
    this.storages.push(storage);
    this.transforms.push(decoded);
    yield 'end-slice';
    return decoded;
  }

  /**
   * Applies the transform pair of a patch (.msp) that targets the product
   * as it is now: its ProductCode and ProductVersion in the Property table,
   * chosen by patchTransformsFor. Applies nothing when no pair targets it.
   */
  applyPatch(patch: MsiPackage): AppliedPatch {
    assertPatch(patch, 'patch');
    return runSteps(this.applyPatchSteps(patch));
  }

  /** @internal applyPatch cut into steps: choosing the pair, then each transform's applySteps. */
  *applyPatchSteps(patch: MsiPackage): Steps<AppliedPatch> {
    // The base's Property table, which `property` reads, from its file ahead.
    const ahead = this.tableReadAhead('Property');
    if (ahead) yield ahead;
    const property = (name: string): string | null => {
      if (!this.hasTable('Property')) return null;
      const row = this.rows('Property').find((r) => r.Property === name);
      return row && typeof row.Value === 'string' ? row.Value : null;
    };
    const productCode = property('ProductCode');
    // The patch's transform list is read (summaries of every sub-storage) and kept on first
    // use: a step per sub-storage.
    yield* patch.patchSteps();
    yield;
    const storages = productCode ? patchTransformsFor(patch, { productCode, productVersion: property('ProductVersion') }) : [];
    for (const storage of storages) yield* this.applySteps(storage);
    const applied: AppliedPatch = { patchCode: patch.patch?.patchCode ?? null, productCode, transforms: storages.map((s) => s.name) };
    this.patches.push(applied);
    return applied;
  }

  /** Rebuilds the key index, yielding every ROWS_PER_STEP rows. */
  private *reindexSteps(state: TableState): Steps<void> {
    state.keyIndexes = state.columns.map((c, i) => (c.primaryKey ? i : -1)).filter((i) => i >= 0);
    state.index.clear();
    if (state.keyIndexes.length === 0) return;
    for (let i = 0; i < state.rows.length; i++) {
      const row = state.rows[i];
      if (row) state.index.set(keyString(state.columns, state.keyIndexes, row), i);
      if ((i + 1) % ROWS_PER_STEP === 0) yield;
    }
  }

  /**
   * The editable state of a table, copied from the base on first change
   * (every ROWS_PER_STEP rows a step: a File table of 20,000 rows took 40 ms
   * to copy and index). Kept only once whole.
   */
  private *stateSteps(table: string): Steps<TableState> {
    let state = this.changed.get(table);
    if (state) return state;
    if (this.detached.has(table) || !this.base.hasTable(table)) {
      throw new RangeError(`table ${table} has no state`); // unreachable: readTransform checked the table exists
    }
    // A File table of 20,000 rows is 400 KB read from the file: the async twins read it first
    // (usually done already, when the transform's records were decoded).
    yield this.base.tableReadAhead(table);
    const source = this.base.table(table);
    const rows: Array<CellValue[] | null> = [];
    for (let i = 0; i < source.rowCount; i++) {
      rows.push(source.rowValues(i));
      if ((i + 1) % ROWS_PER_STEP === 0) yield;
    }
    state = { columns: [...source.columns], keyIndexes: [], rows, index: new Map() };
    yield* this.reindexSteps(state);
    this.changed.set(table, state);
    return state;
  }

  private catalogRows(name: '_Tables' | '_Columns'): Row[] {
    const row = (values: Row) => Object.assign(emptyRow(), values);
    if (name === '_Tables') return this.names.map((table) => row({ Name: table }));
    const out: Row[] = [];
    for (const table of this.names) {
      for (const column of this.columns(table))
        out.push(row({ Table: table, Number: column.number, Name: column.name, Type: column.type }));
    }
    return out;
  }
}

/** Applies transforms, in order, to a base package (which is not changed). Throws TypeError for arguments of the wrong kind. */
export function applyTransforms(base: MsiPackage, transforms: Iterable<MsiStorage>): TransformedDatabase {
  return runSteps(applyTransformsSteps(base, transformList(base, transforms)));
}

/** Options of applyTransformsAsync and applyPatchesAsync. */
export interface ApplyOptions {
  /** Aborting it rejects the call with AbortError before its next slice (the base is not changed). */
  signal?: AbortSignal;
}

/**
 * applyTransforms without holding the event loop: each transform decoded
 * and applied in slices of the shared scheduler (lib/package/scheduler.ts,
 * about 0.5 ms each, at least one per transform; a transform that changes a
 * big table is cut every 128 records). Settles with a database equal to what
 * applyTransforms returns, or rejects with what it throws (TypeError for
 * `base`, `transforms` or an item of it of the wrong kind, MsiFormatError
 * for a damaged transform); with AbortError once `options.signal` is aborted
 * (checked before each slice: the work stops there). TypeError for options
 * that are not `{ signal?: AbortSignal }`. As MsiPackage.readTableAsync,
 * bad arguments reject (never throw), checked before the signal and before
 * any work; `transforms` is read at the call.
 */
export async function applyTransformsAsync(
  base: MsiPackage,
  transforms: Iterable<MsiStorage>,
  options?: ApplyOptions,
): Promise<TransformedDatabase> {
  const list = transformList(base, transforms);
  const step = signalSlice(options, 'applyTransformsAsync()');
  // Settled at once on abort, even while a read ahead hangs (see settleOnAbort).
  return settleOnAbort(stepsInSlices(applyTransformsSteps(base, list), step), step.exit);
}

function transformList(base: unknown, transforms: unknown): MsiStorage[] {
  assertInstance(base, MsiPackage, 'base', 'an MsiPackage');
  const list = iterableItems(transforms, 'transforms', 'transform storages (MsiStorage)');
  list.forEach((t, i) => assertInstance(t, MsiStorage, `transforms[${i}]`, 'a transform storage (MsiStorage)'));
  return list as MsiStorage[];
}

function* applyTransformsSteps(base: MsiPackage, storages: readonly MsiStorage[]): Steps<TransformedDatabase> {
  const database = new TransformedDatabase(base);
  for (const storage of storages) yield* database.applySteps(storage);
  return database;
}

// ------------------------------------------------------------------ patches

export interface PatchTransformTarget {
  /** ProductCode of the product the patch is applied to. */
  productCode: string;
  /** ProductVersion, used to choose between pairs for the same product code. */
  productVersion?: string | null;
}

/**
 * The transforms of a patch that apply to a product, in order: the first
 * pair ("X" and its patch transform "#X") of the patch's transform list
 * (summary Last Saved By, in order) whose own summary (Revision Number)
 * names the product code as its target; among pairs for the same product
 * code, the first whose target version equals the product's. A "#X"
 * transform without a target of its own follows "X". Empty when no
 * transform targets the product. Other validation conditions (language,
 * upgrade code, version comparisons) are not evaluated. Throws TypeError when
 * `patch` is not a patch package (.msp) or `target.productCode` is not a non-empty string.
 */
export function patchTransformsFor(patch: MsiPackage, target: PatchTransformTarget): MsiStorage[] {
  assertPatch(patch, 'patch');
  assertPlainObject(target, 'target');
  assertNonEmptyString(target.productCode, 'target.productCode');
  if (target.productVersion !== undefined && target.productVersion !== null && typeof target.productVersion !== 'string') {
    throw argumentTypeError(
      `The "target.productVersion" argument must be a string or null; received ${describeValue(target.productVersion)}`,
    );
  }
  // Not null: the patch CLSID was checked (a damaged summary throws MsiFormatError).
  const info = patch.patch as PatchInfo;
  const code = target.productCode.toUpperCase();
  const listed = info.transformNames.length > 0 ? info.transformNames : info.transforms.map((t) => t.name);
  const byName = new Map(info.transforms.map((t) => [t.name, t]));
  const candidates: string[] = [];
  for (const name of listed) {
    if (name.startsWith('#')) continue;
    const transform = byName.get(name);
    if (transform?.present && transform.targetProductCode === code) candidates.push(name);
  }
  if (candidates.length === 0) return [];
  const version = target.productVersion ?? null;
  const chosen = (version !== null && candidates.find((name) => byName.get(name)?.targetProductVersion === version)) || candidates[0];
  const storages = [patch.openStorage(chosen)];
  const partner = `#${chosen}`;
  const partnerInfo = byName.get(partner);
  if (partnerInfo?.present && (partnerInfo.targetProductCode === null || partnerInfo.targetProductCode === code)) {
    storages.push(patch.openStorage(partner));
  }
  return storages;
}

/**
 * Applies patches, in order, to a base package: for each, the transform
 * pair that targets the product as the patches before it left it (see
 * TransformedDatabase.applyPatch). `database.patches` says what was used.
 * Throws TypeError when `base` is not an MsiPackage or an item of `patches` is not a patch
 * package (.msp, by its root CLSID), and
 * MsiFormatError when a chosen transform is damaged.
 */
export function applyPatches(base: MsiPackage, patches: Iterable<MsiPackage>): TransformedDatabase {
  return runSteps(applyPatchesSteps(base, patchList(base, patches)));
}

/**
 * applyPatches without holding the event loop: each patch's pair chosen and
 * each transform decoded and applied in slices of the shared scheduler (as
 * applyTransformsAsync). Settles with a database equal to what applyPatches
 * returns, or rejects with what it throws (TypeError for `base`, `patches`
 * or an item of it that is not a patch package, MsiFormatError for a damaged
 * transform); with AbortError once `options.signal` is aborted (checked
 * before each slice). TypeError for options that are not
 * `{ signal?: AbortSignal }`. Bad arguments reject, checked before the
 * signal and before any work; `patches` is read at the call.
 */
export async function applyPatchesAsync(
  base: MsiPackage,
  patches: Iterable<MsiPackage>,
  options?: ApplyOptions,
): Promise<TransformedDatabase> {
  const list = patchList(base, patches);
  const step = signalSlice(options, 'applyPatchesAsync()');
  return settleOnAbort(stepsInSlices(applyPatchesSteps(base, list), step), step.exit);
}

function patchList(base: unknown, patches: unknown): MsiPackage[] {
  assertInstance(base, MsiPackage, 'base', 'an MsiPackage');
  const list = iterableItems(patches, 'patches', 'patch packages (MsiPackage)');
  list.forEach((p, i) => assertPatch(p, `patches[${i}]`));
  return list as MsiPackage[];
}

/** A patch package (.msp): an MsiPackage whose root storage has the patch CLSID. */
function assertPatch(value: unknown, name: string): asserts value is MsiPackage {
  assertInstance(value, MsiPackage, name, 'a patch package (MsiPackage)');
  if (value.kind !== 'patch') {
    // A merge module has the installation package's CLSID; its ModuleSignature table tells it.
    const installer = value.kind === 'installer' && value.hasTable('ModuleSignature') ? 'a merge module' : 'an installation package';
    const what = value.kind === 'installer' ? installer : value.kind === 'transform' ? 'a transform' : 'a file of unknown kind';
    throw argumentTypeError(`The "${name}" argument must be a patch package (.msp); received ${what} (root CLSID ${value.clsid})`);
  }
}

function* applyPatchesSteps(base: MsiPackage, patches: readonly MsiPackage[]): Steps<TransformedDatabase> {
  const database = new TransformedDatabase(base);
  for (const patch of patches) yield* database.applyPatchSteps(patch);
  return database;
}
