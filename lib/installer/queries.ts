// Queries an updater needs around the actions: patches (MsiEnumPatchesExW +
// MsiGetPatchInfoExW), product and feature states, related products and which
// patches apply (MsiDeterminePatchSequenceW / MsiDetermineApplicablePatchesW).
// Argument checks are ./arguments.ts, the shaping of native records ./query-shape.ts.
import { callNative } from '../native/load';
import { getInstalledProduct, listProducts, type InstallContext } from '../products';
import { assertProductCode, assertWindowsString } from '../validate';
import {
  CONTEXT_FLAGS,
  checkExistingFile,
  checkFeatureNames,
  checkListPatchesOptions,
  checkPatchPaths,
  type PatchState,
} from './arguments';
import { PATCH_PROPERTIES, installStateName, shapeApplicability, shapeFeature, shapePatch } from './query-shape';

export { PATCH_STATES, type PatchState } from './arguments';

export interface InstalledPatch {
  patchCode: string;
  targetProductCode: string;
  context: InstallContext;
  userSid: string | null;
  /** From INSTALLPROPERTY_PATCHSTATE; null when Windows Installer reports a value msi-lua does not know. */
  state: PatchState | null;
  /** The cached .msp. */
  localPackage: string | null;
  displayName: string | null;
  moreInfoUrl: string | null;
  /** INSTALLPROPERTY_UNINSTALLABLE: the patch was marked removable (MsiPatchMetadata AllowRemoval = 1). */
  uninstallable: boolean | null;
  /** YYYYMMDD, as Windows Installer stores it. */
  installDate: string | null;
  /** The transforms applied, e.g. ":RTM.1;:#RTM.1". */
  transforms: string | null;
}

export interface ListPatchesOptions {
  /** Which states; default all four. */
  state?: PatchState | readonly PatchState[];
  /** Which context; default all three. */
  context?: InstallContext;
  /** Whose per-user installations ('S-1-1-0' for every user, which needs administrator rights). */
  userSid?: string;
}

/**
 * Patches of one product, or of every product this user sees (MsiEnumPatchesExW, then
 * MsiGetPatchInfoExW for each field). Without a product code msi-lua enumerates the products
 * first, then each product's patches: Wine 8 rejects a null product code (measured).
 * `installDate` is YYYYMMDD as registered. Rejects with TypeError (before any native call) for a
 * product code that is not a braced GUID or bad options (`state`: keys of PATCH_STATES), the
 * typed error of Windows Installer, and PlatformNotSupportedError off Windows.
 */
export async function listPatches(productCode?: string, options?: ListPatchesOptions): Promise<InstalledPatch[]> {
  if (productCode !== undefined) assertProductCode(productCode);
  const { filter, contexts, userSid, context } = checkListPatchesOptions(options);
  const products =
    productCode !== undefined ? [productCode] : (await listProducts(context ? { context } : undefined)).map((p) => p.productCode);
  const patches: InstalledPatch[] = [];
  const seen = new Set<string>();
  for (const product of products) {
    const records = await callNative((binding) => binding.enumPatches(product, userSid, contexts, filter, [...PATCH_PROPERTIES]));
    for (const record of records) {
      const key = `${record.patchCode}|${record.targetProductCode}|${record.context}|${record.userSid ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      patches.push(shapePatch(record));
    }
  }
  return patches;
}

/** INSTALLSTATE_* names for products and features. */
export type InstallState =
  'unknown' | 'advertised' | 'absent' | 'local' | 'source' | 'default' | 'broken' | 'badConfig' | 'invalidArgument';

/**
 * MsiQueryProductStateW for this user: 'default' (installed), 'advertised', 'absent'
 * (installed for another user), 'unknown' (not installed) or 'invalidArgument'. Rejects with
 * TypeError for a product code that is not a braced GUID and PlatformNotSupportedError off Windows.
 */
export async function getProductState(productCode: string): Promise<InstallState> {
  assertProductCode(productCode);
  return installStateName(await callNative((binding) => binding.productState(productCode)));
}

/**
 * The product codes (braced GUIDs) of installed products sharing an upgrade code
 * (MsiEnumRelatedProductsW); empty when none. Rejects with TypeError for an upgrade code that is
 * not a braced GUID, the typed error of Windows Installer, and PlatformNotSupportedError off Windows.
 */
export async function findRelatedProducts(upgradeCode: string): Promise<string[]> {
  assertProductCode(upgradeCode, 'upgradeCode');
  return callNative((binding) => binding.relatedProducts(upgradeCode));
}

export interface FeatureInfo {
  feature: string;
  /** From MsiEnumFeaturesW; null for a top-level feature and for one only named in `options.features`. */
  parent: string | null;
  /** MsiQueryFeatureStateW: 'local', 'source', 'absent', 'advertised', 'unknown' (no such feature) ... */
  state: InstallState;
  /** MsiEnumFeaturesW listed it (false: it was only named in `options.features`). */
  enumerated: boolean;
}

/**
 * A product's published features and their states (MsiEnumFeaturesW + MsiQueryFeatureStateW),
 * plus the state of each feature named in `options.features` that the enumeration did not list.
 * Wine 8's MsiEnumFeaturesW lists no feature of a per-machine product (measured: the
 * registration is there), so under Wine only named features are reported. Rejects with
 * TypeError for a product code that is not a braced GUID or a feature name that is not an
 * identifier of up to 38 characters, the typed error of Windows Installer (UnknownProductError for 1605), and
 * PlatformNotSupportedError off Windows.
 */
export async function listFeatures(productCode: string, options?: { features?: readonly string[] }): Promise<FeatureInfo[]> {
  assertProductCode(productCode);
  const names = checkFeatureNames(options);
  const features = await callNative((binding) => binding.features(productCode, names));
  return features.map(shapeFeature);
}

export interface PatchApplicability {
  path: string;
  /** Position in the sequence Windows Installer would apply the patch at, or null when it does not apply. */
  order: number | null;
  applies: boolean;
  /** Why it does not apply: the Win32 code (e.g. 1642 ERROR_PATCH_TARGET_NOT_FOUND) and its text. */
  status: number;
  reason: string | null;
}

/**
 * Which patches apply and in what order: for an installed product (a product code) through
 * MsiDeterminePatchSequenceW in the context it is installed in; for a package path through
 * MsiDetermineApplicablePatchesW. One `{ path, applies, order, status, reason }` per patch, in
 * the order given. Rejects with TypeError (before any native call) for a path that is not an
 * existing file, a `;` or NUL in a patch path, or a braced code that is not a GUID; with
 * UnknownProductError for a product that is not installed, and PlatformNotSupportedError off Windows.
 */
export async function getApplicablePatches(
  productCodeOrPackage: string,
  patchPaths: string | readonly string[],
): Promise<PatchApplicability[]> {
  assertWindowsString(productCodeOrPackage, 'productCodeOrPackage');
  const paths = await checkPatchPaths(patchPaths);
  let target: string;
  let context = 0;
  let userSid: string | null = null;
  if (typeof productCodeOrPackage === 'string' && productCodeOrPackage.startsWith('{')) {
    assertProductCode(productCodeOrPackage, 'productCodeOrPackage');
    const located = await getInstalledProduct(productCodeOrPackage);
    target = productCodeOrPackage;
    context = CONTEXT_FLAGS[located.context];
    userSid = located.userSid;
  } else {
    target = await checkExistingFile(productCodeOrPackage, 'productCodeOrPackage');
  }
  const result = await callNative((binding) => binding.applicablePatches(target, paths, context, userSid));
  return shapeApplicability(result, paths, context ? 'MsiDeterminePatchSequenceW' : 'MsiDetermineApplicablePatchesW');
}
