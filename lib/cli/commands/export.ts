import type { CellValue, MsiPackage } from '../../package';
import { formatTable, toJson } from '../format';
import { openForCli } from '../open';
import { ExitCode, type CliCommand } from '../registry';

const PSEUDO_TABLES = ['_SummaryInformation', '_ForceCodepage'];

interface Exported {
  table: string;
  columns: Array<{ name: string; type: string }>;
  primaryKeys: string[];
  rows: Array<Record<string, CellValue>>;
}

/** The pseudo tables, as rows: the codepage, or one row per summary property. */
function pseudoTable(pkg: MsiPackage, name: string): Exported {
  if (name === '_ForceCodepage') {
    return { table: name, columns: [{ name: 'Codepage', type: 'i4' }], primaryKeys: [], rows: [{ Codepage: pkg.codepage }] };
  }
  const rows = [...pkg.summary.properties]
    .sort((a, b) => a.id - b.id)
    .map((p) => ({
      PropertyId: p.id,
      Value: p.value instanceof Date ? p.value.toISOString() : p.value === null || Buffer.isBuffer(p.value) ? null : String(p.value),
    }));
  return { table: name, columns: [{ name: 'PropertyId', type: 'i2' }, { name: 'Value', type: 'l255' }], primaryKeys: ['PropertyId'], rows };
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
  name: 'export',
  summary: 'print the rows of a table (readable, IDT or JSON)',
  usage: 'export <file> <table> [--idt | --json]',
  description: 'Prints a table. By default as aligned columns for reading; with --idt exactly what '
    + '`msiinfo export` of msitools writes (tab-separated, column names, column types and table/keys lines, '
    + 'CRLF line ends, UTF-8; binary cells hold their stream name); with --json as JSON with typed values '
    + '(numbers, strings, null). The pseudo tables _SummaryInformation and _ForceCodepage are accepted too.',
  options: [
    { name: 'idt', type: 'boolean', description: 'IDT text, byte-identical to msiinfo export', conflicts: ['json'] },
    { name: 'json', type: 'boolean', description: 'machine-readable JSON', conflicts: ['idt'] },
  ],
  positionals: [2, 2],
  exitCodes: [[ExitCode.NO_SUCH_TABLE, 'the package has no such table']],
  async run({ io, args }) {
    const [file, name] = args.positionals;
    const pkg = await openForCli(file);
    if (!pkg.hasTable(name) && !PSEUDO_TABLES.includes(name)) {
      io.stderr.write(`msi-lua: ${file} has no table ${name} (see: msi-lua tables ${file})\n`);
      return ExitCode.NO_SUCH_TABLE;
    }
    if (args.options.idt) {
      io.stdout.write(pkg.exportIdt(name));
      return ExitCode.OK;
    }
    const data = exported(pkg, name);
    if (args.options.json) {
      io.stdout.write(toJson(data));
      return ExitCode.OK;
    }
    const headers = data.columns.map((c) => c.name);
    const numeric = data.columns.map((c) => /^[ij]/i.test(c.type));
    io.stdout.write(formatTable(headers, data.rows.map((r) => headers.map((h) => r[h])), numeric));
    io.stdout.write(`(${data.rows.length} row${data.rows.length === 1 ? '' : 's'})\n`);
    return ExitCode.OK;
  },
};
