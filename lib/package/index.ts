// Pure TypeScript reader for Windows Installer packages (.msi), patches
// (.msp) and transforms (.mst). Works on any platform Node runs on.

import { readPackageFile, readPackageInSlices, settleOnAbort, signalSlice, type MsiPackage } from './package';
import { assertAttached, assertWindowsString, describeValue } from '../validate';
import { argumentTypeError } from '../argument-error';

export {
  MsiPackage,
  MsiStorage,
  readPackage,
  clsidToString,
  PACKAGE_CLSIDS,
  type PackageKind,
  type StreamInfo,
  type StorageInfo,
  type TableData,
  type TableReadOptions,
} from './package';
export { MsiTable, ColumnFlags, idtTypeCode, type ColumnDefinition, type ColumnKind, type CellValue, type Row } from './tables';
export { StringPool } from './string-pool';
export { decodeStreamName, encodeStreamName, type DecodedStreamName } from './stream-names';
export {
  parseSummaryInformation,
  filetimeToDate,
  PID,
  type SummaryInformation,
  type SummaryProperty,
  type SummaryValue,
  type WordCountFlags,
} from './summary';
export { computePackageDigest } from './digest';
export { describeCertificate, type CertificateInfo } from './certificates';
export type { SignatureReport } from './signature';
export type { PatchInfo, TransformInfo, PatchMetadataEntry, PatchSequenceEntry } from './patch';
export {
  readTransform,
  readTransformFile,
  describeTransformStorage,
  type TransformTarget,
  type DecodedTransform,
  type TransformOverview,
  type TableTransform,
  type TransformOperation,
  type TransformOperationKind,
  type AddedColumn,
} from './transform';
export {
  applyTransforms,
  applyTransformsAsync,
  applyPatches,
  applyPatchesAsync,
  patchTransformsFor,
  TransformedDatabase,
  type ApplyOptions,
  type TransformConflict,
  type TransformConflictKind,
  type PatchTransformTarget,
  type AppliedPatch,
} from './transformed-database';
export {
  inspectStructure,
  openCompoundFile,
  openCompoundFileSync,
  openCompoundFileAsync,
  NotRegularFileError,
  type CompoundFile,
  type DirectoryEntry,
  type ByteSource,
} from './compound';
export { readPackageFile } from './package';

/**
 * Opens a package from a path or from bytes. A path is read on demand
 * (structures and catalog at open, other streams when asked for; see
 * readPackageFile); bytes are used in place (views, not copies) and must not
 * change while the package is in use. Parsing runs in short slices of a
 * shared scheduler, for a path and for bytes alike, so many concurrent opens
 * (or one large package) do not hold the event loop. Rejects with
 * MsiFormatError when the content is not a readable Windows Installer file,
 * with NotRegularFileError for a directory, FIFO or device, and with the file
 * system's error when the path cannot be opened.
 */
export function openPackage(source: string | Uint8Array, options?: OpenPackageOptions): Promise<MsiPackage> {
  // Not an async function: a call waiting for its turn (1,000 started at
  // once) then holds no frame of its own. Bad arguments still reject.
  try {
    if (typeof source === 'string') assertWindowsString(source, 'source');
    else if (source instanceof Uint8Array) assertAttached(source, 'source');
    else
      throw argumentTypeError(
        `The "source" argument of openPackage must be a file path, a Buffer or a Uint8Array; received ${describeValue(source)}`,
      );
    // The options after the source, and the signal last (as Node checks arguments first).
    const step = signalSlice(options, 'openPackage()');
    const opening = typeof source === 'string' ? readPackageFile(source, step) : readPackageInSlices(source, step);
    return settleOnAbort(opening, step.exit);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Options of openPackage. */
export interface OpenPackageOptions {
  /**
   * Aborting it rejects the open with AbortError at once: while it waits for its turn, between
   * slices, and while a read is outstanding (the read's file is closed when it returns).
   */
  signal?: AbortSignal;
}
