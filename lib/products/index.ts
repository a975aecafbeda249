// Installed-product queries through MsiGetProductInfoExW / MsiEnumProductsExW: checks the
// arguments (lib/validate.ts) and calls the binding; ./shape.ts shapes what it returns.
import { MSIINSTALLCONTEXT_MACHINE, MSIINSTALLCONTEXT_USERMANAGED, MSIINSTALLCONTEXT_USERUNMANAGED } from '../errors/codes.generated';
import { callNative } from '../native/load';
import { mapInSlices } from '../package/scheduler';
import { assertInstallQueryOptions, assertPlainObject, assertProductCode, assertPropertyNames } from '../validate';
import { CONTEXT_FLAGS, shapeProduct, shapeValues } from './shape';

export { PRODUCT_PROPERTIES, unsquashGuid, type ProductProperty } from './shape';

export type InstallContext = 'machine' | 'userManaged' | 'userUnmanaged';

const ALL_CONTEXTS = MSIINSTALLCONTEXT_USERMANAGED | MSIINSTALLCONTEXT_USERUNMANAGED | MSIINSTALLCONTEXT_MACHINE;
/** The context names, looked up as a Set so that inherited names ('toString') never match. */
export const INSTALL_CONTEXTS: ReadonlySet<InstallContext> = new Set<InstallContext>(['machine', 'userManaged', 'userUnmanaged']);

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

/**
 * Reads one property (resolves string | null) or several (resolves a record keyed by
 * name) of an installed product, in one native call (MsiEnumProductsExW to find its context
 * when `options.context` is omitted, then MsiGetProductInfoExW per property). A documented
 * property the product lacks is null, never ''; PackageCode comes back as a braced GUID.
 * Rejects with TypeError (before any native call) for a product code that is not a braced
 * GUID, a property name that is not a non-empty string or holds a NUL, or bad options;
 * UnknownProductError (1605), UnknownPropertyError (1608) and the other typed errors of
 * Windows Installer; PlatformNotSupportedError off Windows.
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

/**
 * Where and for whom a product is installed (`{ productCode, context, userSid, properties }`;
 * `userSid` null per-machine), plus the given properties, in one native call
 * (MsiEnumProductsExW, MsiGetProductInfoExW). Rejects as getProductInfo does.
 */
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
  return shapeProduct(record, names);
}

/**
 * Every installed product visible to the given user (omitted: the current user and
 * per-machine; 'S-1-1-0': all users, which needs administrator rights), with the asked
 * properties, in one native call (MsiEnumProductsExW, MsiGetProductInfoExW). Rejects with
 * TypeError for bad options (before any native call), the typed error of Windows Installer
 * (e.g. AccessDeniedError) and PlatformNotSupportedError off Windows.
 */
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
  // Thousands of products with every property are shaped in slices of the shared scheduler.
  return mapInSlices(records, (record) => shapeProduct(record, properties));
}

/**
 * True exactly when the product's AuthorizedLUAApp property (INSTALLPROPERTY_AUTHORIZED_LUA_APP,
 * MsiGetProductInfoExW) is "1". Rejects as getProductInfo does.
 */
export async function isLuaPatchingAuthorized(productCode: string, options?: ProductQueryOptions): Promise<boolean> {
  const value = await getProductInfo(productCode, 'AuthorizedLUAApp', options);
  return value === '1';
}
