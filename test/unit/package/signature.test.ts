// Authenticode signatures: packages signed by osslsigncode with a throwaway
// CA, checked by msi-lua and, for agreement, by osslsigncode itself.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readPackage } from '../../../lib/package';
import { MsiFormatError } from '../../../lib/errors';
import { importIdtTables, makeTestCa, osslsigncodeVerify, scratchDir, signFile } from '../../support/package-fixtures';
import { buildSignedFixtures, buildSmallMsi, type SignedFixtures } from '../../support/package-fixture-set';
import { layoutOf } from '../../support/cfb-layout';

jest.setTimeout(120_000);

let small: string;
let f: SignedFixtures;

beforeAll(async () => {
  small = await buildSmallMsi();
  f = await buildSignedFixtures(small);
});

const open = (file: string) => readPackage(fs.readFileSync(file));
const DS = '\u0005DigitalSignature';

describe('a package signed by osslsigncode', () => {
  test('digest and signature verify, as osslsigncode agrees', () => {
    const report = open(f.signed).verifySignature()!;
    expect(report.problems).toEqual([]);
    expect(report.digestValid).toBe(true);
    expect(report.signatureValid).toBe(true);
    expect(report.digestAlgorithm).toBe('sha256');
    expect(report.digestAlgorithmOid).toBe('2.16.840.1.101.3.4.2.1');
    expect(report.computedDigest).toBe(report.signedDigest);
    expect(report.hasMsiDigitalSignatureEx).toBe(false);
    expect(report.metadataDigestValid).toBeNull();
    expect(osslsigncodeVerify(f.signed, f.ca.caCertPath).ok).toBe(true);
  });

  test('reports the signer certificate and its chain', () => {
    const report = open(f.signed).verifySignature()!;
    const signer = report.signer!;
    expect(signer.subject).toBe('CN=msi-lua Test Signer, O=msi-lua tests');
    expect(signer.issuer).toBe('CN=msi-lua Test CA, O=msi-lua tests');
    expect(signer.serialNumber).toBe(f.ca.signerSerial);
    expect(signer.der).toEqual(f.ca.signerDer);
    expect(signer.sha1Thumbprint).toBe(createHash('sha1').update(f.ca.signerDer).digest('hex').toUpperCase());
    expect(signer.sha256Thumbprint).toBe(createHash('sha256').update(f.ca.signerDer).digest('hex').toUpperCase());
    expect(signer.validFrom.getTime()).toBeLessThanOrEqual(Date.now());
    expect(signer.validTo.getTime() - signer.validFrom.getTime()).toBe(825 * 86400_000);
    expect(signer.selfSigned).toBe(false);
    expect(report.chain.map((c) => c.subject)).toEqual(['CN=msi-lua Test Signer, O=msi-lua tests', 'CN=msi-lua Test CA, O=msi-lua tests']);
    expect(report.chain[1].der).toEqual(f.ca.caDer);
    expect(report.chain[1].selfSigned).toBe(true);
    expect(report.certificates).toHaveLength(2);
    expect(report.signingTime).toBeInstanceOf(Date);
    expect(report.timestamped).toBe(false);
  });

  test('computeDigest reproduces the signed digest', () => {
    const pkg = open(f.signed);
    expect(pkg.computeDigest('sha256').toString('hex')).toBe(pkg.verifySignature()!.signedDigest);
  });

  test('SHA-1 signatures verify too', () => {
    const report = open(f.signedSha1).verifySignature()!;
    expect(report.digestAlgorithm).toBe('sha1');
    expect(report.digestValid).toBe(true);
    expect(report.signatureValid).toBe(true);
  });

  test('with MsiDigitalSignatureEx the metadata is part of the digest', () => {
    const pkg = open(f.signedDse);
    const report = pkg.verifySignature()!;
    expect(report.hasMsiDigitalSignatureEx).toBe(true);
    expect(report.metadataDigestValid).toBe(true);
    expect(report.digestValid).toBe(true);
    expect(report.signatureValid).toBe(true);
    expect(pkg.msiDigitalSignatureEx).toHaveLength(32);
    // The plain content digest is not what was signed here.
    expect(pkg.computeDigest('sha256', false).toString('hex')).not.toBe(report.signedDigest);
    expect(pkg.computeDigest('sha256', true).toString('hex')).toBe(report.signedDigest);
    expect(osslsigncodeVerify(f.signedDse, f.ca.caCertPath).ok).toBe(true);
  });

  test('an ECDSA signer verifies', async () => {
    const ec = await makeTestCa({ signerKey: 'ec' });
    const signed = await signFile(small, ec.chainPath, ec.signerKeyPath);
    const report = open(signed).verifySignature()!;
    expect(report.digestValid).toBe(true);
    expect(report.signatureValid).toBe(true);
    expect(report.signer!.der).toEqual(ec.signerDer);
  });
});

describe('tampering', () => {
  test('one byte changed after signing: the digest mismatch is detected', () => {
    const report = open(f.tampered).verifySignature()!;
    expect(report.digestValid).toBe(false);
    expect(report.computedDigest).not.toBe(report.signedDigest);
    // The signature over the signed attributes itself is intact.
    expect(report.signatureValid).toBe(true);
    expect(report.problems.join('\n')).toMatch(/does not match the signed digest/);
    expect(osslsigncodeVerify(f.tampered, f.ca.caCertPath).ok).toBe(false);
  });

  test('same with MsiDigitalSignatureEx: content and metadata both checked', () => {
    const report = open(f.tamperedDse).verifySignature()!;
    expect(report.digestValid).toBe(false);
    expect(osslsigncodeVerify(f.tamperedDse, f.ca.caCertPath).ok).toBe(false);
  });

  test('a corrupted signature value fails signatureValid but not the digest', () => {
    const layout = layoutOf(fs.readFileSync(f.signed));
    const entry = layout.entry(DS);
    const value = layout.readStream(entry);
    value[value.length - 1] ^= 0xff; // last byte of the SignerInfo signature
    const report = readPackage(layout.writeStream(entry, value).buf).verifySignature()!;
    expect(report.digestValid).toBe(true);
    expect(report.signatureValid).toBe(false);
    expect(report.problems.join('\n')).toMatch(/does not verify/);
  });

  test('the digest covers stream contents, not where they sit in the file', () => {
    const layout = layoutOf(fs.readFileSync(f.signed));
    const relaidOut = path.join(scratchDir('relaid'), 'relaid.msi');
    fs.writeFileSync(relaidOut, layout.swapFirstTwoSectors(layout.fatStream(2)).buf);
    expect(fs.readFileSync(relaidOut)).not.toEqual(fs.readFileSync(f.signed));
    const report = open(relaidOut).verifySignature()!;
    expect(report.digestValid).toBe(true);
    expect(report.signatureValid).toBe(true);
    expect(osslsigncodeVerify(relaidOut, f.ca.caCertPath).ok).toBe(true);
  });

  test('a signature moved onto another package does not match it', async () => {
    const other = await importIdtTables(small, { Property: 'Property\tValue\r\ns72\tl0\r\nProperty\tProperty\r\nOTHER\tpackage\r\n' });
    const otherSigned = await signFile(other, f.ca.chainPath, f.ca.signerKeyPath, { description: 'msi-lua Small' });
    expect(open(otherSigned).verifySignature()!.digestValid).toBe(true);
    const layout = layoutOf(fs.readFileSync(otherSigned));
    const moved = layout.writeStream(layout.entry(DS), open(f.signed).digitalSignature!).buf;
    const report = readPackage(moved).verifySignature()!;
    expect(report.digestValid).toBe(false);
    expect(report.signatureValid).toBe(true);
  });

  test('garbage in DigitalSignature is a format error', () => {
    const layout = layoutOf(fs.readFileSync(f.signed));
    const entry = layout.entry(DS);
    const garbage = Buffer.alloc(entry.size, 0x41);
    const error = captureError(() => readPackage(layout.writeStream(entry, garbage).buf).verifySignature());
    expect(error).toBeInstanceOf(MsiFormatError);
    expect((error as MsiFormatError).where).toBe(DS);
  });
});

test('an unsigned package has no signature', () => {
  const pkg = open(small);
  expect(pkg.digitalSignature).toBeNull();
  expect(pkg.msiDigitalSignatureEx).toBeNull();
  expect(pkg.verifySignature()).toBeNull();
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
