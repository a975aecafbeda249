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
export * from './wua';
export * from './package';
export { checkLuaPatching, PackageKindError } from './lua/offline';
export type { OfflineLuaReport } from './lua/offline';
export { evaluateLuaPatching } from './lua/machine';
export type { EvaluateLuaPatchingOptions, MachineLuaReport } from './lua/machine';
export { CHECK_IDS as LUA_CHECK_IDS, evaluateLuaRules } from './lua/rules';
export type { Fact, LuaCheck, LuaCheckId, LuaCheckStatus, LuaFacts, LuaReport, PatchFacts } from './lua/rules';
export * from './installer';
