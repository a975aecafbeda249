// Public types of the Windows Update Agent facade (lib/wua).
import type { MsiLuaError } from '../errors';

/**
 * WUA's OperationResultCode by name (orcNotStarted 0 .. orcAborted 5). 'unknown' is a value
 * outside the documented ones: the result carries the number as rawResultCode.
 */
export type OperationResult = 'notStarted' | 'inProgress' | 'succeeded' | 'succeededWithErrors' | 'failed' | 'aborted' | 'unknown';

/**
 * Present on a result that resolved although an abort was requested (the job completed
 * anyway: the abort came at 100%, RequestAbort failed, or the agent ignored it).
 */
export interface AbortFacts {
  abortRequested?: true;
  /** RequestAbort's own HRESULT (unsigned); null when the job completed before RequestAbort was called. */
  abortHresult?: number | null;
  /** What onProgress threw, when that asked for the abort and the job completed anyway (download and install only). */
  progressError?: unknown;
}

export type RebootBehavior = 'neverReboots' | 'alwaysRequiresReboot' | 'canRequestReboot';
export type InstallationImpact = 'normal' | 'minor' | 'requiresExclusiveHandling';
export type ServerSelection = 'default' | 'managedServer' | 'windowsUpdate' | 'others';
export type DownloadPriority = 'low' | 'normal' | 'high';
/** IDownloadProgress::CurrentUpdateDownloadPhase by name; 'unknown' when WUA reports another value or none. */
export type DownloadPhase = 'initializing' | 'downloading' | 'verifying' | 'unknown';

export interface InstallationBehavior {
  /** True when the update may show UI: it cannot be installed under Run As (WU_E_NO_INTERACTIVE_USER). */
  canRequestUserInput: boolean;
  rebootBehavior: RebootBehavior;
  impact: InstallationImpact;
  requiresNetworkConnectivity: boolean;
}

export interface UpdateCategory {
  id: string;
  name: string;
  /** e.g. 'UpdateClassification', 'Product', 'ProductFamily', 'Company'. */
  type: string;
}

/** An update found by UpdateSession.search(): plain data, safe to serialize. */
export interface Update {
  /** UpdateID (a GUID without braces). */
  id: string;
  revision: number;
  title: string;
  description: string;
  /** KB article numbers without the "KB" prefix, as WUA reports them. */
  kbArticleIds: string[];
  securityBulletinIds: string[];
  categories: UpdateCategory[];
  /** 'Critical', 'Important', 'Moderate', 'Low', ... or null when WUA reports none. */
  msrcSeverity: string | null;
  /** Bytes. */
  minDownloadSize: number;
  /** Bytes. */
  maxDownloadSize: number;
  isDownloaded: boolean;
  isInstalled: boolean;
  isMandatory: boolean;
  isHidden: boolean;
  isBeta: boolean;
  isUninstallable: boolean;
  eulaAccepted: boolean;
  type: 'software' | 'driver';
  installationBehavior: InstallationBehavior;
  uninstallationBehavior: InstallationBehavior | null;
}

export interface SearchResult extends AbortFacts {
  resultCode: OperationResult;
  /** The OperationResultCode number when resultCode is 'unknown'. */
  rawResultCode?: number;
  updates: Update[];
  /**
   * ISearchResult::Warnings: what WUA could not complete in this search (the updates are
   * usable but may be incomplete); [] when nothing was left out. null when WUA did not answer
   * (ISearchResult::get_Warnings, or reading one IUpdateException, failed: warningsHresult says how),
   * which is unknown, not none.
   */
  warnings: SearchWarning[] | null;
  /** The failing HRESULT (unsigned) of get_Warnings or of reading one warning, when warnings is null. */
  warningsHresult?: number;
}

/**
 * IUpdateException's UpdateExceptionContext by name (uecGeneral 1, uecWindowsDriver 2,
 * uecWindowsInstaller 3, uecSearchIncomplete 4); 'unknown' for any other value, kept as rawContext.
 */
export type SearchWarningContext = 'general' | 'windowsDriver' | 'windowsInstaller' | 'searchIncomplete' | 'unknown';

/** One of ISearchResult::Warnings (IUpdateException). */
export interface SearchWarning {
  /** Unsigned HRESULT (IUpdateException::get_HResult). */
  hresult: number;
  /** WUA's text (IUpdateException::get_Message); may be empty. */
  message: string;
  context: SearchWarningContext;
  /** The UpdateExceptionContext number when context is 'unknown'. */
  rawContext?: number;
  /**
   * The typed error for a failing hresult (syscall 'IUpdateException::get_HResult'); made on
   * first read, then the same error on every read (docs/wua.md).
   */
  error?: MsiLuaError;
}

export interface SearchOptions {
  /** Search online (true, WUA's default) or only the local cache (false). */
  online?: boolean;
  serverSelection?: ServerSelection;
  /** A registered update service's id; implies serverSelection 'others'. */
  serviceId?: string;
  signal?: AbortSignal;
}

/** What onProgress receives, in order; the last event of a completed job has percent 100. */
export interface ProgressEvent {
  operation: 'download' | 'install' | 'uninstall';
  /**
   * Index in the updates passed to download/install/uninstall (those userInputUpdates 'skip'
   * left out counted); WUA's own index when it reports one outside the updates it was given.
   */
  updateIndex: number;
  /** The update at updateIndex; null when WUA reports an index outside the updates given. */
  update: { id: string; title: string } | null;
  /** Percent of the current update, 0..100. */
  updatePercent: number;
  /** Percent of the whole job, 0..100. */
  percent: number;
  /** Download jobs only. */
  download?: {
    phase: DownloadPhase;
    /** Bytes downloaded and to download, of the current update and of the whole job. */
    updateBytes: number;
    updateBytesTotal: number;
    totalBytes: number;
    totalBytesTotal: number;
  };
}

/** An update given to download/install/uninstall: one found by this session's search, or its id. */
export type UpdateSelector = Update | string;

export interface JobOptions {
  /**
   * Aborts the job: WUA's RequestAbort. The promise rejects with AbortError when the job
   * stopped (resultCode 'aborted'); a job that completed anyway resolves with its result and
   * abortRequested: true.
   */
  signal?: AbortSignal;
  /**
   * Called on the JS thread for every progress report, in order. If it throws, the job is
   * aborted and rejects with that error; a job that completed anyway resolves, with
   * abortRequested: true and the error as progressError.
   */
  onProgress?: (event: ProgressEvent) => void;
}

export interface DownloadOptions extends JobOptions {
  priority?: DownloadPriority;
}

/**
 * What install() does with selected updates whose installationBehavior.canRequestUserInput is
 * true when this process has no interactive user (a service) or runs under Run As (secondary
 * logon), where WUA would fail them with WU_E_NO_INTERACTIVE_USER:
 * - 'reject' (default): reject at once with NoInteractiveUserError listing them; nothing is installed;
 * - 'skip': leave them out; they come back with resultCode 'skipped';
 * - 'attempt': no preflight; WUA decides (its 0x80240020 still becomes NoInteractiveUserError).
 */
export type UserInputPolicy = 'reject' | 'skip' | 'attempt';

export interface InstallOptions extends JobOptions {
  /** IUpdateInstaller2.ForceQuiet: install without any UI. */
  forceQuiet?: boolean;
  /** IUpdateInstaller.AllowSourcePrompts. */
  allowSourcePrompts?: boolean;
  /** Accept the EULA of every selected update whose EULA is not accepted yet (IUpdate.AcceptEula). */
  acceptEulas?: boolean;
  userInputUpdates?: UserInputPolicy;
}

export type UninstallOptions = JobOptions & Pick<InstallOptions, 'forceQuiet' | 'allowSourcePrompts' | 'userInputUpdates'>;

export interface UpdateOutcome {
  id: string;
  title: string;
  /** 'skipped': left out by the userInputUpdates: 'skip' preflight; WUA never saw it. */
  resultCode: OperationResult | 'skipped';
  /** The OperationResultCode number when resultCode is 'unknown'. */
  rawResultCode?: number;
  /** Unsigned HRESULT WUA reported for this update (0 when it succeeded or was skipped). */
  hresult: number;
  /** The typed error for a failing hresult (e.g. InstallNotAllowedError); made on first read, then the same error. */
  error?: MsiLuaError;
}

export interface InstallUpdateOutcome extends UpdateOutcome {
  rebootRequired: boolean;
  /** Why it was skipped, for resultCode 'skipped'. */
  skippedBecause?: 'requiresUserInput';
}

/** What download() resolves (IDownloadResult): the job's result and one outcome per update, in order. */
export interface DownloadResult extends AbortFacts {
  resultCode: OperationResult;
  rawResultCode?: number;
  hresult: number;
  updates: UpdateOutcome[];
}

/** What install() and uninstall() resolve (IInstallationResult): the job's result and one outcome per update, in order. */
export interface InstallResult extends AbortFacts {
  resultCode: OperationResult;
  rawResultCode?: number;
  hresult: number;
  rebootRequired: boolean;
  /** IUpdateInstaller.RebootRequiredBeforeInstallation, read before the job started. */
  rebootRequiredBeforeInstallation: boolean;
  /** Ids whose EULA acceptEulas accepted. */
  eulasAccepted: string[];
  updates: InstallUpdateOutcome[];
}

export interface UpdateSessionOptions {
  /** IUpdateSession.ClientApplicationID: how this program appears in the Windows Update log. Default 'msi-lua'. */
  clientApplicationId?: string;
}

export interface HistoryOptions {
  /** Index of the first entry (0 is the newest). Default 0. */
  start?: number;
  /** Entries to read, 0..10,000. Default 100. */
  count?: number;
}

/** One IUpdateHistoryEntry (Get-WUHistory). */
export interface HistoryEntry {
  /** When it happened (WUA reports UTC); null when WUA has no date. */
  date: Date | null;
  operation: 'installation' | 'uninstallation' | 'unknown';
  resultCode: OperationResult;
  rawResultCode?: number;
  /** Unsigned HRESULT; 0 when it succeeded. */
  hresult: number;
  /** The typed error for a failing hresult; made on first read, then the same error. */
  error?: MsiLuaError;
  /** IUpdateHistoryEntry.UnmappedResultCode: the installer's own code before WUA mapped it (unsigned). */
  unmappedResultCode: number;
  updateId: string;
  revision: number;
  title: string;
  description: string;
  /** Who ran it (IUpdateSession.ClientApplicationID of that caller). */
  clientApplicationId: string;
  serverSelection: ServerSelection;
  serviceId: string;
  supportUrl: string;
  /** IUpdateHistoryEntry2.Categories; null when the agent lacks IUpdateHistoryEntry2. */
  categories: UpdateCategory[] | null;
}

export interface HistoryPage {
  /** IUpdateSearcher.GetTotalHistoryCount. */
  total: number;
  start: number;
  entries: HistoryEntry[];
}

export interface HideOutcome {
  id: string;
  title: string;
  /** put_IsHidden's HRESULT (unsigned); 0 when it succeeded. */
  hresult: number;
  error?: MsiLuaError;
  /** IUpdate.IsHidden read back afterwards; null when it could not be read. */
  isHidden: boolean | null;
}
