// Shaping of what native/wua_system.cc and the registry reads return into the public types
// of ./system.ts: agent info, reboot signals, service registrations, Automatic Updates
// settings and Windows Update policy values. Pure: no validation and no native calls here.
import { interpretDwordPolicy, registryTypeName } from '../policy/interpret';
import type {
  NativeAutomaticUpdates,
  NativeAutomaticUpdatesResults,
  NativeRegistryValue,
  NativeServiceRegistration,
  NativeVariantDate,
} from '../native/binding';
import { dateFromOle, shapeService } from './shape';
import type {
  AgentInfo,
  AutomaticUpdatesResults,
  AutomaticUpdatesSettings,
  NotificationLevel,
  PolicyValue,
  RebootSignal,
  ServiceRegistration,
  WindowsUpdatePolicy,
} from './system';

/** IWindowsUpdateAgentInfo::GetInfo's three answers. */
export function shapeAgentInfo(raw: { apiMajorVersion: number; apiMinorVersion: number; productVersionString: string }): AgentInfo {
  return { apiMajorVersion: raw.apiMajorVersion, apiMinorVersion: raw.apiMinorVersion, productVersionString: raw.productVersionString };
}

/** Why a signal could not be read, from the typed error: syscall, code and message. */
export function reasonOf(error: unknown): string {
  const e = error as { code?: string; syscall?: string; message?: string };
  return [e.syscall, e.code, e.message].filter(Boolean).join(': ');
}

/** PendingFileRenameOperations: a non-empty REG_MULTI_SZ is a pending rename; another type is not interpreted. */
export function interpretPendingRenames(raw: NativeRegistryValue | null, source: string): RebootSignal {
  const name = 'pendingFileRenameOperations' as const;
  if (raw === null) return { name, source, pending: false };
  if (raw.type !== 7) return { name, source, pending: null, reason: `the value is ${registryTypeName(raw.type)}, not REG_MULTI_SZ` };
  const text = raw.data.toString('utf16le').replace(/\0+$/, '');
  return { name, source, pending: text.length > 0 };
}

/** true when any signal is pending; null when none is but one could not be read; false otherwise. */
export function combinePending(values: Array<boolean | null>): boolean | null {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

const REGISTRATION_STATES = { 1: 'notRegistered', 2: 'registrationPending', 3: 'registered' } as const;

/** IUpdateServiceRegistration: its state by name, the service id bare and in lower case. */
export function shapeRegistration(raw: NativeServiceRegistration): ServiceRegistration {
  return {
    registrationState:
      (REGISTRATION_STATES as Record<number, ServiceRegistration['registrationState']>)[raw.registrationState] ?? 'unknown',
    serviceId: raw.serviceId.replace(/[{}]/g, '').toLowerCase(),
    isPendingRegistrationWithAU: raw.isPendingRegistrationWithAU,
    service: raw.service ? shapeService(raw.service) : null,
  };
}

const NOTIFICATION_LEVELS: readonly NotificationLevel[] = [
  'notConfigured',
  'disabled',
  'notifyBeforeDownload',
  'notifyBeforeInstallation',
  'scheduledInstallation',
];

/** A REG_SZ or REG_EXPAND_SZ policy value (up to its first NUL); another type is 'wrong-type'. */
export function stringPolicy(raw: NativeRegistryValue | null, source: string): PolicyValue<string> {
  if (raw === null) return { value: null, state: 'absent', registryType: null, source };
  const registryType = registryTypeName(raw.type);
  if (raw.type !== 1 && raw.type !== 2) return { value: null, state: 'wrong-type', registryType, source };
  return { value: raw.data.toString('utf16le').replace(/\0[\s\S]*$/, ''), state: 'present', registryType, source };
}

/** A REG_DWORD policy value, by the rule getLuaPatchingPolicy applies (lib/policy/interpret.ts). */
export function dwordPolicy(raw: NativeRegistryValue | null, source: string): PolicyValue<number> {
  const d = interpretDwordPolicy(raw, source);
  return { value: d.value, state: d.state === 'dword' ? 'present' : d.state, registryType: d.registryType, source };
}

/** IAutomaticUpdates settings with the notification level by name, beside the policy values. */
export function shapeAutomaticUpdates(raw: NativeAutomaticUpdates, policy: WindowsUpdatePolicy): AutomaticUpdatesSettings {
  return {
    serviceEnabled: raw.serviceEnabled,
    notificationLevel: NOTIFICATION_LEVELS[raw.notificationLevel] ?? 'unknown',
    notificationLevelValue: raw.notificationLevel,
    readOnly: raw.readOnly,
    required: raw.required,
    includeRecommendedUpdates: raw.includeRecommendedUpdates,
    nonAdministratorsElevated: raw.nonAdministratorsElevated,
    featuredUpdatesEnabled: raw.featuredUpdatesEnabled,
    policy,
  };
}

const VT_EMPTY = 0;
const VT_DATE = 7;

/** One IAutomaticUpdatesResults VARIANT: VT_DATE is the date, VT_EMPTY "never"; anything else is unknown. */
function resultDate(raw: NativeVariantDate | null, name: string): { date: Date | null; reason: string | null } {
  if (raw === null) return { date: null, reason: null };
  if (raw.vt === VT_EMPTY) return { date: null, reason: null };
  if (raw.vt === VT_DATE) {
    const date = dateFromOle(raw.date);
    return date ? { date, reason: null } : { date: null, reason: `${name} is VT_DATE ${raw.date}, not a date msi-lua can represent` };
  }
  return { date: null, reason: `${name} is a VARIANT of type ${raw.vt}, neither VT_DATE nor VT_EMPTY` };
}

/** IAutomaticUpdatesResults' two dates; null with a reason where the agent did not answer. */
export function shapeAutomaticUpdatesResults(raw: NativeAutomaticUpdatesResults): AutomaticUpdatesResults {
  if (!raw.hasResults) {
    return {
      lastSearchSuccessDate: null,
      lastInstallationSuccessDate: null,
      reason: 'this Windows Update Agent has no IAutomaticUpdates2 (IAutomaticUpdatesResults): the dates are unknown',
    };
  }
  const search = resultDate(raw.lastSearchSuccessDate, 'LastSearchSuccessDate');
  const installation = resultDate(raw.lastInstallationSuccessDate, 'LastInstallationSuccessDate');
  const reasons = [search.reason, installation.reason].filter((r): r is string => r !== null);
  return {
    lastSearchSuccessDate: search.date,
    lastInstallationSuccessDate: installation.date,
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  };
}
