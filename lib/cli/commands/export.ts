import type { CellValue, MsiPackage, MsiStorage, SummaryInformation, TransformOverview } from '../../package';
import { forceCodepageToIdt, summaryIdtStopsAt, summaryToIdt } from '../../package/idt';
import { emptyRow } from '../../package/tables';
import { formatTableChunks, printable, toJson } from '../format';
import { openAnyForCli } from '../open';
import { ExitCode, UsageError, type CliCommand } from '../registry';
import { describeTransformStorage } from '../transform-view';
import { listing } from './listings';

/** The pseudo tables msitools lists and exports before the tables of _Tables. */
export const PSEUDO_TABLES = ['_SummaryInformation', '_ForceCodepage'];

interface Exported {
  table: string;
  columns: Array<{ name: string; type: string }>;
  primaryKeys: string[];
  rows: Array<Record<string, CellValue>>;
}

/** The pseudo tables, as rows: the codepage, or one row per summary property. */
export function pseudoTable(source: { summary: SummaryInformation; codepage: number }, name: string): Exported {
  if (name === '_ForceCodepage') {
    return { table: name, columns: [{ name: 'Codepage', type: 'i4' }], primaryKeys: [], rows: [{ Codepage: source.codepage }] };
  }
  const rows = [...source.summary.properties]
    .sort((a, b) => a.id - b.id)
    .map((p) => ({
      PropertyId: p.id,
      Value: p.value instanceof Date ? p.value.toISOString() : p.value === null || Buffer.isBuffer(p.value) ? null : String(p.value),
    }));
  return {
    table: name,
    columns: [
      { name: 'PropertyId', type: 'i2' },
      { name: 'Value', type: 'l255' },
    ],
    primaryKeys: ['PropertyId'],
    rows,
  };
}

/** A transform's records for one table it changes, as rows with the change first. */
function transformRecords(overview: TransformOverview, name: string): Exported | null {
  const table = overview.tables.find((t) => t.table === name);
  if (!table) return null;
  const columns = [{ name: 'Change', type: 's6' }, ...table.columns.map((c) => ({ name: c.name, type: c.idtType }))];
  const rows = table.operations.map((op) => {
    const row = emptyRow();
    row.Change = op.kind;
    for (const c of table.columns) row[c.name] = c.name in op.values ? op.values[c.name] : null;
    return row;
  });
  return { table: name, columns, primaryKeys: table.columns.filter((c) => c.primaryKey).map((c) => c.name), rows };
}

function exported(pkg: MsiPackage, name: string): Exported {
  if (PSEUDO_TABLES.includes(name)) return pseudoTable(pkg, name);
  const table = pkg.table(name);
  return {
    table: name,
    columns: table.columns.map((c) => ({ name: c.name, type: c.idtType })),
    primaryKeys: table.primaryKeys,
    rows: table.rows(),
  };
}

export const exportCommand: CliCommand = {
  ...listing('export'),
  usage: 'export <file> <table> [--idt | --json]',
  description:
    'Prints a table. By default as aligned columns for reading; with --idt exactly what ' +
    '`msiinfo export` of msitools writes (tab-separated, column names, column types and table/keys lines, ' +
    'CRLF line ends, UTF-8; binary cells hold their stream name); with --json as JSON with typed values ' +
    '(numbers, strings, null). The pseudo tables _SummaryInformation and _ForceCodepage are accepted too. ' +
    'One exception to "byte-identical": integer columns declared with 0 or 1 bytes are written with the value ' +
    "stored, as Windows' own tools read it; msitools and Wine add 0x80008000 to it. " +
    'For a transform (.mst): its summary, its codepage, and the change records of a table it adds.',
  options: [
    {
      name: 'idt',
      type: 'boolean',
      description: 'IDT text, byte-identical to msiinfo export (but see integer columns of 0 or 1 bytes)',
      conflicts: ['json'],
    },
    { name: 'json', type: 'boolean', description: 'machine-readable JSON', conflicts: ['idt'] },
  ],
  positionals: [2, 2],
  async run({ io, args }) {
    const [file, name] = args.positionals;
    const opened = await openAnyForCli(file);
    if (opened.kind === 'transform') return exportFromTransform(io, file, name, opened.storage, args.options);
    const pkg = opened.pkg;
    if (!pkg.hasTable(name) && !PSEUDO_TABLES.includes(name)) {
      return noSuchTable(io, args.options.json === true, file, name, `${file} has no table ${name} (see: msi-lua tables ${file})`);
    }
    if (args.options.idt) {
      // In chunks (each valid only during the call, so copied): see writeJson.
      pkg.exportIdtTo(name, (chunk) => io.stdout.write(Buffer.from(chunk)));
      return name === '_SummaryInformation' ? summaryIdtStatus(io, file, pkg.summary) : ExitCode.OK;
    }
    return write(io, PSEUDO_TABLES.includes(name) ? pseudoTable(pkg, name) : exported(pkg, name), args.options.json === true);
  },
};

/**
 * toJson(data), written row by row: the text of a table can be far larger than the package
 * (a long string that every row references) and than one JavaScript string can hold.
 */
function writeJson(io: { stdout: { write(chunk: string): unknown } }, data: Exported): void {
  const head = toJson({ ...data, rows: [] });
  const open = head.lastIndexOf('[]');
  if (data.rows.length === 0) {
    io.stdout.write(head);
    return;
  }
  let chunk = `${head.slice(0, open)}[\n`;
  data.rows.forEach((row, i) => {
    chunk += `    ${toJson(row).trimEnd().replace(/\n/g, '\n    ')}${i < data.rows.length - 1 ? ',' : ''}\n`;
    if (chunk.length >= 0x10000) {
      io.stdout.write(chunk);
      chunk = '';
    }
  });
  io.stdout.write(`${chunk}  ]${head.slice(open + 2)}`);
}

function write(io: { stdout: { write(chunk: string): unknown } }, data: Exported, json: boolean): number {
  if (json) {
    writeJson(io, data);
    return ExitCode.OK;
  }
  const headers = data.columns.map((c) => c.name);
  const numeric = data.columns.map((c) => /^[ij]/i.test(c.type));
  const cells = data.rows.map((r) => headers.map((h) => r[h]));
  for (const chunk of formatTableChunks(headers, cells, numeric)) io.stdout.write(chunk);
  io.stdout.write(`(${data.rows.length} row${data.rows.length === 1 ? '' : 's'})\n`);
  return ExitCode.OK;
}

/**
 * export on a transform: its summary and codepage as the pseudo tables, and
 * for a table it adds, its change records.
 */
function exportFromTransform(
  io: { stdout: { write(chunk: string | Uint8Array): unknown }; stderr: { write(chunk: string): unknown } },
  file: string,
  name: string,
  storage: MsiStorage,
  options: Record<string, unknown>,
): number {
  const overview = describeTransformStorage(storage);
  if (PSEUDO_TABLES.includes(name)) {
    if (options.idt) {
      io.stdout.write(name === '_SummaryInformation' ? summaryToIdt(storage.summary) : forceCodepageToIdt(overview.codepage));
      return name === '_SummaryInformation' ? summaryIdtStatus(io, file, storage.summary) : ExitCode.OK;
    }
    return write(io, pseudoTable({ summary: storage.summary, codepage: overview.codepage }, name), options.json === true);
  }
  const records = transformRecords(overview, name);
  if (records) {
    if (options.idt)
      throw new UsageError(`${file} is a transform: its change records for ${name} have no IDT form (use --json or the default output)`);
    return write(io, records, options.json === true);
  }
  const json = options.json === true;
  if (overview.droppedTables.includes(name)) {
    return noSuchTable(io, json, file, name, `${file} is a transform that drops table ${name}: it holds no rows of it`);
  }
  if (overview.undecoded.some((u) => u.table === name)) {
    return noSuchTable(
      io,
      json,
      file,
      name,
      `${file} is a transform that changes rows of ${name}, a table of the database it applies to: its records need that database's columns (see: msi-lua info ${file})`,
    );
  }
  return noSuchTable(io, json, file, name, `${file} is a transform and does not change table ${name} (see: msi-lua tables ${file})`);
}

/** The reason the summary IDT is cut short (see summaryIdtStopsAt), or null when it is whole. */
export function summaryIdtShortfall(summary: SummaryInformation): string | null {
  const id = summaryIdtStopsAt(summary);
  return id === null ? null : `summary property ${id} holds a date no FILETIME can hold: the IDT stops before it, as msiinfo export's does`;
}

/** Exit 1 (damaged) when the summary IDT just written is cut short: a partial table is no success. */
function summaryIdtStatus(io: { stderr: { write(chunk: string): unknown } }, file: string, summary: SummaryInformation): number {
  const reason = summaryIdtShortfall(summary);
  if (reason === null) return ExitCode.OK;
  io.stderr.write(`${printable(`msi-lua: ${file}: ${reason}`)}\n`);
  return ExitCode.INVALID_PACKAGE;
}

/**
 * Exit 6: one line on stderr and, under --json, the error object on stdout that every other
 * failure prints (README: "under --json it also prints one object {"error": ...}").
 */
function noSuchTable(
  io: { stdout: { write(chunk: string): unknown }; stderr: { write(chunk: string): unknown } },
  json: boolean,
  file: string,
  table: string,
  message: string,
): number {
  if (json) {
    io.stdout.write(
      toJson({
        error: {
          name: 'NoSuchTableError',
          code: 'ERR_NO_SUCH_TABLE',
          hresult: null,
          message,
          path: file,
          table,
          exitCode: ExitCode.NO_SUCH_TABLE,
        },
      }),
    );
  }
  io.stderr.write(`${printable(`msi-lua: ${message}`)}\n`);
  return ExitCode.NO_SUCH_TABLE;
}
