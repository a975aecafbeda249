// Shaping of the installer query records (lib/native/binding.ts) into the public types of
// ./queries.ts: patch properties, install states by name, patch applicability, and a failing
// status as its typed error. No validation and no native calls here.
import { errorFromWin32 } from '../errors';
import type { InstallerBinding, NativeInfoOutcome, NativePatchRecord } from '../native/binding';
import { contextName } from '../products/shape';
import { PATCH_STATES, type PatchState } from './arguments';
import type { FeatureInfo, InstallState, InstalledPatch, PatchApplicability } from './queries';

type NativeFeature = Awaited<ReturnType<InstallerBinding['features']>>[number];
type NativeApplicable = Awaited<ReturnType<InstallerBinding['applicablePatches']>>;

/** The MsiGetPatchInfoExW properties listPatches reads. */
export const PATCH_PROPERTIES = [
  'State',
  'LocalPackage',
  'DisplayName',
  'MoreInfoURL',
  'Uninstallable',
  'InstallDate',
  'Transforms',
] as const;

function value(outcome: NativeInfoOutcome | undefined, property: string, patchCode: string): string | null {
  if (!outcome) return null;
  if (outcome.status === 0) return outcome.value === undefined || outcome.value === '' ? null : outcome.value;
  // ERROR_UNKNOWN_PROPERTY: this patch has no such value.
  if (outcome.status === 1608) return null;
  throw errorFromWin32(outcome.status, { syscall: `MsiGetPatchInfoExW(${patchCode}, ${property})`, systemMessage: outcome.systemMessage });
}

/** One MsiEnumPatchesExW record with its PATCH_PROPERTIES values (MsiGetPatchInfoExW) as an InstalledPatch. */
export function shapePatch(record: NativePatchRecord): InstalledPatch {
  const get = (property: (typeof PATCH_PROPERTIES)[number]) =>
    value(record.values[PATCH_PROPERTIES.indexOf(property)], property, record.patchCode);
  const stateNumber = Number(get('State'));
  const uninstallable = get('Uninstallable');
  return {
    patchCode: record.patchCode,
    targetProductCode: record.targetProductCode,
    context: contextName(record.context),
    userSid: record.userSid,
    state: (Object.entries(PATCH_STATES).find(([, n]) => n === stateNumber)?.[0] as PatchState | undefined) ?? null,
    localPackage: get('LocalPackage'),
    displayName: get('DisplayName'),
    moreInfoUrl: get('MoreInfoURL'),
    uninstallable: uninstallable === null ? null : uninstallable === '1',
    installDate: get('InstallDate'),
    transforms: get('Transforms'),
  };
}

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

/** INSTALLSTATE_* by name; a value Windows Installer does not document is 'unknown'. */
export function installStateName(state: number): InstallState {
  return INSTALL_STATE_NAMES[state] ?? 'unknown';
}

/** One MsiEnumFeaturesW/MsiQueryFeatureStateW record with its state by name. */
export function shapeFeature(f: NativeFeature): FeatureInfo {
  return { feature: f.feature, parent: f.parent, state: installStateName(f.state), enumerated: f.enumerated };
}

/** The MsiDeterminePatchSequenceW / MsiDetermineApplicablePatchesW answer for `paths`, in order; a failing call throws its typed error. */
export function shapeApplicability(result: NativeApplicable, paths: readonly string[], syscall: string): PatchApplicability[] {
  if (result.status !== 0) throw errorFromWin32(result.status, { syscall });
  return result.patches.map((p, i) => ({
    path: paths[i] as string,
    order: p.order >= 0 && p.order !== 0xffffffff ? p.order : null,
    applies: p.status === 0 && p.order >= 0,
    status: p.status,
    reason: p.status === 0 ? null : (p.systemMessage ?? `Win32 ${p.status}`),
  }));
}
