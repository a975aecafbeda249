// Installed-product queries through MsiGetProductInfoExW / MsiEnumProductsExW.
import { MsiLuaError, errorFromWin32 } from './errors';
import {
  E_UNEXPECTED,
  ERROR_SUCCESS,
  ERROR_UNKNOWN_PROPERTY,
  MSIINSTALLCONTEXT_MACHINE,
  MSIINSTALLCONTEXT_USERMANAGED,
  MSIINSTALLCONTEXT_USERUNMANAGED,
} from './errors/codes.generated';
import { callNative } from './native/load';
import type { NativeProductRecord } from './native/binding';
import { assertInstallQueryOptions, assertPlainObject, assertProductCode, assertPropertyNames } from './validate';

export type InstallContext = 'machine' | 'userManaged' | 'userUnmanaged';

const CONTEXT_FLAGS: Record<InstallContext, number> = {
  userManaged: MSIINSTALLCONTEXT_USERMANAGED,
  userUnmanaged: MSIINSTALLCONTEXT_USERUNMANAGED,
  machine: MSIINSTALLCONTEXT_MACHINE,
};
const ALL_CONTEXTS = MSIINSTALLCONTEXT_USERMANAGED | MSIINSTALLCONTEXT_USERUNMANAGED | MSIINSTALLCONTEXT_MACHINE;
/** The context names, looked up as a Set so that inherited names ('toString') never match. */
export const INSTALL_CONTEXTS: ReadonlySet<InstallContext> = new Set<InstallContext>(['machine', 'userManaged', 'userUnmanaged']);

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

export interface ProductQueryOptions {
  /** Where the product is installed; omitted: the first context in which this user sees it. */
  context?: InstallContext;
  /** For the user contexts: whose installation (defaults to the current user). */
  userSid?: string;
}

export interface ListProductsOptions {
  /** Only this context; omitted: all three. */
  context?: InstallContext;
  /** Whose per-user products; 'S-1-1-0' (Everyone) asks for all users (needs administrator rights). */
  userSid?: string;
  /** Properties read for every product, in the same native call. */
  properties?: readonly string[];
}

export interface InstalledProduct {
  productCode: string;
  context: InstallContext;
  /** The owning user's SID for per-user installations, null for per-machine. */
  userSid: string | null;
  properties: Record<string, string | null>;
}

function contextName(flag: number): InstallContext {
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
function shapeValues(record: NativeProductRecord, properties: string[], syscall: string): Record<string, string | null> {
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

/**
 * Reads one property (resolves string | null) or several (resolves a record keyed by
 * name) of an installed product, in one native call.
 */
export function getProductInfo(productCode: string, property: string, options?: ProductQueryOptions): Promise<string | null>;
export function getProductInfo(
  productCode: string,
  properties: readonly string[],
  options?: ProductQueryOptions,
): Promise<Record<string, string | null>>;
export async function getProductInfo(
  productCode: string,
  property: string | readonly string[],
  options?: ProductQueryOptions,
): Promise<string | null | Record<string, string | null>> {
  assertProductCode(productCode);
  const properties = assertPropertyNames(property, 'property');
  const { context, userSid } = assertInstallQueryOptions(options, 'options', INSTALL_CONTEXTS);
  const record = await callNative((binding) =>
    binding.productInfo(productCode, properties, context ? CONTEXT_FLAGS[context] : 0, userSid ?? null),
  );
  const values = shapeValues(record, properties, 'MsiGetProductInfoExW');
  return Array.isArray(property) ? values : (values[properties[0] as string] ?? null);
}

/** Where and for whom a product is installed, plus the given properties. */
export async function getInstalledProduct(
  productCode: string,
  properties: readonly string[] = [],
  options?: ProductQueryOptions,
): Promise<InstalledProduct> {
  assertProductCode(productCode);
  const names = assertPropertyNames(properties, 'properties', false);
  const { context, userSid } = assertInstallQueryOptions(options, 'options', INSTALL_CONTEXTS);
  const record = await callNative((binding) =>
    binding.productInfo(productCode, names, context ? CONTEXT_FLAGS[context] : 0, userSid ?? null),
  );
  return {
    productCode: record.productCode,
    context: contextName(record.context),
    userSid: record.userSid,
    properties: shapeValues(record, names, 'MsiGetProductInfoExW'),
  };
}

/** Every installed product visible to the given user, with the asked properties, in one native call. */
export async function listProducts(options?: ListProductsOptions): Promise<InstalledProduct[]> {
  let properties: string[] = [];
  if (options !== undefined) {
    assertPlainObject(options, 'options');
    if (options.properties !== undefined) properties = assertPropertyNames(options.properties, 'options.properties', false);
  }
  const { context, userSid } = assertInstallQueryOptions(
    options === undefined ? undefined : { context: options.context, userSid: options.userSid },
    'options',
    INSTALL_CONTEXTS,
  );
  const records = await callNative((binding) =>
    binding.enumProducts(context ? CONTEXT_FLAGS[context] : ALL_CONTEXTS, userSid ?? null, properties),
  );
  return records.map((record) => ({
    productCode: record.productCode,
    context: contextName(record.context),
    userSid: record.userSid,
    properties: shapeValues(record, properties, 'MsiGetProductInfoExW'),
  }));
}

/** True exactly when the product's AuthorizedLUAApp property is "1". */
export async function isLuaPatchingAuthorized(productCode: string, options?: ProductQueryOptions): Promise<boolean> {
  const value = await getProductInfo(productCode, 'AuthorizedLUAApp', options);
  return value === '1';
}
