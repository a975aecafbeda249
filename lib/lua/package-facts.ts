// Facts that the package reader can establish from .msi / .msp files, shared by the
// offline check and the on-machine evaluation (which reads the cached package).
import { describeCertificate, TransformedDatabase, type MsiPackage, type Row, type SignatureReport } from '../package';
import { slice, type Step } from '../package/scheduler';
import { type CertificateSummary, type Fact, type ListedCertificate, type PatchCertificateTableFact, known, unknown } from './rules';

/** What the certificate tables are read from: a package, or a package with patches applied. */
export interface CertificateTableSource {
  hasTable(name: string): boolean;
  readTable(name: string): { rows: Row[] };
  hasStream(name: string): boolean;
  readStream(name: string): Buffer;
}

export function certificateSummary(der: Buffer): CertificateSummary & { der: Buffer } {
  const info = describeCertificate(der);
  return { subject: info.subject, issuer: info.issuer, sha1: info.sha1Thumbprint, sha256: info.sha256Thumbprint, der };
}

/** MsiPatchCertificate rows resolved through MsiDigitalCertificate to certificate bytes. */
export function readPatchCertificateTable(pkg: CertificateTableSource, origin: 'package' | 'earlier-patch'): PatchCertificateTableFact {
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

/**
 * The MsiPatchCertificate table as each patch of a sequence sees it: entry k is the package
 * with the transforms of patches 0..k-1 applied (each patch's pair that targets the product,
 * see patchTransformsFor), so certificates an earlier patch added (rows and the certificate
 * streams its transform carries) count. Origin 'package' when the package has the table,
 * 'earlier-patch' when a patch added it. Returns patches.length + 1 facts; once a patch's
 * transforms cannot be read, that entry and every later one are unknown, and the patch is
 * added to `damaged` (when given) with the reason.
 *
 * Read with the package's table and each patch in a slice of its own of the shared scheduler
 * (lib/package/scheduler.ts): applying one patch's transforms is a table's work, but a check
 * with 16 patches did all of them in one turn of the event loop (40 ms and more).
 */
export async function certificateTablesInSlices(
  pkg: MsiPackage,
  patches: readonly MsiPackage[],
  labels: readonly string[],
  baseLabel: string,
  damaged?: Array<{ file: string; reason: string }>,
  run: Step = slice,
): Promise<Array<Fact<PatchCertificateTableFact>>> {
  const steps = certificateTableSteps(pkg, patches, labels, baseLabel, damaged);
  for (;;) {
    const step = await run(() => steps.next());
    if (step.done) return step.value;
  }
}

/** The work of certificateTablesInSlices, one step per patch (after the package's own table). */
function* certificateTableSteps(
  pkg: MsiPackage,
  patches: readonly MsiPackage[],
  labels: readonly string[],
  baseLabel: string,
  damaged?: Array<{ file: string; reason: string }>,
): Generator<void, Array<Fact<PatchCertificateTableFact>>, void> {
  const origin = pkg.hasTable('MsiPatchCertificate') ? 'package' : 'earlier-patch';
  const facts: Array<Fact<PatchCertificateTableFact>> = [known(readPatchCertificateTable(pkg, 'package'), baseLabel)];
  const database = new TransformedDatabase(pkg);
  const used: string[] = [];
  for (let k = 0; k < patches.length; k++) {
    yield;
    const label = labels[k] ?? `patch ${k + 1}`;
    let table: Fact<PatchCertificateTableFact>;
    try {
      const applied = database.applyPatch(patches[k]);
      if (applied.transforms.length > 0) used.push(`${label} (${applied.transforms.join(', ')})`);
      table = known(
        readPatchCertificateTable(database, origin),
        used.length ? `${baseLabel} with the transforms of ${used.join(', ')}` : baseLabel,
      );
    } catch (error) {
      const reason = `the transforms of ${label} could not be read: ${error instanceof Error ? error.message : String(error)}`;
      damaged?.push({ file: label, reason });
      while (facts.length <= patches.length) facts.push(unknown(reason));
      return facts;
    }
    facts.push(table);
  }
  return facts;
}

export interface PatchFileFacts {
  targetProductCodes: string[];
  /** Hash of the signed package digest (SpcIndirectDataContent), e.g. 'sha256'; null when unsigned. */
  digestAlgorithm: string | null;
  /** The signer's signature algorithm, e.g. 'sha256WithRSAEncryption'; null when unsigned. */
  signatureAlgorithm: string | null;
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
    digestAlgorithm: report ? report.digestAlgorithm : null,
    signatureAlgorithm: report ? report.signatureAlgorithm : null,
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
