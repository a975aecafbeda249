// msi-lua dump: a whole package at once, as msitools' msidump writes it
// (`msidump -t -s -d DIR`): every table as DIR/<table>.idt (the pseudo
// tables _SummaryInformation and _ForceCodepage too, as `msiinfo tables`
// lists them) and every stream that is not a table as DIR/_Streams/<name>,
// in one process.

import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { MsiFormatError } from '../../errors';
import { printable, toJson } from '../format';
import { summaryIdtShortfall } from './export';
import { openAnyForCli } from '../open';
import { ExitCode, UsageError, type CliCommand } from '../registry';
import { listing } from './listings';

/**
 * mkdir -p that always ends. Node's `mkdir(..., { recursive: true })` spins forever
 * (100% CPU, the promise never settles) when a parent exists but refuses children with
 * ENOENT, as every folder under /proc and /sys does on Linux. Here each level is created
 * once; a level still missing after its parent exists fails with that ENOENT.
 */
export async function makeFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      const stats = await stat(folder);
      if (stats.isDirectory()) return;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: folder });
    }
    const parent = path.dirname(folder);
    if (code !== 'ENOENT' || parent === folder) throw error;
    await makeFolder(parent);
    await mkdir(folder); // a second ENOENT is final
  }
}

/** Characters no file name may hold on some platform msi-lua runs on (Windows' set, which includes POSIX's "/" and NUL). */
const UNSAFE = process.platform === 'win32' ? /[\u0000-\u001f<>:"/\\|?*%]/g : /[\u0000/%]/g;

/** A UTF-16 code unit of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A table or stream name as a file name inside the dump folder. Names come
 * from the package (the string pool, the directory) and may hold anything:
 * characters a file name cannot hold, and "%", are written as %XX so that
 * two names never meet and no name leaves the folder ("." and ".." become
 * %2E and %2E%2E; a lone surrogate as the %XX of its three WTF-8 bytes). Other names are kept as msidump keeps them (on Linux,
 * "\u0005SummaryInformation" with its control character).
 */
export function dumpFileName(name: string): string {
  const escaped = name
    .replace(UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(LONE_SURROGATE, (c) => {
      // The file system takes UTF-8, where a lone surrogate becomes U+FFFD: names differing
      // only there would meet. Written as the three bytes WTF-8 gives it, each as %XX.
      const unit = c.charCodeAt(0);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    });
  if (escaped === '') return '%';
  if (/^\.+$/.test(escaped)) return escaped.replace(/\./g, '%2E');
  return escaped;
}

/**
 * The output folder, or a file in it, cannot be written (the folder is a file, no
 * permission, disk full): an output failure (exit 74), naming the path, not "cannot read".
 */
export class DumpOutputError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO';
    const reason = code === 'ENOTDIR' ? 'a file is in the way (not a folder)' : ((cause as Error)?.message ?? String(cause));
    super(`cannot write ${path}: ${reason}`, { cause });
    this.name = 'DumpOutputError';
    this.code = code;
    this.path = path;
  }
}

/** Runs one write into the output folder; what the file system refuses is a DumpOutputError. */
async function output<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw typeof (error as NodeJS.ErrnoException)?.code === 'string' ? new DumpOutputError(path, error) : error;
  }
}

interface Failure {
  kind: 'table' | 'stream';
  name: string;
  reason: string;
}

export const dumpCommand: CliCommand = {
  ...listing('dump'),
  usage: 'dump <file> <folder> [--json]',
  description:
    'Writes what `msidump -t -s -d <folder>` of msitools writes, in one process: each table as ' +
    '<folder>/<table>.idt (byte-identical to `msiinfo export`, with the exception export --help names), ' +
    '_SummaryInformation.idt and _ForceCodepage.idt included, and each stream that is not a table as ' +
    '<folder>/_Streams/<name> (binary cells, cabinets, \\005SummaryInformation, signatures). The folder is ' +
    'created if needed; files in it are overwritten. A character a file name cannot hold (and "%") is ' +
    'written as %XX. A table or stream that cannot be read is reported and the rest still written (exit 1). ' +
    'Prints what it wrote (with --json, as JSON).',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [2, 2],
  classifyError: (error) => (error instanceof DumpOutputError ? { exitCode: ExitCode.OUTPUT_ERROR, message: error.message } : undefined),
  async run({ io, args }) {
    const [file, folder] = args.positionals;
    const opened = await openAnyForCli(file);
    if (opened.kind === 'transform') {
      throw new UsageError(`${file} is a transform: its changes apply to a database (see: msi-lua info ${file})`);
    }
    const pkg = opened.pkg;
    const streamsFolder = path.join(folder, '_Streams');
    await output(folder, () => makeFolder(streamsFolder));
    const failures: Failure[] = [];
    const tables: string[] = [];
    const streams: string[] = [];
    // Each step settles before the next: one table's IDT in memory at a time.
    for (const name of ['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]) {
      let idt: Buffer;
      try {
        idt = pkg.exportIdt(name);
      } catch (error) {
        if (!(error instanceof MsiFormatError)) throw error;
        failures.push({ kind: 'table', name, reason: error.message });
        continue;
      }
      const idtFile = path.join(folder, `${dumpFileName(name)}.idt`);
      await output(idtFile, () => writeFile(idtFile, idt));
      const shortfall = name === '_SummaryInformation' ? summaryIdtShortfall(pkg.summary) : null;
      if (shortfall) failures.push({ kind: 'table', name, reason: shortfall });
      else tables.push(name);
    }
    for (const stream of pkg.streams) {
      let data: Buffer;
      try {
        data = pkg.readStream(stream.name);
      } catch (error) {
        if (!(error instanceof MsiFormatError)) throw error;
        failures.push({ kind: 'stream', name: stream.name, reason: error.message });
        continue;
      }
      const streamFile = path.join(streamsFolder, dumpFileName(stream.name));
      await output(streamFile, () => writeFile(streamFile, data));
      streams.push(stream.name);
    }
    for (const f of failures)
      io.stderr.write(`${printable(`msi-lua: ${file}: ${f.kind} ${JSON.stringify(f.name)} cannot be read: ${f.reason}`)}\n`);
    if (args.options.json) {
      io.stdout.write(toJson({ file, folder, tables, streams, failures }));
    } else {
      io.stdout.write(
        `${file}: wrote ${tables.length} table${tables.length === 1 ? '' : 's'} and ${streams.length} stream${streams.length === 1 ? '' : 's'} to ${folder}` +
          `${failures.length ? `; ${failures.length} could not be read` : ''}\n`,
      );
    }
    return failures.length ? ExitCode.INVALID_PACKAGE : ExitCode.OK;
  },
};
