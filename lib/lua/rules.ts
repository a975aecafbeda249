// The UAC (LUA) patching rules of Windows Installer: facts in, report out. Pure
// TypeScript so the same rules judge facts read on a machine and facts read offline
// from .msi/.msp files. Unknown never counts as pass.

/** The ids of a LuaReport's checks, in report order: one per condition of UAC patching (docs/lua-patching.md). */
export const CHECK_IDS = [
  'installer-version',
  'removable-media',
  'admin-image',
  'per-machine',
  'patch-certificate-table',
  'patch-signed',
  'signer-listed',
  'signature-valid',
  'certificate-not-revoked',
  'property-disabled',
  'policy-disabled',
  'authorized-lua-app',
] as const;
export type LuaCheckId = (typeof CHECK_IDS)[number];
export type LuaCheckStatus = 'pass' | 'fail' | 'unknown' | 'not-applicable';

// Facts are lib/fact.ts's one shape; re-exported for the modules of lib/lua.
import type { Fact } from '../fact';
import { argumentTypeError } from '../argument-error';
export { known, unknown, type Fact } from '../fact';

export interface CertificateSummary {
  subject: string;
  issuer?: string;
  sha1: string;
  sha256?: string;
}

export interface ListedCertificate extends CertificateSummary {
  /** MsiPatchCertificate row key and the MsiDigitalCertificate it points at. */
  patchCertificate: string;
  digitalCertificate: string;
  der: Buffer;
}

export interface PatchCertificateTableFact {
  present: boolean;
  /** Where the table came from: the package, or a patch sequenced earlier. */
  origin?: 'package' | 'earlier-patch';
  certificates: ListedCertificate[];
  /** Rows whose certificate stream or MsiDigitalCertificate row is missing. */
  danglingRows: string[];
}

export interface PatchFacts {
  /** A label for the patch (its path). */
  patch: string;
  /** The patch names the product among its targets (offline only; on a machine Windows Installer decides). */
  targetsProduct?: Fact<boolean>;
  signed: Fact<boolean>;
  signer: Fact<(CertificateSummary & { der: Buffer }) | null>;
  /** The signature and digest verify (the signed content matches). */
  signatureValid: Fact<boolean>;
  /**
   * Hash algorithms of the signature: the package digest ('sha256', 'sha1', 'md5', ...) and the
   * signer's signature ('sha256WithRSAEncryption', ...). MD5 and SHA-1 are reported as weak.
   */
  digestAlgorithms?: { digest: string | null; signature: string | null };
  /** The verifying system's trust verdict, when there is one (HRESULT name). */
  trustVerdict?: Fact<string>;
  revoked: Fact<boolean>;
  expired?: Fact<boolean>;
  /**
   * The MsiPatchCertificate table this patch is judged against: the package's with the patches
   * sequenced before it applied. Without it, LuaFacts.patchCertificateTable.
   */
  certificateTable?: Fact<PatchCertificateTableFact>;
}

/** evaluateLuaRules' input: every fact of every condition, each known (with its value) or unknown (with its reason). */
export interface LuaFacts {
  /** Windows Installer version that installed / will install the product, and the package's minimum (PageCount). */
  installerVersion: Fact<{ engine?: string; packageMinimum?: number }>;
  /** The target OS is Windows XP (where removable media was required). */
  windowsXp: Fact<boolean>;
  installedFromRemovableMedia: Fact<boolean>;
  adminImage: Fact<boolean>;
  perMachine: Fact<boolean>;
  patchCertificateTable: Fact<PatchCertificateTableFact>;
  patches: PatchFacts[];
  propertyDisabled: Fact<boolean>;
  policyDisabled: Fact<boolean>;
  authorizedLuaApp: Fact<boolean>;
  callerIsAdministrator: Fact<boolean>;
}

/** One condition of UAC patching as judged: `evidence` holds the values read, `hint` how to fix a failing or unknown one. */
export interface LuaCheck {
  id: LuaCheckId;
  status: LuaCheckStatus;
  /** One sentence: what was decided and from what. */
  summary: string;
  evidence: Record<string, unknown>;
  /** How to fix a failing check (WiX terms), or what would decide an unknown one. */
  hint?: string;
}

/**
 * The verdict on UAC (LUA) patching.
 *
 * - `eligible`: every check passed or does not apply, and every patch targets the product: a
 *   standard user can apply the patch(es) without elevation. It says nothing about the
 *   caller; an elevated administrator gets the same answer as anyone else.
 * - `elevationRequired`: applying needs administrator rights that the caller does not have
 *   now: not eligible, and the caller is not known to be an elevated administrator. For an
 *   elevated administrator it is false even when `eligible` is false (that caller can apply
 *   the patch as it is, without UAC patching), and `callerIsAdministrator` is true.
 *   Offline (`checkLuaPatching`) the caller is unknown, so it is simply `!eligible`.
 */
export interface LuaReport {
  eligible: boolean;
  elevationRequired: boolean;
  /** The caller runs elevated with the Administrators group; null when not known (always offline). */
  callerIsAdministrator: boolean | null;
  /** Patches whose target product codes do not include the product: they cannot be applied to it at all. */
  patchesNotTargeting: string[];
  /**
   * What passes but should be known: a patch signed with an MD5 or SHA-1 digest (Windows
   * Installer leaves the algorithm to WinVerifyTrust, which may still accept them; see
   * docs/lua-patching.md).
   */
  warnings: string[];
  checks: LuaCheck[];
}

function statusOf(fact: Fact<boolean>, passWhen: boolean): LuaCheckStatus {
  if (!fact.known) return 'unknown';
  return fact.value === passWhen ? 'pass' : 'fail';
}

function evidenceOf<T>(fact: Fact<T>, name: string): Record<string, unknown> {
  if (!fact.known) return { [name]: 'unknown', reason: fact.reason };
  return fact.source === undefined ? { [name]: fact.value } : { [name]: fact.value, source: fact.source };
}

/** Folds per-patch outcomes: any fail fails; else any unknown is unknown; none given is not-applicable. */
function combine(statuses: LuaCheckStatus[]): LuaCheckStatus {
  if (statuses.length === 0) return 'not-applicable';
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('unknown')) return 'unknown';
  if (statuses.every((s) => s === 'not-applicable')) return 'not-applicable';
  return 'pass';
}

function certEvidence(cert: CertificateSummary | null | undefined): Record<string, unknown> | null {
  if (!cert) return null;
  return { subject: cert.subject, issuer: cert.issuer, sha1: cert.sha1, sha256: cert.sha256 };
}

const SUMMARY: Record<LuaCheckId, Record<LuaCheckStatus, string>> = {
  'installer-version': {
    pass: 'Installed with Windows Installer 3.0 or later.',
    fail: 'The product was not installed with Windows Installer 3.0 or later.',
    unknown: 'Which Windows Installer version installed the product is not known.',
    'not-applicable': '',
  },
  'removable-media': {
    pass: 'Installed from removable media (required on Windows XP only).',
    fail: 'On Windows XP the product must be installed from removable media; it was not.',
    unknown: 'Whether the product was installed from removable media is not known (matters on Windows XP only).',
    'not-applicable': 'Applies on Windows XP only.',
  },
  'admin-image': {
    pass: 'Not installed from an administrative installation image.',
    fail: 'Installed from an administrative installation image: UAC patching is not available.',
    unknown: 'Whether the product is installed from an administrative image is not known.',
    'not-applicable': '',
  },
  'per-machine': {
    pass: 'Installed per-machine.',
    fail: 'Not installed per-machine: UAC patching applies to per-machine installations only.',
    unknown: 'Whether the product is installed per-machine is not known.',
    'not-applicable': '',
  },
  'patch-certificate-table': {
    pass: 'An MsiPatchCertificate table lists certificates for patches.',
    fail: 'No usable MsiPatchCertificate table in the package or an earlier patch.',
    unknown: 'The MsiPatchCertificate table could not be read.',
    'not-applicable': '',
  },
  'patch-signed': {
    pass: 'Every patch is digitally signed.',
    fail: 'A patch is not digitally signed.',
    unknown: 'Whether every patch is signed is not known.',
    'not-applicable': 'No patch was given.',
  },
  'signer-listed': {
    pass: "Every patch's signer certificate is listed in MsiPatchCertificate.",
    fail: "A patch's signer certificate is not listed in MsiPatchCertificate.",
    unknown: "Whether every patch's signer is listed is not known.",
    'not-applicable': 'No patch was given.',
  },
  'signature-valid': {
    pass: 'Every patch signature verifies.',
    fail: 'A patch signature does not verify.',
    unknown: 'Whether every patch signature verifies is not known.',
    'not-applicable': 'No patch was given.',
  },
  'certificate-not-revoked': {
    pass: 'No signer certificate is revoked.',
    fail: 'A signer certificate is revoked: Windows Installer always rejects it.',
    unknown: 'Revocation could not be checked.',
    'not-applicable': 'No patch was given.',
  },
  'property-disabled': {
    pass: 'MSIDISABLELUAPATCHING is not set.',
    fail: 'MSIDISABLELUAPATCHING is set: UAC patching is disabled for this product.',
    unknown: 'Whether MSIDISABLELUAPATCHING was set at installation is not known.',
    'not-applicable': '',
  },
  'policy-disabled': {
    pass: 'The DisableLUAPatching machine policy does not disable UAC patching.',
    fail: 'The DisableLUAPatching machine policy disables UAC patching on this machine.',
    unknown: 'The DisableLUAPatching machine policy is not known.',
    'not-applicable': '',
  },
  'authorized-lua-app': {
    pass: 'Windows Installer reports AuthorizedLUAApp = 1.',
    fail: 'Windows Installer does not report AuthorizedLUAApp = 1.',
    unknown: 'AuthorizedLUAApp is only known on the machine where the product is installed.',
    'not-applicable': '',
  },
};

const HINTS: Partial<Record<LuaCheckId, string>> = {
  'installer-version': 'Set Package/@InstallerVersion to 300 or more and install with Windows Installer 3.0 or later.',
  'removable-media': 'On Windows XP, install the product from a CD or DVD.',
  'admin-image': 'Install from the original package, not from an administrative image (msiexec /a).',
  'per-machine': 'Author Package/@InstallScope="perMachine" (ALLUSERS=1) and install per-machine.',
  'patch-certificate-table':
    'Add a PatchCertificates element with DigitalCertificate children (WiX) to the product, or ship a patch sequenced earlier that adds them.',
  'patch-signed': 'Sign the .msp (signtool or osslsigncode) with a certificate listed in PatchCertificates.',
  'signer-listed': "List the patch signer's certificate in the product's PatchCertificates (MsiPatchCertificate → MsiDigitalCertificate).",
  'signature-valid': 'Re-sign the patch after its last change, with a certificate that chains to a trusted root.',
  'certificate-not-revoked': 'Sign with a certificate that is not revoked; revocation is checked on the target machine.',
  'property-disabled': 'Do not set MSIDISABLELUAPATCHING (Property table or command line) at installation.',
  'policy-disabled':
    'An administrator sets HKLM\\Software\\Policies\\Microsoft\\Windows\\Installer\\DisableLUAPatching to 0 or removes it.',
  'authorized-lua-app':
    'Windows Installer sets AuthorizedLUAApp at installation when the conditions above hold; reinstall after fixing them.',
};

function check(id: LuaCheckId, status: LuaCheckStatus, evidence: Record<string, unknown>, extraHint?: string): LuaCheck {
  const result: LuaCheck = { id, status, summary: SUMMARY[id][status], evidence };
  if (status === 'fail' || status === 'unknown') {
    const hint = [extraHint, HINTS[id]].filter(Boolean).join(' ');
    if (hint) result.hint = hint;
  }
  return result;
}

function installerVersionCheck(fact: LuaFacts['installerVersion']): LuaCheck {
  if (!fact.known) return check('installer-version', 'unknown', evidenceOf(fact, 'installerVersion'));
  const { engine, packageMinimum } = fact.value;
  const engineMajor = engine ? Number(engine.split('.')[0]) : undefined;
  const failures: string[] = [];
  if (engineMajor !== undefined && !(engineMajor >= 3)) failures.push(`engine ${engine}`);
  if (packageMinimum !== undefined && packageMinimum < 300) failures.push(`package minimum ${packageMinimum}`);
  const evidence = { engine: engine ?? null, packageMinimum: packageMinimum ?? null, source: fact.source };
  if (failures.length > 0) return check('installer-version', 'fail', evidence);
  if (engineMajor === undefined && packageMinimum === undefined) return check('installer-version', 'unknown', evidence);
  return check('installer-version', 'pass', evidence);
}

function removableMediaCheck(facts: LuaFacts): LuaCheck {
  if (facts.windowsXp.known && !facts.windowsXp.value) {
    return check('removable-media', 'not-applicable', evidenceOf(facts.windowsXp, 'windowsXp'));
  }
  if (!facts.windowsXp.known) {
    return check('removable-media', 'unknown', {
      ...evidenceOf(facts.windowsXp, 'windowsXp'),
      ...evidenceOf(facts.installedFromRemovableMedia, 'removableMedia'),
    });
  }
  return check(
    'removable-media',
    statusOf(facts.installedFromRemovableMedia, true),
    evidenceOf(facts.installedFromRemovableMedia, 'removableMedia'),
  );
}

function certificateTableCheck(fact: LuaFacts['patchCertificateTable']): LuaCheck {
  if (!fact.known) return check('patch-certificate-table', 'unknown', evidenceOf(fact, 'table'));
  const { present, origin, certificates, danglingRows } = fact.value;
  const evidence = {
    present,
    origin: origin ?? null,
    certificates: certificates.map((c) => ({
      patchCertificate: c.patchCertificate,
      digitalCertificate: c.digitalCertificate,
      ...certEvidence(c),
    })),
    danglingRows,
    source: fact.source,
  };
  if (!present) return check('patch-certificate-table', 'fail', evidence);
  if (certificates.length === 0) {
    return check(
      'patch-certificate-table',
      'fail',
      evidence,
      danglingRows.length ? `Rows ${danglingRows.join(', ')} point at no certificate.` : 'The table has no rows.',
    );
  }
  return check('patch-certificate-table', 'pass', evidence, undefined);
}

function perPatch(facts: LuaFacts): LuaCheck[] {
  const signed: LuaCheckStatus[] = [];
  const signerListed: LuaCheckStatus[] = [];
  const valid: LuaCheckStatus[] = [];
  const notRevoked: LuaCheckStatus[] = [];
  const signedEvidence: unknown[] = [];
  const listedEvidence: unknown[] = [];
  const validEvidence: unknown[] = [];
  const revokedEvidence: unknown[] = [];
  for (const patch of facts.patches) {
    const isSigned = statusOf(patch.signed, true);
    signed.push(isSigned);
    signedEvidence.push({ patch: patch.patch, ...evidenceOf(patch.signed, 'signed') });

    const table = patch.certificateTable ?? facts.patchCertificateTable;
    const listed = table.known ? table.value.certificates : null;
    let listedStatus: LuaCheckStatus;
    let match: ListedCertificate | undefined;
    if (isSigned === 'fail') listedStatus = 'fail';
    else if (!patch.signer.known || patch.signer.value === null || listed === null) listedStatus = 'unknown';
    else {
      const signerDer = patch.signer.value.der;
      match = listed.find((c) => c.der.equals(signerDer));
      listedStatus = match ? 'pass' : 'fail';
    }
    signerListed.push(listedStatus);
    listedEvidence.push({
      patch: patch.patch,
      signer: patch.signer.known ? certEvidence(patch.signer.value) : 'unknown',
      ...(patch.signer.known ? {} : { reason: patch.signer.reason }),
      matchedRow: match ? match.patchCertificate : null,
      ...(patch.certificateTable
        ? {
            certificateTable: table.known
              ? { present: table.value.present, origin: table.value.origin ?? null, source: table.source }
              : { unknown: table.reason },
          }
        : {}),
    });

    const validStatus = isSigned === 'fail' ? 'fail' : statusOf(patch.signatureValid, true);
    valid.push(validStatus);
    validEvidence.push({
      patch: patch.patch,
      ...evidenceOf(patch.signatureValid, 'signatureValid'),
      trustVerdict: patch.trustVerdict?.known ? patch.trustVerdict.value : undefined,
      digestAlgorithm: patch.digestAlgorithms?.digest ?? undefined,
      signatureAlgorithm: patch.digestAlgorithms?.signature ?? undefined,
    });

    // Expiry alone never fails the evaluation; revocation always does.
    const revokedStatus = isSigned === 'fail' ? 'not-applicable' : statusOf(patch.revoked, false);
    notRevoked.push(revokedStatus);
    revokedEvidence.push({
      patch: patch.patch,
      ...evidenceOf(patch.revoked, 'revoked'),
      expired: patch.expired?.known ? patch.expired.value : 'unknown',
    });
  }
  const targetsUnmet = facts.patches.filter((p) => p.targetsProduct?.known && !p.targetsProduct.value).map((p) => p.patch);
  const signedCheck = check('patch-signed', combine(signed), { patches: signedEvidence });
  const listedCheck = check('signer-listed', combine(signerListed), { patches: listedEvidence });
  const validCheck = check('signature-valid', combine(valid), { patches: validEvidence });
  const revokedCheck = check('certificate-not-revoked', combine(notRevoked), { patches: revokedEvidence });
  // Not applicable also when every patch given is unsigned: then there is no signer to check.
  if (revokedCheck.status === 'not-applicable' && facts.patches.length > 0)
    revokedCheck.summary = 'No patch is signed, so there is no signer certificate whose revocation could be checked.';
  if (targetsUnmet.length > 0) {
    // A patch that does not target the product cannot be applied to it at all.
    signedCheck.evidence.notTargetingProduct = targetsUnmet;
  }
  return [signedCheck, listedCheck, validCheck, revokedCheck];
}

const WEAK_HASH = /^(md5|sha1)$|^(md5|sha1)With|With(md5|sha1)$|-with-SHA1$/i;

function weakAlgorithms(algorithms: PatchFacts['digestAlgorithms']): string[] {
  if (!algorithms) return [];
  const weak: string[] = [];
  if (algorithms.digest && WEAK_HASH.test(algorithms.digest)) weak.push(`package digest ${algorithms.digest}`);
  if (algorithms.signature && WEAK_HASH.test(algorithms.signature)) weak.push(`signature ${algorithms.signature}`);
  return weak;
}

const FACT_KEYS = [
  'installerVersion',
  'windowsXp',
  'installedFromRemovableMedia',
  'adminImage',
  'perMachine',
  'patchCertificateTable',
  'propertyDisabled',
  'policyDisabled',
  'authorizedLuaApp',
  'callerIsAdministrator',
] as const;
const PATCH_FACT_KEYS = ['signed', 'signer', 'signatureValid', 'revoked'] as const;

function isFact(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const fact = value as { known?: unknown; reason?: unknown };
  return fact.known === true ? 'value' in fact : fact.known === false && typeof fact.reason === 'string';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function checkFacts(facts: unknown): asserts facts is LuaFacts {
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts)) {
    throw argumentTypeError(`The "facts" argument must be a LuaFacts object; received ${describe(facts)}`);
  }
  const f = facts as Record<string, unknown>;
  for (const key of FACT_KEYS) {
    if (!isFact(f[key]))
      throw argumentTypeError(
        `The "facts.${key}" argument must be a Fact ({ known: true, value } or { known: false, reason }); received ${describe(f[key])}`,
      );
  }
  if (!Array.isArray(f.patches))
    throw argumentTypeError(`The "facts.patches" argument must be an array of PatchFacts; received ${describe(f.patches)}`);
  f.patches.forEach((patch: unknown, i: number) => {
    const p = patch as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null || typeof p.patch !== 'string') {
      throw argumentTypeError(
        `The "facts.patches[${i}]" argument must be a PatchFacts object with a patch label; received ${describe(patch)}`,
      );
    }
    for (const key of PATCH_FACT_KEYS) {
      if (!isFact(p[key]))
        throw argumentTypeError(`The "facts.patches[${i}].${key}" argument must be a Fact; received ${describe(p[key])}`);
    }
    for (const key of ['targetsProduct', 'trustVerdict', 'expired', 'certificateTable']) {
      if (p[key] !== undefined && !isFact(p[key]))
        throw argumentTypeError(`The "facts.patches[${i}].${key}" argument must be a Fact or absent; received ${describe(p[key])}`);
    }
  });
}

/**
 * Judges the facts against every condition of UAC patching. Throws a TypeError naming the
 * field when `facts` is not a LuaFacts object (every fact present, each a Fact).
 */
export function evaluateLuaRules(facts: LuaFacts): LuaReport {
  checkFacts(facts);
  const checks: LuaCheck[] = [
    installerVersionCheck(facts.installerVersion),
    removableMediaCheck(facts),
    check('admin-image', statusOf(facts.adminImage, false), evidenceOf(facts.adminImage, 'adminImage')),
    check('per-machine', statusOf(facts.perMachine, true), evidenceOf(facts.perMachine, 'perMachine')),
    certificateTableCheck(facts.patchCertificateTable),
    ...perPatch(facts),
    check('property-disabled', statusOf(facts.propertyDisabled, false), evidenceOf(facts.propertyDisabled, 'MSIDISABLELUAPATCHING')),
    check('policy-disabled', statusOf(facts.policyDisabled, false), evidenceOf(facts.policyDisabled, 'DisableLUAPatching')),
    check('authorized-lua-app', statusOf(facts.authorizedLuaApp, true), evidenceOf(facts.authorizedLuaApp, 'AuthorizedLUAApp')),
  ];
  const warnings: string[] = [];
  for (const patch of facts.patches) {
    const weak = weakAlgorithms(patch.digestAlgorithms);
    if (weak.length > 0) warnings.push(`${patch.patch} is signed with a weak hash (${weak.join(', ')}); sign it with SHA-256`);
  }
  const patchesNotTargeting = facts.patches.filter((p) => p.targetsProduct?.known && !p.targetsProduct.value).map((p) => p.patch);
  const eligible = patchesNotTargeting.length === 0 && checks.every((c) => c.status === 'pass' || c.status === 'not-applicable');
  // Administrators can patch per-machine products whatever the UAC setting, so an
  // elevated administrator needs no further elevation; everyone else does when not eligible.
  const callerIsAdministrator = facts.callerIsAdministrator.known ? facts.callerIsAdministrator.value === true : null;
  return {
    eligible,
    elevationRequired: !eligible && callerIsAdministrator !== true,
    callerIsAdministrator,
    patchesNotTargeting,
    warnings,
    checks,
  };
}
