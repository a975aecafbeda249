// Windows Installer actions with progress, cancel, logs and typed results, and the
// queries around them (docs/installer.md).
export {
  InstallFailedError,
  applyPatch,
  configureProduct,
  installProduct,
  removePatches,
  repairProduct,
  uninstallProduct,
} from './actions';
export type { ApplyPatchOptions, ConfigureRequest, InstallerActionOptions, InstallerResult, RepairOptions } from './actions';
export { DEFAULT_REINSTALL_MODE, REINSTALL_MODES, buildPropertyString } from './arguments';
export type { ConfigureState, PropertyValue, ReinstallMode } from './arguments';
export { INSTALLMESSAGE, ProgressDecoder } from './progress';
export type { InstallerMessage, InstallerMessageSeverity, InstallerPhase, InstallerProgressEvent, RecordField } from './progress';
export { PATCH_STATES, findRelatedProducts, getApplicablePatches, getProductState, listFeatures, listPatches } from './queries';
export type { FeatureInfo, InstallState, InstalledPatch, ListPatchesOptions, PatchApplicability, PatchState } from './queries';
export { getComponentPath, listComponentClients, listComponents } from './components';
export type {
  ComponentClient,
  ComponentEnumerationOptions,
  ComponentPath,
  ComponentQueryOptions,
  ComponentState,
  InstalledComponent,
} from './components';
