// The Windows Update Agent facade: createUpdateSession() and UpdateSession's search,
// download, install and uninstall, with the Run As preflight. Argument checks are
// lib/validate.ts, the shaping of native records ./shape.ts; native/wua_*.cc only gathers
// facts and calls WUA.
import { getInteractiveContext, type InteractiveContext } from '../process';
import { AbortError, MsiLuaError, NoInteractiveUserError, errorFromHResult, hresultFromWin32 } from '../errors';
import { abortErrorFromSignal } from '../errors/abort';
import {
  E_ABORT,
  E_FAIL,
  ERROR_CANCELLED,
  ERROR_OPERATION_ABORTED,
  WU_E_CALL_CANCELLED,
  WU_E_NO_INTERACTIVE_USER,
} from '../errors/codes.generated';
import { getBinding, toTypedError } from '../native/load';
import { mapInSlices } from '../package/scheduler';
import {
  assertBoolean,
  assertNoNul,
  assertPlainObject,
  assertSearchCriteria,
  checkEach,
  describeValue,
  optionalBoolean,
  optionalClientApplicationId,
  optionalEnum,
  optionalInteger,
  optionalProgress,
  optionalSignal,
  optionsObject,
  searchServerOptions,
} from '../validate';
import {
  isFailure,
  rawCode,
  resultName,
  SERVER_SELECTIONS,
  shapeHideOutcome,
  shapeHistoryEntry,
  shapeOutcome,
  shapeProgress,
  shapeUpdate,
  shapeWarnings,
  updateRef,
} from './shape';
import type {
  NativeJobResult,
  NativeProgress,
  NativeSearchResult,
  NativeWuaJob,
  NativeWuaSessionHandle,
  WuaBinding,
  WuaSystemBinding,
} from '../native/binding';
import type {
  DownloadOptions,
  DownloadPriority,
  DownloadResult,
  HideOutcome,
  HistoryEntry,
  HistoryOptions,
  HistoryPage,
  InstallOptions,
  InstallResult,
  InstallUpdateOutcome,
  OperationResult,
  ProgressEvent,
  SearchOptions,
  SearchResult,
  UninstallOptions,
  Update,
  UpdateOutcome,
  UpdateSelector,
  UpdateSessionOptions,
  UserInputPolicy,
} from './types';
import { argumentTypeError } from '../argument-error';

const PRIORITIES: Record<DownloadPriority, number> = { low: 1, normal: 2, high: 3 };
const USER_INPUT_POLICIES: readonly UserInputPolicy[] = ['reject', 'skip', 'attempt'];

// E_ILLEGAL_METHOD_CALL (winerror.h of the Windows SDK) is in no mingw-w64 header, so not in the table.
const E_ILLEGAL_METHOD_CALL = 0x8000000e;

type Operation = 'search' | 'download' | 'install' | 'uninstall';

/** HRESULTs that say a call was cancelled: E_ABORT, WU_E_CALL_CANCELLED, ERROR_CANCELLED, ERROR_OPERATION_ABORTED. */
const CANCELLATION_HRESULTS = new Set([
  E_ABORT,
  WU_E_CALL_CANCELLED,
  hresultFromWin32(ERROR_CANCELLED),
  hresultFromWin32(ERROR_OPERATION_ABORTED),
]);

function isCancellation(error: unknown): boolean {
  const hresult = (error as { hresult?: unknown } | null)?.hresult;
  return typeof hresult === 'number' && CANCELLATION_HRESULTS.has(hresult >>> 0);
}

/** Marks a native job result whose onProgress threw although the job then completed. */
const PROGRESS_ERROR = Symbol('progressError');

/** AbortError from an aborted download/install/uninstall carries what WUA reported when it stopped. */
export type AbortedJobError<T> = AbortError & { result?: T };

const MAX_HISTORY_PAGE = 10_000;

/** The updates that may ask for user input in this operation (uninstall has its own behaviour). */
function requestsUserInput(update: Update, uninstall: boolean): boolean {
  const b = uninstall ? (update.uninstallationBehavior ?? update.installationBehavior) : update.installationBehavior;
  return b.canRequestUserInput;
}

/**
 * The Run As rule, decided from the interactive context: a reason to refuse updates that
 * can request user input, or null. Unknown facts never refuse: WUA then decides.
 */
export function interactiveRefusal(context: InteractiveContext): string | null {
  assertPlainObject(context, 'context');
  if (typeof context.facts !== 'object' || context.facts === null) {
    throw argumentTypeError(
      `The "context" argument must be an InteractiveContext (getInteractiveContext()); received an object without facts`,
    );
  }
  if (context.isService === true) return `this process has no interactive user: ${context.facts.reasoning.isService}`;
  if (context.isSecondaryLogon === true) {
    return `this process runs under a secondary logon (Run As): ${context.facts.reasoning.isSecondaryLogon}`;
  }
  return null;
}

/**
 * Attaches a fact for the caller to read (error.result, error.context, ...) as a non-enumerable
 * property, so that the error's JSON and its printed keys stay those of the typed error.
 */
function attach<E extends object>(error: E, name: string, value: unknown): E {
  Object.defineProperty(error, name, { value, enumerable: false, configurable: true, writable: true });
  return error;
}

/** Adds the updates to a NoInteractiveUserError that came without them. */
function withUpdates(error: unknown, updates: readonly Update[]): unknown {
  if (!(error instanceof NoInteractiveUserError) || error.updates?.length || updates.length === 0) return error;
  return errorFromHResult(error.hresult, {
    syscall: error.syscall,
    systemMessage: error.systemMessage,
    cause: error.cause,
    updates: updates.map(updateRef),
  });
}

/**
 * What a finished job says about an abort (by the signal, or by an onProgress that threw:
 * `progressThrew`): nothing when none was asked for; otherwise
 * abortRequested and RequestAbort's own HRESULT (null when the job had completed before
 * the request reached WUA, so RequestAbort was never called).
 */
function abortFacts(
  signal: AbortSignal | undefined,
  raw: { abortRequested: boolean; abortHresult?: number },
  progressThrew = false,
): { abortRequested: true; abortHresult: number | null } | undefined {
  if (!raw.abortRequested && signal?.aborted !== true && !progressThrew) return undefined;
  return { abortRequested: true, abortHresult: raw.abortRequested && raw.abortHresult !== undefined ? raw.abortHresult >>> 0 : null };
}

function abortError(operation: Operation, signal: AbortSignal, syscall?: string): AbortError {
  return abortErrorFromSignal(`The ${operation}`, signal, syscall);
}

function sessionClosed(operation: string): MsiLuaError {
  return new MsiLuaError({
    hresult: E_ILLEGAL_METHOD_CALL,
    code: 'MSI_LUA_SESSION_CLOSED',
    message: `UpdateSession.${operation}() was called after close()`,
  });
}

// --- the session ---------------------------------------------------------------------------------

interface RunningJob<R> {
  native: NativeWuaJob<R>;
  /** Set when onProgress threw: the job is aborted and rejects with it. */
  callbackError?: { error: unknown };
}

/**
 * A Windows Update Agent session (IUpdateSession). Updates found by search() can then be
 * downloaded, installed and uninstalled through the same session. Call close() when done:
 * it waits for running jobs and releases every COM object. Every call rejects with TypeError
 * for bad arguments (before any native call), AbortError when its `signal` stopped the job,
 * the typed error of the HRESULT WUA returned (e.g. AccessDeniedError in a remote session,
 * NotImplementedError for Wine's stub), MSI_LUA_SESSION_CLOSED after close(), and
 * PlatformNotSupportedError off Windows (docs/wua.md).
 */
export class UpdateSession {
  readonly clientApplicationId: string;
  #handle: NativeWuaSessionHandle | undefined;
  #known = new Map<string, Update>();
  #pending = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(options: UpdateSessionOptions = {}) {
    const o = optionsObject(options, 'options');
    this.clientApplicationId = optionalClientApplicationId(o) ?? 'msi-lua';
  }

  /**
   * IUpdateSearcher.BeginSearch with a WUA criteria string, e.g. "IsInstalled=0 and IsHidden=0":
   * `{ resultCode, updates, warnings }` (warnings: ISearchResult::Warnings, null when WUA did not
   * answer). TypeError for blank criteria or one holding a NUL. Rejects with the typed error of
   * EndSearch, or, for a search that ended with resultCode 'failed', of its first failing
   * warning (else E_FAIL, syscall 'ISearchResult::get_ResultCode'), the result as `error.result`;
   * with AbortError for a search the signal stopped (resultCode 'aborted', or 'failed' with a
   * cancellation HRESULT), also carrying `error.result`.
   */
  async search(criteria: string, options: SearchOptions = {}): Promise<SearchResult> {
    assertSearchCriteria(criteria);
    const o = optionsObject(options, 'options');
    const online = optionalBoolean(o, 'online');
    const { serverSelection, serviceId } = searchServerOptions(o, SERVER_SELECTIONS);
    const signal = optionalSignal(o);

    const raw = await this.#run<NativeSearchResult>('search', signal, undefined, (binding, handle) =>
      binding.wuaSearch(handle, criteria, {
        ...(online !== undefined ? { online } : {}),
        ...(serverSelection !== undefined ? { serverSelection: SERVER_SELECTIONS.indexOf(serverSelection) } : {}),
        ...(serviceId !== undefined ? { serviceId: serviceId.replace(/[{}]/g, '') } : {}),
      }),
    );
    const resultCode = resultName(raw.resultCode);
    const abort = abortFacts(signal, raw);
    // Shaped in slices of the shared scheduler: thousands of updates or warnings are not one turn.
    const updates = await mapInSlices(raw.updates, shapeUpdate);
    for (const update of updates) this.#known.set(update.id.toLowerCase(), update);
    const result: SearchResult = { resultCode, ...rawCode(raw.resultCode), ...abort, updates, ...(await shapeWarnings(raw)) };
    if (resultCode !== 'failed' && !(abort && resultCode === 'aborted')) return result;
    // Download and install reject when the job fails as a whole; a search does the same, with
    // the reason WUA gives in its warnings (ISearchResult has no HRESULT of its own). Stopped
    // by the signal (aborted, or failed with a cancellation): AbortError, as for the others.
    const failing = result.warnings?.find((w) => w.error)?.error;
    const error =
      abort && (resultCode === 'aborted' || isCancellation(failing))
        ? abortError('search', signal!, 'ISearchJob::RequestAbort')
        : (failing ?? errorFromHResult(E_FAIL, { syscall: 'ISearchResult::get_ResultCode' }));
    throw attach(error, 'result', result);
  }

  /**
   * IUpdateDownloader.BeginDownload of updates found by this session (or their ids; anything else
   * is a TypeError): `{ resultCode, hresult, updates }`; per-update failures do not reject.
   */
  async download(updates: readonly UpdateSelector[], options: DownloadOptions = {}): Promise<DownloadResult> {
    const selected = this.#resolve(updates);
    const o = optionsObject(options, 'options');
    const priority = optionalEnum(o, 'priority', Object.keys(PRIORITIES) as DownloadPriority[]);
    const signal = optionalSignal(o);
    const onProgress = optionalProgress(o);

    const raw = await this.#run<NativeJobResult>(
      'download',
      signal,
      this.#progress('download', selected, onProgress),
      (binding, handle, progress) =>
        binding.wuaDownload(
          handle,
          selected.map((u) => u.id),
          priority ? { priority: PRIORITIES[priority] } : {},
          progress,
        ),
    );
    const result: DownloadResult = {
      resultCode: resultName(raw.resultCode),
      ...rawCode(raw.resultCode),
      hresult: raw.hresult >>> 0,
      updates: await mapInSlices(raw.updates, (u, i) =>
        shapeOutcome(selected[i]!, u.resultCode, u.hresult, 'IUpdateDownloadResult::get_HResult'),
      ),
    };
    return this.#settle('download', signal, raw, result, selected);
  }

  /**
   * IUpdateInstaller.BeginInstall of updates found by this session, after the Run As preflight
   * (NoInteractiveUserError unless `userInputUpdates` says otherwise). Per-update failures do not
   * reject; a job that fails as a whole rejects with its typed error, carrying `result`.
   */
  install(updates: readonly UpdateSelector[], options: InstallOptions = {}): Promise<InstallResult> {
    return this.#install(updates, options, false);
  }

  /** IUpdateInstaller.BeginUninstall of updates found by this session (e.g. by "IsInstalled=1"). */
  uninstall(updates: readonly UpdateSelector[], options: UninstallOptions = {}): Promise<InstallResult> {
    return this.#install(updates, options, true);
  }

  /**
   * IUpdateInstaller.IsBusy: whether an installation or uninstallation is running on this
   * computer now (by anyone). It does not reserve the installer: install() may still meet
   * WU_E_OPERATIONINPROGRESS (UpdateInstallerBusyError).
   */
  async isInstallerBusy(): Promise<boolean> {
    // Through #short, so close() waits for it: released first, the query failed with E_ABORT.
    return this.#short('isInstallerBusy', (binding, handle) => ({ promise: binding.wuaInstallerIsBusy(handle), abort: () => {} }));
  }

  /**
   * One page of the update history (IUpdateSearcher::GetTotalHistoryCount + QueryHistory),
   * newest first as WUA orders it. `start` (default 0) and `count` (default 100, at most
   * 10,000) are integers: TypeError for a value that is not a number, RangeError for
   * one out of range. Past the end the page is empty; `total` is
   * the whole history's length, so a caller pages without loading everything at once.
   */
  async history(options: HistoryOptions = {}): Promise<HistoryPage> {
    const o = optionsObject(options, 'options');
    const start = optionalInteger(o, 'start', 0, 0x7fffffff) ?? 0;
    const count = optionalInteger(o, 'count', 0, MAX_HISTORY_PAGE) ?? 100;
    const raw = await this.#short('history', (binding, handle) =>
      (binding as unknown as WuaSystemBinding).wuaHistory(handle, start, count),
    );
    // A page holds up to 10,000 entries: shaped in slices of the shared scheduler.
    return { total: raw.total, start, entries: await mapInSlices(raw.entries, shapeHistoryEntry) };
  }

  /** Every history entry, page by page (`pageSize` default 100): never the whole history in memory at once. */
  async *historyEntries(options: { pageSize?: number } = {}): AsyncGenerator<HistoryEntry, void, undefined> {
    const o = optionsObject(options, 'options');
    const pageSize = optionalInteger(o, 'pageSize', 1, MAX_HISTORY_PAGE) ?? 100;
    for (let start = 0; ; start += pageSize) {
      const page = await this.history({ start, count: pageSize });
      yield* page.entries;
      if (page.entries.length < pageSize || start + page.entries.length >= page.total) return;
    }
  }

  /**
   * IUpdate::put_IsHidden on updates found by this session's search (Hide-WindowsUpdate /
   * Show-WindowsUpdate): one outcome per update, in order; a refusal (e.g. E_ACCESSDENIED
   * without administrator rights) is that update's typed `error`, not a rejection.
   */
  async setHidden(updates: readonly UpdateSelector[], hidden: boolean): Promise<HideOutcome[]> {
    const selected = this.#resolve(updates);
    assertBoolean(hidden, 'hidden');
    const raw = await this.#short('setHidden', (binding, handle) =>
      (binding as unknown as WuaSystemBinding).wuaSetHidden(
        handle,
        selected.map((u) => u.id),
        hidden,
      ),
    );
    return raw.map((r, i) => shapeHideOutcome(selected[i]!, r));
  }

  /** Waits for running jobs, then releases the session's COM objects. Later calls reject (MSI_LUA_SESSION_CLOSED). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#pending]);
      const handle = this.#handle;
      this.#handle = undefined;
      this.#known.clear();
      if (handle === undefined) return;
      try {
        await this.#binding().wuaCloseSession(handle);
      } catch (error) {
        throw toTypedError(error);
      }
    })();
    return this.#closing;
  }

  // --- internals -------------------------------------------------------------------------------

  #binding(): WuaBinding {
    return getBinding() as unknown as WuaBinding;
  }

  #resolve(updates: unknown): Update[] {
    if (!Array.isArray(updates) || updates.length === 0) {
      throw argumentTypeError(
        `The "updates" argument must be a non-empty array of updates found by this session's search (or their ids); received ${describeValue(updates)}`,
      );
    }
    const seen = new Set<string>();
    return checkEach(updates, (item, index) => {
      const id = typeof item === 'string' ? item : typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
      if (typeof id !== 'string') {
        throw argumentTypeError(`The "updates" argument must hold updates or update ids; item ${index} is ${describeValue(item)}`);
      }
      assertNoNul(id, `updates[${index}]`);
      const key = id.toLowerCase();
      const known = this.#known.get(key);
      if (!known) throw argumentTypeError(`The "updates" argument holds ${id}, which no search of this session found`);
      if (seen.has(key)) throw argumentTypeError(`The "updates" argument holds ${id} twice`);
      seen.add(key);
      return known;
    });
  }

  /** Hands each native progress record, shaped (./shape.ts), to onProgress. */
  #progress(
    operation: ProgressEvent['operation'],
    selected: readonly Update[],
    onProgress: ((event: ProgressEvent) => void) | undefined,
    given: readonly Update[] = selected,
  ) {
    if (!onProgress) return undefined;
    return (p: NativeProgress): ProgressEvent => {
      const event = shapeProgress(operation, selected, p, given);
      onProgress(event);
      return event;
    };
  }

  /** A call without progress or abort on the session (its own job thread); close() waits for it. */
  async #short<R>(operation: string, start: (binding: WuaBinding, handle: NativeWuaSessionHandle) => NativeWuaJob<R>): Promise<R> {
    if (this.#closing) throw sessionClosed(operation);
    const binding = this.#binding();
    this.#handle ??= binding.wuaOpenSession(this.clientApplicationId);
    const job = start(binding, this.#handle);
    const settled = job.promise.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    try {
      return await job.promise;
    } catch (error) {
      throw toTypedError(error);
    }
  }

  async #run<R>(
    operation: Operation,
    signal: AbortSignal | undefined,
    progress: ((p: NativeProgress) => ProgressEvent) | undefined,
    start: (binding: WuaBinding, handle: NativeWuaSessionHandle, onProgress?: (p: NativeProgress) => void) => NativeWuaJob<R>,
  ): Promise<R> {
    if (this.#closing) throw sessionClosed(operation);
    if (signal?.aborted) throw abortError(operation, signal);
    const binding = this.#binding();
    this.#handle ??= binding.wuaOpenSession(this.clientApplicationId);
    const running: RunningJob<R> = { native: undefined as unknown as NativeWuaJob<R> };
    const onNativeProgress = progress
      ? (p: NativeProgress): void => {
          if (running.callbackError) return;
          try {
            progress(p);
          } catch (error) {
            running.callbackError = { error };
            running.native.abort();
          }
        }
      : undefined;
    running.native = start(binding, this.#handle, onNativeProgress);
    const settled = running.native.promise.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));

    const onAbort = (): void => running.native.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const raw = await running.native.promise;
      if (running.callbackError) {
        // The listener's exception is the outcome only when nothing was done: a job that
        // completed anyway (the throw came at 100%, or WUA ignored the abort) resolves with
        // what WUA did, as for a late abort, and carries the exception (#settle).
        const code = resultName((raw as { resultCode: number }).resultCode);
        if (code === 'aborted' || code === 'failed' || code === 'notStarted') throw running.callbackError.error;
        Object.defineProperty(raw, PROGRESS_ERROR, { value: running.callbackError, enumerable: false });
      }
      return raw;
    } catch (error) {
      if (running.callbackError) throw running.callbackError.error;
      // Aborted: a cancellation WUA answered while stopping (e.g. WU_E_CALL_CANCELLED) is an
      // AbortError. Another failure keeps its typed error: WUA did not say it stopped the job
      // (the scripted agent that ignores an abort runs the job to the end, then fails EndInstall).
      if (signal?.aborted && isCancellation(error)) throw abortError(operation, signal);
      throw toTypedError(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Rejects with AbortError only for a job that really stopped (resultCode 'aborted' after an
   * abort was requested), or with the typed error of a job that failed as a whole; resolves
   * otherwise, with abortRequested/abortHresult when an abort came too late to stop it.
   */
  #settle<
    T extends {
      resultCode: OperationResult;
      hresult: number;
      updates: UpdateOutcome[];
      abortRequested?: boolean;
      abortHresult?: number | null;
      progressError?: unknown;
    },
  >(operation: Operation, signal: AbortSignal | undefined, raw: NativeJobResult, result: T, attempted: readonly Update[]): T {
    const progressError = (raw as { [PROGRESS_ERROR]?: { error: unknown } })[PROGRESS_ERROR];
    const abort = abortFacts(signal, raw, progressError !== undefined);
    if (abort) Object.assign(result, abort);
    if (progressError) result.progressError = progressError.error;
    const stopped = (): AbortedJobError<T> =>
      attach(
        abortError(operation, signal!, operation === 'download' ? 'IDownloadJob::RequestAbort' : 'IInstallationJob::RequestAbort'),
        'result',
        result,
      );
    if (abort && result.resultCode === 'aborted') throw stopped();
    if (result.resultCode !== 'failed') return result;
    // Nothing succeeded: reject with the job's own HRESULT, else the first update's.
    const syscall = operation === 'download' ? 'IDownloadResult::get_HResult' : 'IInstallationResult::get_HResult';
    let error: MsiLuaError;
    if (isFailure(result.hresult)) {
      const needInput =
        result.hresult === WU_E_NO_INTERACTIVE_USER ? attempted.filter((u) => requestsUserInput(u, operation === 'uninstall')) : [];
      error = errorFromHResult(result.hresult, {
        syscall,
        updates: result.hresult === WU_E_NO_INTERACTIVE_USER ? (needInput.length ? needInput : attempted).map(updateRef) : undefined,
      });
    } else {
      error =
        result.updates.find((u) => u.error)?.error ??
        errorFromHResult(E_FAIL, {
          syscall: operation === 'download' ? 'IDownloadResult::get_ResultCode' : 'IInstallationResult::get_ResultCode',
        });
    }
    // Failed with a cancellation after the signal asked WUA to stop: the job was stopped.
    if (signal?.aborted && isCancellation(error)) throw stopped();
    throw attach(error, 'result', result);
  }

  async #install(
    updates: readonly UpdateSelector[],
    options: InstallOptions | UninstallOptions,
    uninstall: boolean,
  ): Promise<InstallResult> {
    const operation: Operation = uninstall ? 'uninstall' : 'install';
    const selected = this.#resolve(updates);
    const o = optionsObject(options, 'options');
    const forceQuiet = optionalBoolean(o, 'forceQuiet');
    const allowSourcePrompts = optionalBoolean(o, 'allowSourcePrompts');
    const acceptEulas = uninstall ? undefined : optionalBoolean(o, 'acceptEulas');
    if (uninstall && o.acceptEulas !== undefined) throw argumentTypeError('The "acceptEulas" option applies to install() only');
    const policy = optionalEnum(o, 'userInputUpdates', USER_INPUT_POLICIES) ?? 'reject';
    const signal = optionalSignal(o);
    const onProgress = optionalProgress(o);
    if (this.#closing) throw sessionClosed(operation);
    if (signal?.aborted) throw abortError(operation, signal);

    // The Run As rule: checked before WUA is called.
    const needInput = selected.filter((u) => requestsUserInput(u, uninstall));
    let skipped: Update[] = [];
    if (policy !== 'attempt' && needInput.length > 0) {
      // Facts that cannot be read at all are all unknown, and unknown never refuses: WUA decides.
      const context = await getInteractiveContext().catch(() => null);
      const refusal = context === null ? null : interactiveRefusal(context);
      if (refusal !== null) {
        if (policy === 'reject') {
          const error = new NoInteractiveUserError({ updates: needInput.map(updateRef) });
          throw attach(attach(error, 'context', context), 'preflight', refusal);
        }
        skipped = needInput;
      }
    }
    const toRun = selected.filter((u) => !skipped.includes(u));

    let raw: NativeJobResult | undefined;
    if (toRun.length > 0) {
      try {
        raw = await this.#run<NativeJobResult>(
          operation,
          signal,
          this.#progress(operation, toRun, onProgress, selected),
          (binding, handle, progress) =>
            binding.wuaInstall(
              handle,
              toRun.map((u) => u.id),
              {
                ...(uninstall ? { uninstall: true } : {}),
                ...(forceQuiet !== undefined ? { forceQuiet } : {}),
                ...(allowSourcePrompts !== undefined ? { allowSourcePrompts } : {}),
                ...(acceptEulas ? { acceptEulas: true } : {}),
              },
              progress,
            ),
        );
      } catch (error) {
        // WUA's own WU_E_NO_INTERACTIVE_USER names the updates that can request input
        // (all of them when none is flagged).
        const flagged = needInput.filter((u) => toRun.includes(u));
        throw withUpdates(error, flagged.length > 0 ? flagged : toRun);
      }
    }

    const ran = new Map<Update, InstallUpdateOutcome>();
    raw?.updates.forEach((u, i) => {
      const update = toRun[i]!;
      // Assigned, not spread: a spread would read (make) each lazy error (./shape.ts lazyError).
      ran.set(
        update,
        Object.assign(shapeOutcome(update, u.resultCode, u.hresult, 'IUpdateInstallationResult::get_HResult'), {
          rebootRequired: u.rebootRequired === true,
        }),
      );
    });
    const result: InstallResult = {
      resultCode: raw ? resultName(raw.resultCode) : 'notStarted',
      ...(raw ? rawCode(raw.resultCode) : {}),
      hresult: raw ? raw.hresult >>> 0 : 0,
      rebootRequired: raw?.rebootRequired === true,
      rebootRequiredBeforeInstallation: raw?.rebootRequiredBeforeInstallation === true,
      eulasAccepted: raw?.eulasAccepted ? [...raw.eulasAccepted] : [],
      updates: selected.map(
        (u) =>
          ran.get(u) ?? {
            id: u.id,
            title: u.title,
            resultCode: 'skipped',
            hresult: 0,
            rebootRequired: false,
            skippedBecause: 'requiresUserInput',
          },
      ),
    };
    if (!raw) return result;
    return this.#settle(operation, signal, raw, result, toRun);
  }
}

/**
 * A new Windows Update Agent session (IUpdateSession; `new UpdateSession(options)` alike); no COM
 * work happens until its first call. `clientApplicationId` (default 'msi-lua') is
 * IUpdateSession.ClientApplicationID. Throws TypeError for options that are not an object or a
 * clientApplicationId that is not a non-empty string without NUL; its calls reject with
 * PlatformNotSupportedError off Windows.
 */
export function createUpdateSession(options: UpdateSessionOptions = {}): UpdateSession {
  return new UpdateSession(options);
}
