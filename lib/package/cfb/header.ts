// MS-CFB 2.2: the compound file header (the first 512 bytes).
//
// Refused: what makes the file unreadable or its structures unbounded — no
// signature, a header cut off, a sector size other than the two MS-CFB
// versions define (3/512, 4/4096), a mini sector size or mini stream cutoff
// other than 64 and 4096 (they decide where every small stream lives), and
// sector counts larger than the file can hold. Ignored, as Windows'
// structured storage, libgsf and Wine ignore them: the reserved bytes, the
// minor version, the byte-order mark and the directory sector count of a
// version 3 file.

import { MsiFormatError } from '../../errors/classes';

export const HEADER_SIZE = 512;
export const ENDOFCHAIN = 0xfffffffe;
export const FREESECT = 0xffffffff;
export const FATSECT = 0xfffffffd;
export const DIFSECT = 0xfffffffc;
/** Largest regular sector number (MAXREGSECT). */
export const MAXREGSECT = 0xfffffffa;
export const NOSTREAM = 0xffffffff;
export const MINI_SECTOR_SIZE = 64;
export const MINI_STREAM_CUTOFF = 4096;
export const DIRECTORY_ENTRY_SIZE = 128;
export const HEADER_DIFAT_ENTRIES = 109;
const SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export interface Header {
  readonly majorVersion: 3 | 4;
  readonly sectorSize: 512 | 4096;
  /** Sectors in the file after the header; a trailing partial sector counts (its missing bytes fail where they are read). */
  readonly sectorCount: number;
  readonly fileSize: number;
  readonly fatSectorCount: number;
  readonly directoryStart: number;
  readonly miniFatStart: number;
  readonly miniFatSectorCount: number;
  readonly difatStart: number;
  readonly difatSectorCount: number;
  /**
   * The 109 DIFAT entries of the header, as stored (unsigned). A typed
   * array: kept with every open package, and its contents are then outside
   * the collected heap (an array of 109 numbers, most of them FREESECT, is
   * not).
   */
  readonly headerDifat: Uint32Array;
}

export function fail(message: string, where: string, offset?: number): never {
  throw new MsiFormatError(message, { where, offset });
}

/** Byte position of a sector in the file. */
export function sectorPosition(header: Pick<Header, 'sectorSize'>, sector: number): number {
  return (sector + 1) * header.sectorSize;
}

/** Describes a FAT value for messages: the special markers by name. */
export function describeSector(value: number): string {
  switch (value >>> 0) {
    case FREESECT:
      return 'a free sector marker';
    case ENDOFCHAIN:
      return 'end of chain';
    case FATSECT:
      return 'a FAT sector marker';
    case DIFSECT:
      return 'a DIFAT sector marker';
    default:
      return `sector ${value >>> 0}`;
  }
}

/**
 * Parses and checks the header. `bytes` is what the file holds at its start
 * (up to 512 bytes); `fileSize` the size of the whole file.
 * Throws MsiFormatError (where: 'header') naming the field and its offset.
 */
export function parseHeader(bytes: Buffer, fileSize: number): Header {
  if (fileSize === 0) fail('the file is empty', 'header', 0);
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (i >= bytes.length || bytes[i] !== SIGNATURE[i]) {
      fail('not a compound file (the OLE2 signature D0 CF 11 E0 A1 B1 1A E1 is missing), so not an .msi or .msp', 'header', 0);
    }
  }
  if (bytes.length < HEADER_SIZE) {
    fail(`the file is truncated: ${fileSize} bytes, shorter than the 512-byte compound file header`, 'header', bytes.length);
  }
  const majorVersion = bytes.readUInt16LE(26);
  const sectorShift = bytes.readUInt16LE(30);
  if (!((majorVersion === 3 && sectorShift === 9) || (majorVersion === 4 && sectorShift === 12))) {
    fail(`unsupported compound file version ${majorVersion} with sector shift ${sectorShift} (expected 3/9 or 4/12)`, 'header', 26);
  }
  const miniShift = bytes.readUInt16LE(32);
  if (miniShift !== 6) fail(`mini sector shift is ${miniShift}, expected 6`, 'header', 32);
  const cutoff = bytes.readUInt32LE(56);
  if (cutoff !== MINI_STREAM_CUTOFF) fail(`mini stream cutoff is ${cutoff}, expected 4096`, 'header', 56);
  const sectorSize = (1 << sectorShift) as 512 | 4096;
  if (fileSize < 2 * sectorSize) {
    fail(`the file is truncated: ${fileSize} bytes cannot hold a header and one ${sectorSize}-byte sector`, 'header', fileSize);
  }
  const sectorCount = Math.ceil(fileSize / sectorSize) - 1;
  const fatSectorCount = bytes.readUInt32LE(44);
  const miniFatSectorCount = bytes.readUInt32LE(64);
  const difatSectorCount = bytes.readUInt32LE(72);
  if (fatSectorCount > sectorCount) {
    fail(`header declares ${fatSectorCount} FAT sectors but the file has only ${sectorCount} sectors`, 'header', 44);
  }
  if (difatSectorCount > sectorCount) {
    fail(`header declares ${difatSectorCount} DIFAT sectors but the file has only ${sectorCount} sectors`, 'header', 72);
  }
  // The mini FAT count is a hint (the mini FAT is read along its chain), but
  // a count beyond the file is a sign of a damaged header.
  if (miniFatSectorCount > sectorCount) {
    fail(`header declares ${miniFatSectorCount} mini FAT sectors but the file has only ${sectorCount} sectors`, 'header', 64);
  }
  const headerDifat = new Uint32Array(HEADER_DIFAT_ENTRIES);
  for (let i = 0; i < HEADER_DIFAT_ENTRIES; i++) headerDifat[i] = bytes.readUInt32LE(76 + i * 4);
  return {
    majorVersion: majorVersion as 3 | 4,
    sectorSize,
    sectorCount,
    fileSize,
    fatSectorCount,
    directoryStart: bytes.readUInt32LE(48),
    miniFatStart: bytes.readUInt32LE(60),
    miniFatSectorCount,
    difatStart: bytes.readUInt32LE(68),
    difatSectorCount,
    headerDifat,
  };
}
