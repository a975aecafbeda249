// Opening a package for a command, with file errors told apart from format
// errors (they map to different exit codes). Only regular files are read: a FIFO
// would block forever and /dev/zero would never end.

import { constants, promises as fsp } from 'node:fs';
import { readPackage, type MsiPackage } from '../package';

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

export async function openForCli(path: string): Promise<MsiPackage> {
  const handle = await openRegular(path);
  let data: Buffer;
  try {
    data = await handle.readFile();
  } catch (error) {
    throw new CannotReadError(path, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
  try {
    return readPackage(data);
  } catch (error) {
    if (typeof error === 'object' && error !== null && !('path' in error)) {
      Object.defineProperty(error, 'path', { value: path, enumerable: true, configurable: true });
    }
    throw error;
  }
}
