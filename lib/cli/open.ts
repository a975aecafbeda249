// Opening a package for a command, with file errors told apart from format
// errors (they map to different exit codes).

import { readFile } from 'node:fs/promises';
import { readPackage, readTransformFile, type MsiPackage, type MsiStorage } from '../package';

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

async function readForCli(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CannotReadError(path, error);
  }
}

export async function openForCli(path: string): Promise<MsiPackage> {
  return readPackage(await readForCli(path));
}

/** A package, patch or merge module; or a transform (.mst), which is not a database of its own. */
export type OpenedFile =
  | { kind: 'database'; pkg: MsiPackage }
  | { kind: 'transform'; storage: MsiStorage; bytes: Buffer };

/**
 * Opens a file for a command that also describes transforms: a transform's
 * table streams hold change records, not tables, so it is not read as a
 * database (its root CLSID says which it is).
 */
export async function openAnyForCli(path: string): Promise<OpenedFile> {
  const bytes = await readForCli(path);
  const root = readTransformFile(bytes);
  if (root.kind === 'transform') return { kind: 'transform', storage: root, bytes };
  return { kind: 'database', pkg: readPackage(bytes) };
}
