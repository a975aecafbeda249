// msi-lua dump: a whole package at once, as msitools' msidump writes it
// (`msidump -t -s -d DIR`): every table as DIR/<table>.idt (the pseudo
// tables _SummaryInformation and _ForceCodepage too, as `msiinfo tables`
// lists them) and every stream that is not a table as DIR/_Streams/<name>,
// in one process.

import * as fs from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { MsiFormatError } from '../../errors';
import type { MsiPackage } from '../../package';
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

/** Characters no file name may hold on the platform (Windows' set includes POSIX's "/" and NUL), and "%". */
function unsafeCharacters(platform: NodeJS.Platform): RegExp {
  return platform === 'win32' ? /[\u0000-\u001f<>:"/\\|?*%]/ : /[\u0000/%]/;
}

/** Windows' device names, which no file name may take whatever its extension (Win32 path rules). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]) *(\.|$)/i;

/** File systems that ignore case by default: NTFS (Windows) and APFS (macOS, which also ignores Unicode normalization). */
const CASE_INSENSITIVE: ReadonlySet<NodeJS.Platform> = new Set(['win32', 'darwin']);

/**
 * One UTF-16 code point (or lone surrogate) as %XX per byte of its UTF-8 form (WTF-8 for a lone
 * surrogate, which UTF-8 would write as U+FFFD, so that names differing only there stay apart).
 */
function percentBytes(c: string): string {
  const cp = c.codePointAt(0)!;
  const bytes =
    cp < 0x80
      ? [cp]
      : cp < 0x800
        ? [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)]
        : cp < 0x10000
          ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
          : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

function isLoneSurrogate(c: string): boolean {
  const unit = c.charCodeAt(0);
  return c.length === 1 && unit >= 0xd800 && unit <= 0xdfff;
}

function isCased(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}

/**
 * A table or stream name as a file name inside the dump folder, on `platform`. Names come
 * from the package (the string pool, the directory) and may hold anything: characters a file
 * name cannot hold there, "%" and lone surrogates are written as the %XX of their UTF-8 (WTF-8)
 * bytes, so that no name leaves the folder, two names never meet, and every file name decodes
 * back to its name. "." and ".." become %2E and %2E%2E; on Windows also a trailing dot or space
 * (which Windows drops) and the first letter of a device name (CON, NUL, COM1, ...).
 * `caseEscaped` also writes every cased letter as %XX: the form DumpFolderNames gives a name
 * that would meet an earlier one on a file system that ignores case. Other names are kept as
 * msidump keeps them (on Linux, "\u0005SummaryInformation" with its control character).
 */
export function dumpFileName(name: string, platform: NodeJS.Platform = process.platform, caseEscaped = false): string {
  const unsafe = unsafeCharacters(platform);
  let escaped = '';
  // By code point, so that a surrogate pair stays one character and only a lone half is escaped.
  for (const c of name) escaped += unsafe.test(c) || isLoneSurrogate(c) || (caseEscaped && isCased(c)) ? percentBytes(c) : c;
  if (escaped === '') return '%';
  if (/^\.+$/.test(escaped)) return escaped.replace(/\./g, '%2E');
  if (platform === 'win32') {
    escaped = escaped.replace(/[. ]+$/, (tail) => tail.replace(/./g, percentBytes));
    if (WINDOWS_DEVICE.test(escaped)) escaped = percentBytes(escaped[0]!) + escaped.slice(1);
  }
  return escaped;
}

/**
 * The file names of one dump folder. Where the file system ignores case (`platform` win32 or
 * darwin; on darwin Unicode normalization too), a name whose file name would meet an earlier
 * one's takes the case-escaped form of dumpFileName, which no other name's file name can
 * equal: its cased letters are %XX, which no name's plain form holds.
 */
export class DumpFolderNames {
  readonly #used = new Set<string>();
  constructor(
    private readonly suffix = '',
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  fileName(name: string): string {
    const plain = dumpFileName(name, this.platform) + this.suffix;
    if (!CASE_INSENSITIVE.has(this.platform)) return plain;
    const chosen = this.#used.has(this.fold(plain)) ? dumpFileName(name, this.platform, true) + this.suffix : plain;
    this.#used.add(this.fold(chosen));
    return chosen;
  }

  private fold(file: string): string {
    return (this.platform === 'darwin' ? file.normalize('NFC') : file).toLowerCase();
  }
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

/** Runs one synchronous file-system call for `file`; what it refuses is a DumpOutputError. */
function outputSync<T>(file: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new DumpOutputError(file, error);
  }
}

/**
 * Writes one table's IDT to `file` chunk by chunk (MsiPackage.exportIdtTo), through a partial
 * file in the same folder that is renamed at the end: no table is ever whole in memory (rows
 * that all name one long string make an IDT hundreds of times the package's size), and a table
 * that fails midway leaves no file. Throws MsiFormatError (the table cannot be read) or
 * DumpOutputError (the folder refuses the file). The partial file's name, "%.partial", is one
 * no table or stream name gives (a "%" from dumpFileName is "%" alone or "%XX").
 */
function writeTableIdt(pkg: MsiPackage, name: string, file: string): void {
  const partial = path.join(path.dirname(file), '%.partial');
  const fd = outputSync(file, () => fs.openSync(partial, 'w'));
  let open = true;
  let renamed = false;
  try {
    pkg.exportIdtTo(name, (chunk) => {
      for (let at = 0; at < chunk.length;) at += outputSync(file, () => fs.writeSync(fd, chunk, at));
    });
    open = false;
    outputSync(file, () => fs.closeSync(fd));
    outputSync(file, () => fs.renameSync(partial, file));
    renamed = true;
  } finally {
    if (open) fs.closeSync(fd);
    if (!renamed) fs.rmSync(partial, { force: true });
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
    'written as %XX, as is each letter of a name that would meet an earlier one where case is ignored (Windows, macOS). A table or stream that cannot be read is reported and the rest still written (exit 1). ' +
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
    const tableFiles = new DumpFolderNames('.idt');
    const streamFiles = new DumpFolderNames();
    // One table at a time, each written as it is exported (writeTableIdt).
    for (const name of ['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames]) {
      const idtFile = path.join(folder, tableFiles.fileName(name));
      try {
        writeTableIdt(pkg, name, idtFile);
      } catch (error) {
        if (!(error instanceof MsiFormatError)) throw error;
        failures.push({ kind: 'table', name, reason: error.message });
        continue;
      }
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
      const streamFile = path.join(streamsFolder, streamFiles.fileName(stream.name));
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
