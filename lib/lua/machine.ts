// On-machine UAC-patching evaluation: every fact gathered through the native layer
// (Windows Installer, the registry, WinVerifyTrust, the token) and the package reader
// (the cached package and the patch files), then judged by the shared rules.
import * as os from 'node:os';

import { getInteractiveContext } from '../process';
import { describeHResult } from '../errors';
import {
  CERT_E_CHAINING,
  CERT_E_EXPIRED,
  CERT_E_REVOCATION_FAILURE,
  CERT_E_REVOKED,
  CERT_E_UNTRUSTEDROOT,
  CRYPT_E_NO_REVOCATION_CHECK,
  CRYPT_E_REVOCATION_OFFLINE,
  CRYPT_E_REVOKED,
  MSIINSTALLCONTEXT_MACHINE,
  MSIINSTALLCONTEXT_USERMANAGED,
  MSIINSTALLCONTEXT_USERUNMANAGED,
  S_OK,
  TRUST_E_NOSIGNATURE,
  TRUST_E_SUBJECT_FORM_UNKNOWN,
} from '../errors/codes.generated';
import { callNative } from '../native/load';
import { openPackage, type MsiPackage } from '../package';
import { slice } from '../package/scheduler';
import { getLuaPatchingPolicy } from '../policy';
import { INSTALL_CONTEXTS, type InstallContext, getInstalledProduct } from '../products';
import { assertEvaluateLuaOptions } from '../validate';
import { type ChainVerdict, interpretChain } from './chain';
import {
  type PatchFileFacts,
  certificateSummary,
  certificateTablesThroughPatches,
  propertyDisablesLua,
  readPatchFile,
} from './package-facts';
import {
  type Fact,
  type LuaFacts,
  type LuaReport,
  type PatchCertificateTableFact,
  type PatchFacts,
  evaluateLuaRules,
  known,
  unknown,
} from './rules';

export interface EvaluateLuaPatchingOptions {
  productCode: string;
  /** Patch file(s) to judge, in sequence order. */
  patch?: string | readonly string[];
  context?: InstallContext;
  userSid?: string;
}

export interface MachineLuaReport extends LuaReport {
  productCode: string;
  context: InstallContext;
  userSid: string | null;
  patches: string[];
}

/** Verdicts that mean "revocation could not be decided", not "not revoked". */
const REVOCATION_UNDECIDED = new Set([
  CRYPT_E_NO_REVOCATION_CHECK,
  CRYPT_E_REVOCATION_OFFLINE,
  CERT_E_REVOCATION_FAILURE,
  CERT_E_CHAINING,
  CERT_E_UNTRUSTEDROOT,
]);

function codeName(hr: number): string {
  return describeHResult(hr).code;
}

async function settle<T>(work: Promise<T>): Promise<Fact<T>> {
  try {
    return known(await work);
  } catch (error) {
    return unknown(error instanceof Error ? error.message : String(error));
  }
}

function windowsXpFact(): Fact<boolean> {
  const [major, minor] = os.release().split('.').map(Number);
  if (major === undefined || Number.isNaN(major)) return unknown(`cannot read the Windows version from ${os.release()}`);
  return known(major === 5 && (minor === 1 || minor === 2), `Windows ${os.release()}`);
}

async function patchFacts(label: string, productCode: string): Promise<PatchFacts> {
  const [native, file] = await Promise.all([
    settle(callNative((binding) => binding.fileSignature(label, true))),
    settle(openPackage(label).then((p) => slice(() => readPatchFile(p)))),
  ]);
  const targetsProduct: Fact<boolean> = file.known
    ? known(
        file.value.targetProductCodes.some((c) => c.toUpperCase() === productCode.toUpperCase()),
        'patch summary (Template)',
      )
    : unknown(file.reason);
  if (!native.known) {
    return {
      patch: label,
      targetsProduct,
      signed: unknown(native.reason),
      signer: unknown(native.reason),
      signatureValid: unknown(native.reason),
      revoked: unknown(native.reason),
    };
  }
  const { msiHresult, trustHresult, signerCertificate, wineVersion } = native.value;
  const verdict = `MsiGetFileSignatureInformationW: ${codeName(msiHresult)}; WinVerifyTrust: ${codeName(trustHresult)}`;
  // The package reader checks the digest and the signer's signature itself; a patch it
  // finds altered never passes, whatever the system says.
  const readerRejects = file.known && file.value.signed && (file.value.digestValid === false || file.value.signatureValid === false);
  const readerVerified = file.known && file.value.digestValid === true && file.value.signatureValid === true;
  const readerVerdict = file.known ? file.value.problems.join('; ') || 'digest and signer signature verified by msi-lua' : file.reason;
  if (msiHresult === TRUST_E_NOSIGNATURE || msiHresult === TRUST_E_SUBJECT_FORM_UNKNOWN) {
    return {
      patch: label,
      targetsProduct,
      signed: known(false, verdict),
      signer: known(null),
      signatureValid: known(false, verdict),
      revoked: unknown('not signed'),
    };
  }
  // The signer as Windows Installer saw it, else as the file's PKCS#7 names it (an
  // untrusted chain makes Windows return no certificate).
  const signer: PatchFacts['signer'] = signerCertificate
    ? known(certificateSummary(signerCertificate), 'MsiGetFileSignatureInformationW')
    : file.known
      ? known(file.value.signer, 'PKCS#7 signer in the patch')
      : unknown(file.reason);
  const chain = await chainVerdict(file, wineVersion);
  // Windows Installer accepts the signature only when MsiGetFileSignatureInformationW
  // succeeds: a bad digest (TRUST_E_BAD_DIGEST) or an untrusted chain (CERT_E_CHAINING,
  // ...) both fail it. Wine's WinVerifyTrust neither hashes MSI files nor applies the
  // chain policy to them, so under Wine its "success" is no evidence: the same two
  // questions are answered by msi-lua's digest and signer check and by the machine's
  // chain engine, which Wine does implement.
  const wine = wineVersion !== null;
  const wineCaveat = `Wine ${wineVersion} does not verify MSI signatures (no hash check, no chain policy), so its verdict is not used; ${verdict}`;
  let signatureValid: Fact<boolean>;
  if (readerRejects) signatureValid = known(false, `msi-lua: ${readerVerdict}`);
  else if (wine && msiHresult === S_OK) {
    if (!chain.known) signatureValid = unknown(`${wineCaveat}; ${chain.reason}`);
    else if (!chain.value.trusted) signatureValid = known(false, chain.value.description);
    else if (readerVerified) signatureValid = known(true, `msi-lua: ${readerVerdict}; ${chain.value.description}; ${wineCaveat}`);
    else signatureValid = unknown(`${wineCaveat}; msi-lua: ${readerVerdict}`);
  } else signatureValid = known(msiHresult === S_OK, verdict);
  let revoked: Fact<boolean>;
  if (wine && (trustHresult === S_OK || trustHresult === CERT_E_EXPIRED))
    revoked = chain.known ? chain.value.revoked : unknown(`${wineCaveat}; ${chain.reason}`);
  else if (trustHresult === CERT_E_REVOKED || trustHresult === CRYPT_E_REVOKED) revoked = known(true, verdict);
  else if (trustHresult === S_OK || trustHresult === CERT_E_EXPIRED)
    revoked = known(false, `${verdict} (revocation checked for the whole chain)`);
  else if (REVOCATION_UNDECIDED.has(trustHresult)) revoked = unknown(verdict);
  else revoked = unknown(`the chain did not verify, so revocation was not decided: ${verdict}`);
  return {
    patch: label,
    targetsProduct,
    signed: known(true, verdict),
    ...(file.known ? { digestAlgorithms: { digest: file.value.digestAlgorithm, signature: file.value.signatureAlgorithm } } : {}),
    signer,
    signatureValid,
    trustVerdict: known(codeName(trustHresult)),
    revoked,
    expired:
      trustHresult === CERT_E_EXPIRED
        ? known(true)
        : chain.known && chain.value.expired.known
          ? chain.value.expired
          : file.known && file.value.expired !== null
            ? known(file.value.expired)
            : unknown('no signer'),
  };
}

/** The machine's chain engine on the certificates the patch's signature carries. */
async function chainVerdict(file: Fact<PatchFileFacts>, wineVersion: string | null): Promise<Fact<ChainVerdict>> {
  if (!file.known) return unknown(`the patch could not be read: ${file.reason}`);
  if (file.value.signatureCertificates.length === 0) return unknown('the signature carries no signer certificate');
  const certificates = file.value.signatureCertificates;
  const chain = await settle(callNative((b) => b.verifyCertificateChain(certificates, true)));
  if (!chain.known) return unknown(`the chain engine failed: ${chain.reason}`);
  // Wine 8.0's cryptnet writes a revoked certificate's verdict to its cache as "good" and
  // answers from that cache until the CRL's nextUpdate, so only "revoked" is evidence.
  const notRevokedUnreliable =
    wineVersion !== null
      ? `Wine ${wineVersion} caches revocation verdicts without the revoked status, so its "not revoked" is no evidence`
      : undefined;
  return known(interpretChain(chain.value, subjectOf, { notRevokedUnreliable }));
}

function subjectOf(der: Buffer): string {
  try {
    return certificateSummary(der).subject;
  } catch {
    return '(unreadable certificate)';
  }
}

interface CertificateTables {
  /** The table as the last patch sees it (no patch: the installed product as it is). */
  table: Fact<PatchCertificateTableFact>;
  /** For each patch to judge: the installed product plus the patches listed before it. */
  perPatch: Array<Fact<PatchCertificateTableFact>>;
}

async function certificateTables(
  cached: Fact<MsiPackage>,
  productCode: string,
  context: InstallContext,
  userSid: string | null,
  candidates: readonly string[],
): Promise<CertificateTables> {
  const everywhere = (reason: string): CertificateTables => ({ table: unknown(reason), perPatch: candidates.map(() => unknown(reason)) });
  if (!cached.known) return everywhere(`the cached package could not be read: ${cached.reason}`);
  const applied = await settle(callNative((b) => b.enumAppliedPatches(productCode, contextFlag(context), userSid)));
  if (!applied.known) return everywhere(`applied patches could not be listed: ${applied.reason}`);
  // The cached package is the original .msi; Windows Installer applies the cached patches'
  // transforms to it, so a certificate table added by an applied patch counts, and so does
  // one added by a patch listed earlier in the same request.
  const patches: MsiPackage[] = [];
  for (const patch of applied.value) {
    if (!patch.localPackage) return everywhere(`the cached copy of applied patch ${patch.patchCode} could not be located`);
    const opened = await settle(openPackage(patch.localPackage));
    if (!opened.known) return everywhere(`applied patch ${patch.patchCode} could not be read: ${opened.reason}`);
    patches.push(opened.value);
  }
  const labels = applied.value.map((p) => `applied patch ${p.patchCode}`);
  let unreadable: string | null = null;
  for (const candidate of candidates) {
    const opened = await settle(openPackage(candidate));
    if (!opened.known) {
      unreadable = `${candidate} could not be read: ${opened.reason}`;
      break;
    }
    patches.push(opened.value);
    labels.push(candidate);
  }
  const tables = await slice(() => certificateTablesThroughPatches(cached.value, patches, labels, 'cached package (LocalPackage)'));
  const perPatch = candidates.map(
    (_, i) => tables[applied.value.length + i] ?? unknown<PatchCertificateTableFact>(unreadable ?? 'not read'),
  );
  return { table: perPatch[perPatch.length - 1] ?? (tables[applied.value.length] as Fact<PatchCertificateTableFact>), perPatch };
}

function contextFlag(context: InstallContext): number {
  return context === 'machine'
    ? MSIINSTALLCONTEXT_MACHINE
    : context === 'userManaged'
      ? MSIINSTALLCONTEXT_USERMANAGED
      : MSIINSTALLCONTEXT_USERUNMANAGED;
}

/** Says whether a standard user can apply the patch(es) to an installed product, and why not. */
export async function evaluateLuaPatching(options: EvaluateLuaPatchingOptions): Promise<MachineLuaReport> {
  const { productCode, patches, context, userSid } = assertEvaluateLuaOptions(options, INSTALL_CONTEXTS);
  const product = await getInstalledProduct(productCode, ['AuthorizedLUAApp', 'LocalPackage', 'LastUsedType'], { context, userSid });
  const localPackage = product.properties.LocalPackage;
  const cached: Fact<MsiPackage> = localPackage
    ? await settle(openPackage(localPackage))
    : unknown('Windows Installer reports no LocalPackage');
  const [engine, policy, caller, tables, patchList] = await Promise.all([
    settle(callNative((b) => b.installerVersion())),
    settle(getLuaPatchingPolicy()),
    settle(getInteractiveContext()),
    certificateTables(cached, productCode, product.context, product.userSid, patches),
    Promise.all(patches.map((p) => patchFacts(p, productCode))),
  ]);
  patchList.forEach((facts, i) => {
    facts.certificateTable = tables.perPatch[i];
  });
  const authorized = product.properties.AuthorizedLUAApp;
  const propertyDisabled: Fact<boolean> = (() => {
    if (cached.known) {
      const fromTable = propertyDisablesLua(cached.value);
      if (fromTable.known && fromTable.value) return fromTable;
    }
    // A value given on the msiexec command line is not recorded anywhere readable, but
    // Windows Installer grants AuthorizedLUAApp only when it was not set.
    if (authorized === '1') return known(false, 'AuthorizedLUAApp=1 is only granted when MSIDISABLELUAPATCHING was not set');
    return unknown('a value given on the command line at installation is not recorded; the cached package does not set it');
  })();
  const lastUsedType = product.properties.LastUsedType;
  const facts: LuaFacts = {
    installerVersion: engine.known
      ? known(
          { engine: engine.value, packageMinimum: cached.known ? (cached.value.summary.pageCount ?? undefined) : undefined },
          'msi.dll file version',
        )
      : unknown(engine.reason),
    windowsXp: windowsXpFact(),
    installedFromRemovableMedia: lastUsedType
      ? known(lastUsedType === 'm', `LastUsedType=${lastUsedType}`)
      : unknown('LastUsedType is not recorded'),
    adminImage: cached.known
      ? known(cached.value.summary.wordCountFlags?.administrativeImage === true, 'cached package summary word count')
      : unknown(cached.reason),
    perMachine: known(product.context === 'machine', `installed in the ${product.context} context`),
    patchCertificateTable: tables.table,
    patches: patchList,
    propertyDisabled,
    policyDisabled: !policy.known
      ? unknown(policy.reason)
      : policy.value.disableLuaPatching === null
        ? unknown(`DisableLUAPatching has the wrong registry type (${policy.value.registryType})`)
        : known(policy.value.disableLuaPatching, policy.value.source),
    authorizedLuaApp: known(authorized === '1', `AuthorizedLUAApp=${authorized ?? '(absent)'}`),
    callerIsAdministrator:
      caller.known && caller.value.elevated !== null
        ? known(caller.value.elevated && (caller.value.facts.groupSids.value ?? []).includes('S-1-5-32-544'), 'process token')
        : unknown(caller.known ? 'token elevation is not known' : caller.reason),
  };
  return { ...evaluateLuaRules(facts), productCode, context: product.context, userSid: product.userSid, patches };
}
