// Offline UAC-patching check from .msi and .msp files, on any platform: what an
// author can know before shipping. What only the target machine knows is 'unknown'.
import { openPackage, type MsiPackage } from '../package';
import { limiter, type Step } from '../package/scheduler';
import { settleOnAbort, signalSlice } from '../package/package';
import { assertWindowsString, copyWindowsStrings, describeValue } from '../validate';
import { certificateTablesInSlices, propertyDisablesLua, propertyValue, readPatchFile } from './package-facts';
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
import { argumentTypeError, INVALID_ARGUMENT } from '../argument-error';

/** What checkLuaPatching resolves: the LuaReport of the files, with what only they can say (docs/lua-patching.md). */
export interface OfflineLuaReport extends LuaReport {
  /**
   * Every check the files can decide passes (the rest are 'unknown' or 'not-applicable'),
   * every patch targets the product and no file is damaged.
   */
  decidableChecksPass: boolean;
  /**
   * Files that open but part of which cannot be decoded (a patch whose transforms are
   * damaged): the checks that depend on them are 'unknown' for a reason that is the file's
   * fault, so the run fails (msi-lua lua-check exits 7).
   */
  damaged: Array<{ file: string; reason: string }>;
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
 * A file given in place of another kind: an .msp, .mst or merge module where an installation
 * package is expected, or the reverse. A TypeError, since the argument is wrong; `path` and
 * `kind` say what was given.
 */
export class PackageKindError extends TypeError {
  readonly code: typeof INVALID_ARGUMENT;
  readonly path: string;
  /** What the file is: 'installation package', 'patch', 'transform', 'merge module' or 'unknown'. */
  readonly kind: string;
  constructor(argument: string, path: string, kind: string, expected: string) {
    const what = kind === 'unknown' ? 'a compound file of unknown kind' : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
    super(`The "${argument}" argument must name ${expected}; ${path} is ${what}`);
    this.name = 'PackageKindError';
    // A bad argument like any other (see INVALID_ARGUMENT), for callers that tell them apart by code.
    this.code = INVALID_ARGUMENT;
    this.path = path;
    this.kind = kind;
  }
}

export function packageKind(pkg: MsiPackage): string {
  if (pkg.kind === 'installer') return pkg.hasTable('ModuleSignature') ? 'merge module' : 'installation package';
  return pkg.kind;
}

/** Tags an error with the file it came from (Node's file-system errors already carry `path`). */
function withPath(error: unknown, path: string): unknown {
  if (typeof error === 'object' && error !== null && typeof (error as { path?: unknown }).path !== 'string') {
    Object.defineProperty(error, 'path', { value: path, enumerable: true, configurable: true });
  }
  return error;
}

async function open(path: string, signal: AbortSignal | undefined): Promise<MsiPackage> {
  try {
    return await openPackage(path, { signal });
  } catch (error) {
    throw withPath(error, path);
  }
}

/**
 * Checks an .msi (and patches for it, in sequence order) against every condition of UAC
 * patching that the files can decide. There is no limit on the number of patches.
 *
 * Throws TypeError for arguments of the wrong type, PackageKindError (a TypeError) when
 * `msiPath` is not an installation package or a patch path is not a patch, MsiFormatError
 * for a file that is not a readable package, Node's file-system errors (ENOENT, EACCES) for a
 * path that cannot be read, and NotRegularFileError (code EISDIR or ENOTREGULAR) for a
 * directory, FIFO or device; the last three carry the file in `path`.
 */
export function checkLuaPatching(
  msiPath: string,
  mspPaths: readonly string[] = [],
  options?: CheckLuaPatchingOptions,
): Promise<OfflineLuaReport> {
  // Not an async function: a check waiting for its turn holds no frame of
  // its own, only its arguments. Bad arguments still reject: the paths are
  // copied (read once, by index) inside the try, and the copy is what is
  // validated and used, so nothing the array does throws synchronously.
  let paths: string[];
  try {
    assertWindowsString(msiPath, 'msiPath');
    if (!Array.isArray(mspPaths))
      throw argumentTypeError(`The "mspPaths" argument must be an array of paths; received ${describeValue(mspPaths)}`);
    paths = copyWindowsStrings(mspPaths, 'mspPaths', 'argument');
    // The options after the paths, and the signal last (as Node checks arguments first).
    const step = signalSlice(options, 'checkLuaPatching()');
    return settleOnAbort(limitChecks(checkFiles, { msiPath, mspPaths: paths, step }, step.exit), step.exit);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Options of checkLuaPatching. */
export interface CheckLuaPatchingOptions {
  /** Aborting it rejects the check with AbortError at once (waiting for its turn, between slices, or on a read). */
  signal?: AbortSignal;
}

/**
 * Checks in progress at once. A check that has opened its package keeps it
 * (and the tables it decoded) until its report is made; without this gate
 * the opens of 1,000 concurrent checks finish eight at a time while their
 * later slices queue behind them, so hundreds of opened packages are alive
 * together and survive into the old generation (long scavenges). Waiting
 * checks hold only their arguments.
 */
const limitChecks = limiter(8);

async function checkFiles({
  msiPath,
  mspPaths,
  step,
}: {
  msiPath: string;
  mspPaths: readonly string[];
  step: Step;
}): Promise<OfflineLuaReport> {
  // The package work runs in slices of the reader's shared scheduler, so
  // many concurrent checks do not hold the event loop.
  const pkg = await open(msiPath, step.exit?.signal);
  const kind = await step(() => packageKind(pkg));
  if (kind !== 'installation package') throw new PackageKindError('msiPath', msiPath, kind, 'an installation package (.msi)');
  const productCode = await step(() => propertyValue(pkg, 'ProductCode'));
  const patches: MsiPackage[] = [];
  for (const [index, path] of mspPaths.entries()) {
    const patch = await open(path, step.exit?.signal);
    const patchKind = await step(() => packageKind(patch));
    if (patchKind !== 'patch') throw new PackageKindError(`mspPaths[${index}]`, path, patchKind, 'a patch (.msp)');
    patches.push(patch);
  }

  // Each patch is judged against the table in the package plus what the patches sequenced
  // before it added or changed (their transforms that target the product, applied in order).
  const damaged: Array<{ file: string; reason: string }> = [];
  const tables = await certificateTablesInSlices(pkg, patches, mspPaths, msiPath, damaged, step);

  const patchFiles: Array<ReturnType<typeof readPatchFile>> = [];
  for (const [index, patch] of patches.entries()) {
    try {
      patchFiles.push(await step(() => readPatchFile(patch)));
    } catch (error) {
      throw withPath(error, mspPaths[index] as string);
    }
  }
  const patchFacts: PatchFacts[] = patches.map((patch, index) => {
    const label = mspPaths[index] as string;
    const file = patchFiles[index]!;
    return {
      digestAlgorithms: { digest: file.digestAlgorithm, signature: file.signatureAlgorithm },
      patch: label,
      targetsProduct: productCode
        ? known(
            file.targetProductCodes.some((c) => c.toUpperCase() === productCode.toUpperCase()),
            'patch summary (Template)',
          )
        : unknown('the package has no ProductCode'),
      signed: known(file.signed, 'DigitalSignature stream'),
      signer: file.signed ? known(file.signer, 'PKCS#7 signer') : known(null),
      signatureValid: file.signed
        ? known(
            file.digestValid === true && file.signatureValid === true,
            file.problems.length ? file.problems.join('; ') : 'digest and signer signature verified',
          )
        : known(false, 'not signed'),
      revoked: unknown(`revocation is checked by Windows on the target machine; ${ON_TARGET}`),
      expired: file.expired === null ? unknown('no signer') : known(file.expired),
      certificateTable: tables[index] as Fact<PatchCertificateTableFact>,
    };
  });

  // The table check reports the table as the last patch sees it (the package alone without patches).
  const table = tables[Math.max(0, patches.length - 1)] as Fact<PatchCertificateTableFact>;

  return step(() => offlineVerdict(pkg, patchFacts, table, productCode, msiPath, mspPaths, damaged));
}

function offlineVerdict(
  pkg: MsiPackage,
  patchFacts: PatchFacts[],
  table: Fact<PatchCertificateTableFact>,
  productCode: string | null,
  msiPath: string,
  mspPaths: readonly string[],
  damaged: Array<{ file: string; reason: string }>,
): OfflineLuaReport {
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
  const decidableChecksPass =
    damaged.length === 0 && report.patchesNotTargeting.length === 0 && report.checks.every((c) => c.status !== 'fail');
  return { ...report, decidableChecksPass, damaged, productCode, package: msiPath, patches: [...mspPaths] };
}
