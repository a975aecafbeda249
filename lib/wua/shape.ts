// Shaping of the native WUA records (lib/native/binding.ts) into the public types
// (./types.ts): names for WUA's numbers, Dates for OLE dates, typed errors for failing
// HRESULTs. No validation and no native calls here.
import { inspect, type InspectOptions } from 'node:util';
import { errorFromHResult, isSuccessCode, type MsiLuaError, type UpdateRef } from '../errors';
import { WU_E_NO_INTERACTIVE_USER } from '../errors/codes.generated';
import type {
  NativeHistoryEntry,
  NativeProgress,
  NativeSearchResult,
  NativeService,
  NativeSetHidden,
  NativeUpdate,
} from '../native/binding';
import { mapInSlices } from '../package/scheduler';
import type { UpdateService } from './system';
import type {
  DownloadPhase,
  HideOutcome,
  HistoryEntry,
  InstallationBehavior,
  InstallationImpact,
  OperationResult,
  ProgressEvent,
  RebootBehavior,
  SearchResult,
  SearchWarning,
  SearchWarningContext,
  ServerSelection,
  Update,
  UpdateOutcome,
} from './types';

const RESULT_CODES: readonly OperationResult[] = ['notStarted', 'inProgress', 'succeeded', 'succeededWithErrors', 'failed', 'aborted'];
const REBOOT_BEHAVIORS: readonly RebootBehavior[] = ['neverReboots', 'alwaysRequiresReboot', 'canRequestReboot'];
const IMPACTS: readonly InstallationImpact[] = ['normal', 'minor', 'requiresExclusiveHandling'];
export const SERVER_SELECTIONS: readonly ServerSelection[] = ['default', 'managedServer', 'windowsUpdate', 'others'];
/**
 * DownloadPhase by the values WUA reports (wuapi.h of the Windows SDK: dphInitializing 1,
 * dphDownloading 2, dphVerifying 3; mingw-w64's wuapi.h numbers them from 0, which is wrong).
 */
export const PHASES: Readonly<Partial<Record<number, DownloadPhase>>> = { 1: 'initializing', 2: 'downloading', 3: 'verifying' };

/**
 * OperationResultCode by name; a value outside the documented 0..5 becomes 'unknown' (the
 * caller keeps the number as rawResultCode) rather than throwing the whole result away.
 */
export function resultName(code: number): OperationResult {
  return (Number.isInteger(code) ? RESULT_CODES[code] : undefined) ?? 'unknown';
}

/** { rawResultCode } when the code has no name, else nothing. */
export function rawCode(code: number): { rawResultCode?: number } {
  return resultName(code) === 'unknown' ? { rawResultCode: code } : {};
}

function behavior(native: NativeUpdate['installationBehavior']): InstallationBehavior {
  return {
    canRequestUserInput: native.canRequestUserInput,
    rebootBehavior: REBOOT_BEHAVIORS[native.rebootBehavior] ?? 'canRequestReboot',
    impact: IMPACTS[native.impact] ?? 'normal',
    requiresNetworkConnectivity: native.requiresNetworkConnectivity,
  };
}

export function shapeUpdate(native: NativeUpdate): Update {
  return {
    id: native.id,
    revision: native.revision,
    title: native.title,
    description: native.description,
    kbArticleIds: [...native.kbArticleIds],
    securityBulletinIds: [...native.securityBulletinIds],
    categories: native.categories.map((c) => ({ id: c.id, name: c.name, type: c.type })),
    msrcSeverity: native.msrcSeverity === '' ? null : native.msrcSeverity,
    minDownloadSize: native.minDownloadSize,
    maxDownloadSize: native.maxDownloadSize,
    isDownloaded: native.isDownloaded,
    isInstalled: native.isInstalled,
    isMandatory: native.isMandatory,
    isHidden: native.isHidden,
    isBeta: native.isBeta,
    isUninstallable: native.isUninstallable,
    eulaAccepted: native.eulaAccepted,
    type: native.type === 2 ? 'driver' : 'software',
    installationBehavior: behavior(native.installationBehavior),
    uninstallationBehavior: native.uninstallationBehavior ? behavior(native.uninstallationBehavior) : null,
  };
}

const OPERATIONS = { 1: 'installation', 2: 'uninstallation' } as const;

export function shapeHistoryEntry(e: NativeHistoryEntry): HistoryEntry {
  const hr = e.hresult >>> 0;
  const entry: HistoryEntry = {
    date: dateFromOle(e.date),
    operation: (OPERATIONS as Record<number, HistoryEntry['operation']>)[e.operation] ?? 'unknown',
    resultCode: resultName(e.resultCode),
    ...rawCode(e.resultCode),
    hresult: hr,
    unmappedResultCode: e.unmappedResultCode >>> 0,
    updateId: e.updateId,
    revision: e.revision,
    title: e.title,
    description: e.description,
    clientApplicationId: e.clientApplicationId,
    serverSelection: SERVER_SELECTIONS[e.serverSelection] ?? 'default',
    serviceId: e.serviceId,
    supportUrl: e.supportUrl,
    categories: e.categories ? e.categories.map((c) => ({ id: c.id, name: c.name, type: c.type })) : null,
  };
  if (isFailure(hr)) lazyError(entry, () => errorFromHResult(hr, { syscall: 'IUpdateHistoryEntry::get_HResult' }));
  return entry;
}

/** Each lazy error not settled yet: its maker, and the error once made (see lazyError). */
const pendingErrors = new WeakMap<object, { make: () => MsiLuaError; made?: { value: unknown } }>();

/**
 * `value` as the plain data property `error` of `target`; where that cannot be done (the
 * caller froze the object), the value is kept so that every read still returns it.
 */
function settleError(target: object, value: unknown): unknown {
  if (Reflect.defineProperty(target, 'error', { value, enumerable: true, writable: true, configurable: true })) {
    pendingErrors.delete(target);
  } else {
    const pending = pendingErrors.get(target);
    if (pending) pending.made = { value };
  }
  return value;
}

/** The object holding the lazy error `this` reads: itself, or one it inherits from (Object.create). */
function lazyHolder(from: object): object | undefined {
  for (let o: object | null = from; o !== null; o = Object.getPrototypeOf(o) as object | null) if (pendingErrors.has(o)) return o;
  return undefined;
}

// One getter, setter and inspector for all: objects given accessors of their own would each
// get a hidden class of their own, which costs about what the errors did.
const LAZY_ERROR: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object): unknown {
    const holder = lazyHolder(this);
    const pending = holder && pendingErrors.get(holder);
    if (!holder || !pending) return undefined;
    return pending.made ? pending.made.value : settleError(holder, pending.make());
  },
  set(this: object, value: unknown): void {
    // As for a data property: a frozen holder's is read-only (what strict mode throws), and an
    // object inheriting it gets a property of its own.
    const holder = lazyHolder(this);
    if (holder !== undefined && Object.isFrozen(holder)) throw new TypeError("Cannot assign to read only property 'error' of object");
    if (holder === this || holder === undefined) settleError(this, value);
    else if (!Reflect.defineProperty(this, 'error', { value, enumerable: true, writable: true, configurable: true }))
      throw new TypeError('Cannot add property error, object is not extensible');
  },
};

// util.inspect (console.log) would show the accessor as [Getter/Setter]: make the error, drop
// this inspector and let util.inspect show the object as it shows any other (depth, circular
// references). Only a frozen object keeps the accessor: it is shown as a copy, within depth.
const INSPECT_MADE: PropertyDescriptor = {
  value(this: object, depth: number, options: InspectOptions, inspectFn: typeof inspect = inspect): unknown {
    void (this as { error?: unknown }).error;
    if (Reflect.getOwnPropertyDescriptor(this, 'error')?.get === undefined && Reflect.deleteProperty(this, inspect.custom)) return this;
    if (depth < 0) return '[Object]';
    return inspectFn({ ...this }, { ...options, depth: options.depth === null ? null : depth });
  },
  enumerable: false,
  configurable: true,
  writable: true,
};

/**
 * Gives `target` an enumerable `error` made by `make` on its first read, then kept as a plain
 * data property: every read returns the same error, and Object.keys, JSON.stringify and
 * `'error' in` see it as before. Why: an error captures a stack (about 30 us), and a search
 * with 10,000 failing warnings (or a 10,000-entry history page) made them all in one turn of
 * the event loop (270 ms and more) for errors a caller rarely reads. Its stack is that of the
 * first read.
 */
export function lazyError<T extends object>(target: T, make: () => MsiLuaError): T {
  pendingErrors.set(target, { make });
  Object.defineProperty(target, 'error', LAZY_ERROR);
  Object.defineProperty(target, inspect.custom, INSPECT_MADE);
  return target;
}

export function isFailure(hresult: number): boolean {
  return hresult !== 0 && !isSuccessCode(hresult);
}

// OLE Automation DATE: days since 1899-12-30; 25569 is 1970-01-01.
const OLE_EPOCH_DAYS = 25569;
const MS_PER_DAY = 86_400_000;

/**
 * An OLE Automation DATE (WUA reports UTC) as a Date; null for 0 (WUA's "no date") or a
 * value outside what a Date holds. Negative DATEs count days back but their fraction forward.
 */
export function dateFromOle(value: number): Date | null {
  if (!Number.isFinite(value) || value === 0) return null;
  const days = Math.trunc(value);
  const ms = (days - OLE_EPOCH_DAYS) * MS_PER_DAY + Math.round(Math.abs(value - days) * MS_PER_DAY);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function shapeService(s: NativeService): UpdateService {
  return {
    name: s.name,
    serviceId: s.serviceId.replace(/[{}]/g, '').toLowerCase(),
    isDefaultAUService: s.isDefaultAUService,
    isManaged: s.isManaged,
    isRegisteredWithAU: s.isRegisteredWithAU,
    offersWindowsUpdates: s.offersWindowsUpdates,
    isScanPackageService: s.isScanPackageService,
    canRegisterWithAU: s.canRegisterWithAU,
    serviceUrl: s.serviceUrl,
    issueDate: dateFromOle(s.issueDate),
  };
}

/** The { id, title } an error names an update by. */
export function updateRef(update: Update): UpdateRef {
  return { id: update.id, title: update.title };
}

/**
 * One update's outcome in a download/install/uninstall result; a failing HRESULT becomes its
 * typed `error` (WU_E_NO_INTERACTIVE_USER naming the update).
 */
export function shapeOutcome(update: Update, resultCode: number, hresult: number, syscall: string): UpdateOutcome {
  const hr = hresult >>> 0;
  const outcome: UpdateOutcome = {
    id: update.id,
    title: update.title,
    resultCode: resultName(resultCode),
    ...rawCode(resultCode),
    hresult: hr,
  };
  if (isFailure(hr))
    lazyError(outcome, () => errorFromHResult(hr, { syscall, updates: hr === WU_E_NO_INTERACTIVE_USER ? [updateRef(update)] : undefined }));
  return outcome;
}

const WARNING_CONTEXTS: Readonly<Partial<Record<number, SearchWarningContext>>> = {
  1: 'general',
  2: 'windowsDriver',
  3: 'windowsInstaller',
  4: 'searchIncomplete',
};

/**
 * ISearchResult::Warnings as SearchResult's warnings (and warningsHresult when unknown), shaped
 * in slices of the shared scheduler (lib/package/scheduler.ts) when there are many.
 */
export async function shapeWarnings(native: NativeSearchResult): Promise<Pick<SearchResult, 'warnings' | 'warningsHresult'>> {
  if (!native.warnings) return { warnings: null, warningsHresult: (native.warningsHresult ?? 0) >>> 0 };
  return {
    warnings: await mapInSlices(native.warnings, (w) => {
      const hresult = w.hresult >>> 0;
      const context = WARNING_CONTEXTS[w.context] ?? 'unknown';
      const warning: SearchWarning = { hresult, message: w.message, context };
      if (context === 'unknown') warning.rawContext = w.context;
      if (isFailure(hresult)) lazyError(warning, () => errorFromHResult(hresult, { syscall: 'IUpdateException::get_HResult' }));
      return warning;
    }),
  };
}

/** One update's IUpdate::put_IsHidden outcome; a refusal becomes its typed `error`. */
export function shapeHideOutcome(update: Update, r: NativeSetHidden): HideOutcome {
  const hr = r.hresult >>> 0;
  const outcome: HideOutcome = { id: update.id, title: update.title, hresult: hr, isHidden: r.isHidden };
  if (isFailure(hr)) lazyError(outcome, () => errorFromHResult(hr, { syscall: 'IUpdate::put_IsHidden' }));
  return outcome;
}

/**
 * A native progress record as the ProgressEvent onProgress receives; `selected` are the updates
 * of the job, in order, and `given` the caller's (skipped ones included), which updateIndex counts.
 */
export function shapeProgress(
  operation: ProgressEvent['operation'],
  selected: readonly Update[],
  p: NativeProgress,
  given: readonly Update[] = selected,
): ProgressEvent {
  const update = selected[p.currentUpdateIndex];
  const event: ProgressEvent = {
    operation,
    updateIndex: update ? given.indexOf(update) : p.currentUpdateIndex,
    update: update ? { id: update.id, title: update.title } : null,
    updatePercent: p.currentUpdatePercent,
    percent: p.percent,
  };
  if (p.downloadPhase !== undefined) {
    event.download = {
      phase: PHASES[p.downloadPhase] ?? 'unknown',
      updateBytes: p.currentUpdateBytes ?? 0,
      updateBytesTotal: p.currentUpdateBytesTotal ?? 0,
      totalBytes: p.totalBytes ?? 0,
      totalBytesTotal: p.totalBytesTotal ?? 0,
    };
  }
  return event;
}
