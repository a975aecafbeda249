// Offline UAC-patching check from .msi and .msp files, on any platform: what an
// author can know before shipping. What only the target machine knows is 'unknown'.
import { openPackage, type MsiPackage } from '../package';
import { slice } from '../package/scheduler';
import { assertNonEmptyString, describeValue } from '../validate';
import { certificateTablesThroughPatches, propertyDisablesLua, propertyValue, readPatchFile } from './package-facts';
import { type Fact, type LuaFacts, type LuaReport, type PatchCertificateTableFact, type PatchFacts, evaluateLuaRules, known, unknown } from './rules';

export interface OfflineLuaReport extends LuaReport {
  /** Every check the files can decide passes (the rest are 'unknown' or 'not-applicable'). */
  decidableChecksPass: boolean;
  productCode: string | null;
  package: string;
  patches: string[];
}

const ON_TARGET = 'only the target machine can answer this';

function perMachineFact(pkg: MsiPackage): Fact<boolean> {
  const allUsers = propertyValue(pkg, 'ALLUSERS');
  if (allUsers === '1') return known(true, 'ALLUSERS=1');
  if (allUsers === '2') {
    const perUser = propertyValue(pkg, 'MSIINSTALLPERUSER');
    if (perUser === '1') return known(false, 'ALLUSERS=2 with MSIINSTALLPERUSER=1');
    return unknown('ALLUSERS=2 installs per-machine only when the installing user is an administrator');
  }
  return known(false, allUsers === null ? 'ALLUSERS not set (per-user)' : `ALLUSERS=${allUsers}`);
}

function adminImageFact(pkg: MsiPackage): Fact<boolean> {
  if (pkg.summary.wordCountFlags?.administrativeImage) return known(true, 'summary word count: administrative image');
  return unknown(`the package is not an administrative image, but it may still be deployed from one; ${ON_TARGET}`);
}

/**
 * Checks an .msi (and patches for it, in sequence order) against every condition of UAC
 * patching that the files can decide.
 */
export async function checkLuaPatching(msiPath: string, mspPaths: readonly string[] = []): Promise<OfflineLuaReport> {
  assertNonEmptyString(msiPath, 'msiPath');
  if (!Array.isArray(mspPaths)) throw new TypeError(`The "mspPaths" argument must be an array of paths; received ${describeValue(mspPaths)}`);
  mspPaths.forEach((p, i) => assertNonEmptyString(p, `mspPaths[${i}]`));

  // The package work runs in slices of the reader's shared scheduler, so
  // many concurrent checks do not hold the event loop.
  const pkg = await openPackage(msiPath);
  const productCode = await slice(() => propertyValue(pkg, 'ProductCode'));
  const patches = await Promise.all(mspPaths.map((p) => openPackage(p)));

  // Each patch is judged against the table in the package plus what the patches sequenced
  // before it added or changed (their transforms that target the product, applied in order).
  const tables = await slice(() => certificateTablesThroughPatches(pkg, patches, mspPaths, msiPath));

  const patchFiles: Array<ReturnType<typeof readPatchFile>> = [];
  for (const patch of patches) patchFiles.push(await slice(() => readPatchFile(patch)));
  const patchFacts: PatchFacts[] = patches.map((patch, index) => {
    const label = mspPaths[index] as string;
    const file = patchFiles[index]!;
    return {
      patch: label,
      targetsProduct: productCode
        ? known(file.targetProductCodes.some((c) => c.toUpperCase() === productCode.toUpperCase()), 'patch summary (Template)')
        : unknown('the package has no ProductCode'),
      signed: known(file.signed, 'DigitalSignature stream'),
      signer: file.signed ? known(file.signer, 'PKCS#7 signer') : known(null),
      signatureValid: file.signed
        ? known(file.digestValid === true && file.signatureValid === true, file.problems.length ? file.problems.join('; ') : 'digest and signer signature verified')
        : known(false, 'not signed'),
      revoked: unknown(`revocation is checked by Windows on the target machine; ${ON_TARGET}`),
      expired: file.expired === null ? unknown('no signer') : known(file.expired),
      certificateTable: tables[index] as Fact<PatchCertificateTableFact>,
    };
  });

  // The table check reports the table as the last patch sees it (the package alone without patches).
  const table = tables[Math.max(0, patches.length - 1)] as Fact<PatchCertificateTableFact>;

  return slice(() => offlineVerdict(pkg, patchFacts, table, productCode, msiPath, mspPaths));
}

function offlineVerdict(pkg: MsiPackage, patchFacts: PatchFacts[], table: Fact<PatchCertificateTableFact>, productCode: string | null, msiPath: string, mspPaths: readonly string[]): OfflineLuaReport {
  const facts: LuaFacts = {
    installerVersion: known({ packageMinimum: pkg.summary.pageCount ?? undefined }, 'summary PageCount'),
    windowsXp: known(false, 'UAC patching on current Windows; the Windows XP removable-media rule is not checked offline'),
    installedFromRemovableMedia: unknown(ON_TARGET),
    adminImage: adminImageFact(pkg),
    perMachine: perMachineFact(pkg),
    patchCertificateTable: table,
    patches: patchFacts,
    propertyDisabled: propertyDisablesLua(pkg),
    policyDisabled: unknown(`the DisableLUAPatching policy is set per machine; ${ON_TARGET}`),
    authorizedLuaApp: unknown(`AuthorizedLUAApp is recorded at installation; ${ON_TARGET}`),
    callerIsAdministrator: unknown('offline'),
  };
  const report = evaluateLuaRules(facts);
  const notTargeting = patchFacts.some((p) => p.targetsProduct?.known && !p.targetsProduct.value);
  const decidableChecksPass = !notTargeting && report.checks.every((c) => c.status !== 'fail');
  return { ...report, decidableChecksPass, productCode, package: msiPath, patches: [...mspPaths] };
}
