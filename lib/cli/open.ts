// Opening a package for a command, with file errors told apart from format
// errors (they map to different exit codes). Only regular files are read: a FIFO
// would block forever and /dev/zero would never end.

import { constants, promises as fsp } from 'node:fs';
import { readPackage, readTransformFile, type MsiPackage, type MsiStorage } from '../package';

/** The largest file the command-line tool reads (Node reads at most 2 GiB into one Buffer). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ERR_NOT_REGULAR_FILE: 'not a regular file',
  ERR_FS_FILE_TOO_LARGE: 'larger than 2 GiB',
};

/**
 * The file could not be read at all. `code` is Node's own code (ENOENT, EISDIR, EACCES, ...),
 * ERR_FS_FILE_TOO_LARGE for a file over 2 GiB, or ERR_NOT_REGULAR_FILE for a FIFO, a device
 * or a socket.
 */
export class CannotReadError extends Error {
  readonly path: string;
  readonly code: string;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO';
    const reason = (Object.prototype.hasOwnProperty.call(REASONS, code) ? REASONS[code] : undefined) ?? (cause as Error)?.message ?? String(cause);
    super(`cannot read ${path}: ${reason}`, { cause });
    this.name = 'CannotReadError';
    this.path = path;
    this.code = code;
  }
}

function refusal(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * Opens `path` for reading if it is a regular file of at most 2 GiB; throws CannotReadError
 * otherwise. O_NONBLOCK so that opening a FIFO does not wait for a writer.
 */
async function openRegular(path: string): Promise<fsp.FileHandle> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new CannotReadError(path, error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw refusal('EISDIR', 'is a directory');
    if (!stat.isFile()) throw refusal('ERR_NOT_REGULAR_FILE', 'not a regular file');
    if (stat.size > MAX_FILE_BYTES) throw refusal('ERR_FS_FILE_TOO_LARGE', 'larger than 2 GiB');
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw new CannotReadError(path, error);
  }
}

/** Throws CannotReadError unless `path` is a readable regular file of at most 2 GiB. */
export async function checkReadable(path: string): Promise<void> {
  const handle = await openRegular(path);
  await handle.close();
}

/** Reads the whole of a regular file of at most 2 GiB; throws CannotReadError otherwise. */
async function readForCli(path: string): Promise<Buffer> {
  const handle = await openRegular(path);
  try {
    return await handle.readFile();
  } catch (error) {
    throw new CannotReadError(path, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Attaches the path to a format error so that the message can name the file it came from. */
function withPath<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (typeof error === 'object' && error !== null && !('path' in error)) {
      Object.defineProperty(error, 'path', { value: path, enumerable: true, configurable: true });
    }
    throw error;
  }
}

export async function openForCli(path: string): Promise<MsiPackage> {
  const data = await readForCli(path);
  return withPath(path, () => readPackage(data));
}

/** A package, patch or merge module; or a transform (.mst), which is not a database of its own. */
export type OpenedFile = { kind: 'database'; pkg: MsiPackage } | { kind: 'transform'; storage: MsiStorage; bytes: Buffer };

/**
 * Opens a file for a command that also describes transforms: a transform's
 * table streams hold change records, not tables, so it is not read as a
 * database (its root CLSID says which it is).
 */
export async function openAnyForCli(path: string): Promise<OpenedFile> {
  const bytes = await readForCli(path);
  return withPath(path, () => {
    const root = readTransformFile(bytes);
    if (root.kind === 'transform') return { kind: 'transform', storage: root, bytes };
    return { kind: 'database', pkg: readPackage(bytes) };
  });
}
