// Facts that the package reader can establish from .msi / .msp files, shared by the
// offline check and the on-machine evaluation (which reads the cached package).
import { describeCertificate, type MsiPackage, type SignatureReport } from '../package';
import { type CertificateSummary, type Fact, type ListedCertificate, type PatchCertificateTableFact, known, unknown } from './rules';

export function certificateSummary(der: Buffer): CertificateSummary & { der: Buffer } {
  const info = describeCertificate(der);
  return { subject: info.subject, issuer: info.issuer, sha1: info.sha1Thumbprint, sha256: info.sha256Thumbprint, der };
}

/** MsiPatchCertificate rows resolved through MsiDigitalCertificate to certificate bytes. */
export function readPatchCertificateTable(pkg: MsiPackage, origin: 'package' | 'earlier-patch'): PatchCertificateTableFact {
  if (!pkg.hasTable('MsiPatchCertificate')) return { present: false, certificates: [], danglingRows: [] };
  const digital = new Map<string, string | null>();
  if (pkg.hasTable('MsiDigitalCertificate')) {
    for (const row of pkg.readTable('MsiDigitalCertificate').rows) {
      digital.set(String(row.DigitalCertificate), typeof row.CertData === 'string' ? row.CertData : null);
    }
  }
  const certificates: ListedCertificate[] = [];
  const danglingRows: string[] = [];
  for (const row of pkg.readTable('MsiPatchCertificate').rows) {
    const patchCertificate = String(row.PatchCertificate);
    const digitalCertificate = String(row.DigitalCertificate_);
    const stream = digital.get(digitalCertificate);
    if (!stream || !pkg.hasStream(stream)) {
      danglingRows.push(patchCertificate);
      continue;
    }
    try {
      const summary = certificateSummary(pkg.readStream(stream));
      certificates.push({ patchCertificate, digitalCertificate, ...summary });
    } catch {
      // Bytes that are not a certificate cannot match a signer.
      danglingRows.push(patchCertificate);
    }
  }
  return { present: true, origin, certificates, danglingRows };
}

/** Whether a patch's transforms add or change the MsiPatchCertificate table. */
export function patchTouchesCertificateTable(patch: MsiPackage): boolean {
  return patch.storages.some((storage) => {
    try {
      return patch.openStorage(storage.name).tableStreams.some((s) => s.name === 'MsiPatchCertificate');
    } catch {
      return false;
    }
  });
}

export interface PatchFileFacts {
  targetProductCodes: string[];
  signed: boolean;
  signer: (CertificateSummary & { der: Buffer }) | null;
  digestValid: boolean | null;
  signatureValid: boolean | null;
  expired: boolean | null;
  problems: string[];
  /** Signer first, then every other certificate the signature carries (for chain building). */
  signatureCertificates: Buffer[];
}

function signatureCertificates(report: SignatureReport | null): Buffer[] {
  const signer = report?.signer;
  if (!report || !signer) return [];
  return [signer.der, ...report.certificates.map((c) => c.der).filter((der) => !der.equals(signer.der))];
}

/** Signature and targeting facts read from a .msp file itself. */
export function readPatchFile(patch: MsiPackage, now = new Date()): PatchFileFacts {
  const info = patch.patch;
  const report = patch.verifySignature();
  const signerInfo = report?.signer ?? null;
  return {
    targetProductCodes: info ? info.targetProductCodes : [],
    signed: report !== null,
    signer: signerInfo ? certificateSummary(signerInfo.der) : null,
    digestValid: report ? report.digestValid : null,
    signatureValid: report ? report.signatureValid : null,
    expired: signerInfo ? signerInfo.validTo.getTime() < now.getTime() : null,
    problems: report ? report.problems : [],
    signatureCertificates: signatureCertificates(report),
  };
}

/** MSIDISABLELUAPATCHING in a package's Property table: '1' disables; other values are not guessed. */
export function propertyDisablesLua(pkg: MsiPackage): Fact<boolean> {
  if (!pkg.hasTable('Property')) return known(false, 'no Property table');
  const row = pkg.readTable('Property').rows.find((r) => r.Property === 'MSIDISABLELUAPATCHING');
  if (!row || row.Value === null || row.Value === '') return known(false, 'Property table');
  if (row.Value === '1') return known(true, 'Property table');
  if (row.Value === '0') return known(false, 'Property table');
  return unknown(`MSIDISABLELUAPATCHING is ${JSON.stringify(row.Value)}; Windows Installer documents only 1`);
}

/** A Property table value, or null. */
export function propertyValue(pkg: MsiPackage, name: string): string | null {
  if (!pkg.hasTable('Property')) return null;
  const row = pkg.readTable('Property').rows.find((r) => r.Property === name);
  return row && row.Value !== null ? String(row.Value) : null;
}
