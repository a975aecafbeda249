// The typed surface of the compiled addon (native/*.cc), written once: the facades compile
// against what the binding really exports, and test/native/binding-exports.test.ts checks the
// loaded addon exports exactly the members of NativeBinding. Keep in step with each Register*
// function. Numbers are the Windows APIs' own (Win32 status, HRESULT, MSIINSTALLCONTEXT, WUA's
// enumerations); lib/ maps them.

/** One property read by MsiGetProductInfoExW: a Win32 status and the value on success. */
export interface NativePropertyOutcome {
  status: number;
  value?: string;
  systemMessage?: string;
}

export interface NativeProductRecord {
  productCode: string;
  /** MSIINSTALLCONTEXT: 1 user-managed, 2 user-unmanaged, 4 machine. */
  context: number;
  userSid: string | null;
  values: NativePropertyOutcome[];
}

export interface NativeRegistryValue {
  /** REG_* type number. */
  type: number;
  data: Buffer;
}

/** What native code rejects with; lib/native/load.ts turns it into a typed MsiLuaError. */
export interface NativeFailureShape extends Error {
  nativeFailure: true;
  hresult: number;
  syscall: string;
  systemMessage?: string;
  detail?: string;
}

export interface NativeAppliedPatch {
  patchCode: string;
  /** The cached .msp (INSTALLPROPERTY_LOCALPACKAGE), null when it could not be read. */
  localPackage: string | null;
  localPackageStatus: number;
}

export interface NativeSignatureFacts {
  /** MsiGetFileSignatureInformationW(MSI_INVALID_HASH_IS_FATAL) result. */
  msiHresult: number;
  /** The signer certificate (DER) that call returned, null when it returned none. */
  signerCertificate: Buffer | null;
  /** WinVerifyTrust (generic verify v2) result. */
  trustHresult: number;
  revocationChecked: boolean;
  /** Set when the verdicts come from Wine (whose WinVerifyTrust does not check MSI hashes). */
  wineVersion: string | null;
}

export interface NativeChainElement {
  certificate: Buffer;
  /** CERT_TRUST_* error bits of this element. */
  errorStatus: number;
  infoStatus: number;
  /** CERT_REVOCATION_INFO.dwRevocationResult when the engine recorded one. */
  revocationResult: number | null;
}

export interface NativeChainFacts {
  /** CERT_TRUST_* error bits of the whole chain. */
  errorStatus: number;
  infoStatus: number;
  /** Authenticode chain policy verdict, with "revocation unknown" and "not time valid" ignored. */
  policyHresult: number;
  revocationChecked: boolean;
  /** Signer first, root last, as the machine's chain engine built it. */
  elements: NativeChainElement[];
}

export interface ProductsBinding {
  /**
   * MsiGetProductInfoExW for each property. `context` is an MSIINSTALLCONTEXT (1 user-managed,
   * 2 user-unmanaged, 4 machine) or the special value 0: find the product first (the first
   * context in which this user sees it, by MsiEnumProductsExW), then read it there; the
   * record's `context` says where it was found. Rejects with ERROR_UNKNOWN_PRODUCT when none.
   */
  productInfo(productCode: string, properties: string[], context: number, userSid: string | null): Promise<NativeProductRecord>;
  enumProducts(contexts: number, userSid: string | null, properties: string[]): Promise<NativeProductRecord[]>;
  enumAppliedPatches(productCode: string, context: number, userSid: string | null): Promise<NativeAppliedPatch[]>;
  /** File version of the system's msi.dll. */
  installerVersion(): Promise<string>;
}

export interface SignaturesBinding {
  fileSignature(path: string, checkRevocation: boolean): Promise<NativeSignatureFacts>;
  /** Builds the signer's chain (signer first, then the certificates the signature carries) with the machine's trust. */
  verifyCertificateChain(certificates: Buffer[], checkRevocation: boolean): Promise<NativeChainFacts>;
}

export interface PolicyBinding {
  readRegistryValue(hive: 'HKLM' | 'HKCU' | 'HKU', subKey: string, valueName: string): Promise<NativeRegistryValue | null>;
}

/** What installerAction sends msi.dll (lib/installer/actions.ts builds it). */
export interface NativeInstallerRequest {
  kind: 'install' | 'applyPatches' | 'removePatches' | 'reinstall' | 'configure';
  packagePath?: string;
  /** Patch paths or codes joined with ';'. */
  patchList?: string;
  productCode?: string | null;
  /** Property list (NAME="value" ...). */
  commandLine?: string;
  reinstallMode?: number;
  installLevel?: number;
  installState?: number;
  logPath?: string | null;
  /** INSTALLLOGMODE_* bits for MsiEnableLogW. */
  logMode?: number;
  /** INSTALLLOGMODE_* bits of the messages the record handler receives. */
  messageFilter: number;
}

export interface NativeInstallerOutcome {
  /** The API's own return code, success or not. */
  status: number;
  cancelRequested: boolean;
  /** The handler answered IDCANCEL at least once. */
  cancelAnswered: boolean;
}

export interface NativeInstallerHandle {
  promise: Promise<NativeInstallerOutcome>;
  /** From now on the record handler answers IDCANCEL. */
  cancel(): void;
}

export interface NativeInfoOutcome {
  status: number;
  value?: string;
  systemMessage?: string;
}

export interface NativePatchRecord {
  patchCode: string;
  targetProductCode: string;
  context: number;
  userSid: string | null;
  values: NativeInfoOutcome[];
}

export interface InstallerBinding {
  installerAction(
    request: NativeInstallerRequest,
    onRecord: (messageType: number, fields: Array<string | number | null> | null, text: string) => void,
  ): NativeInstallerHandle;
  /** Handles this process holds: GetProcessHandleCount (0 under Wine) and NtQuerySystemInformation's entries by object type number. */
  processHandleCount(): {
    processHandleCount: number | null;
    systemHandleCount: number | null;
    systemHandlesByType?: Record<string, number>;
  };
  /** MsiSetInternalUI(INSTALLUILEVEL_NOCHANGE) and whether an external record handler is installed. */
  installerUiState(): { uiLevel: number; recordHandler: boolean };
  /** MsiSetInternalUI(level); returns the previous level. */
  setInternalUiLevel(level: number): number;
  enumPatches(
    productCode: string | null,
    userSid: string | null,
    contexts: number,
    filter: number,
    properties: string[],
  ): Promise<NativePatchRecord[]>;
  productState(productCode: string): Promise<number>;
  relatedProducts(upgradeCode: string): Promise<string[]>;
  /** The features MsiEnumFeaturesW lists, then the `names` it did not list (enumerated: false), each with MsiQueryFeatureStateW. */
  features(
    productCode: string,
    names: string[],
  ): Promise<Array<{ feature: string; parent: string | null; state: number; enumerated: boolean }>>;
  /**
   * `context` is an MSIINSTALLCONTEXT, or the special value 0: `target` is then a package path
   * (MsiDetermineApplicablePatchesW) instead of an installed product code
   * (MsiDeterminePatchSequenceW in that context).
   */
  applicablePatches(
    target: string,
    patchPaths: string[],
    context: number,
    userSid: string | null,
  ): Promise<{ status: number; patches: Array<{ order: number; status: number; systemMessage?: string }> }>;
}

// --- Windows Update Agent (native/wua_*.cc). Numbers are WUA's own enumerations
// (OperationResultCode, InstallationRebootBehavior, ...); lib/wua maps them.

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
}

export interface NativeProgress {
  currentUpdateIndex: number;
  currentUpdatePercent: number;
  percent: number;
  /** Download only: DownloadPhase 0 initializing, 1 downloading, 2 verifying. */
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
  wuaHistory(session: NativeWuaSessionHandle, start: number, count: number): NativeWuaJob<NativeHistoryPage>;
  wuaSetHidden(session: NativeWuaSessionHandle, updateIds: string[], hidden: boolean): NativeWuaJob<NativeSetHidden[]>;
  /** Whether HKLM\subKey exists (64-bit view). */
  wuaRegistryKeyExists(subKey: string): Promise<boolean>;
}

// --- The process's interactive context (native/token_context.cc): facts from the process
// token and the desktop; lib/process decides what they mean.

export interface NativeFactFailure {
  syscall: string;
  /** 0 when the fact is missing without an API failure (e.g. no shell window). */
  hresult: number;
  message: string;
}

export interface NativeTokenFacts {
  sessionId: number | null;
  elevated: boolean | null;
  /** TOKEN_ELEVATION_TYPE: 1 default, 2 full, 3 limited. */
  elevationType: number | null;
  userSid: string | null;
  logonSid: string | null;
  /** Enabled (not deny-only) group SIDs of the token. */
  groupSids: string[] | null;
  windowStation: string | null;
  windowStationUserSid: string | null;
  inputDesktopUserSid: string | null;
  shellProcessId: number | null;
  shellUserSid: string | null;
  failures: Record<string, NativeFactFailure>;
}

export interface InteractiveContextBinding {
  tokenContextFacts(): Promise<NativeTokenFacts>;
}

export interface NativeBinding
  extends ProductsBinding, InstallerBinding, PolicyBinding, SignaturesBinding, WuaBinding, WuaSystemBinding, InteractiveContextBinding {
  napiVersion: number;
}
