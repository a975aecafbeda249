// The typed surface of the compiled addon (native/*.cc), written once: the facades compile
// against what the binding really exports, and test/native/binding-exports.test.ts checks the
// loaded addon exports exactly the members of NativeBinding. Keep in step with each Register*
// function. Numbers are the Windows APIs' own (Win32 status, HRESULT, MSIINSTALLCONTEXT, WUA's
// enumerations); lib/ maps them. The WUA part is wua-binding.ts, re-exported here.
import type { WuaBinding, WuaSystemBinding } from './wua-binding';

export type {
  NativeWuaSessionHandle,
  NativeWuaJob,
  NativeInstallationBehavior,
  NativeUpdate,
  NativeSearchResult,
  NativeSearchWarning,
  NativeProgress,
  NativeUpdateOutcome,
  NativeJobResult,
  NativeSearchOptions,
  NativeInstallOptions,
  NativeDownloadOptions,
  WuaBinding,
  NativeService,
  NativeServiceRegistration,
  NativeAutomaticUpdates,
  NativeAutomaticUpdatesResults,
  NativeVariantDate,
  NativeHistoryEntry,
  NativeHistoryPage,
  NativeSetHidden,
  WuaSystemBinding,
} from './wua-binding';

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
  /** MsiGetComponentPathExW in one MSIINSTALLCONTEXT: the INSTALLSTATE and what Windows wrote into the path buffer ('' for nothing). */
  componentPath(
    productCode: string,
    componentCode: string,
    context: number,
    userSid: string | null,
  ): Promise<{ state: number; path: string }>;
  /** MsiEnumClientsExW, whole: the products using a component in `contexts` (MSIINSTALLCONTEXT flags). */
  componentClients(
    componentCode: string,
    userSid: string | null,
    contexts: number,
  ): Promise<Array<{ productCode: string; context: number; userSid: string | null }>>;
  /** MsiEnumComponentsExW, whole: the installed components in `contexts` (MSIINSTALLCONTEXT flags). */
  components(userSid: string | null, contexts: number): Promise<Array<{ componentCode: string; context: number; userSid: string | null }>>;
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
