// The Authenticode digest of a Windows Installer package.
//
// "\u0005DigitalSignature" holds a PKCS#7 SignedData whose content is an
// SpcIndirectDataContent carrying a digest of the package. That digest is
// computed over the compound file, not the file bytes: for each storage,
// starting at the root, its children sorted by their raw UTF-16LE names
// (compared bytewise; of two names where one is a prefix of the other, the
// longer first), the content of every non-empty stream and, recursively,
// every sub-storage, then the storage's own CLSID. The signature streams
// themselves are left out. When "\u0005MsiDigitalSignatureEx" is present, a
// digest of the entries' metadata (names, sizes, CLSIDs, state bits,
// timestamps, same order) comes first and that stream must hold it.
// This is the order osslsigncode signs and verifies (msi.c, msi_hash_dir and
// msi_prehash_dir); this file is our own implementation of it.

import { describeValue } from '../validate';
import type { CompoundFile, DirectoryEntry } from './compound';
import { argumentTypeError } from '../argument-error';

const DIGITAL_SIGNATURE = Buffer.from('\u0005DigitalSignature\u0000', 'utf16le');
const DIGITAL_SIGNATURE_EX = Buffer.from('\u0005MsiDigitalSignatureEx\u0000', 'utf16le');

function isName(entry: DirectoryEntry, name: Buffer): boolean {
  return entry.nameBytes.equals(name);
}

export function findSignatureStreams(cf: CompoundFile): { signature: DirectoryEntry | null; signatureEx: DirectoryEntry | null } {
  let signature: DirectoryEntry | null = null;
  let signatureEx: DirectoryEntry | null = null;
  for (const child of cf.childrenOf(cf.root)) {
    if (child.type !== 'stream') continue;
    if (isName(child, DIGITAL_SIGNATURE)) signature = child;
    else if (isName(child, DIGITAL_SIGNATURE_EX)) signatureEx = child;
  }
  return { signature, signatureEx };
}

function compareForDigest(a: DirectoryEntry, b: DirectoryEntry): number {
  const n = Math.min(a.nameBytes.length, b.nameBytes.length);
  const diff = Buffer.compare(a.nameBytes.subarray(0, n), b.nameBytes.subarray(0, n));
  if (diff !== 0) return diff;
  return a.nameBytes.length > b.nameBytes.length ? -1 : 1;
}

function digestChildren(cf: CompoundFile, storage: DirectoryEntry, atRoot: boolean): DirectoryEntry[] {
  // osslsigncode leaves out DigitalSignature at the root only but
  // MsiDigitalSignatureEx wherever it is; we match it.
  return cf
    .childrenOf(storage)
    .filter((c) => !((atRoot && isName(c, DIGITAL_SIGNATURE)) || isName(c, DIGITAL_SIGNATURE_EX)))
    .sort(compareForDigest);
}

interface Hasher {
  update(data: Buffer): void;
}

/** Feeds the content part of the package digest into `hash`. */
export function hashPackageContent(cf: CompoundFile, hash: Hasher): void {
  // Explicit stack: storages can nest deeper than the call stack allows.
  const stack: Array<{ storage: DirectoryEntry; children: DirectoryEntry[]; next: number }> = [
    { storage: cf.root, children: digestChildren(cf, cf.root, true), next: 0 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.children.length) {
      hash.update(frame.storage.clsid);
      stack.pop();
      continue;
    }
    const child = frame.children[frame.next++];
    if (child.type === 'stream') {
      // In chunks: a package's payload is never held whole to be hashed.
      if (child.size > 0) cf.streamChunks(child, (chunk) => hash.update(chunk));
    } else if (child.type === 'storage') {
      stack.push({ storage: child, children: digestChildren(cf, child, false), next: 0 });
    }
  }
}

function hashEntryMetadata(entry: DirectoryEntry, hash: Hasher): void {
  if (entry.type !== 'root') hash.update(entry.nameBytes.subarray(0, entry.nameBytes.length - 2));
  if (entry.type === 'stream') {
    const size = Buffer.alloc(4);
    size.writeUInt32LE(entry.size >>> 0);
    hash.update(size);
  } else {
    hash.update(entry.clsid);
  }
  hash.update(entry.stateBits);
  if (entry.type !== 'root') {
    hash.update(entry.creationTime);
    hash.update(entry.modifiedTime);
  }
}

/** Feeds the metadata ("pre-hash") part used with MsiDigitalSignatureEx into `hash`. */
export function hashPackageMetadata(cf: CompoundFile, hash: Hasher): void {
  const stack: Array<{ children: DirectoryEntry[]; next: number }> = [];
  hashEntryMetadata(cf.root, hash);
  stack.push({ children: digestChildren(cf, cf.root, true), next: 0 });
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.children.length) {
      stack.pop();
      continue;
    }
    const child = frame.children[frame.next++];
    if (child.type === 'stream') {
      hashEntryMetadata(child, hash);
    } else if (child.type === 'storage') {
      hashEntryMetadata(child, hash);
      stack.push({ children: digestChildren(cf, child, false), next: 0 });
    }
  }
}

/**
 * The digest algorithms an Authenticode signature of a Windows Installer package can name
 * (the SpcIndirectDataContent DigestInfo): SHA-1 and SHA-256 in practice (signtool /fd),
 * SHA-384/512 and SHA-224 in the PKCS#7 algorithm set, and MD5 in old signatures, which the
 * reader still checks so that it can report them as weak.
 */
export const DIGEST_ALGORITHMS: ReadonlySet<string> = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);

/** Throws a TypeError naming `name` unless `algorithm` is one of DIGEST_ALGORITHMS. */
export function assertDigestAlgorithm(algorithm: unknown, name: string): asserts algorithm is string {
  if (typeof algorithm !== 'string' || !DIGEST_ALGORITHMS.has(algorithm)) {
    throw argumentTypeError(
      `The "${name}" argument must be a package digest algorithm (${[...DIGEST_ALGORITHMS].join(', ')}); received ${describeValue(algorithm)}`,
    );
  }
}

/**
 * The Authenticode digest of a package with the given hash algorithm
 * ("sha256", ...). With `withMetadata`, the MsiDigitalSignatureEx variant.
 */
export function computePackageDigest(
  cf: CompoundFile,
  algorithm: string,
  withMetadata: boolean,
): { digest: Buffer; metadataDigest: Buffer | null } {
  if (typeof cf !== 'object' || cf === null || typeof (cf as Partial<CompoundFile>).streamData !== 'function') {
    throw argumentTypeError(`The "cf" argument must be a compound file (openCompoundFile); received ${describeValue(cf)}`);
  }
  assertDigestAlgorithm(algorithm, 'algorithm');
  if (typeof withMetadata !== 'boolean')
    throw argumentTypeError(`The "withMetadata" argument must be a boolean; received ${describeValue(withMetadata)}`);
  // Loaded here: commands that never hash should not pay for node:crypto at start-up.

  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const hash = createHash(algorithm);
  let metadataDigest: Buffer | null = null;
  if (withMetadata) {
    const pre = createHash(algorithm);
    hashPackageMetadata(cf, pre);
    metadataDigest = pre.digest();
    hash.update(metadataDigest);
  }
  hashPackageContent(cf, hash);
  return { digest: hash.digest(), metadataDigest };
}
