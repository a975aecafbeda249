// Windows Update beyond search and install, outside a session: agent info, reboot status,
// update services and Automatic Updates settings. Argument checks are lib/validate.ts, the
// shaping of native records ./system-shape.ts (and ./shape.ts for services);
// native/wua_system.cc only calls WUA (each call on its own MTA thread) and reads keys.
import { callNative } from '../native/load';
import { checkExistingFile } from '../installer/arguments';
import { assertServiceId, assertWindowsString, booleanOptions, isBlank } from '../validate';
import {
  combinePending,
  dwordPolicy,
  interpretPendingRenames,
  reasonOf,
  shapeAgentInfo,
  shapeAutomaticUpdates,
  shapeAutomaticUpdatesResults,
  shapeRegistration,
  stringPolicy,
} from './system-shape';
import { shapeService } from './shape';
import type { NativeWuaJob, WuaSystemBinding } from '../native/binding';
import { argumentTypeError } from '../argument-error';

/** Microsoft Update (all Microsoft products), the service id PSWindowsUpdate's -MicrosoftUpdate registers. */
export const MICROSOFT_UPDATE_SERVICE_ID = '7971f918-a847-4430-9279-4a52d1efe18d';
/** Windows Update (Windows only), the service id of Windows Update's own update service. */
export const WINDOWS_UPDATE_SERVICE_ID = '9482f4b4-e343-43b6-b170-9a65bc822c77';

function system(binding: unknown): WuaSystemBinding {
  return binding as WuaSystemBinding;
}

async function run<T>(start: (binding: WuaSystemBinding) => NativeWuaJob<T>): Promise<T> {
  return callNative((binding) => start(system(binding)).promise);
}

// --- agent info -----------------------------------------------------------------------------

export interface AgentInfo {
  /** IWindowsUpdateAgentInfo GetInfo("ApiMajorVersion"). */
  apiMajorVersion: number;
  apiMinorVersion: number;
  /** GetInfo("ProductVersionString"): the wuapi.dll file version, e.g. '10.0.19041.3570'. */
  productVersionString: string;
}

/**
 * IWindowsUpdateAgentInfo::GetInfo: the WUA API and product versions (PSWindowsUpdate's
 * Get-WUApiVersion), `{ apiMajorVersion, apiMinorVersion, productVersionString }`. Rejects with
 * WUA's typed error (CLASS_E_CLASSNOTAVAILABLE under Wine) and PlatformNotSupportedError off Windows.
 */
export async function getAgentInfo(): Promise<AgentInfo> {
  const raw = await run((b) => b.wuaAgentInfo());
  return shapeAgentInfo(raw);
}

// --- reboot status ----------------------------------------------------------------------------

export const WU_REBOOT_REQUIRED_KEY = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired';
export const CBS_REBOOT_PENDING_KEY = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending';
export const SESSION_MANAGER_KEY = 'SYSTEM\\CurrentControlSet\\Control\\Session Manager';

/** One pending-reboot signal, as read (never written). */
export interface RebootSignal {
  /** 'wua' (ISystemInformation.RebootRequired), 'windowsUpdateKey', 'componentBasedServicing' or 'pendingFileRenameOperations'. */
  name: 'wua' | 'windowsUpdateKey' | 'componentBasedServicing' | 'pendingFileRenameOperations';
  /** Where it was read: the API or the full registry path. */
  source: string;
  /** true: this signal says a reboot is pending; false: it does not; null: it could not be read (see reason). */
  pending: boolean | null;
  reason?: string;
}

/** What getRebootStatus resolves: WUA's answer and every documented pending-reboot signal, each with its source. */
export interface RebootStatus {
  /** ISystemInformation.RebootRequired: what Windows Update itself says; null when WUA could not answer. */
  rebootRequired: boolean | null;
  /**
   * true when any signal says a reboot is pending; false when every signal was read and none
   * does; null otherwise. Which one Windows acts on is not guessed: see signals.
   */
  anyPending: boolean | null;
  signals: RebootSignal[];
}

async function keySignal(name: RebootSignal['name'], subKey: string): Promise<RebootSignal> {
  const source = `HKLM\\${subKey}`;
  try {
    const exists = await callNative((binding) => system(binding).wuaRegistryKeyExists(subKey));
    return { name, source, pending: exists };
  } catch (error) {
    return { name, source, pending: null, reason: reasonOf(error) };
  }
}

/**
 * Whether a reboot is pending, from Windows Update (ISystemInformation::RebootRequired) and
 * each registry signal Windows documents (Windows Update's RebootRequired key, Component
 * Based Servicing's RebootPending key, Session Manager's PendingFileRenameOperations), each
 * with its source. Read-only. WUA's own failure rejects (typed error, e.g.
 * NotImplementedError under Wine); a registry signal that cannot be read is pending: null.
 */
export async function getRebootStatus(): Promise<RebootStatus> {
  const rebootRequired = await run((b) => b.wuaRebootRequired());
  const renameSource = `HKLM\\${SESSION_MANAGER_KEY}\\PendingFileRenameOperations`;
  const renames: Promise<RebootSignal> = callNative((binding) =>
    binding.readRegistryValue('HKLM', SESSION_MANAGER_KEY, 'PendingFileRenameOperations'),
  ).then(
    (raw) => interpretPendingRenames(raw, renameSource),
    (error: unknown) => ({ name: 'pendingFileRenameOperations' as const, source: renameSource, pending: null, reason: reasonOf(error) }),
  );
  const signals: RebootSignal[] = [
    { name: 'wua', source: 'ISystemInformation::RebootRequired', pending: rebootRequired },
    ...(await Promise.all([
      keySignal('windowsUpdateKey', WU_REBOOT_REQUIRED_KEY),
      keySignal('componentBasedServicing', CBS_REBOOT_PENDING_KEY),
      renames,
    ])),
  ];
  return { rebootRequired, anyPending: combinePending(signals.map((s) => s.pending)), signals };
}

// --- update services --------------------------------------------------------------------------

export interface UpdateService {
  name: string;
  /** The service GUID (lower case, no braces), e.g. MICROSOFT_UPDATE_SERVICE_ID. */
  serviceId: string;
  /** IUpdateService2.IsDefaultAUService; null when the agent has no IUpdateService2. */
  isDefaultAUService: boolean | null;
  isManaged: boolean;
  isRegisteredWithAU: boolean;
  offersWindowsUpdates: boolean;
  isScanPackageService: boolean;
  canRegisterWithAU: boolean;
  serviceUrl: string;
  issueDate: Date | null;
}

/**
 * IUpdateServiceManager::get_Services: the update services registered with WUA
 * (Get-WUServiceManager); `isDefaultAUService` is null without IUpdateService2. Read-only.
 * Rejects with WUA's typed error and PlatformNotSupportedError off Windows.
 */
export async function listServices(): Promise<UpdateService[]> {
  return (await run((b) => b.wuaServices())).map(shapeService);
}

export interface AddServiceOptions {
  /** asfAllowPendingRegistration: register later when it cannot be done now. */
  allowPendingRegistration?: boolean;
  /** asfAllowOnlineRegistration: may contact the service to register it. */
  allowOnlineRegistration?: boolean;
  /** asfRegisterServiceWithAU: Automatic Updates uses it. */
  registerWithAutomaticUpdates?: boolean;
}

export interface ServiceRegistration {
  /** UpdateServiceRegistrationState. */
  registrationState: 'notRegistered' | 'registrationPending' | 'registered' | 'unknown';
  serviceId: string;
  isPendingRegistrationWithAU: boolean;
  service: UpdateService | null;
}

/**
 * IUpdateServiceManager2::AddService2 without an authorization cab (Add-WUServiceManager).
 * Changes the machine: needs an administrator. TypeError for a serviceId that is not a GUID
 * or an option that is not a boolean.
 */
export async function addService(serviceId: string, options: AddServiceOptions = {}): Promise<ServiceRegistration> {
  const id = assertServiceId(serviceId);
  const checked = booleanOptions(options, ['allowPendingRegistration', 'allowOnlineRegistration', 'registerWithAutomaticUpdates']);
  const flags =
    (checked.allowPendingRegistration ? 1 : 0) | (checked.allowOnlineRegistration ? 2 : 0) | (checked.registerWithAutomaticUpdates ? 4 : 0);
  const raw = await run((b) => b.wuaAddService(id, flags));
  return shapeRegistration(raw);
}

export interface AddScanPackageServiceOptions {
  /**
   * UpdateServiceOption usoNonVolatileService (1): the registration stays until removeService.
   * Default true: msi-lua releases the IUpdateService when the call returns, and WUA removes a
   * volatile registration (false) at that release, before any search could use it.
   */
  nonVolatile?: boolean;
}

/**
 * IUpdateServiceManager::AddScanPackageService (Add-WUServiceManager -ScanFileLocation;
 * Microsoft's "Using WUA to scan for updates offline"): registers a scan package cab such as
 * wsusscn2.cab as an update service and resolves it as listServices() lists it
 * (isScanPackageService true). Search against it with
 * `session.search(criteria, { serviceId: service.serviceId })` (serverSelection 'others'), then
 * removeService(service.serviceId). Changes the machine: needs an administrator.
 * A relative scanFileLocation is resolved against process.cwd() (WUA wants an absolute path).
 * TypeError, before any native call, for a serviceName or scanFileLocation that is not a
 * non-empty string, holds a NUL, (serviceName) shows nothing (white space and format characters only), or (scanFileLocation) is not an existing regular file, and for
 * an option that is not a boolean. Rejects with WUA's typed error (e.g. a cab that is not a
 * signed scan package, or E_ACCESSDENIED) and PlatformNotSupportedError off Windows.
 */
export async function addScanPackageService(
  serviceName: string,
  scanFileLocation: string,
  options: AddScanPackageServiceOptions = {},
): Promise<UpdateService> {
  assertWindowsString(serviceName, 'serviceName');
  // As the command line: a name of spaces lists as nothing in listServices()
  // and the Windows Update settings, so it cannot be told from another.
  if (isBlank(serviceName))
    throw argumentTypeError(`The "serviceName" argument must not be blank; received ${JSON.stringify(serviceName)}`);
  const checked = booleanOptions(options, ['nonVolatile']);
  const location = await checkExistingFile(scanFileLocation, 'scanFileLocation');
  const flags = checked.nonVolatile === false ? 0 : 1;
  return shapeService(await run((b) => b.wuaAddScanPackageService(serviceName, location, flags)));
}

/**
 * IUpdateServiceManager::RemoveService (Remove-WUServiceManager), for a scan package service
 * as for any other. Changes the machine: needs an administrator. TypeError for a serviceId that is not a GUID; rejects with WUA's typed error
 * (e.g. AccessDeniedError) and PlatformNotSupportedError off Windows.
 */
export async function removeService(serviceId: string): Promise<void> {
  const id = assertServiceId(serviceId);
  await run((b) => b.wuaRemoveService(id));
}

// --- Automatic Updates settings ----------------------------------------------------------------

export type NotificationLevel =
  'notConfigured' | 'disabled' | 'notifyBeforeDownload' | 'notifyBeforeInstallation' | 'scheduledInstallation' | 'unknown';

export const WINDOWS_UPDATE_POLICY_KEY = 'Software\\Policies\\Microsoft\\Windows\\WindowsUpdate';
export const AU_POLICY_KEY = `${WINDOWS_UPDATE_POLICY_KEY}\\AU`;

/** One Windows Update policy value as an administrator set it, type-checked. */
export interface PolicyValue<T> {
  /** The value, or null when absent or of another registry type than the one Windows reads. */
  value: T | null;
  /** 'absent', 'present' or 'wrong-type'. */
  state: 'absent' | 'present' | 'wrong-type';
  /** The registry type found, null when absent. */
  registryType: string | null;
  /** The full path read. */
  source: string;
}

export interface WindowsUpdatePolicy {
  wuServer: PolicyValue<string>;
  wuStatusServer: PolicyValue<string>;
  targetGroup: PolicyValue<string>;
  useWuServer: PolicyValue<number>;
  noAutoUpdate: PolicyValue<number>;
  auOptions: PolicyValue<number>;
}

export interface AutomaticUpdatesSettings {
  /** IAutomaticUpdates.ServiceEnabled: whether the Automatic Updates components are available. */
  serviceEnabled: boolean;
  notificationLevel: NotificationLevel;
  /** The raw AutomaticUpdatesNotificationLevel. */
  notificationLevelValue: number;
  readOnly: boolean;
  /** Required by policy. */
  required: boolean;
  /** IAutomaticUpdatesSettings2; null when the agent lacks it. */
  includeRecommendedUpdates: boolean | null;
  /** IAutomaticUpdatesSettings3; null when the agent lacks it. */
  nonAdministratorsElevated: boolean | null;
  featuredUpdatesEnabled: boolean | null;
  /** HKLM\Software\Policies\Microsoft\Windows\WindowsUpdate (and \AU), read-only. */
  policy: WindowsUpdatePolicy;
}

/**
 * Reads the WindowsUpdate policy values under HKLM\Software\Policies\Microsoft\Windows\WindowsUpdate
 * (WUServer, WUStatusServer, TargetGroup) and its AU subkey (UseWUServer, NoAutoUpdate, AUOptions),
 * each `{ value, state: 'absent' | 'present' | 'wrong-type', registryType, source }` with its
 * registry type checked as getLuaPatchingPolicy does. Read-only. Rejects with the typed error of
 * a registry failure and PlatformNotSupportedError off Windows.
 */
export async function getWindowsUpdatePolicy(): Promise<WindowsUpdatePolicy> {
  const read = (key: string, name: string) => callNative((binding) => binding.readRegistryValue('HKLM', key, name));
  const path = (key: string, name: string) => `HKLM\\${key}\\${name}`;
  const [wuServer, wuStatusServer, targetGroup, useWuServer, noAutoUpdate, auOptions] = await Promise.all([
    read(WINDOWS_UPDATE_POLICY_KEY, 'WUServer'),
    read(WINDOWS_UPDATE_POLICY_KEY, 'WUStatusServer'),
    read(WINDOWS_UPDATE_POLICY_KEY, 'TargetGroup'),
    read(AU_POLICY_KEY, 'UseWUServer'),
    read(AU_POLICY_KEY, 'NoAutoUpdate'),
    read(AU_POLICY_KEY, 'AUOptions'),
  ]);
  return {
    wuServer: stringPolicy(wuServer, path(WINDOWS_UPDATE_POLICY_KEY, 'WUServer')),
    wuStatusServer: stringPolicy(wuStatusServer, path(WINDOWS_UPDATE_POLICY_KEY, 'WUStatusServer')),
    targetGroup: stringPolicy(targetGroup, path(WINDOWS_UPDATE_POLICY_KEY, 'TargetGroup')),
    useWuServer: dwordPolicy(useWuServer, path(AU_POLICY_KEY, 'UseWUServer')),
    noAutoUpdate: dwordPolicy(noAutoUpdate, path(AU_POLICY_KEY, 'NoAutoUpdate')),
    auOptions: dwordPolicy(auOptions, path(AU_POLICY_KEY, 'AUOptions')),
  };
}

/**
 * IAutomaticUpdates::get_Settings (IAutomaticUpdatesSettings, 2 and 3 where the agent has
 * them) and ServiceEnabled, plus the WindowsUpdate policy values (Get-WUSettings). Read-only.
 */
export async function getAutomaticUpdatesSettings(): Promise<AutomaticUpdatesSettings> {
  const [raw, policy] = await Promise.all([run((b) => b.wuaAutomaticUpdates()), getWindowsUpdatePolicy()]);
  return shapeAutomaticUpdates(raw, policy);
}

// --- Automatic Updates results -----------------------------------------------------------------

export interface AutomaticUpdatesResults {
  /**
   * IAutomaticUpdatesResults.LastSearchSuccessDate: when Automatic Updates last searched
   * successfully (WUA documents it in UTC). null when it never did (VT_EMPTY) or when unknown
   * (then `reason` says why).
   */
  lastSearchSuccessDate: Date | null;
  /** LastInstallationSuccessDate: when Automatic Updates last installed any update (UTC); null as above. */
  lastInstallationSuccessDate: Date | null;
  /** null when each null date means "never"; otherwise why a null date is unknown. */
  reason: string | null;
}

/**
 * IAutomaticUpdates2::get_Results → IAutomaticUpdatesResults (PSWindowsUpdate's
 * Get-WULastResults): the last successful search and installation by Automatic Updates, as
 * UTC Dates. An agent without IAutomaticUpdates2 (older WUA) answers neither: both null with a
 * reason, never a made-up date. Read-only. Rejects with WUA's typed error when a call fails
 * (e.g. NotImplementedError) and PlatformNotSupportedError off Windows.
 */
export async function getAutomaticUpdatesResults(): Promise<AutomaticUpdatesResults> {
  return shapeAutomaticUpdatesResults(await run((b) => b.wuaAutomaticUpdatesResults()));
}
