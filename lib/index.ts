// msi-lua: Windows Installer and Windows Update Agent for Node.js.
export * from './errors';
export {
  PRODUCT_PROPERTIES,
  getInstalledProduct,
  getProductInfo,
  isLuaPatchingAuthorized,
  listProducts,
} from './products';
export type { InstallContext, InstalledProduct, ListProductsOptions, ProductProperty, ProductQueryOptions } from './products';
export { getLuaPatchingPolicy } from './policy';
export type { LuaPatchingPolicy } from './policy';
export { NativeBindingNotFoundError } from './native';
