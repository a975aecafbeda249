// Windows Update Agent: promise-based search, download, install and uninstall with progress,
// AbortSignal, typed errors and the Run As (secondary logon) rule. See docs/wua.md.
export { UpdateSession, createUpdateSession, interactiveRefusal } from './session';
export type { AbortedJobError } from './session';
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
} from './system';
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
} from './system';
export * from './types';
