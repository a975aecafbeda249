// Queries an updater needs around the actions: patches (MsiEnumPatchesExW +
// MsiGetPatchInfoExW), product and feature states, related products and which
// patches apply (MsiDeterminePatchSequenceW / MsiDetermineApplicablePatchesW).
import { assertWindowsString } from '../validate';
import { errorFromWin32 } from '../errors';
import { callNative } from '../native/load';
import type { NativeInfoOutcome } from '../native/binding';
import { getInstalledProduct, listProducts, type InstallContext } from '../products';
import { assertPlainObject, assertProductCode, assertSid, describeValue } from '../validate';
import { checkExistingFile, checkPatchPaths } from './arguments';

const CONTEXT_FLAGS: Record<InstallContext, number> = { userManaged: 1, userUnmanaged: 2, machine: 4 };
const CONTEXT_NAMES: Record<number, InstallContext> = { 1: 'userManaged', 2: 'userUnmanaged', 4: 'machine' };

/** MSIPATCHSTATE_* by name. */
export const PATCH_STATES = { applied: 1, superseded: 2, obsoleted: 4, registered: 8 } as const;
export type PatchState = keyof typeof PATCH_STATES;

/** The MsiGetPatchInfoExW properties listPatches reads. */
const PATCH_PROPERTIES = ['State', 'LocalPackage', 'DisplayName', 'MoreInfoURL', 'Uninstallable', 'InstallDate', 'Transforms'] as const;

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

function value(outcome: NativeInfoOutcome | undefined, property: string, patchCode: string): string | null {
  if (!outcome) return null;
  if (outcome.status === 0) return outcome.value === undefined || outcome.value === '' ? null : outcome.value;
  // ERROR_UNKNOWN_PROPERTY: this patch has no such value.
  if (outcome.status === 1608) return null;
  throw errorFromWin32(outcome.status, { syscall: `MsiGetPatchInfoExW(${patchCode}, ${property})`, systemMessage: outcome.systemMessage });
}

/**
 * Patches of one product, or of every product this user sees (MsiEnumPatchesExW, then
 * MsiGetPatchInfoExW for each field). Without a product code msi-lua enumerates the products
 * first, then each product's patches: Wine 8 rejects a null product code (measured).
 */
export async function listPatches(productCode?: string, options?: ListPatchesOptions): Promise<InstalledPatch[]> {
  if (productCode !== undefined) assertProductCode(productCode);
  let filter = 15;
  let contexts = 7;
  let userSid: string | null = null;
  let context: InstallContext | undefined;
  if (options !== undefined) {
    assertPlainObject(options, 'options');
    if (options.state !== undefined) {
      const states = typeof options.state === 'string' ? [options.state] : options.state;
      if (!Array.isArray(states) || states.length === 0)
        throw new TypeError(
          `The "options.state" option must be a patch state or an array of them; received ${describeValue(options.state)}`,
        );
      filter = 0;
      for (const s of states) {
        if (typeof s !== 'string' || !(s in PATCH_STATES))
          throw new TypeError(
            `The "options.state" option has an unknown state ${describeValue(s)}; known: ${Object.keys(PATCH_STATES).join(', ')}`,
          );
        filter |= PATCH_STATES[s as PatchState];
      }
    }
    if (options.context !== undefined) {
      if (typeof options.context !== 'string' || !(options.context in CONTEXT_FLAGS)) {
        throw new TypeError(
          `The "options.context" option must be 'machine', 'userManaged' or 'userUnmanaged'; received ${describeValue(options.context)}`,
        );
      }
      context = options.context as InstallContext;
      contexts = CONTEXT_FLAGS[context];
    }
    if (options.userSid !== undefined) {
      assertSid(options.userSid, 'options.userSid');
      userSid = options.userSid;
    }
  }
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
      const get = (property: (typeof PATCH_PROPERTIES)[number]) =>
        value(record.values[PATCH_PROPERTIES.indexOf(property)], property, record.patchCode);
      const stateNumber = Number(get('State'));
      const uninstallable = get('Uninstallable');
      patches.push({
        patchCode: record.patchCode,
        targetProductCode: record.targetProductCode,
        context: CONTEXT_NAMES[record.context] ?? 'machine',
        userSid: record.userSid,
        state: (Object.entries(PATCH_STATES).find(([, n]) => n === stateNumber)?.[0] as PatchState | undefined) ?? null,
        localPackage: get('LocalPackage'),
        displayName: get('DisplayName'),
        moreInfoUrl: get('MoreInfoURL'),
        uninstallable: uninstallable === null ? null : uninstallable === '1',
        installDate: get('InstallDate'),
        transforms: get('Transforms'),
      });
    }
  }
  return patches;
}

/** INSTALLSTATE_* names for products and features. */
export type InstallState =
  'unknown' | 'advertised' | 'absent' | 'local' | 'source' | 'default' | 'broken' | 'badConfig' | 'invalidArgument';
const INSTALL_STATE_NAMES: Record<number, InstallState> = {
  [-6]: 'badConfig',
  [-2]: 'invalidArgument',
  [-1]: 'unknown',
  0: 'broken',
  1: 'advertised',
  2: 'absent',
  3: 'local',
  4: 'source',
  5: 'default',
};

function stateName(state: number): InstallState {
  return INSTALL_STATE_NAMES[state] ?? 'unknown';
}

/**
 * MsiQueryProductStateW for this user: 'default' (installed), 'advertised', 'absent'
 * (installed for another user), 'unknown' (not installed) or 'invalidArgument'.
 */
export async function getProductState(productCode: string): Promise<InstallState> {
  assertProductCode(productCode);
  return stateName(await callNative((binding) => binding.productState(productCode)));
}

/** Installed products sharing an upgrade code (MsiEnumRelatedProductsW). */
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

/** Feature names are Windows Installer identifiers of up to 38 characters. */
const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,37}$/;

/**
 * A product's published features and their states (MsiEnumFeaturesW + MsiQueryFeatureStateW),
 * plus the state of each feature named in `options.features` that the enumeration did not list.
 * Wine 8's MsiEnumFeaturesW lists no feature of a per-machine product (measured: the
 * registration is there), so under Wine only named features are reported.
 */
export async function listFeatures(productCode: string, options?: { features?: readonly string[] }): Promise<FeatureInfo[]> {
  assertProductCode(productCode);
  let names: string[] = [];
  if (options !== undefined) {
    assertPlainObject(options, 'options');
    if (options.features !== undefined) {
      if (!Array.isArray(options.features))
        throw new TypeError(`The "options.features" option must be an array of feature names; received ${describeValue(options.features)}`);
      options.features.forEach((name: unknown, i: number) => {
        if (typeof name !== 'string' || !FEATURE_NAME.test(name))
          throw new TypeError(
            `The "options.features[${i}]" option must be a feature name (an identifier of up to 38 characters); received ${describeValue(name)}`,
          );
      });
      names = [...options.features];
    }
  }
  const features = await callNative((binding) => binding.features(productCode, names));
  return features.map((f) => ({ feature: f.feature, parent: f.parent, state: stateName(f.state), enumerated: f.enumerated }));
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
 * MsiDetermineApplicablePatchesW.
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
  if (result.status !== 0)
    throw errorFromWin32(result.status, { syscall: context ? 'MsiDeterminePatchSequenceW' : 'MsiDetermineApplicablePatchesW' });
  return result.patches.map((p, i) => ({
    path: paths[i] as string,
    order: p.order >= 0 && p.order !== 0xffffffff ? p.order : null,
    applies: p.status === 0 && p.order >= 0,
    status: p.status,
    reason: p.status === 0 ? null : (p.systemMessage ?? `Win32 ${p.status}`),
  }));
}
