// What the machine's answers mean as UAC-patching facts (./rules.ts): a patch's signature
// as Windows Installer, WinVerifyTrust, the chain engine and msi-lua's reader judged it, and
// the product, policy and token answers as LuaFacts. Pure: the answers are gathered by
// ./machine.ts; no native calls here.
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
  S_OK,
  TRUST_E_NOSIGNATURE,
  TRUST_E_SUBJECT_FORM_UNKNOWN,
} from '../errors/codes.generated';
import type { NativeSignatureFacts } from '../native/binding';
import type { MsiPackage } from '../package';
import type { LuaPatchingPolicy } from '../policy';
import type { InteractiveContext } from '../process';
import type { InstalledProduct } from '../products';
import type { ChainVerdict } from './chain';
import { type PatchFileFacts, certificateSummary, propertyDisablesLua } from './package-facts';
import { type Fact, type LuaFacts, type PatchCertificateTableFact, type PatchFacts, known, unknown } from './rules';

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

/** MsiGetFileSignatureInformationW's answer for a file with no signature to judge. */
export function isUnsignedVerdict(msiHresult: number): boolean {
  return msiHresult === TRUST_E_NOSIGNATURE || msiHresult === TRUST_E_SUBJECT_FORM_UNKNOWN;
}

/**
 * One patch's facts from the native signature check (`native`), the package reader (`file`)
 * and, for a signed patch, the machine's chain engine (`chainFact`).
 */
export function interpretPatchFacts(
  label: string,
  productCode: string,
  native: Fact<NativeSignatureFacts>,
  file: Fact<PatchFileFacts>,
  chainFact: Fact<ChainVerdict> | undefined,
): PatchFacts {
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
  if (isUnsignedVerdict(msiHresult)) {
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
  const chain = chainFact ?? unknown<ChainVerdict>('the chain engine was not asked');
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

/** What evaluateLuaPatching gathered on the machine. */
export interface MachineAnswers {
  product: InstalledProduct;
  cached: Fact<MsiPackage>;
  engine: Fact<string>;
  policy: Fact<LuaPatchingPolicy>;
  caller: Fact<InteractiveContext>;
  tables: { table: Fact<PatchCertificateTableFact> };
  patches: PatchFacts[];
  windowsXp: Fact<boolean>;
}

/** The machine's answers as the LuaFacts the rules judge. */
export function machineLuaFacts({ product, cached, engine, policy, caller, tables, patches, windowsXp }: MachineAnswers): LuaFacts {
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
  return {
    installerVersion: engine.known
      ? known(
          { engine: engine.value, packageMinimum: cached.known ? (cached.value.summary.pageCount ?? undefined) : undefined },
          'msi.dll file version',
        )
      : unknown(engine.reason),
    windowsXp,
    installedFromRemovableMedia: lastUsedType
      ? known(lastUsedType === 'm', `LastUsedType=${lastUsedType}`)
      : unknown('LastUsedType is not recorded'),
    adminImage: cached.known
      ? known(cached.value.summary.wordCountFlags?.administrativeImage === true, 'cached package summary word count')
      : unknown(cached.reason),
    perMachine: known(product.context === 'machine', `installed in the ${product.context} context`),
    patchCertificateTable: tables.table,
    patches,
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
}
