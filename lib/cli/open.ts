// Opening a package for a command, with file errors told apart from format
// errors (they map to different exit codes). Only regular files are read (a
// FIFO would block forever and /dev/zero would never end), and only what a
// command asks for: the structures at open, other streams on demand.

import { promises } from 'node:fs';
import { MsiFormatError } from '../errors';
import {
  MsiPackage,
  MsiStorage,
  NotRegularFileError,
  PACKAGE_CLSIDS,
  clsidToString,
  openCompoundFileAsync,
  readPackageFile,
  type CompoundFile,
} from '../package';
import { fileTypeOf, OPEN_FLAGS, openRefusalAsync } from '../package/cfb/source';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ERR_NOT_REGULAR_FILE: 'not a regular file',
};

/**
 * The file could not be read at all. `code` is Node's own code (ENOENT, EISDIR, EACCES, ...),
 * or ERR_NOT_REGULAR_FILE for a FIFO, a device or a socket.
 */
export class CannotReadError extends Error {
  readonly path: string;
  readonly code: string;
  constructor(path: string, cause: unknown) {
    // A directory keeps Node's EISDIR; a FIFO, device or socket is the tool's own refusal.
    const notRegular = cause instanceof NotRegularFileError && cause.code !== 'EISDIR';
    const code = notRegular ? 'ERR_NOT_REGULAR_FILE' : ((cause as NodeJS.ErrnoException)?.code ?? 'EIO');
    const reason = notRegular
      ? `not a regular file (${(cause as NotRegularFileError).fileType})`
      : ((Object.prototype.hasOwnProperty.call(REASONS, code) ? REASONS[code] : undefined) ?? (cause as Error)?.message ?? String(cause));
    super(`cannot read ${path}: ${reason}`, { cause });
    this.name = 'CannotReadError';
    this.path = path;
    this.code = code;
  }
}

/** Only what the file system said (an errno code, or not a regular file) is "cannot read". */
function classify(path: string, error: unknown): unknown {
  if (error instanceof MsiFormatError) {
    if (!('path' in error)) Object.defineProperty(error, 'path', { value: path, enumerable: true, configurable: true });
    return error;
  }
  if (error instanceof NotRegularFileError || typeof (error as NodeJS.ErrnoException)?.code === 'string')
    return new CannotReadError(path, error);
  return error;
}

/** Throws CannotReadError unless `path` opens for reading as a regular file (O_NONBLOCK: a FIFO does not wait for a writer). */
export async function checkReadable(path: string): Promise<void> {
  let handle: promises.FileHandle | undefined;
  try {
    handle = await promises.open(path, OPEN_FLAGS);
    const stats = await handle.stat();
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stats.isFile()) throw new CannotReadError(path, new NotRegularFileError(path, fileTypeOf(stats)));
  } catch (error) {
    if (error instanceof CannotReadError) throw error;
    throw new CannotReadError(path, handle === undefined ? await openRefusalAsync(path, error) : error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Opens a package for a command, reading on demand (readPackageFile): what
 * cannot be opened or read is a CannotReadError, a damaged package an
 * MsiFormatError carrying `path`.
 */
export async function openForCli(path: string): Promise<MsiPackage> {
  try {
    return await readPackageFile(path);
  } catch (error) {
    throw classify(path, error);
  }
}

/** A package, patch or merge module; or a transform (.mst), which is not a database of its own. */
export type OpenedFile =
  { kind: 'database'; pkg: MsiPackage } | { kind: 'transform'; storage: MsiStorage; compound: CompoundFile; byteLength: number };

/**
 * Opens a file for a command that also describes transforms: a transform's
 * table streams hold change records, not tables, so it is not read as a
 * database (its root CLSID says which it is).
 */
export async function openAnyForCli(path: string): Promise<OpenedFile> {
  try {
    const compound = await openCompoundFileAsync(path);
    if (clsidToString(compound.root.clsid) === PACKAGE_CLSIDS.transform) {
      return { kind: 'transform', storage: new MsiStorage(compound, compound.root), compound, byteLength: compound.byteLength };
    }
    return { kind: 'database', pkg: await readPackageFile(path) };
  } catch (error) {
    throw classify(path, error);
  }
}
