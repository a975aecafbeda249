import { formatTable, toJson } from '../format';
import { openForCli } from '../open';
import { ExitCode, type CliCommand } from '../registry';

export const tablesCommand: CliCommand = {
  name: 'tables',
  summary: 'list the tables of a package with row counts',
  usage: 'tables <file> [--json]',
  description: 'Lists the tables in _Tables order with their row and column counts and primary keys. '
    + 'With --json, also every column definition (name, IDT type, kind, size, nullable, key, localizable).',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 1],
  async run({ io, args }) {
    const pkg = await openForCli(args.positionals[0]);
    const tables = pkg.tableNames.map((name) => pkg.table(name));
    if (args.options.json) {
      io.stdout.write(toJson(tables.map((t) => ({
        name: t.name,
        rows: t.rowCount,
        primaryKeys: t.primaryKeys,
        columns: t.columns.map((c) => ({
          name: c.name, type: c.idtType, kind: c.kind, size: c.size,
          nullable: c.nullable, primaryKey: c.primaryKey, localizable: c.localizable,
        })),
      }))));
      return ExitCode.OK;
    }
    io.stdout.write(formatTable(
      ['Table', 'Rows', 'Columns', 'Primary key'],
      tables.map((t) => [t.name, t.rowCount, t.columns.length, t.primaryKeys.join(', ')]),
      [false, true, true, false],
    ));
    return ExitCode.OK;
  },
};
