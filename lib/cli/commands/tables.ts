import { MsiFormatError } from '../../errors';
import type { MsiPackage, MsiTable } from '../../package';
import { formatTable, printable, toJson } from '../format';
import { openAnyForCli } from '../open';
import { ExitCode, type CliCommand } from '../registry';
import { describeTransformStorage, transformJson, transformTablesText } from '../transform-view';
import { PSEUDO_TABLES, pseudoTable } from './export';
import { listing } from './listings';

/** A table, or why it cannot be read: one damaged table does not hide the others. */
function tryTable(pkg: MsiPackage, name: string): MsiTable | MsiFormatError {
  try {
    return pkg.table(name);
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw error;
  }
}

/** A pseudo table (as `export` shows it), or why it cannot be read (a damaged summary). */
function tryPseudo(pkg: MsiPackage, name: string): ReturnType<typeof pseudoTable> | MsiFormatError {
  try {
    return pseudoTable(pkg, name);
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw error;
  }
}

export const tablesCommand: CliCommand = {
  ...listing('tables'),
  usage: 'tables <file> [--json]',
  description:
    'Lists the tables in _Tables order with their row and column counts and primary keys, after the ' +
    'pseudo tables _SummaryInformation and _ForceCodepage, as `msiinfo tables` lists them (--json marks them "pseudo": true). ' +
    'With --json, also every column definition (name, IDT type, kind, size, nullable, key, localizable). ' +
    'Every table in _Tables is listed, as msiinfo lists them: a table that cannot be read (damaged ' +
    'columns or stream) is listed with the reason, here and on stderr, and the others are read (exit 1). ' +
    'For a transform (.mst): the tables it adds, drops and changes, with their record counts.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 1],
  async run({ io, args }) {
    const file = args.positionals[0];
    const opened = await openAnyForCli(file);
    if (opened.kind === 'transform') {
      const overview = describeTransformStorage(opened.storage);
      if (args.options.json)
        io.stdout.write(toJson((transformJson(file, opened.byteLength, opened.storage, overview).transform as { tables: unknown }).tables));
      else io.stdout.write(transformTablesText(overview));
      return ExitCode.OK;
    }
    const pkg = opened.pkg;
    const pseudo = PSEUDO_TABLES.map((name) => ({ name, table: tryPseudo(pkg, name) }));
    const tables = pkg.tableNames.map((name) => ({ name, table: tryTable(pkg, name) }));
    let damaged = false;
    for (const { name, table } of [...pseudo, ...tables]) {
      if (table instanceof MsiFormatError) {
        damaged = true;
        io.stderr.write(`${printable(`msi-lua: ${file}: table ${name} cannot be read: ${table.message}`)}\n`);
      }
    }
    // The others are listed, but the list is not whole: exit 1, as dump and export do, so that a
    // script can tell.
    const code = damaged ? ExitCode.INVALID_PACKAGE : ExitCode.OK;
    if (args.options.json) {
      io.stdout.write(
        toJson([
          ...pseudo.map(({ name, table: t }) =>
            t instanceof MsiFormatError
              ? { name, pseudo: true, error: t.message }
              : { name, pseudo: true, rows: t.rows.length, primaryKeys: t.primaryKeys, columns: t.columns },
          ),
          ...tables.map(({ name, table: t }) =>
            t instanceof MsiFormatError
              ? { name, error: t.message }
              : {
                  name: t.name,
                  rows: t.rowCount,
                  primaryKeys: t.primaryKeys,
                  columns: t.columns.map((c) => ({
                    name: c.name,
                    type: c.idtType,
                    kind: c.kind,
                    size: c.size,
                    nullable: c.nullable,
                    primaryKey: c.primaryKey,
                    localizable: c.localizable,
                  })),
                },
          ),
        ]),
      );
      return code;
    }
    io.stdout.write(
      formatTable(
        ['Table', 'Rows', 'Columns', 'Primary key'],
        [
          ...pseudo.map(({ name, table: t }) =>
            t instanceof MsiFormatError
              ? [name, '?', '?', '(cannot be read, see above)']
              : [name, t.rows.length, t.columns.length, t.primaryKeys.join(', ')],
          ),
          ...tables.map(({ name, table: t }) =>
            t instanceof MsiFormatError
              ? [name, '?', '?', '(cannot be read, see above)']
              : [t.name, t.rowCount, t.columns.length, t.primaryKeys.join(', ')],
          ),
        ],
        [false, true, true, false],
      ),
    );
    return code;
  },
};
