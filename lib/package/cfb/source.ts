// Where the bytes of a compound file come from: memory or a file on disk.
//
// Every structure of the compound file is read through a ByteSource with
// positional reads, so a package opened from a path costs what its header,
// FAT, directory and the streams asked for cost, never the whole file.
//
// File lifetime (a choice, documented in docs/package-reader.md): a
// FileSource does not hold a file descriptor between reads. Each read (or
// each batch of reads, see `hold`) opens the file, checks with fstat that it
// is still the same regular file with the same size and modification time
// as when the package was opened, reads, and closes. Packages are used
// through a synchronous, close-less API (MsiPackage has no close()), so a
// held descriptor would leak for as long as the package lives; opening per
// read costs a few microseconds per stream and cannot leak.

import * as fs from 'node:fs';
import { MsiFormatError } from '../../errors/classes';

/** Random access to the bytes of a compound file. Positions and sizes are byte counts (Numbers, safe past 4 GiB). */
export interface ByteSource {
  /** Size of the file in bytes, as it was when the source was made. */
  readonly size: number;
  /**
   * Up to `length` bytes at `position`: fewer only where the file ends.
   * Callers bound `length` by what the structures declare and `size`.
   */
  read(position: number, length: number): Buffer;
  /** Runs `fn` with the source ready for several reads (one open file for a FileSource). */
  hold<T>(fn: () => T): T;
  /** True when `read` returns views of memory (no copy is needed to keep them). */
  readonly inMemory: boolean;
  /**
   * @internal MsiFormatError once the bytes in memory are gone (detached): views made of them
   * before (tables read, the string pool, the mini FAT) hold nothing from then on.
   */
  checkAttached?(): void;
}

/** A source over bytes already in memory: reads are views, never copies. */
export function bufferSource(data: Uint8Array): ByteSource {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const size = buf.length;
  // A view's length drops to 0 when its ArrayBuffer is detached (transferred
  // to a worker): the bytes the package was read from are gone, which is
  // damage to the package, not a caller's wrong argument.
  const checkAttached = (): void => {
    if (buf.length !== size) {
      throw new MsiFormatError('the bytes the package was opened from were detached (transferred elsewhere) after the open: open it again');
    }
  };
  return {
    size,
    inMemory: true,
    checkAttached,
    read(position: number, length: number): Buffer {
      checkAttached();
      const start = Math.min(Math.max(0, position), buf.length);
      return buf.subarray(start, Math.min(buf.length, start + Math.max(0, length)));
    },
    hold: (fn) => fn(),
  };
}

/** What identifies the file a FileSource was made for. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Thrown when a path names something other than a regular file (directory, FIFO, device, socket). */
export class NotRegularFileError extends Error {
  /** 'EISDIR' for a directory (as fs.readFile reports it), 'ENOTREGULAR' otherwise. */
  readonly code: string;
  readonly path: string;
  /** 'directory', 'FIFO', 'character device', 'block device', 'socket' or 'unknown'. */
  readonly fileType: string;
  constructor(path: string, fileType: string) {
    super(`${path} is a ${fileType}, not a regular file: only regular files are read as packages`);
    this.name = 'NotRegularFileError';
    this.code = fileType === 'directory' ? 'EISDIR' : 'ENOTREGULAR';
    this.path = path;
    this.fileType = fileType;
  }
}

/** Names the kind of a non-regular file from its stats. */
export function fileTypeOf(stats: fs.Stats): string {
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSocket()) return 'socket';
  return 'unknown';
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer; it is
// refused by the fstat check that follows. Not defined on Windows.
export const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * open(2) fails on a Unix socket (ENXIO) before fstat can name it: when the
 * path names something other than a regular file, that is the refusal
 * (NotRegularFileError); otherwise the file system's error as it was.
 */
export function openRefusal(path: string, error: unknown, stats: fs.Stats | undefined): unknown {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'ENXIO' || !stats || stats.isFile()) return error;
  return new NotRegularFileError(path, fileTypeOf(stats));
}

/** openRefusal for an asynchronous open: the stats, when needed, from a node:fs callback stat. */
export function openRefusalAsync(path: string, error: unknown): Promise<unknown> {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'ENXIO') return Promise.resolve(error);
  return new Promise((resolve) => fs.stat(path, (statError, stats) => resolve(openRefusal(path, error, statError ? undefined : stats))));
}

/** Stats of `path` for openRefusal, synchronously; undefined when they cannot be had. */
export function statForRefusal(path: string, error: unknown): fs.Stats | undefined {
  if ((error as NodeJS.ErrnoException | null)?.code !== 'ENXIO') return undefined;
  try {
    return fs.statSync(path);
  } catch {
    return undefined;
  }
}

export function identityOf(stats: fs.Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * A regular file read with synchronous positional reads (fs.readSync with a
 * position), opened per read or per `hold`; see the file comment.
 */
export class FileSource implements ByteSource {
  readonly path: string;
  readonly size: number;
  readonly inMemory = false;
  private readonly identity: FileIdentity;
  private fd = -1;
  private depth = 0;

  constructor(path: string, identity: FileIdentity) {
    this.path = path;
    this.identity = identity;
    this.size = identity.size;
  }

  /** Opens `path` synchronously, refusing anything but a regular file. */
  static open(path: string): FileSource {
    let fd: number;
    try {
      fd = fs.openSync(path, OPEN_FLAGS);
    } catch (error) {
      throw openRefusal(path, error, statForRefusal(path, error));
    }
    try {
      const stats = fs.fstatSync(fd);
      if (!stats.isFile()) throw new NotRegularFileError(path, fileTypeOf(stats));
      return new FileSource(path, identityOf(stats));
    } finally {
      fs.closeSync(fd);
    }
  }

  hold<T>(fn: () => T): T {
    if (this.depth === 0) this.fd = this.openChecked();
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) {
        const fd = this.fd;
        this.fd = -1;
        fs.closeSync(fd);
      }
    }
  }

  read(position: number, length: number): Buffer {
    const start = Math.min(Math.max(0, position), this.size);
    const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - start)));
    const filled = this.readInto(position, out, 0, out.length);
    return filled === out.length ? out : out.subarray(0, filled);
  }

  /**
   * Reads up to `length` bytes at `position` straight into `target` at
   * `offset` (no intermediate buffer); returns the count read, fewer only
   * where the file ends.
   */
  readInto(position: number, target: Buffer, offset: number, length: number): number {
    return this.hold(() => {
      const start = Math.min(Math.max(0, position), this.size);
      const wanted = Math.max(0, Math.min(length, this.size - start, target.length - offset));
      let filled = 0;
      while (filled < wanted) {
        const n = fs.readSync(this.fd, target, offset + filled, wanted - filled, start + filled);
        if (n === 0) break;
        filled += n;
      }
      return filled;
    });
  }

  private openChecked(): number {
    const fd = fs.openSync(this.path, OPEN_FLAGS);
    try {
      this.checkStats(fs.fstatSync(fd));
      return fd;
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  /**
   * The file opened for reading as `hold` opens it (the same refusals:
   * NotRegularFileError, MsiFormatError for a file that changed), with
   * node:fs callback calls: for reads that must not hold the event loop.
   * The caller closes the descriptor (fs.close).
   */
  async openCheckedAsync(): Promise<number> {
    const fd = await new Promise<number>((resolve, reject) =>
      fs.open(this.path, OPEN_FLAGS, (error, value) => (error ? reject(error) : resolve(value))),
    );
    try {
      this.checkStats(
        await new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (error, value) => (error ? reject(error) : resolve(value)))),
      );
      return fd;
    } catch (error) {
      await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
      throw error;
    }
  }

  private checkStats(stats: fs.Stats): void {
    if (!stats.isFile()) throw new NotRegularFileError(this.path, fileTypeOf(stats));
    if (!sameFile(identityOf(stats), this.identity)) {
      throw new MsiFormatError(
        `the file changed after the package was opened (size, modification time or identity differ): open it again`,
        { where: this.path },
      );
    }
  }
}
