// X.509 certificates found in package signatures, described with node:crypto.

import type { KeyObject, X509Certificate } from 'node:crypto';
import { assertBytes } from '../validate';

// Loaded when a certificate is examined: the package reader's index exports
// describeCertificate, and commands that never look at a signature should
// not pay for node:crypto at start-up.
function crypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Serial number, uppercase hex. */
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** SHA-1 of the DER, uppercase hex (the "thumbprint" Windows shows). */
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  selfSigned: boolean;
  der: Buffer;
}

function describeName(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

export function describeCertificate(der: Buffer): CertificateInfo {
  assertBytes(der, 'der');
  const { createHash, X509Certificate } = crypto();
  const cert = new X509Certificate(der);
  return {
    subject: describeName(cert.subject),
    issuer: describeName(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    sha1Thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256Thumbprint: createHash('sha256').update(der).digest('hex').toUpperCase(),
    selfSigned: cert.subject === cert.issuer && safeVerify(cert, cert.publicKey),
    der,
  };
}

function safeVerify(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

/** Signer first, then each issuer found among `all` (checked by signature). */
export function buildChain(signer: Buffer, all: Buffer[]): Buffer[] {
  const { X509Certificate } = crypto();
  const chain = [signer];
  const used = new Set<number>();
  let current = new X509Certificate(signer);
  for (let guard = 0; guard < all.length; guard++) {
    if (current.subject === current.issuer && safeVerify(current, current.publicKey)) break;
    let found = -1;
    for (let i = 0; i < all.length; i++) {
      if (used.has(i) || all[i].equals(chain[chain.length - 1])) continue;
      const candidate = new X509Certificate(all[i]);
      if (current.checkIssued(candidate) && safeVerify(current, candidate.publicKey)) {
        found = i;
        break;
      }
    }
    if (found < 0) break;
    used.add(found);
    chain.push(all[found]);
    current = new X509Certificate(all[found]);
  }
  return chain;
}
