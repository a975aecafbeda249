// Shaping of the native product records (lib/native/binding.ts) into ./index.ts's public
// types: install contexts by name, property values (absent ones null, Wine's squashed
// PackageCode braced), a failing status as its typed error. No validation and no native calls.
import { MsiLuaError, errorFromWin32 } from '../errors';
import {
  E_UNEXPECTED,
  ERROR_SUCCESS,
  ERROR_UNKNOWN_PROPERTY,
  MSIINSTALLCONTEXT_MACHINE,
  MSIINSTALLCONTEXT_USERMANAGED,
  MSIINSTALLCONTEXT_USERUNMANAGED,
} from '../errors/codes.generated';
import type { NativeProductRecord } from '../native/binding';
import type { InstallContext, InstalledProduct } from './index';

/** MSIINSTALLCONTEXT_* by name. */
export const CONTEXT_FLAGS: Record<InstallContext, number> = {
  userManaged: MSIINSTALLCONTEXT_USERMANAGED,
  userUnmanaged: MSIINSTALLCONTEXT_USERUNMANAGED,
  machine: MSIINSTALLCONTEXT_MACHINE,
};

/** Installed-product property names documented for MsiGetProductInfoEx (INSTALLPROPERTY_*). */
export const PRODUCT_PROPERTIES = [
  'AssignmentType',
  'AuthorizedLUAApp',
  'DiskPrompt',
  'HelpLink',
  'HelpTelephone',
  'InstallDate',
  'InstalledLanguage',
  'InstalledProductName',
  'InstallLocation',
  'InstallSource',
  'InstanceType',
  'Language',
  'LastUsedSource',
  'LastUsedType',
  'LocalPackage',
  'MediaPackagePath',
  'PackageCode',
  'PackageName',
  'ProductIcon',
  'ProductID',
  'ProductName',
  'Publisher',
  'RegCompany',
  'RegOwner',
  'State',
  'Transforms',
  'Uninstallable',
  'URLInfoAbout',
  'URLUpdateInfo',
  'Version',
  'VersionMajor',
  'VersionMinor',
  'VersionString',
] as const;
export type ProductProperty = (typeof PRODUCT_PROPERTIES)[number];

const KNOWN_PROPERTIES = new Set<string>(PRODUCT_PROPERTIES);

/** MSIINSTALLCONTEXT_* as its name; a value Windows Installer does not document is an MSI_LUA_UNEXPECTED_CONTEXT error, never a guess. */
export function contextName(flag: number): InstallContext {
  const entry = (Object.entries(CONTEXT_FLAGS) as Array<[InstallContext, number]>).find(([, value]) => value === flag);
  if (!entry)
    throw new MsiLuaError({
      code: 'MSI_LUA_UNEXPECTED_CONTEXT',
      hresult: E_UNEXPECTED,
      message: `Windows Installer reported an unknown install context ${flag}`,
    });
  return entry[0];
}

const SQUASHED_GUID = /^[0-9A-Fa-f]{32}$/;

/** Windows Installer's registry ("squashed") GUID form back to the braced form. */
export function unsquashGuid(squashed: string): string {
  const hex = squashed.toUpperCase();
  const reverse = (s: string) => s.split('').reverse().join('');
  let tail = '';
  for (let i = 16; i < 32; i += 2) tail += hex.charAt(i + 1) + hex.charAt(i);
  return `{${reverse(hex.slice(0, 8))}-${reverse(hex.slice(8, 12))}-${reverse(hex.slice(12, 16))}-${tail.slice(0, 4)}-${tail.slice(4)}}`;
}

/**
 * Wine's msi.dll returns PackageCode in the squashed registry form; Windows returns
 * the braced GUID. Both name the same package, so callers always get the braced form.
 */
function normalizeValue(property: string, value: string): string {
  return property === 'PackageCode' && SQUASHED_GUID.test(value) ? unsquashGuid(value) : value;
}

/**
 * Absent values are null: Windows Installer answers '' or ERROR_UNKNOWN_PROPERTY for a
 * documented property that the product does not have. A name Windows Installer does not
 * know at all is an error (UnknownPropertyError).
 */
export function shapeValues(record: NativeProductRecord, properties: string[], syscall: string): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  properties.forEach((property, index) => {
    const outcome = record.values[index];
    if (!outcome) throw new TypeError(`native layer returned no value for ${property}`);
    if (outcome.status === ERROR_SUCCESS) {
      values[property] = outcome.value === undefined || outcome.value === '' ? null : normalizeValue(property, outcome.value);
    } else if (outcome.status === ERROR_UNKNOWN_PROPERTY && KNOWN_PROPERTIES.has(property)) {
      values[property] = null;
    } else {
      throw errorFromWin32(outcome.status, {
        syscall: `${syscall}(${record.productCode}, ${property})`,
        systemMessage: outcome.systemMessage,
      });
    }
  });
  return values;
}

/** One product record with its asked properties as an InstalledProduct. */
export function shapeProduct(record: NativeProductRecord, properties: string[]): InstalledProduct {
  return {
    productCode: record.productCode,
    context: contextName(record.context),
    userSid: record.userSid,
    properties: shapeValues(record, properties, 'MsiGetProductInfoExW'),
  };
}
