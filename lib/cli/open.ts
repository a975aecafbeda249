// Opening a package for a command, with file errors told apart from format
// errors (they map to different exit codes).

import { readFile } from 'node:fs/promises';
import { readPackage, type MsiPackage } from '../package';

/** The file could not be read at all. */
export class CannotReadError extends Error {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const reason = code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : (cause as Error)?.message ?? String(cause);
    super(`cannot read ${path}: ${reason}`, { cause });
    this.name = 'CannotReadError';
    this.path = path;
  }
}

export async function openForCli(path: string): Promise<MsiPackage> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    throw new CannotReadError(path, error);
  }
  return readPackage(data);
}
