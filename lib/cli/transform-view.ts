// What the package commands say about a transform (.mst). A transform is not
// a database: its table streams hold change records (see
// lib/package/transform.ts), so each command describes the changes instead
// of reading them as tables: the summary (the product and version it applies
// to and the one it produces), the tables and columns it adds and drops, and
// the tables whose rows it changes. Rows of a table the transform does not
// add cannot be decoded without the database it applies to.

import { describeTransformStorage, type MsiStorage, type TransformOverview } from '../package';
import { formatTable } from './format';

export interface TransformTableChange {
  table: string;
  /** added (the transform creates it), dropped, or changed (rows of an existing table). */
  change: 'added' | 'dropped' | 'changed';
  /** Number of change records, or null where they need the target's columns. */
  records: number | null;
  /** Columns the transform adds to the table. */
  addedColumns: number;
}

/** One line per table the transform touches: added, dropped or changed. */
export function transformTableChanges(overview: TransformOverview): TransformTableChange[] {
  const out: TransformTableChange[] = [];
  const columnsAdded = (table: string) => overview.addedColumns.filter((c) => c.table === table).length;
  const records = new Map(overview.tables.map((t) => [t.table, t.operations.length] as const));
  for (const table of overview.droppedTables) out.push({ table, change: 'dropped', records: null, addedColumns: 0 });
  for (const table of overview.addedTables)
    out.push({ table, change: 'added', records: records.get(table) ?? 0, addedColumns: columnsAdded(table) });
  const listed = new Set([...overview.addedTables, ...overview.droppedTables]);
  for (const t of overview.tables) {
    if (!listed.has(t.table))
      out.push({ table: t.table, change: 'changed', records: t.operations.length, addedColumns: columnsAdded(t.table) });
    listed.add(t.table);
  }
  for (const u of overview.undecoded) {
    if (!listed.has(u.table)) out.push({ table: u.table, change: 'changed', records: null, addedColumns: columnsAdded(u.table) });
    listed.add(u.table);
  }
  for (const c of overview.addedColumns) {
    if (!listed.has(c.table)) out.push({ table: c.table, change: 'changed', records: 0, addedColumns: columnsAdded(c.table) });
    listed.add(c.table);
  }
  return out;
}

/** The transform as JSON-ready data (info --json, tables --json). */
export function transformJson(file: string, size: number, storage: MsiStorage, overview: TransformOverview): Record<string, unknown> {
  return {
    file,
    size,
    kind: storage.kind,
    clsid: storage.clsid,
    summary: storage.summary,
    transform: {
      targetProductCode: overview.info.targetProductCode,
      targetProductVersion: overview.info.targetProductVersion,
      upgradedProductCode: overview.info.upgradedProductCode,
      upgradedProductVersion: overview.info.upgradedProductVersion,
      upgradeCode: overview.info.upgradeCode,
      validationFlags: overview.validationFlags,
      errorConditions: overview.errorConditions,
      stringPool: { codepage: overview.codepage, longReferences: overview.longReferences },
      addedTables: overview.addedTables,
      droppedTables: overview.droppedTables,
      addedColumns: overview.addedColumns.map((c) => ({
        table: c.table,
        name: c.column.name,
        type: c.column.idtType,
        number: c.column.number || null,
      })),
      tables: transformTableChanges(overview),
      streams: overview.streams,
    },
  };
}

/** Lines for `info` on a transform, after its summary fields. */
export function transformFields(overview: TransformOverview): Array<[string, unknown]> {
  const product = (code: string | null, version: string | null) =>
    code === null ? null : `${code}${version ? ` version ${version}` : ''}`;
  const changes = transformTableChanges(overview);
  const changed = changes.filter((c) => c.change === 'changed');
  return [
    ['Applies to', product(overview.info.targetProductCode, overview.info.targetProductVersion)],
    ['Produces', product(overview.info.upgradedProductCode, overview.info.upgradedProductVersion)],
    ['Upgrade code', overview.info.upgradeCode],
    ['Validation flags', overview.validationFlags === null ? null : `0x${overview.validationFlags.toString(16).padStart(4, '0')}`],
    ['Error conditions', overview.errorConditions === null ? null : `0x${overview.errorConditions.toString(16).padStart(4, '0')}`],
    ['String codepage', overview.codepage],
    ['Adds tables', overview.addedTables.join(' ') || 'none'],
    ['Drops tables', overview.droppedTables.join(' ') || 'none'],
    ['Adds columns', overview.addedColumns.map((c) => `${c.table}.${c.column.name}`).join(' ') || 'none'],
    [
      'Changes rows of',
      changed
        .map(
          (c) =>
            `${c.table} (${c.records === null ? 'records need the target database' : `${c.records} record${c.records === 1 ? '' : 's'}`})`,
        )
        .join(', ') || 'none',
    ],
    ['Streams', overview.streams.length],
  ];
}

/** The table list of `tables` on a transform. */
export function transformTablesText(overview: TransformOverview): string {
  const changes = transformTableChanges(overview);
  return formatTable(
    ['Table', 'Change', 'Records', 'Added columns'],
    changes.map((c) => [c.table, c.change, c.records === null ? (c.change === 'dropped' ? '' : '?') : c.records, c.addedColumns || '']),
    [false, false, true, true],
  );
}

export { describeTransformStorage };
