// Argument checks and command-line building for the installer actions and queries. Every
// check runs before any native call; messages name the argument.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

import type { InstallContext } from '../products';
import {
  assertIntegerInRange,
  assertPlainObject,
  assertProductCode,
  assertSid,
  checkEach,
  describeValue,
  isAbortSignal,
} from '../validate';
import type { InstallerProgressEvent } from './progress';
import { argumentTypeError } from '../argument-error';

/** A Windows Installer identifier ("Identifier" column type): a letter or underscore, then letters, digits, underscores, periods. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const MAX_PATCHES = 127;

export type PropertyValue = string | number | boolean;

export function assertNoNul(value: string, name: string): void {
  if (value.includes('\0')) throw argumentTypeError(`The "${name}" argument must not contain a NUL character`);
}

/**
 * The property list Windows Installer parses (MsiInstallProduct's szCommandLine): NAME="value"
 * pairs separated by spaces, each value in double quotes with inner double quotes doubled.
 * Rejects names that are not identifiers and values with NUL; booleans become "1" and "".
 */
export function buildPropertyString(properties: unknown, name = 'options.properties'): string {
  if (properties === undefined) return '';
  assertPlainObject(properties, name);
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(properties)) {
    if (!IDENTIFIER.test(key)) {
      throw argumentTypeError(
        `The "${name}" argument has a property name that is not a Windows Installer identifier: ${JSON.stringify(key)}`,
      );
    }
    let value: string;
    if (typeof raw === 'string') value = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) value = String(raw);
    else if (typeof raw === 'boolean') value = raw ? '1' : '';
    else
      throw argumentTypeError(
        `The "${name}.${key}" property must be a string, a finite number or a boolean; received ${describeValue(raw)}`,
      );
    assertNoNul(value, `${name}.${key}`);
    parts.push(`${key}="${value.replace(/"/g, '""')}"`);
  }
  return parts.join(' ');
}

/** An existing file, as an absolute path (Windows Installer resolves relative paths against its own directory). */
export async function checkExistingFile(value: unknown, name: string): Promise<string> {
  if (typeof value !== 'string' || value.length === 0) {
    throw argumentTypeError(`The "${name}" argument must be a path to a file; received ${describeValue(value)}`);
  }
  assertNoNul(value, name);
  const absolute = path.resolve(value);
  const stat = await fsp.stat(absolute).catch(() => null);
  if (!stat || !stat.isFile())
    throw argumentTypeError(`The "${name}" argument must be a path to an existing file; ${JSON.stringify(value)} is not one`);
  return absolute;
}

/** One .msp path or a non-empty array of them; `;` separates the list Windows Installer takes, so a path may not hold one. */
export async function checkPatchPaths(value: unknown, name = 'patchPaths'): Promise<string[]> {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_PATCHES) {
    throw argumentTypeError(
      `The "${name}" argument must be a path or an array of 1 to ${MAX_PATCHES} paths; received ${describeValue(value)}`,
    );
  }
  const paths: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (typeof item === 'string' && item.includes(';'))
      throw argumentTypeError(`The "${name}[${i}]" path must not contain ";" (Windows Installer separates patches with it)`);
    paths.push(await checkExistingFile(item, `${name}[${i}]`));
  }
  return paths;
}

export function checkPatchCodes(value: unknown, name = 'patchCodes'): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_PATCHES) {
    throw argumentTypeError(
      `The "${name}" argument must be a patch code or an array of 1 to ${MAX_PATCHES} of them; received ${describeValue(value)}`,
    );
  }
  return checkEach(list, (code, i) => {
    assertProductCode(code, `${name}[${i}]`);
    return code;
  });
}

/** A log file path whose directory exists; the path itself is not a directory. */
export async function checkLogPath(value: unknown, name = 'options.log'): Promise<string> {
  if (typeof value !== 'string' || value.length === 0)
    throw argumentTypeError(`The "${name}" option must be a file path; received ${describeValue(value)}`);
  assertNoNul(value, name);
  const absolute = path.resolve(value);
  // MsiEnableLogW accepts a directory and the action then runs without a log (Wine 8, measured).
  const existing = await fsp.stat(absolute).catch(() => null);
  if (existing?.isDirectory())
    throw argumentTypeError(`The "${name}" option must be a file path, not a directory; ${JSON.stringify(value)} is a directory`);
  const dir = await fsp.stat(path.dirname(absolute)).catch(() => null);
  if (!dir || !dir.isDirectory())
    throw argumentTypeError(
      `The "${name}" option must be a path in an existing directory; ${JSON.stringify(path.dirname(absolute))} is not one`,
    );
  return absolute;
}

/** REINSTALLMODE flags by name (MsiReinstallProduct's dwReinstallMode). */
export const REINSTALL_MODES = {
  /** p: reinstall only a missing file. */
  fileMissing: 0x2,
  /** o: a missing file or an older version. */
  fileOlderVersion: 0x4,
  /** e: a missing file, or an equal or older version. */
  fileEqualVersion: 0x8,
  /** d: a missing file or a different version. */
  fileExact: 0x10,
  /** c: verify checksums, reinstall a missing or corrupt file. */
  fileVerify: 0x20,
  /** a: reinstall every file. */
  fileReplace: 0x40,
  /** m: rewrite the per-machine registry entries. */
  machineData: 0x80,
  /** u: rewrite the per-user registry entries. */
  userData: 0x100,
  /** s: reinstall shortcuts and icons. */
  shortcut: 0x200,
  /** v: run from the source package and re-cache the local package. */
  package: 0x400,
} as const;
export type ReinstallMode = keyof typeof REINSTALL_MODES;

/** The documented default: "omus" (older files, machine and user data, shortcuts), as `msiexec /f` uses. */
export const DEFAULT_REINSTALL_MODE: readonly ReinstallMode[] = ['fileOlderVersion', 'machineData', 'userData', 'shortcut'];

export function reinstallModeFlags(value: unknown, name = 'options.mode'): number {
  const list = value === undefined ? DEFAULT_REINSTALL_MODE : value;
  if (!Array.isArray(list) || list.length === 0)
    throw argumentTypeError(`The "${name}" option must be a non-empty array of reinstall modes; received ${describeValue(value)}`);
  let flags = 0;
  for (const mode of list) {
    if (typeof mode !== 'string' || !Object.prototype.hasOwnProperty.call(REINSTALL_MODES, mode)) {
      throw argumentTypeError(
        `The "${name}" option has an unknown reinstall mode ${describeValue(mode)}; known: ${Object.keys(REINSTALL_MODES).join(', ')}`,
      );
    }
    flags |= REINSTALL_MODES[mode as ReinstallMode];
  }
  return flags;
}

/** Feature and product install states (INSTALLSTATE_*) by name, for configureProduct. */
export const INSTALL_STATES = { default: 5, local: 3, source: 4, absent: 2, advertised: 1 } as const;
export type ConfigureState = keyof typeof INSTALL_STATES;

export function checkSignal(value: unknown, name = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  // removeEventListener too: the action removes its listener when it settles.
  if (!isAbortSignal(value)) throw argumentTypeError(`The "${name}" option must be an AbortSignal; received ${describeValue(value)}`);
  return value;
}

/** The options every action takes, checked (./actions.ts). */
export interface ActionOptions {
  onProgress?: (event: InstallerProgressEvent) => void;
  signal?: AbortSignal;
  log?: string;
  commandLine: string;
}

/**
 * onProgress, signal, log and (where the action takes a property list) properties, checked
 * before any native call; `commandLine` is the property list built from `properties`.
 */
export async function checkActionOptions(options: unknown, allowProperties: boolean): Promise<ActionOptions> {
  if (options === undefined) return { commandLine: '' };
  assertPlainObject(options, 'options');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw argumentTypeError(`The "options.onProgress" option must be a function; received ${describeValue(options.onProgress)}`);
  }
  const signal = checkSignal(options.signal);
  const log = options.log === undefined ? undefined : await checkLogPath(options.log);
  if (!allowProperties && options.properties !== undefined) {
    throw argumentTypeError(
      'The "options.properties" option is not accepted here: MsiReinstallProduct takes no property list (use configureProduct)',
    );
  }
  return {
    onProgress: options.onProgress as ActionOptions['onProgress'],
    signal,
    log,
    commandLine: buildPropertyString(options.properties),
  };
}

/** configureProduct's request: INSTALLLEVEL 0..65535 (default 0) and the state by name. */
export function checkConfigureRequest(request: unknown): { level: number; installState: number } {
  assertPlainObject(request, 'request');
  const level = request.installLevel ?? 0;
  assertIntegerInRange(level, 'request.installLevel', 0, 65535);
  if (typeof request.state !== 'string' || !Object.prototype.hasOwnProperty.call(INSTALL_STATES, request.state)) {
    throw argumentTypeError(
      `The "request.state" argument must be one of ${Object.keys(INSTALL_STATES).join(', ')}; received ${describeValue(request.state)}`,
    );
  }
  return { level, installState: INSTALL_STATES[request.state as ConfigureState] };
}

/** MSIINSTALLCONTEXT_* by name (MsiEnumPatchesExW's dwContext, MsiDeterminePatchSequenceW's). */
export const CONTEXT_FLAGS: Record<InstallContext, number> = { userManaged: 1, userUnmanaged: 2, machine: 4 };

/** MSIPATCHSTATE_* by name (MsiEnumPatchesExW's dwFilter): applied 1, superseded 2, obsoleted 4, registered 8. */
export const PATCH_STATES = { applied: 1, superseded: 2, obsoleted: 4, registered: 8 } as const;
export type PatchState = keyof typeof PATCH_STATES;

/**
 * listPatches' options as MsiEnumPatchesExW's arguments: the MSIPATCHSTATE filter (default all
 * four), the context flags (default all three), the user SID (default null: this user).
 */
export function checkListPatchesOptions(options: unknown): {
  filter: number;
  contexts: number;
  userSid: string | null;
  context: InstallContext | undefined;
} {
  let filter = 15;
  let contexts = 7;
  let userSid: string | null = null;
  let context: InstallContext | undefined;
  if (options !== undefined) {
    assertPlainObject(options, 'options');
    if (options.state !== undefined) {
      const states = typeof options.state === 'string' ? [options.state] : options.state;
      if (!Array.isArray(states) || states.length === 0)
        throw argumentTypeError(
          `The "options.state" option must be a patch state or an array of them; received ${describeValue(options.state)}`,
        );
      filter = 0;
      for (const s of states) {
        if (typeof s !== 'string' || !Object.hasOwn(PATCH_STATES, s))
          throw argumentTypeError(
            `The "options.state" option has an unknown state ${describeValue(s)}; known: ${Object.keys(PATCH_STATES).join(', ')}`,
          );
        filter |= PATCH_STATES[s as PatchState];
      }
    }
    if (options.context !== undefined) {
      // Own keys only: `in` would take inherited names ('toString', '__proto__') for contexts.
      if (typeof options.context !== 'string' || !Object.hasOwn(CONTEXT_FLAGS, options.context)) {
        throw argumentTypeError(
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
  return { filter, contexts, userSid, context };
}

/** Feature names are Windows Installer identifiers of up to 38 characters. */
const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,37}$/;

/** listFeatures' `options.features`: feature names (identifiers of up to 38 characters); default none. */
export function checkFeatureNames(options: unknown): string[] {
  let names: string[] = [];
  if (options !== undefined) {
    assertPlainObject(options, 'options');
    if (options.features !== undefined) {
      if (!Array.isArray(options.features))
        throw argumentTypeError(
          `The "options.features" option must be an array of feature names; received ${describeValue(options.features)}`,
        );
      names = checkEach(options.features, (name, i) => {
        if (typeof name !== 'string' || !FEATURE_NAME.test(name))
          throw argumentTypeError(
            `The "options.features[${i}]" option must be a feature name (an identifier of up to 38 characters); received ${describeValue(name)}`,
          );
        return name;
      });
    }
  }
  return names;
}
