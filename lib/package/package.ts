// A Windows Installer database (.msi), patch (.msp) or transform (.mst)
// read from a compound file.

import { type AbortError, MsiFormatError } from '../errors/classes';
import { abortErrorFromSignal } from '../errors/abort';
import { openCompoundFile, openCompoundFileAsync, openCompoundFileInSlices, type CompoundFile, type DirectoryEntry } from './compound';
import { decodeStreamName, encodeStreamName } from './stream-names';
import { forEachInSlices, limitOpens, runSteps, slice, type GateExit, type ReadAhead, type Step, type Steps } from './scheduler';
import { StringPool } from './string-pool';
import { catalogColumns, MsiTable, readCatalog, type Catalog, type ColumnDefinition, type Row } from './tables';
import { asPatchSummary, emptySummary, parseSummaryInformation, type SummaryInformation } from './summary';
import { forceCodepageToIdt, summaryToIdt, tableToIdt, tableToIdtInSlices, tableToIdtSink } from './idt';
import { assertDigestAlgorithm, computePackageDigest, findSignatureStreams } from './digest';
import { assertName, describeValue, optionalSignal, optionsObject } from '../validate';
import type { SignatureReport } from './signature';
import { describeTransform, patchSummaryFields, type PatchInfo, type TransformInfo } from './patch';
import { assertAttached, assertBytes } from '../validate';
import { internName } from './intern';
import { argumentRangeError, argumentTypeError } from '../argument-error';

export type PackageKind = 'installer' | 'patch' | 'transform' | 'unknown';

/** Root CLSIDs Windows Installer gives its files. */
export const PACKAGE_CLSIDS: Readonly<Record<Exclude<PackageKind, 'unknown'>, string>> = {
  installer: '{000C1084-0000-0000-C000-000000000046}',
  patch: '{000C1086-0000-0000-C000-000000000046}',
  transform: '{000C1082-0000-0000-C000-000000000046}',
};

const SUMMARY_STREAM = '\u0005SummaryInformation';

/** Table streams an MsiPackage reads when it is made, in the order it reads them. */
const CATALOG_STREAMS = ['_StringPool', '_StringData', '_Tables', '_Columns'] as const;

/** CLSID bytes (little-endian GUID layout) to "{XXXXXXXX-XXXX-...}". */
export function clsidToString(bytes: Buffer): string {
  assertBytes(bytes, 'bytes', true);
  if (bytes.length < 16) throw argumentTypeError(`The "bytes" argument must hold a 16-byte CLSID; received ${bytes.length} bytes`);
  const hex = (b: Buffer) => b.toString('hex').toUpperCase();
  const le = (start: number, length: number) => hex(Buffer.from(bytes.subarray(start, start + length)).reverse());
  return `{${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${hex(bytes.subarray(8, 10))}-${hex(bytes.subarray(10, 16))}}`;
}

function kindOf(clsid: string): PackageKind {
  for (const [kind, value] of Object.entries(PACKAGE_CLSIDS)) if (value === clsid) return kind as PackageKind;
  return 'unknown';
}

export interface StreamInfo {
  /** Decoded name, e.g. "Binary.bin1" or "\u0005SummaryInformation". */
  name: string;
  /** Name as stored in the compound file. */
  storedName: string;
  /** Bytes. */
  size: number;
  /** The stream holds a database table (its stored name carries the table marker). */
  isTable: boolean;
}

export interface StorageInfo {
  name: string;
  storedName: string;
  clsid: string;
  kind: PackageKind;
}

/** A storage's children by decoded name (the last of a repeated name wins). */
interface ChildIndex {
  streams: Map<string, DirectoryEntry>;
  tables: Map<string, DirectoryEntry>;
  storages: Map<string, DirectoryEntry>;
}

const NO_ENTRIES: Map<string, DirectoryEntry> = new Map();

function indexChildren(compound: CompoundFile, entry: DirectoryEntry): ChildIndex {
  const index: ChildIndex = { streams: new Map(), tables: new Map(), storages: NO_ENTRIES };
  for (const child of compound.childrenOf(entry)) {
    const decoded = decodeStreamName(child.name);
    if (child.type === 'storage') {
      if (index.storages === NO_ENTRIES) index.storages = new Map();
      index.storages.set(decoded.name, child);
    } else if (decoded.isTable) index.tables.set(decoded.name, child);
    else index.streams.set(decoded.name, child);
  }
  return index;
}

/** Streams and sub-storages of one storage (the package root or a sub-storage). */
export class MsiStorage {
  readonly name: string;
  readonly clsid: string;
  readonly kind: PackageKind;
  protected readonly compound: CompoundFile;
  protected readonly entry: DirectoryEntry;
  /**
   * Built on first use, not at open: a package that is opened and kept but
   * not read (many of them at once) keeps no per-name maps.
   */
  private childIndex: ChildIndex | null = null;
  private summaryCache: SummaryInformation | undefined;

  constructor(compound: CompoundFile, entry: DirectoryEntry) {
    this.compound = compound;
    this.entry = entry;
    this.name = entry.type === 'root' ? '' : decodeStreamName(entry.name).name;
    this.clsid = internName(clsidToString(entry.clsid));
    this.kind = kindOf(this.clsid);
  }

  private get children(): ChildIndex {
    return (this.childIndex ??= indexChildren(this.compound, this.entry));
  }

  private get streamEntries(): Map<string, DirectoryEntry> {
    return this.children.streams;
  }

  private get tableEntries(): Map<string, DirectoryEntry> {
    return this.children.tables;
  }

  private get storageEntries(): Map<string, DirectoryEntry> {
    return this.children.storages;
  }

  /**
   * Readers of the table streams `names` (null for a missing one) without
   * building the index (for opening): one pass over the children, the last
   * child whose decoded name matches and carries the table marker, as the
   * index would find it.
   */
  protected openingTableStreams(names: readonly string[]): Array<(() => Buffer | null) | null> {
    const found: Array<DirectoryEntry | null> = names.map(() => null);
    for (const child of this.compound.childrenOf(this.entry)) {
      if (child.type === 'storage') continue;
      const decoded = decodeStreamName(child.name);
      if (!decoded.isTable) continue;
      const at = names.indexOf(decoded.name);
      if (at >= 0) found[at] = child;
    }
    // Read when called, so that the caller reads (and fails) in its own order.
    return found.map((entry) => (entry ? () => this.compound.streamData(entry) : null));
  }

  /** Streams that do not hold tables, in directory order. */
  get streams(): StreamInfo[] {
    return [...this.streamEntries].map(([name, e]) => ({ name, storedName: e.name, size: e.size, isTable: false }));
  }

  /** Streams that hold tables (including _StringPool, _StringData, _Tables, _Columns). */
  get tableStreams(): StreamInfo[] {
    return [...this.tableEntries].map(([name, e]) => ({ name, storedName: e.name, size: e.size, isTable: true }));
  }

  get storages(): StorageInfo[] {
    return [...this.storageEntries].map(([name, e]) => {
      const clsid = clsidToString(e.clsid);
      return { name, storedName: e.name, clsid, kind: kindOf(clsid) };
    });
  }

  hasStream(name: string): boolean {
    assertName(name, 'name', 'a stream name');
    return this.streamEntries.has(name);
  }

  /**
   * Content of a non-table stream by decoded name: a view of the package
   * bytes when the stream is stored in consecutive sectors (copy it before
   * changing it), a copy otherwise.
   */
  readStream(name: string): Buffer {
    assertName(name, 'name', 'a stream name');
    const entry = this.streamEntries.get(name);
    if (!entry) throw argumentRangeError(`no stream named ${JSON.stringify(name)}`);
    return this.compound.streamData(entry);
  }

  /** Raw content of a table stream (column-major rows), or null when the table has no stream. */
  readTableStream(name: string): Buffer | null {
    assertName(name, 'name', 'a table name');
    const entry = this.tableEntries.get(name);
    return entry ? this.compound.streamData(entry) : null;
  }

  /** @internal readTableStream without holding the event loop (see CompoundFile.streamDataAsync). */
  protected readTableStreamAsync(name: string, step: Step): Promise<Buffer | null> {
    assertName(name, 'name', 'a table name');
    const entry = this.tableEntries.get(name);
    return entry ? this.compound.streamDataAsync(entry, step) : Promise.resolve(null);
  }

  hasStorage(name: string): boolean {
    assertName(name, 'name', 'a sub-storage name');
    return this.storageEntries.has(name);
  }

  openStorage(name: string): MsiStorage {
    assertName(name, 'name', 'a sub-storage name');
    const entry = this.storageEntries.get(name);
    if (!entry) throw argumentRangeError(`no sub-storage named ${JSON.stringify(name)}`);
    return new MsiStorage(this.compound, entry);
  }

  /** Summary information of this storage (empty when it has none). */
  /**
   * @internal The streams readTransformSteps reads from this storage (its summary and its
   * tables), read ahead when they would come from a file (see CompoundFile.streamsReadAhead).
   */
  transformReadAhead(): ReadAhead | undefined {
    const summary = this.streamEntries.get(SUMMARY_STREAM);
    return this.compound.streamsReadAhead(summary ? [summary, ...this.tableEntries.values()] : [...this.tableEntries.values()]);
  }

  /** @internal This storage's summary stream, if it has one (to read ahead, see readPatchInfoSteps). */
  summaryEntry(): DirectoryEntry | undefined {
    return this.streamEntries.get(SUMMARY_STREAM);
  }

  get summary(): SummaryInformation {
    if (this.summaryCache === undefined) {
      const summary = this.streamEntries.has(SUMMARY_STREAM) ? parseSummaryInformation(this.readStream(SUMMARY_STREAM)) : emptySummary();
      this.summaryCache = this.kind === 'patch' ? asPatchSummary(summary) : summary;
    }
    return this.summaryCache;
  }
}

export interface TableData {
  name: string;
  columns: readonly ColumnDefinition[];
  primaryKeys: string[];
  rows: Row[];
}

/** Options of readTableAsync and exportIdtAsync. */
export interface TableReadOptions {
  /** Aborting it rejects the call with AbortError before its next slice. */
  signal?: AbortSignal;
}

/**
 * The shared scheduler's `slice`, checking `options.signal` before each
 * slice runs: once it is aborted, the slice throws AbortError instead of
 * running. Checks the options (TypeError) and a signal aborted already.
 */
function abortableSlice(options: unknown, method: string, name: unknown): Step {
  const table = typeof name === 'string' ? `(${JSON.stringify(name)})` : '()';
  return signalSlice(options, `MsiPackage.${method}${table}`);
}

/**
 * @internal The shared scheduler's `slice` stopping at `options.signal`: TypeError for options
 * that are not `{ signal?: AbortSignal }`, AbortError saying "`what` was aborted by its
 * AbortSignal" now when it is aborted already, else from the first slice after it is. The step
 * carries its exit, so the gates it waits at let it go when the signal aborts.
 */
export function signalSlice(options: unknown, what: string): Step {
  const signal = optionalSignal(optionsObject(options, 'options'));
  if (!signal) return slice;
  const error = (): AbortError => abortErrorFromSignal(what, signal);
  const check = (): void => {
    if (signal.aborted) throw error();
  };
  check();
  const step = <R>(fn: () => R) =>
    slice(() => {
      check();
      return fn();
    });
  return Object.assign(step, { exit: { signal, error } });
}

/** TypeError for a table name that is not a string (the message readTable's). */
function assertTableNameType(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw argumentTypeError(`The "name" argument must be a table name; received ${describeValue(name)}`);
}

/** `table.rows()`, decoded in slices of `step` (at least one, however few the rows). */
async function rowsInSlices(table: MsiTable, step: <R>(fn: () => R) => Promise<R>): Promise<Row[]> {
  const out: Row[] = new Array(table.rowCount);
  await forEachInSlices(
    table.rowCount,
    (i) => {
      out[i] = table.row(i);
    },
    step,
  );
  return out;
}

/** An open package: the database at the root of the compound file. */
export class MsiPackage extends MsiStorage {
  /** Size of the file in bytes. */
  readonly byteLength: number;
  readonly stringPool: StringPool;
  private readonly catalog: Catalog;
  /** Tables read so far; created with the first. */
  private tableCache: Map<string, MsiTable> | null = null;
  private signatureCache: SignatureReport | null | undefined;
  private patchCache: PatchInfo | null | undefined;

  constructor(compound: CompoundFile) {
    super(compound, compound.root);
    this.byteLength = compound.byteLength;
    const [readPool, readData, readTables, readColumns] = this.openingTableStreams(CATALOG_STREAMS);
    const pool = readPool ? readPool() : null;
    const data = readData ? readData() : null;
    if (pool === null || data === null) {
      throw new MsiFormatError(
        'the compound file is not a Windows Installer database: it has no string pool (_StringPool and _StringData)',
        { where: 'root storage' },
      );
    }
    this.stringPool = new StringPool(pool, data);
    this.catalog = readCatalog(readTables ? readTables() : null, readColumns ? readColumns() : null, {
      pool: this.stringPool,
      hasStream: (name) => this.hasStream(name),
    });
    // The summary is parsed on first use: a damaged summary fails reading
    // the summary only (msitools then starts from an empty property set;
    // Windows Installer reads it only when asked).
  }

  /** Codepage of the database strings (0 = neutral). */
  get codepage(): number {
    return this.stringPool.codepage;
  }

  /** Table names as stored in _Tables. */
  get tableNames(): string[] {
    return [...this.catalog.tableNames];
  }

  hasTable(name: string): boolean {
    assertName(name, 'name', 'a table name');
    return this.catalog.tableNames.includes(name) || name === '_Tables' || name === '_Columns';
  }

  /** Column definitions of a table. */
  columns(name: string): readonly ColumnDefinition[] {
    return this.table(name).columns;
  }

  /** A table, read lazily; cells decode on access. */
  table(name: string): MsiTable {
    const cached = this.cachedTable(name);
    if (cached) return cached;
    const columns = this.tableColumns(name);
    return this.makeTable(name, columns, this.readTableStream(name));
  }

  /** The table read before, if any; TypeError for a name that is not a string. */
  private cachedTable(name: string): MsiTable | undefined {
    assertTableNameType(name);
    const cached = this.tableCache?.get(name);
    // Its cells decode from views of the bytes: detached, they would read as nulls.
    if (cached) this.compound.checkAttached();
    return cached;
  }

  /** Column definitions of a table; its catalog error, or RangeError for a table the package does not have. */
  private tableColumns(name: string): ColumnDefinition[] {
    let columns: ColumnDefinition[] | undefined;
    if (name === '_Tables' || name === '_Columns') columns = catalogColumns(name, this.stringPool.longReferences);
    else if (this.catalog.tableNames.includes(name)) {
      const error = this.catalog.errors.get(name);
      if (error) throw error;
      columns = this.catalog.columns(name);
    }
    if (!columns) throw argumentRangeError(`no table named ${JSON.stringify(name)}`);
    return columns;
  }

  private makeTable(name: string, columns: ColumnDefinition[], data: Buffer | null): MsiTable {
    const table = new MsiTable(name, columns, data, {
      pool: this.stringPool,
      hasStream: (stream) => this.hasStream(stream),
    });
    (this.tableCache ??= new Map()).set(name, table);
    return table;
  }

  /**
   * @internal What table(name) is about to read, read asynchronously first into the table
   * cache (for the async twins' steps, see ReadAhead). Its errors are left to table(name),
   * which then reads again and throws them as the synchronous call does; an abort is seen by
   * the next slice. Undefined for a table read before: nothing to read, and no slice to end.
   */
  tableReadAhead(name: string): ReadAhead | undefined {
    if (this.tableCache?.has(name)) return undefined;
    return { readAhead: (step) => this.tableAsync(name, step).then(ignore, ignore) };
  }

  /** `table(name)` with the stream read asynchronously (step: a slice of the shared scheduler that stops on abort). */
  private async tableAsync(name: string, step: Step): Promise<MsiTable> {
    const cached = this.cachedTable(name);
    if (cached) return cached;
    const columns = this.tableColumns(name);
    const data = await this.readTableStreamAsync(name, step);
    // Read meanwhile by another call: that table is the one kept.
    return step(() => this.tableCache?.get(name) ?? this.makeTable(name, columns, data));
  }

  /** A table with all its rows decoded. */
  readTable(name: string): TableData {
    const table = this.table(name);
    return { name, columns: table.columns, primaryKeys: table.primaryKeys, rows: table.rows() };
  }

  /**
   * readTable without holding the event loop: the table's stream is read
   * with node:fs callback reads (a package opened from a path; at most 16
   * such reads hold a descriptor at once, the others wait) and its
   * chain followed and rows decoded in slices of the scheduler openPackage
   * uses (about 0.5 ms each). Settles with what readTable returns, or
   * rejects with what it throws (TypeError for a name that is not a
   * string, RangeError for a table the package does not have,
   * MsiFormatError for damage); with AbortError once `options.signal` is
   * aborted (checked before each slice: the work stops there). TypeError
   * for options that are not `{ signal?: AbortSignal }`. The name's type is
   * checked first, the options next, then the signal.
   */
  async readTableAsync(name: string, options?: TableReadOptions): Promise<TableData> {
    // The name first, as Node checks arguments before the signal: an aborted
    // signal must not hide a caller's bug behind AbortError.
    assertTableNameType(name);
    const step = abortableSlice(options, 'readTableAsync', name);
    // Settled at once on abort, even while a read of the table's stream hangs.
    return settleOnAbort(
      (async () => {
        const table = await this.tableAsync(name, step);
        const rows = await rowsInSlices(table, step);
        return { name, columns: table.columns, primaryKeys: table.primaryKeys, rows };
      })(),
      step.exit,
    );
  }

  /**
   * A table in IDT form, byte for byte as `msiinfo export` writes it (except
   * integer columns declared with 0 or 1 bytes: msi-lua writes the value v
   * Windows reads where msitools writes 0x80008000 + v). Also
   * accepts the pseudo tables _SummaryInformation and _ForceCodepage.
   */
  exportIdt(name: string): Buffer {
    if (name === '_SummaryInformation') return summaryToIdt(this.summary);
    if (name === '_ForceCodepage') return forceCodepageToIdt(this.codepage);
    return tableToIdt(this.table(name));
  }

  /**
   * exportIdt without holding the event loop: the table read as
   * readTableAsync reads it and its IDT written in slices of the shared
   * scheduler (about 0.5 ms each). Settles with the bytes exportIdt
   * returns, or rejects with what it throws; AbortError once
   * `options.signal` is aborted (checked before each slice).
   */
  async exportIdtAsync(name: string, options?: TableReadOptions): Promise<Buffer> {
    assertTableNameType(name);
    const step = abortableSlice(options, 'exportIdtAsync', name);
    if (name === '_SummaryInformation') return step(() => summaryToIdt(this.summary));
    if (name === '_ForceCodepage') return step(() => forceCodepageToIdt(this.codepage));
    return settleOnAbort(
      this.tableAsync(name, step).then((table) => tableToIdtInSlices(table, step)),
      step.exit,
    );
  }

  /**
   * exportIdt, written to `sink` in chunks instead of returned: large tables
   * never exist as one buffer. Each chunk is valid only during the call (copy
   * it to keep it); writing it synchronously (fs.writeSync) is the intended use.
   */
  exportIdtTo(name: string, sink: (chunk: Buffer) => void): void {
    assertName(name, 'name', 'a table name');
    // Checked before the export: without it a table's chunks would go nowhere or fail midway.
    if (typeof sink !== 'function')
      throw argumentTypeError(`The "sink" argument must be a function that takes each chunk; received ${describeValue(sink)}`);
    if (name === '_SummaryInformation' || name === '_ForceCodepage') sink(this.exportIdt(name));
    else tableToIdtSink(this.table(name), sink);
  }

  /** Raw "\u0005DigitalSignature" (PKCS#7 DER), or null when unsigned. */
  get digitalSignature(): Buffer | null {
    const { signature } = findSignatureStreams(this.compound);
    return signature ? this.compound.streamData(signature) : null;
  }

  /** Raw "\u0005MsiDigitalSignatureEx" (metadata digest), or null. */
  get msiDigitalSignatureEx(): Buffer | null {
    const { signatureEx } = findSignatureStreams(this.compound);
    return signatureEx ? this.compound.streamData(signatureEx) : null;
  }

  /**
   * Checks the Authenticode signature: the signed digest against the package
   * content and the signer's signature. Null when the package is unsigned.
   * Throws MsiFormatError when the signature stream cannot be parsed.
   */
  verifySignature(): SignatureReport | null {
    if (this.signatureCache === undefined) {
      const signature = this.digitalSignature;
      // Loaded on demand: pkijs is the slowest module of the reader to load.
      const { verifyPackageSignature } = require('./signature') as typeof import('./signature');
      this.signatureCache = signature
        ? verifyPackageSignature(this.compound, { signature, signatureEx: this.msiDigitalSignatureEx })
        : null;
    }
    return this.signatureCache;
  }

  /** The Authenticode digest of the package as it is now. */
  computeDigest(algorithm = 'sha256', withMetadata = false): Buffer {
    assertDigestAlgorithm(algorithm, 'algorithm');
    if (typeof withMetadata !== 'boolean')
      throw argumentTypeError(`The "withMetadata" argument must be a boolean; received ${describeValue(withMetadata)}`);
    return computePackageDigest(this.compound, algorithm, withMetadata).digest;
  }

  /** Patch details, for a patch (.msp); null otherwise. */
  get patch(): PatchInfo | null {
    return runSteps(this.patchSteps());
  }

  /**
   * @internal `patch` cut into steps, a sub-storage's summary each (about 0.2 ms: a patch
   * may have hundreds of sub-storages), for applyPatchesAsync. Kept once read.
   */
  *patchSteps(): Steps<PatchInfo | null> {
    if (this.patchCache === undefined) {
      const info = this.kind === 'patch' ? yield* this.readPatchInfoSteps() : null;
      // Read meanwhile by another call: the one kept first stays.
      if (this.patchCache === undefined) this.patchCache = info;
    }
    return this.patchCache;
  }

  private *readPatchInfoSteps(): Steps<PatchInfo> {
    const fields = patchSummaryFields(this.summary);
    const names = new Set(fields.transformNames);
    for (const storage of this.storages) names.add(storage.name);
    // Each sub-storage opened (its children indexed) a step each, then every summary read
    // ahead at once when they would come from a file, then parsed a step each.
    const storages: Array<MsiStorage | null> = [];
    for (const name of names) {
      storages.push(this.hasStorage(name) ? this.openStorage(name) : null);
      yield;
    }
    const ahead = this.compound.streamsReadAhead(storages.flatMap((storage) => storage?.summaryEntry() ?? []));
    if (ahead) yield ahead;
    const transforms: TransformInfo[] = [];
    let at = 0;
    for (const name of names) {
      const storage = storages[at++] ?? null;
      transforms.push(describeTransform(name, storage ? storage.summary : null, storage !== null));
      yield;
    }
    for (const table of ['MsiPatchMetadata', 'MsiPatchSequence']) {
      const tableAhead = this.hasTable(table) ? this.tableReadAhead(table) : undefined;
      if (tableAhead) yield tableAhead;
    }
    const metadata = this.hasTable('MsiPatchMetadata')
      ? this.table('MsiPatchMetadata')
          .rows()
          .map((r) => ({
            company: (r.Company as string | null) ?? null,
            property: String(r.Property ?? ''),
            value: (r.Value as string | null) ?? null,
          }))
      : [];
    const sequence = this.hasTable('MsiPatchSequence')
      ? this.table('MsiPatchSequence')
          .rows()
          .map((r) => ({
            patchFamily: String(r.PatchFamily ?? ''),
            productCode: (r.ProductCode as string | null) ?? null,
            sequence: String(r.Sequence ?? ''),
            attributes: (r.Attributes as number | null) ?? null,
          }))
      : [];
    return { ...fields, transforms, metadata, sequence };
  }
}

/**
 * Reads a package from bytes already in memory, synchronously (MS-CFB container, then the
 * string pool and catalog). The package reads from those bytes as it goes (they are not
 * copied): leave them unchanged while it is in use. Throws TypeError for anything but a
 * Buffer/Uint8Array and MsiFormatError (with `where` and `offset`) for bytes that are not a
 * readable Windows Installer file.
 */
export function readPackage(data: Uint8Array): MsiPackage {
  if (!(data instanceof Uint8Array))
    throw argumentTypeError(`The "data" argument of readPackage must be a Buffer or Uint8Array; received ${describeValue(data)}`);
  assertAttached(data, 'data');
  return new MsiPackage(openCompoundFile(data));
}

function ignore(): void {}

/** Streams the MsiPackage constructor reads: read ahead when a package is opened asynchronously. */
const OPENING_STREAMS = new Set([
  ...['_StringPool', '_StringData', '_Tables', '_Columns'].map((name) => encodeStreamName(name, true)),
  SUMMARY_STREAM,
]);

/**
 * Opens a package from a path without holding the event loop and without
 * reading more than its structures and catalog: header, FAT, directory and
 * the string pool, _Tables, _Columns and summary are read with node:fs
 * callback reads at open; every other stream is read from the file (synchronous
 * positional reads) when asked for. Only regular files are opened
 * (NotRegularFileError otherwise). Rejects with MsiFormatError for a file
 * that is not a readable package, with the file system's error when the
 * path cannot be opened.
 */
export function readPackageFile(path: string, step: Step = slice): Promise<MsiPackage> {
  return limitOpens(openFile, { path, step }, step.exit);
}

/**
 * Opens a package from bytes in memory as readPackageFile opens one from a
 * path: parsed in slices of the shared scheduler, at most 8 opens in
 * progress at once (readPackage does the same work in one piece). Rejects
 * with MsiFormatError for bytes that are not a readable package.
 */
export function readPackageInSlices(data: Uint8Array, step: Step = slice): Promise<MsiPackage> {
  return limitOpens(openBytes, { data, step }, step.exit);
}

async function openBytes({ data, step }: { data: Uint8Array; step: Step }): Promise<MsiPackage> {
  const compound = await openCompoundFileInSlices(data, step);
  return step(() => new MsiPackage(compound));
}

async function openFile({ path, step }: { path: string; step: Step }): Promise<MsiPackage> {
  const compound = await openCompoundFileAsync(
    path,
    (cf) => cf.childrenOf(cf.root).filter((e) => e.type === 'stream' && OPENING_STREAMS.has(e.name)),
    step,
  );
  return step(() => new MsiPackage(compound));
}

/**
 * The calls settleOnAbort holds for each signal, and the one listener that settles them all:
 * a listener per call made Node warn (MaxListenersExceededWarning) once 11 calls shared a
 * signal, 6 checks (each holds two: its own and its open's).
 */
const heldOnAbort = new WeakMap<AbortSignal, { settlers: Set<() => void>; onAbort: () => void }>();

/**
 * `work`, settled with AbortError as soon as the exit's signal aborts: a read that hangs (a
 * network share that stopped answering) must not keep the caller waiting. The work goes on
 * until its next slice, which sees the abort, and its file is closed when the read returns.
 */
export function settleOnAbort<T>(work: Promise<T>, exit: GateExit | undefined): Promise<T> {
  if (!exit) return work;
  const { signal } = exit;
  return new Promise<T>((resolve, reject) => {
    let held = heldOnAbort.get(signal);
    if (!held) {
      const settlers = new Set<() => void>();
      const onAbort = (): void => {
        heldOnAbort.delete(signal);
        for (const settle of settlers) settle();
      };
      // Added before it is kept: a signal-like object whose addEventListener throws rejects
      // this call and leaves nothing behind.
      signal.addEventListener('abort', onAbort, { once: true });
      held = { settlers, onAbort };
      heldOnAbort.set(signal, held);
    }
    const entry = held;
    const settle = (): void => reject(exit.error());
    entry.settlers.add(settle);
    const done = (): void => {
      entry.settlers.delete(settle);
      if (entry.settlers.size > 0 || heldOnAbort.get(signal) !== entry) return;
      heldOnAbort.delete(signal);
      signal.removeEventListener('abort', entry.onAbort);
    };
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
