// The Windows Update Agent part of the binding (native/wua_*.cc), in its own file so that
// each area of lib/native/binding.ts stays short; NativeBinding (binding.ts) includes it and
// binding.ts re-exports these types: import them from there. Numbers are WUA's own
// enumerations (OperationResultCode, InstallationRebootBehavior, ...); lib/wua maps them.

/** Opaque handle from wuaOpenSession (a type-tagged external). */
export interface NativeWuaSessionHandle {
  readonly __brand: 'msi-lua.wua.session';
}

/** A running job: the promise settles once WUA has finished (also after abort()). */
export interface NativeWuaJob<T> {
  promise: Promise<T>;
  /** Signals the job thread, which calls RequestAbort on the WUA job once. Idempotent. */
  abort(): void;
}

export interface NativeInstallationBehavior {
  canRequestUserInput: boolean;
  /** InstallationRebootBehavior: 0 never, 1 always, 2 can request. */
  rebootBehavior: number;
  /** InstallationImpact: 0 normal, 1 minor, 2 requires exclusive handling. */
  impact: number;
  requiresNetworkConnectivity: boolean;
}

export interface NativeUpdate {
  id: string;
  revision: number;
  title: string;
  description: string;
  kbArticleIds: string[];
  securityBulletinIds: string[];
  categories: { id: string; name: string; type: string }[];
  /** '' when the update has none. */
  msrcSeverity: string;
  minDownloadSize: number;
  maxDownloadSize: number;
  isDownloaded: boolean;
  isInstalled: boolean;
  isMandatory: boolean;
  isHidden: boolean;
  isBeta: boolean;
  isUninstallable: boolean;
  eulaAccepted: boolean;
  /** UpdateType: 1 software, 2 driver. */
  type: number;
  installationBehavior: NativeInstallationBehavior;
  uninstallationBehavior: NativeInstallationBehavior | null;
}

export interface NativeSearchResult {
  /** OperationResultCode 0..5. */
  resultCode: number;
  abortRequested: boolean;
  /** RequestAbort's own HRESULT (unsigned), when abortRequested. */
  abortHresult?: number;
  updates: NativeUpdate[];
  /** ISearchResult::Warnings; null when get_Warnings (or reading one) failed, with warningsHresult. */
  warnings: NativeSearchWarning[] | null;
  /** The failing HRESULT (unsigned), when warnings is null. */
  warningsHresult?: number;
}

/** One IUpdateException: HRESULT unsigned, UpdateExceptionContext as reported. */
export interface NativeSearchWarning {
  hresult: number;
  message: string;
  context: number;
}

export interface NativeProgress {
  currentUpdateIndex: number;
  currentUpdatePercent: number;
  percent: number;
  /** Download only: DownloadPhase as WUA reports it: 1 initializing, 2 downloading, 3 verifying (0 when it could not be read). */
  downloadPhase?: number;
  currentUpdateBytes?: number;
  currentUpdateBytesTotal?: number;
  totalBytes?: number;
  totalBytesTotal?: number;
}

export interface NativeUpdateOutcome {
  id: string;
  resultCode: number;
  /** Unsigned HRESULT. */
  hresult: number;
  /** Install/uninstall only. */
  rebootRequired?: boolean;
}

export interface NativeJobResult {
  resultCode: number;
  hresult: number;
  abortRequested: boolean;
  /** RequestAbort's own HRESULT (unsigned), when abortRequested. */
  abortHresult?: number;
  /** Install/uninstall only. */
  rebootRequired?: boolean;
  rebootRequiredBeforeInstallation?: boolean;
  eulasAccepted?: string[];
  updates: NativeUpdateOutcome[];
}

export interface NativeSearchOptions {
  online?: boolean;
  /** ServerSelection 0..3. */
  serverSelection?: number;
  serviceId?: string;
}

export interface NativeInstallOptions {
  uninstall?: boolean;
  forceQuiet?: boolean;
  allowSourcePrompts?: boolean;
  acceptEulas?: boolean;
}

export interface NativeDownloadOptions {
  /** DownloadPriority 1 low, 2 normal, 3 high. */
  priority?: number;
}

export interface WuaBinding {
  wuaOpenSession(clientApplicationId: string): NativeWuaSessionHandle;
  wuaCloseSession(session: NativeWuaSessionHandle): Promise<void>;
  wuaSearch(session: NativeWuaSessionHandle, criteria: string, options: NativeSearchOptions): NativeWuaJob<NativeSearchResult>;
  wuaDownload(
    session: NativeWuaSessionHandle,
    updateIds: string[],
    options: NativeDownloadOptions,
    onProgress?: (progress: NativeProgress) => void,
  ): NativeWuaJob<NativeJobResult>;
  wuaInstall(
    session: NativeWuaSessionHandle,
    updateIds: string[],
    options: NativeInstallOptions,
    onProgress?: (progress: NativeProgress) => void,
  ): NativeWuaJob<NativeJobResult>;
  /** IUpdateInstaller.IsBusy. */
  wuaInstallerIsBusy(session: NativeWuaSessionHandle): Promise<boolean>;
}

export interface NativeService {
  name: string;
  serviceId: string;
  isManaged: boolean;
  isRegisteredWithAU: boolean;
  offersWindowsUpdates: boolean;
  isScanPackageService: boolean;
  canRegisterWithAU: boolean;
  serviceUrl: string;
  /** OLE Automation DATE. */
  issueDate: number;
  /** null when the agent has no IUpdateService2. */
  isDefaultAUService: boolean | null;
}

export interface NativeServiceRegistration {
  /** UpdateServiceRegistrationState 1..3. */
  registrationState: number;
  serviceId: string;
  isPendingRegistrationWithAU: boolean;
  service: NativeService | null;
}

export interface NativeAutomaticUpdates {
  serviceEnabled: boolean;
  /** AutomaticUpdatesNotificationLevel 0..4. */
  notificationLevel: number;
  readOnly: boolean;
  required: boolean;
  includeRecommendedUpdates: boolean | null;
  nonAdministratorsElevated: boolean | null;
  featuredUpdatesEnabled: boolean | null;
}

/** One IAutomaticUpdatesResults VARIANT: its vt, and the OLE Automation DATE when vt is VT_DATE (7). */
export interface NativeVariantDate {
  vt: number;
  date: number;
}

export interface NativeAutomaticUpdatesResults {
  /** false when the agent has no IAutomaticUpdates2 (the dates are then null). */
  hasResults: boolean;
  lastSearchSuccessDate: NativeVariantDate | null;
  lastInstallationSuccessDate: NativeVariantDate | null;
}

export interface NativeHistoryEntry {
  /** UpdateOperation: 1 installation, 2 uninstallation. */
  operation: number;
  resultCode: number;
  /** Unsigned HRESULT. */
  hresult: number;
  /** OLE Automation DATE (UTC). */
  date: number;
  updateId: string;
  revision: number;
  title: string;
  description: string;
  /** Unsigned: the agent's own code before mapping to hresult. */
  unmappedResultCode: number;
  clientApplicationId: string;
  serverSelection: number;
  serviceId: string;
  supportUrl: string;
  /** null when the entry has no IUpdateHistoryEntry2. */
  categories: { id: string; name: string; type: string }[] | null;
}

export interface NativeHistoryPage {
  total: number;
  entries: NativeHistoryEntry[];
}

export interface NativeSetHidden {
  id: string;
  /** put_IsHidden's HRESULT (unsigned). */
  hresult: number;
  /** get_IsHidden afterwards; null when it could not be read. */
  isHidden: boolean | null;
}

/** native/wua_system.cc. */
export interface WuaSystemBinding {
  wuaAgentInfo(): NativeWuaJob<{ apiMajorVersion: number; apiMinorVersion: number; productVersionString: string }>;
  wuaRebootRequired(): NativeWuaJob<boolean>;
  wuaServices(): NativeWuaJob<NativeService[]>;
  /** flags: AddServiceFlag bits (1 pending, 2 online, 4 register with AU). */
  wuaAddService(serviceId: string, flags: number): NativeWuaJob<NativeServiceRegistration>;
  wuaRemoveService(serviceId: string): NativeWuaJob<void>;
  wuaAutomaticUpdates(): NativeWuaJob<NativeAutomaticUpdates>;
  /** flags: UpdateServiceOption bits (1 usoNonVolatileService); scanFileLocation absolute. */
  wuaAddScanPackageService(serviceName: string, scanFileLocation: string, flags: number): NativeWuaJob<NativeService>;
  wuaAutomaticUpdatesResults(): NativeWuaJob<NativeAutomaticUpdatesResults>;
  wuaHistory(session: NativeWuaSessionHandle, start: number, count: number): NativeWuaJob<NativeHistoryPage>;
  wuaSetHidden(session: NativeWuaSessionHandle, updateIds: string[], hidden: boolean): NativeWuaJob<NativeSetHidden[]>;
  /** Whether HKLM\subKey exists (64-bit view). */
  wuaRegistryKeyExists(subKey: string): Promise<boolean>;
}
