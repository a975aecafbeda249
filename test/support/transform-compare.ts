// Comparing msi-lua's reading of transforms with what msi.dll made of them
// (scripts/transform-crosscheck.js): the JSON dump apply-transform.exe wrote
// through msi.dll's query API, and the database it committed.

import * as fs from 'node:fs';

import { applyTransforms, readPackage, readTransformFile, type TransformedDatabase } from '../../lib/package';

/** A table as apply-transform.exe dumps it; binary cells are hex of their stream. */
export interface DumpedTable {
  columns: Array<{ name: string; type: string }>;
  keys: string[];
  rows: Array<Array<string | number | null>>;
}

export interface WineDump {
  results: number[];
  commit: number;
  tables: Record<string, DumpedTable>;
}

/** A table in a form both sides can be compared in: rows sorted by primary key. */
export interface ComparableTable {
  columns: Array<{ name: string; type: string }>;
  keys: string[];
  rows: Array<Array<string | number | null>>;
}

function sortRows(
  keys: string[],
  columns: Array<{ name: string }>,
  rows: Array<Array<string | number | null>>,
): Array<Array<string | number | null>> {
  const keyIndexes = keys.map((k) => columns.findIndex((c) => c.name === k));
  const keyOf = (row: Array<string | number | null>) => JSON.stringify(keyIndexes.map((i) => row[i]));
  return [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** Every table of a transformed database, binary cells as hex of the stream they name. */
export function comparableTables(
  db: Pick<TransformedDatabase, 'tableNames' | 'readTable' | 'readStream'>,
): Record<string, ComparableTable> {
  const out: Record<string, ComparableTable> = {};
  for (const name of db.tableNames) {
    const table = db.readTable(name);
    const columns = table.columns.map((c) => ({ name: c.name, type: c.idtType }));
    const rows = table.rows.map((row) =>
      table.columns.map((c) => {
        const value = row[c.name] ?? null;
        if (c.kind === 'binary' && typeof value === 'string') return db.readStream(value).toString('hex');
        return value;
      }),
    );
    out[name] = { columns, keys: table.primaryKeys, rows: sortRows(table.primaryKeys, columns, rows) };
  }
  return out;
}

export function comparableDump(dump: WineDump): Record<string, ComparableTable> {
  const out: Record<string, ComparableTable> = {};
  for (const [name, table] of Object.entries(dump.tables)) {
    out[name] = { columns: table.columns, keys: table.keys, rows: sortRows(table.keys, table.columns, table.rows) };
  }
  return out;
}

export function readDump(file: string): WineDump {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as WineDump;
}

/** msi-lua's side: the base read and the transforms applied in memory. */
export function applyWithMsiLua(base: string, transforms: string[]): TransformedDatabase {
  return applyTransforms(
    readPackage(fs.readFileSync(base)),
    transforms.map((file) => readTransformFile(fs.readFileSync(file))),
  );
}
