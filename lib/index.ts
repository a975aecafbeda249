// msi-lua: Windows Installer and Windows Update Agent for Node.js.
// The public surface is exactly what README.md (and the docs/ pages it links) documents,
// named one by one; everything else is internal and tests import it by path.

// Errors (README "Errors")
export {
  AbortError,
  AccessDeniedError,
  BadConfigurationError,
  InstallAlreadyRunningError,
  InstallNotAllowedError,
  MsiFormatError,
  MsiLuaError,
  NoInteractiveUserError,
  NotImplementedError,
  PlatformNotSupportedError,
  RebootRequiredError,
  SignatureError,
  UnknownProductError,
  UnknownPropertyError,
  UpdateInstallerBusyError,
  WindowsInstallerError,
  WindowsUpdateError,
  describeCode,
  describeHResult,
  describeStatus,
  describeWin32,
  errorFromHResult,
  errorFromWin32,
  formatHResult,
  hresultFromWin32,
  isSuccessCode,
} from './errors';
export type {
  CodeGroup,
  ErrorFromCodeOptions,
  ErrorGroup,
  HResultDescription,
  MsiLuaErrorJSON,
  MsiLuaErrorOptions,
  StatusDescription,
  UpdateRef,
} from './errors';
export { NativeBindingNotFoundError } from './native/load';

// Products and policy (README "Products", "Policy")
export { PRODUCT_PROPERTIES, getInstalledProduct, getProductInfo, isLuaPatchingAuthorized, listProducts } from './products';
export type { InstallContext, InstalledProduct, ListProductsOptions, ProductProperty, ProductQueryOptions } from './products';
export { getLuaPatchingPolicy } from './policy';
export type { LuaPatchingPolicy } from './policy';

// UAC (LUA) patching (README "UAC (LUA) patching", docs/lua-patching.md)
export { checkLuaPatching, PackageKindError } from './lua/offline';
export type { CheckLuaPatchingOptions, OfflineLuaReport } from './lua/offline';
export { evaluateLuaPatching } from './lua/machine';
export type { EvaluateLuaPatchingOptions, MachineLuaReport } from './lua/machine';
export { CHECK_IDS as LUA_CHECK_IDS, evaluateLuaRules } from './lua/rules';
export type { Fact } from './fact';
export type {
  CertificateSummary,
  ListedCertificate,
  LuaCheck,
  LuaCheckId,
  LuaCheckStatus,
  LuaFacts,
  LuaReport,
  PatchCertificateTableFact,
  PatchFacts,
} from './lua/rules';

// Packages (README "Packages", docs/package-reader.md)
export {
  MsiPackage,
  MsiStorage,
  MsiTable,
  NotRegularFileError,
  TransformedDatabase,
  applyPatches,
  applyPatchesAsync,
  applyTransforms,
  applyTransformsAsync,
  decodeStreamName,
  describeTransformStorage,
  encodeStreamName,
  openPackage,
  patchTransformsFor,
  readPackage,
  readTransform,
  readTransformFile,
} from './package';
export type {
  AddedColumn,
  AppliedPatch,
  ApplyOptions,
  CellValue,
  CertificateInfo,
  ColumnDefinition,
  ColumnKind,
  DecodedStreamName,
  DecodedTransform,
  PackageKind,
  PatchInfo,
  PatchMetadataEntry,
  PatchSequenceEntry,
  PatchTransformTarget,
  Row,
  SignatureReport,
  StorageInfo,
  StreamInfo,
  SummaryInformation,
  SummaryProperty,
  SummaryValue,
  TableData,
  TableReadOptions,
  OpenPackageOptions,
  TableTransform,
  TransformConflict,
  TransformConflictKind,
  TransformInfo,
  TransformOperation,
  TransformOperationKind,
  TransformOverview,
  TransformTarget,
  WordCountFlags,
} from './package';

// Windows Update Agent (README "Windows Update Agent", docs/wua.md)
export { UpdateSession, createUpdateSession } from './wua/session';
export type { AbortedJobError } from './wua/session';
export type {
  DownloadOptions,
  DownloadPhase,
  DownloadPriority,
  DownloadResult,
  HideOutcome,
  HistoryEntry,
  HistoryOptions,
  HistoryPage,
  InstallOptions,
  InstallResult,
  InstallUpdateOutcome,
  InstallationBehavior,
  InstallationImpact,
  JobOptions,
  OperationResult,
  ProgressEvent,
  RebootBehavior,
  SearchOptions,
  SearchResult,
  SearchWarning,
  SearchWarningContext,
  ServerSelection,
  UninstallOptions,
  Update,
  UpdateCategory,
  UpdateOutcome,
  UpdateSelector,
  UpdateSessionOptions,
  UserInputPolicy,
} from './wua/types';
export {
  MICROSOFT_UPDATE_SERVICE_ID,
  WINDOWS_UPDATE_SERVICE_ID,
  addScanPackageService,
  addService,
  getAgentInfo,
  getAutomaticUpdatesResults,
  getAutomaticUpdatesSettings,
  getRebootStatus,
  getWindowsUpdatePolicy,
  listServices,
  removeService,
} from './wua/system';
export type {
  AddScanPackageServiceOptions,
  AddServiceOptions,
  AgentInfo,
  AutomaticUpdatesResults,
  AutomaticUpdatesSettings,
  NotificationLevel,
  PolicyValue,
  RebootSignal,
  RebootStatus,
  ServiceRegistration,
  UpdateService,
  WindowsUpdatePolicy,
} from './wua/system';
export { getInteractiveContext } from './process';
export type { ContextFact, InteractiveContext, InteractiveContextFacts } from './process';

// Windows Installer actions and the queries around them (README "Windows Installer actions",
// docs/installer.md)
export {
  InstallFailedError,
  applyPatch,
  configureProduct,
  installProduct,
  removePatches,
  repairProduct,
  uninstallProduct,
  DEFAULT_REINSTALL_MODE,
  REINSTALL_MODES,
  PATCH_STATES,
  findRelatedProducts,
  getApplicablePatches,
  getProductState,
  listFeatures,
  listPatches,
  getComponentPath,
  listComponentClients,
  listComponents,
} from './installer';
export type {
  ApplyPatchOptions,
  ConfigureRequest,
  InstallerActionOptions,
  InstallerResult,
  RepairOptions,
  ConfigureState,
  PropertyValue,
  ReinstallMode,
  InstallerMessage,
  InstallerMessageSeverity,
  InstallerPhase,
  InstallerProgressEvent,
  RecordField,
  FeatureInfo,
  InstallState,
  InstalledPatch,
  ListPatchesOptions,
  PatchApplicability,
  PatchState,
  ComponentClient,
  ComponentEnumerationOptions,
  ComponentPath,
  ComponentQueryOptions,
  ComponentState,
  InstalledComponent,
} from './installer';
