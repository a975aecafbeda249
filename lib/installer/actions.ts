// Windows Installer actions: install, apply and remove patches, repair, configure and
// uninstall, each on a native thread of its own with an external UI record handler.
// Windows Installer runs one installation at a time on a machine, and the record
// handler, the internal UI level and the log setting are msi.dll's process state, so
// msi-lua runs its own actions one after another (a queue), in the order they were called.
// Argument checks are ./arguments.ts; native outcomes become results and errors in ./outcome.ts.
import { getBinding, toTypedError } from '../native/load';
import type { NativeInstallerHandle, NativeInstallerOutcome, NativeInstallerRequest } from '../native/binding';
import { assertPlainObject, assertProductCode } from '../validate';
import {
  checkActionOptions,
  checkConfigureRequest,
  checkExistingFile,
  checkPatchCodes,
  checkPatchPaths,
  reinstallModeFlags,
  type ActionOptions,
  type ConfigureState,
  type PropertyValue,
  type ReinstallMode,
} from './arguments';
import { abortedBeforeStart, shapeOutcome } from './outcome';
import { MESSAGE_FILTER, ProgressDecoder, type InstallerMessage, type InstallerProgressEvent } from './progress';

export { InstallFailedError } from './outcome';

/** Options every Windows Installer action takes (docs/installer.md, "Actions"). */
export interface InstallerActionOptions {
  /** Receives every progress event in order, on the JS thread (see InstallerProgressEvent). Exceptions it throws are ignored. */
  onProgress?: (event: InstallerProgressEvent) => void;
  /**
   * Cancels: the record handler answers IDCANCEL from then on, and Windows rolls back and
   * returns 1602 (the promise rejects with AbortError). Aborted while queued, the action never
   * starts and the promise rejects at once. Wine 8's msi.dll ignores IDCANCEL and finishes: the result then has `cancelRequested: true`.
   */
  signal?: AbortSignal;
  /** A verbose log file (MsiEnableLogW, flushed after each line); its directory must exist. */
  log?: string;
  /** Windows Installer properties for the command line: names are identifiers, values are quoted for you. */
  properties?: Record<string, PropertyValue>;
}

/** What an action resolves: Windows Installer's success codes 0, 3010 and 1641 as statuses, never errors. */
export interface InstallerResult {
  /** 'success' (0), 'rebootRequired' (3010) or 'rebootInitiated' (1641). */
  status: 'success' | 'rebootRequired' | 'rebootInitiated';
  /** The Win32 code the API returned: 0, 3010 or 1641. */
  exitCode: number;
  rebootRequired: boolean;
  rebootInitiated: boolean;
  /** Errors, warnings and user messages the engine reported on the way. */
  messages: InstallerMessage[];
  /** The non-top-level actions that started, in order. */
  actions: string[];
  /** options.signal was aborted while the action ran, and the engine finished anyway (Wine does). */
  cancelRequested: boolean;
}

/** INSTALLLOGMODE_* for a verbose log: every message kind plus INSTALLLOGMODE_VERBOSE (0x1000) and EXTRADEBUG (0x2000). */
const VERBOSE_LOG_MODE = 0x3fff;

let queue: Promise<void> = Promise.resolve();

interface Ticket {
  /** Settles when every action called before this one has settled. */
  turn: Promise<void>;
  release: () => void;
}

/** A place in the queue, taken synchronously when an action is called, so call order is run order. */
function takeTicket(): Ticket {
  let release!: () => void;
  const finished = new Promise<void>((resolve) => (release = resolve));
  const turn = queue;
  queue = queue.then(() => finished);
  return { turn, release };
}

/** Validates, waits for its turn, runs; the ticket is released however it ends. */
async function queued(
  prepare: () => Promise<{ request: Omit<NativeInstallerRequest, 'messageFilter' | 'logMode'>; options: ActionOptions; syscall: string }>,
): Promise<InstallerResult> {
  const ticket = takeTicket();
  try {
    const { request, options, syscall } = await prepare();
    await turnOrAbort(ticket.turn, options.signal, syscall);
    return await runAction(request, options, syscall);
  } finally {
    ticket.release();
  }
}

/**
 * Waits for the action's turn; an abort while it waits rejects at once with AbortError: the
 * action never starts, so it need not wait for the actions ahead of it. Releasing its ticket
 * early lets no later action overtake those (each turn also waits for the one before).
 */
function turnOrAbort(turn: Promise<void>, signal: AbortSignal | undefined, syscall: string): Promise<void> {
  if (!signal) return turn;
  if (signal.aborted) return Promise.reject(abortedBeforeStart(syscall));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortedBeforeStart(syscall));
    signal.addEventListener('abort', onAbort, { once: true });
    void turn.then(() => {
      resolve();
      try {
        signal.removeEventListener('abort', onAbort);
      } catch {
        // A signal whose removeEventListener throws must not keep the queue waiting.
      }
    });
  });
}

async function runAction(
  request: Omit<NativeInstallerRequest, 'messageFilter' | 'logMode'>,
  options: ActionOptions,
  syscall: string,
): Promise<InstallerResult> {
  const binding = getBinding();
  if (options.signal?.aborted) throw abortedBeforeStart(syscall);
  {
    const onProgress = options.onProgress;
    // Without a listener the decoder builds no event objects (an install sends hundreds of records).
    const decoder = new ProgressDecoder(
      onProgress &&
        ((event) => {
          try {
            onProgress(event);
          } catch {
            // A listener's bug must not stop the records that follow.
          }
        }),
    );
    let handle: NativeInstallerHandle;
    try {
      handle = binding.installerAction(
        { ...request, messageFilter: MESSAGE_FILTER, logPath: options.log ?? null, logMode: options.log ? VERBOSE_LOG_MODE : 0 },
        (messageType, fields, text) => decoder.record(messageType, fields, text),
      );
    } catch (error) {
      throw toTypedError(error);
    }
    const signal = options.signal;
    const onAbort = () => handle.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let outcome: NativeInstallerOutcome;
    try {
      outcome = await handle.promise;
    } catch (error) {
      throw toTypedError(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return shapeOutcome(outcome, syscall, decoder);
  }
}

/**
 * Installs a package (MsiInstallProductW) with `options.properties` as its property list.
 * Resolves an InstallerResult (3010/1641 are statuses); rejects with a typed error:
 * InstallFailedError (1603), AbortError (1602), InstallAlreadyRunningError (1618),
 * WindowsInstallerError for 1638 (another version installed), 1612 (source unavailable) and the rest,
 * PlatformNotSupportedError off Windows; with TypeError before any native call for a path that is
 * not an existing file, a NUL, or bad options (docs/installer.md).
 */
export function installProduct(packagePath: string, options?: InstallerActionOptions): Promise<InstallerResult> {
  return queued(async () => {
    const absolute = await checkExistingFile(packagePath, 'packagePath');
    const common = await checkActionOptions(options, true);
    return {
      request: { kind: 'install', packagePath: absolute, commandLine: common.commandLine },
      options: common,
      syscall: 'MsiInstallProductW',
    };
  });
}

export interface ApplyPatchOptions extends InstallerActionOptions {
  /** Only this product; omitted: every installed product the patches target. */
  productCode?: string;
}

/**
 * Applies one or several .msp files in one transaction (MsiApplyMultiplePatchesW). Rejects with
 * WindowsInstallerError 1636 (the patch cannot be opened) or 1642 (it applies to no installed product)
 * besides the errors of installProduct.
 */
export function applyPatch(patchPaths: string | readonly string[], options?: ApplyPatchOptions): Promise<InstallerResult> {
  return queued(async () => {
    const paths = await checkPatchPaths(patchPaths);
    if (options !== undefined) assertPlainObject(options, 'options');
    const productCode = options?.productCode;
    if (productCode !== undefined) assertProductCode(productCode, 'options.productCode');
    const common = await checkActionOptions(options === undefined ? undefined : { ...options, productCode: undefined }, true);
    const request = {
      kind: 'applyPatches' as const,
      patchList: paths.join(';'),
      productCode: productCode ?? null,
      commandLine: common.commandLine,
    };
    return { request, options: common, syscall: 'MsiApplyMultiplePatchesW' };
  });
}

/**
 * Removes applied patches, by patch code, from a product (MsiRemovePatchesW). TypeError for a
 * product or patch code that is not a braced GUID; resolves and rejects as installProduct does
 * (UnknownProductError for 1605).
 */
export function removePatches(
  productCode: string,
  patchCodes: string | readonly string[],
  options?: InstallerActionOptions,
): Promise<InstallerResult> {
  return queued(async () => {
    assertProductCode(productCode);
    const codes = checkPatchCodes(patchCodes);
    const common = await checkActionOptions(options, true);
    return {
      request: { kind: 'removePatches', productCode, patchList: codes.join(';'), commandLine: common.commandLine },
      options: common,
      syscall: 'MsiRemovePatchesW',
    };
  });
}

export interface RepairOptions extends Omit<InstallerActionOptions, 'properties'> {
  /** REINSTALLMODE flags by name; default DEFAULT_REINSTALL_MODE ("omus"). */
  mode?: readonly ReinstallMode[];
}

/**
 * Repairs a product (MsiReinstallProductW) with `options.mode`, REINSTALLMODE flags by name
 * (default "omus"). MsiReinstallProduct takes no properties: use configureProduct for those.
 * TypeError for a product code that is not a braced GUID or an unknown mode; resolves and
 * rejects as installProduct does (UnknownProductError for 1605).
 */
export function repairProduct(productCode: string, options?: RepairOptions): Promise<InstallerResult> {
  return queued(async () => {
    assertProductCode(productCode);
    if (options !== undefined) assertPlainObject(options, 'options');
    const flags = reinstallModeFlags(options?.mode);
    const common = await checkActionOptions(options === undefined ? undefined : { ...options, mode: undefined }, false);
    return { request: { kind: 'reinstall', productCode, reinstallMode: flags }, options: common, syscall: 'MsiReinstallProductW' };
  });
}

export interface ConfigureRequest {
  /** INSTALLLEVEL: 0 the package's default, 65535 every feature. Default 0. */
  installLevel?: number;
  /** default, local, source, absent (uninstall) or advertised. */
  state: ConfigureState;
}

/**
 * Installs, changes or removes a product's features as a whole (MsiConfigureProductExW):
 * `request.state` 'default' | 'local' | 'source' | 'absent' | 'advertised', `installLevel`
 * 0 (the package's default) to 65535. TypeError for a bad product code or request (RangeError
 * for a level out of range); resolves and rejects as installProduct does.
 */
export function configureProduct(
  productCode: string,
  request: ConfigureRequest,
  options?: InstallerActionOptions,
): Promise<InstallerResult> {
  return queued(async () => {
    assertProductCode(productCode);
    const { level, installState } = checkConfigureRequest(request);
    const common = await checkActionOptions(options, true);
    return {
      request: { kind: 'configure', productCode, installLevel: level, installState, commandLine: common.commandLine },
      options: common,
      syscall: 'MsiConfigureProductExW',
    };
  });
}

/** Uninstalls a product: MsiConfigureProductExW with INSTALLSTATE_ABSENT; resolves and rejects as configureProduct does. */
export function uninstallProduct(productCode: string, options?: InstallerActionOptions): Promise<InstallerResult> {
  return configureProduct(productCode, { state: 'absent' }, options);
}
