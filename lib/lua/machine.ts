// On-machine UAC-patching evaluation: every fact gathered through the native layer
// (Windows Installer, the registry, WinVerifyTrust, the token) and the package reader
// (the cached package and the patch files), read as facts by ./machine-facts.ts, then
// judged by the shared rules. Argument checks are lib/validate.ts.
import * as os from 'node:os';

import { getInteractiveContext } from '../process';
import { MSIINSTALLCONTEXT_MACHINE, MSIINSTALLCONTEXT_USERMANAGED, MSIINSTALLCONTEXT_USERUNMANAGED } from '../errors/codes.generated';
import { callNative } from '../native/load';
import { openPackage, type MsiPackage } from '../package';
import { limiter, slice } from '../package/scheduler';
import { getLuaPatchingPolicy } from '../policy';
import { INSTALL_CONTEXTS, type InstallContext, getInstalledProduct } from '../products';
import { assertEvaluateLuaOptions, thrownText } from '../validate';
import { type ChainVerdict, interpretChain } from './chain';
import { interpretPatchFacts, isUnsignedVerdict, machineLuaFacts } from './machine-facts';
import { type PatchFileFacts, certificateSummary, certificateTablesInSlices, readPatchFile } from './package-facts';
import { type Fact, type LuaReport, type PatchCertificateTableFact, type PatchFacts, evaluateLuaRules, known, unknown } from './rules';

/** evaluateLuaPatching's options: the installed product (a braced GUID), the .msp path(s) to judge, and its context and user. */
export interface EvaluateLuaPatchingOptions {
  productCode: string;
  /** Patch file(s) to judge, in sequence order. */
  patch?: string | readonly string[];
  context?: InstallContext;
  userSid?: string;
}

/** What evaluateLuaPatching resolves: the LuaReport of the installed product, where and for whom it is installed, and the patches judged. */
export interface MachineLuaReport extends LuaReport {
  productCode: string;
  context: InstallContext;
  userSid: string | null;
  patches: string[];
}

async function settle<T>(work: Promise<T>): Promise<Fact<T>> {
  try {
    return known(await work);
  } catch (error) {
    return unknown(thrownText(error));
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
  const chain =
    native.known && !isUnsignedVerdict(native.value.msiHresult) ? await chainVerdict(file, native.value.wineVersion) : undefined;
  return interpretPatchFacts(label, productCode, native, file, chain);
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
  const tables = await certificateTablesInSlices(cached.value, patches, labels, 'cached package (LocalPackage)');
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

/**
 * Says whether a standard user can apply the patch(es) to an installed product, and why not.
 *
 * Rejects with TypeError for bad options, naming the option (before any native call; an
 * option whose getter or Proxy trap throws included, with what it threw as `cause`), and
 * with the typed error of the product lookup (e.g. an unknown product); every other fact
 * that cannot be found becomes 'unknown' in the report. Each option is read once, and a
 * `patch` array is copied when the call is made.
 *
 * At most 8 evaluations are in progress at once; the others wait, holding only their
 * options, and start in call order. An evaluation keeps its place until its native calls
 * settle: one awaited from inside another evaluation's native call (a test's fake binding)
 * waits for ever once the 8 places are taken, and a native call that never returned would
 * keep its place for good (it would first hold one of the thread pool's threads).
 */
export function evaluateLuaPatching(options: EvaluateLuaPatchingOptions): Promise<MachineLuaReport> {
  // Not an async function: an evaluation waiting for its turn holds no frame of its own.
  let checked: EvaluationRequest;
  try {
    checked = assertEvaluateLuaOptions(options, INSTALL_CONTEXTS);
  } catch (error) {
    return Promise.reject(error);
  }
  return limitEvaluations(evaluate, checked);
}

type EvaluationRequest = ReturnType<typeof assertEvaluateLuaOptions<InstallContext>>;

/**
 * Evaluations in progress at once. An evaluation keeps the cached package
 * (and the patches) it opened until its report is made; without this gate
 * 1,000 concurrent calls open their packages eight at a time (the reader's
 * own gate) while the rest of each evaluation queues, so hundreds of opened
 * packages are alive together (long scavenges), as with offline checks.
 */
const limitEvaluations = limiter(8);

async function evaluate({ productCode, patches, context, userSid }: EvaluationRequest): Promise<MachineLuaReport> {
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
  // The rules run in a slice of the reader's scheduler, like the package work before them.
  return slice(() => {
    const facts = machineLuaFacts({ product, cached, engine, policy, caller, tables, patches: patchList, windowsXp: windowsXpFact() });
    return { ...evaluateLuaRules(facts), productCode, context: product.context, userSid: product.userSid, patches };
  });
}
