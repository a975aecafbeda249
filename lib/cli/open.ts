// Opening a package for a command, with file errors told apart from format
// errors (they map to different exit codes).

import { MsiFormatError } from '../errors';
import { NotRegularFileError, readPackageFile, type MsiPackage } from '../package';

/** The file could not be read at all. */
export class CannotReadError extends Error {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const reason = code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : code === 'ENOTREGULAR' ? `not a regular file (${(cause as { fileType?: string }).fileType ?? 'unknown'})`
          : (cause as Error)?.message ?? String(cause);
    super(`cannot read ${path}: ${reason}`, { cause });
    this.name = 'CannotReadError';
    this.path = path;
  }
}

/**
 * Opens a package for a command, reading on demand (readPackageFile): only
 * regular files; what cannot be opened or read is a CannotReadError, a
 * damaged package an MsiFormatError.
 */
export async function openForCli(path: string): Promise<MsiPackage> {
  try {
    return await readPackageFile(path);
  } catch (error) {
    // Only what the file system said (an errno code, or not a regular
    // file) is "cannot read"; anything else is passed on as it is.
    if (error instanceof MsiFormatError) throw error;
    if (error instanceof NotRegularFileError || typeof (error as NodeJS.ErrnoException)?.code === 'string') {
      throw new CannotReadError(path, error);
    }
    throw error;
  }
}
