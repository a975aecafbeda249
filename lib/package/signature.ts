// Authenticode signatures of Windows Installer packages.
//
// "\u0005DigitalSignature" holds a PKCS#7 SignedData (parsed here with
// asn1js/pkijs) whose content, an SpcIndirectDataContent, carries a digest
// of the package (computed in digest.ts). The signer's signature over the
// signed attributes is checked with node:crypto. This module is loaded only
// when a signature is checked: pkijs takes longer to load than the rest of
// the reader together.

import { createHash, X509Certificate, verify as cryptoVerify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { MsiFormatError } from '../errors/classes';
import type { CompoundFile } from './compound';
import { buildChain, describeCertificate, type CertificateInfo } from './certificates';
import { hashPackageContent, hashPackageMetadata } from './digest';

export type { CertificateInfo } from './certificates';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  spcIndirectData: '1.3.6.1.4.1.311.2.1.4',
  spcSipInfo: '1.3.6.1.4.1.311.2.1.30',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  counterSignature: '1.2.840.113549.1.9.6',
  rfc3161Timestamp: '1.3.6.1.4.1.311.3.3.1',
  nestedSignature: '1.3.6.1.4.1.311.2.4.1',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

const DIGEST_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms we verify, with the hash they imply (null: take the SignerInfo's). */
const SIGNATURE_ALGORITHMS: Record<string, { name: string; hash: string | null }> = {
  '1.2.840.113549.1.1.1': { name: 'rsaEncryption', hash: null },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512' },
  '1.2.840.10045.2.1': { name: 'ecPublicKey', hash: null },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512' },
};

/** What pkg.verifySignature() reports: the package's Authenticode digest and signer, checked as Windows checks them (docs/package-reader.md, "Signatures"). */
export interface SignatureReport {
  /** Digest algorithm of the package digest, e.g. "sha256". */
  digestAlgorithm: string;
  digestAlgorithmOid: string;
  /** Digest carried in the signature, hex. */
  signedDigest: string;
  /**
   * Digest of the package as it is now, hex, computed as Windows does: with
   * MsiDigitalSignatureEx, over its stored bytes followed by the content.
   */
  computedDigest: string;
  /** The package content (and the stored MsiDigitalSignatureEx) matches what was signed: what Windows checks. */
  digestValid: boolean;
  /** "\u0005MsiDigitalSignatureEx" is present (metadata is signed too). */
  hasMsiDigitalSignatureEx: boolean;
  /**
   * The metadata digest stored in MsiDigitalSignatureEx still matches the
   * directory entries (null when absent). Not part of what Windows decides:
   * the signed digest covers the stored bytes, and `digestValid` checks that.
   */
  metadataDigestValid: boolean | null;
  /** MsiDigitalSignatureEx as stored, hex (null when absent). */
  storedMetadataDigest: string | null;
  /** The metadata digest of the directory as it is now, hex (null without MsiDigitalSignatureEx). */
  computedMetadataDigest: string | null;
  /** In words, what changed when the metadata no longer matches (metadata only, or content too); null when it matches or is absent. */
  metadataChange: string | null;
  /** The signer's signature over the signed attributes verifies and they bind the signed content. */
  signatureValid: boolean;
  signatureAlgorithm: string;
  signer: CertificateInfo | null;
  /** Signer first, then each issuer found among the embedded certificates. */
  chain: CertificateInfo[];
  /** Every certificate embedded in the signature. */
  certificates: CertificateInfo[];
  signingTime: Date | null;
  /** The signature carries a countersignature or RFC 3161 timestamp. */
  timestamped: boolean;
  /** Number of nested (additional) signatures. */
  nestedSignatures: number;
  /** Why digestValid or signatureValid is false, in words. */
  problems: string[];
}

function fail(message: string, cause?: unknown): never {
  throw new MsiFormatError(message, { where: '\u0005DigitalSignature', cause });
}

function toBuffer(view: ArrayBuffer | Uint8Array): Buffer {
  return view instanceof Uint8Array ? Buffer.from(view.buffer, view.byteOffset, view.byteLength) : Buffer.from(view);
}

/** Contents octets of a DER TLV (the value without tag and length). */
function derContents(tlv: Buffer): Buffer {
  if (tlv.length < 2) fail('truncated ASN.1 element');
  let at = 1;
  if ((tlv[0] & 0x1f) === 0x1f) while (at < tlv.length && tlv[at++] & 0x80);
  const first = tlv[at++];
  if (first < 0x80) return tlv.subarray(at, at + first);
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + tlv[at++];
  if (count === 0) return tlv.subarray(at); // indefinite length; not DER, best effort
  return tlv.subarray(at, at + length);
}

interface ParsedSignedData {
  signedData: pkijs.SignedData;
  /** Embedded certificates: raw DER and pkijs view. */
  certificates: Array<{ der: Buffer; parsed: pkijs.Certificate }>;
  contentType: string;
  content: Buffer; // full TLV of the encapsulated content
}

function parseSignedData(der: Buffer): ParsedSignedData {
  const asn1 = asn1js.fromBER(new Uint8Array(der.buffer, der.byteOffset, der.byteLength));
  if (asn1.offset === -1) fail(`the signature is not valid DER: ${asn1.result.error}`);
  let contentInfo: pkijs.ContentInfo;
  try {
    contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  } catch (cause) {
    fail('the signature is not a PKCS#7 ContentInfo', cause);
  }
  if (contentInfo.contentType !== OID.signedData) fail(`the signature has content type ${contentInfo.contentType}, not signedData`);
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (cause) {
    fail('the signature content is not a PKCS#7 SignedData', cause);
  }
  // Raw certificate encodings, taken from the parse tree so thumbprints are
  // over the bytes as they were signed.
  const certificates: Array<{ der: Buffer; parsed: pkijs.Certificate }> = [];
  const sequence = contentInfo.content as asn1js.Sequence;
  for (const element of sequence.valueBlock.value) {
    if (element.idBlock.tagClass !== 3 || element.idBlock.tagNumber !== 0) continue;
    for (const item of (element as asn1js.Constructed).valueBlock.value) {
      if (item.idBlock.tagClass !== 1 || item.idBlock.tagNumber !== 16) continue;
      try {
        const der = Buffer.from(item.valueBeforeDecodeView);
        // Both parsers must accept it: pkijs to match the signer, node:crypto to describe it.
        void new X509Certificate(der).publicKey;
        certificates.push({ der, parsed: new pkijs.Certificate({ schema: item }) });
      } catch {
        // A certificate we cannot parse cannot be the signer; skip it.
      }
    }
  }
  const encap = signedData.encapContentInfo;
  const eContent = encap.eContent as unknown as asn1js.BaseBlock | undefined;
  if (!eContent) fail('the signature carries no signed content');
  return { signedData, certificates, contentType: encap.eContentType, content: Buffer.from(eContent.valueBeforeDecodeView) };
}

/** Reads SpcIndirectDataContent: the SIP type and the DigestInfo. */
function parseIndirectData(content: Buffer): { digestOid: string; digest: Buffer } {
  const asn1 = asn1js.fromBER(new Uint8Array(content.buffer, content.byteOffset, content.byteLength));
  if (asn1.offset === -1) fail('SpcIndirectDataContent is not valid DER');
  const seq = asn1.result as asn1js.Sequence;
  const items = seq.valueBlock?.value;
  if (!Array.isArray(items) || items.length < 2) fail('SpcIndirectDataContent has the wrong structure');
  const digestInfo = items[1] as asn1js.Sequence;
  const algorithm = digestInfo.valueBlock?.value?.[0] as asn1js.Sequence | undefined;
  const oid = algorithm?.valueBlock?.value?.[0];
  const digest = digestInfo.valueBlock?.value?.[1];
  if (!(oid instanceof asn1js.ObjectIdentifier) || !(digest instanceof asn1js.OctetString)) {
    fail('SpcIndirectDataContent has no DigestInfo');
  }
  return { digestOid: oid.valueBlock.toString(), digest: toBuffer(digest.valueBlock.valueHexView) };
}

function findSignerCertificate(
  signerInfo: pkijs.SignerInfo,
  certificates: ParsedSignedData['certificates'],
): { der: Buffer; parsed: pkijs.Certificate } | null {
  const sid = signerInfo.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    for (const c of certificates) {
      if (c.parsed.issuer.isEqual(sid.issuer) && c.parsed.serialNumber.isEqual(sid.serialNumber)) return c;
    }
    return null;
  }
  // [0] SubjectKeyIdentifier
  const keyId = sid as asn1js.Primitive | undefined;
  const wanted = keyId?.valueBlock?.valueHexView ? toBuffer(keyId.valueBlock.valueHexView) : null;
  if (!wanted) return null;
  for (const c of certificates) {
    const ext = c.parsed.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
    const value = ext?.parsedValue as asn1js.OctetString | undefined;
    if (value?.valueBlock && toBuffer(value.valueBlock.valueHexView).equals(wanted)) return c;
  }
  return null;
}

export interface SignatureInput {
  signature: Buffer;
  signatureEx: Buffer | null;
}

/** Parses and checks the package signature. Throws MsiFormatError if it cannot be parsed at all. */
export function verifyPackageSignature(cf: CompoundFile, input: SignatureInput): SignatureReport {
  try {
    return checkSignature(cf, input);
  } catch (error) {
    if (error instanceof MsiFormatError) throw error;
    // ASN.1 and X.509 parsers throw plain errors on malformed input.
    fail(`the signature could not be parsed: ${(error as Error)?.message ?? String(error)}`, error);
  }
}

function checkSignature(cf: CompoundFile, input: SignatureInput): SignatureReport {
  const problems: string[] = [];
  const parsed = parseSignedData(input.signature);
  if (parsed.contentType !== OID.spcIndirectData) fail(`signed content type is ${parsed.contentType}, not SpcIndirectDataContent`);
  const indirect = parseIndirectData(parsed.content);
  const digestAlgorithm = DIGEST_ALGORITHMS[indirect.digestOid];
  if (!digestAlgorithm) fail(`unsupported digest algorithm ${indirect.digestOid}`);

  // What Windows checks: the signed digest covers the MsiDigitalSignatureEx
  // bytes as stored, followed by the content; the stored bytes are not
  // recomputed from the directory. Whether they still describe the
  // directory (names, sizes, CLSIDs, state bits, timestamps) is a separate
  // fact: a timestamp changed after signing leaves the content, and what
  // Windows verifies, intact.
  const withMetadata = input.signatureEx !== null;
  const hash = createHash(digestAlgorithm);
  if (withMetadata) hash.update(input.signatureEx!);
  hashPackageContent(cf, hash);
  const digest = hash.digest();
  const digestValid = digest.equals(indirect.digest);
  let metadataDigestValid: boolean | null = null;
  let metadataDigest: Buffer | null = null;
  if (withMetadata) {
    const pre = createHash(digestAlgorithm);
    hashPackageMetadata(cf, pre);
    metadataDigest = pre.digest();
    metadataDigestValid = metadataDigest.equals(input.signatureEx!);
  }
  if (!digestValid) {
    problems.push(
      withMetadata
        ? 'the content (streams, storages and the stored MsiDigitalSignatureEx) does not match the signed digest: modified after signing'
        : 'the package content does not match the signed digest (modified after signing)',
    );
  }
  const metadataChange =
    metadataDigestValid === false
      ? digestValid
        ? 'the directory metadata (names, sizes, CLSIDs, state bits or timestamps) changed after signing; the content did not: Windows verifies the content with the stored MsiDigitalSignatureEx and accepts it'
        : 'the directory metadata (names, sizes, CLSIDs, state bits or timestamps) no longer matches MsiDigitalSignatureEx'
      : null;

  const certificates = parsed.certificates.map((c) => describeCertificate(c.der));
  const signerInfo = parsed.signedData.signerInfos[0];
  let signatureValid = false;
  let signatureAlgorithm = 'unknown';
  let signer: CertificateInfo | null = null;
  let chain: CertificateInfo[] = [];
  let signingTime: Date | null = null;
  let timestamped = false;
  let nestedSignatures = 0;
  if (!signerInfo) {
    problems.push('the signature has no SignerInfo');
  } else {
    const sigOid = signerInfo.signatureAlgorithm.algorithmId;
    const sigAlg = SIGNATURE_ALGORITHMS[sigOid];
    signatureAlgorithm = sigAlg?.name ?? sigOid;
    const signerDigest = DIGEST_ALGORITHMS[signerInfo.digestAlgorithm.algorithmId];
    const signerCert = findSignerCertificate(signerInfo, parsed.certificates);
    if (!signerCert) {
      problems.push('the signer certificate is not embedded in the signature');
    } else {
      signer = describeCertificate(signerCert.der);
      chain = buildChain(
        signerCert.der,
        parsed.certificates.map((c) => c.der),
      ).map(describeCertificate);
    }
    for (const attribute of signerInfo.unsignedAttrs?.attributes ?? []) {
      if (attribute.type === OID.counterSignature || attribute.type === OID.rfc3161Timestamp) timestamped = true;
      if (attribute.type === OID.nestedSignature) nestedSignatures += attribute.values.length;
    }
    const attributes = signerInfo.signedAttrs?.attributes ?? [];
    const signingTimeAttr = attributes.find((a) => a.type === OID.signingTime)?.values[0] as
      asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
    if (signingTimeAttr && typeof (signingTimeAttr as asn1js.UTCTime).toDate === 'function')
      signingTime = (signingTimeAttr as asn1js.UTCTime).toDate();

    if (!signerDigest) {
      problems.push(`unsupported SignerInfo digest algorithm ${signerInfo.digestAlgorithm.algorithmId}`);
    } else if (!sigAlg) {
      problems.push(`unsupported signature algorithm ${sigOid}`);
    } else if (!signerInfo.signedAttrs) {
      problems.push('the SignerInfo has no signed attributes (Authenticode requires them)');
    } else if (signerCert) {
      // The signed attributes must bind the content: their messageDigest is
      // the hash of SpcIndirectDataContent without its tag and length.
      const messageDigest = attributes.find((a) => a.type === OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
      const expected = createHash(signerDigest).update(derContents(parsed.content)).digest();
      const attributeOk = messageDigest instanceof asn1js.OctetString && toBuffer(messageDigest.valueBlock.valueHexView).equals(expected);
      if (!attributeOk) problems.push('the messageDigest attribute does not match the signed content');
      const signedBytes = toBuffer(signerInfo.signedAttrs.encodedValue);
      let cryptoOk = false;
      try {
        const key = new X509Certificate(signerCert.der).publicKey;
        cryptoOk = cryptoVerify(sigAlg.hash ?? signerDigest, signedBytes, key, toBuffer(signerInfo.signature.valueBlock.valueHexView));
      } catch (error) {
        problems.push(`the signature could not be checked: ${(error as Error).message}`);
      }
      if (!cryptoOk) problems.push("the signer's signature over the signed attributes does not verify");
      signatureValid = attributeOk && cryptoOk;
    }
  }

  return {
    digestAlgorithm,
    digestAlgorithmOid: indirect.digestOid,
    signedDigest: indirect.digest.toString('hex'),
    computedDigest: digest.toString('hex'),
    digestValid,
    hasMsiDigitalSignatureEx: withMetadata,
    metadataDigestValid,
    storedMetadataDigest: withMetadata ? input.signatureEx!.toString('hex') : null,
    computedMetadataDigest: metadataDigest === null ? null : metadataDigest.toString('hex'),
    metadataChange,
    signatureValid,
    signatureAlgorithm,
    signer,
    chain,
    certificates,
    signingTime,
    timestamped,
    nestedSignatures,
    problems,
  };
}
