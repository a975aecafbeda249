// errorFromHResult and errorFromWin32: the typed error for a failing code, of the class of
// the code (NoInteractiveUserError, ...) or of its group (WindowsUpdateError, ...).
import { GROUPS } from './codes.generated';
import {
  AbortError,
  AccessDeniedError,
  BadConfigurationError,
  HR,
  InstallAlreadyRunningError,
  InstallNotAllowedError,
  MsiLuaError,
  NoInteractiveUserError,
  NotImplementedError,
  RebootRequiredError,
  SignatureError,
  UnknownProductError,
  UnknownPropertyError,
  UpdateInstallerBusyError,
  WindowsInstallerError,
  WindowsUpdateError,
  type ErrorFromCodeOptions,
  type MsiLuaErrorInit,
  type UpdateRef,
} from './classes';
import type { CodeGroup } from './groups';
import { explain, lookup } from './lookup';
import { formatHResult, isSuccessNormalized, normalizeHResult, normalizeWin32, type Normalized } from './numbers';
import { argumentTypeError } from '../argument-error';

type ErrorClass = new (init: MsiLuaErrorInit & { updates?: readonly UpdateRef[] }) => MsiLuaError;

let specific: Map<number, ErrorClass> | undefined;

function specificClasses(): Map<number, ErrorClass> {
  if (specific) return specific;
  specific = new Map<number, ErrorClass>([
    [HR.WU_E_NO_INTERACTIVE_USER, NoInteractiveUserError],
    [HR.WU_E_INSTALL_NOT_ALLOWED, InstallNotAllowedError],
    [HR.WU_E_OPERATIONINPROGRESS, UpdateInstallerBusyError],
    [HR.WU_E_SETUP_REBOOTREQUIRED, RebootRequiredError],
    [HR.WU_E_SETUP_REBOOT_TO_FIX, RebootRequiredError],
    [HR.WU_E_SETUP_DEFERRABLE_REBOOT_PENDING, RebootRequiredError],
    [HR.WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING, RebootRequiredError],
    [HR.WU_E_UH_POSTREBOOTSTILLPENDING, RebootRequiredError],
    [HR.WU_E_UH_HANDLER_DISABLEDUNTILREBOOT, RebootRequiredError],
    [HR.E_ACCESSDENIED, AccessDeniedError],
    [HR.E_NOTIMPL, NotImplementedError],
    [HR.ERROR_CALL_NOT_IMPLEMENTED, NotImplementedError],
    [HR.E_ABORT, AbortError],
    [HR.ERROR_CANCELLED, AbortError],
    [HR.ERROR_UNKNOWN_PRODUCT, UnknownProductError],
    [HR.ERROR_UNKNOWN_PROPERTY, UnknownPropertyError],
    [HR.ERROR_BAD_CONFIGURATION, BadConfigurationError],
    [HR.ERROR_INSTALL_ALREADY_RUNNING, InstallAlreadyRunningError],
  ]);
  return specific;
}

const WU_GROUPS = new Set<CodeGroup>(GROUPS.slice(0, GROUPS.indexOf('reporter') + 1));

/** The class the factories use for a code. */
function errorClassFor(group: CodeGroup, hresult: number): ErrorClass {
  const s = specificClasses().get(hresult >>> 0);
  if (s) return s;
  if (WU_GROUPS.has(group)) return WindowsUpdateError;
  if (group === 'windows-installer') return WindowsInstallerError;
  if (group === 'trust') return SignatureError;
  return MsiLuaError;
}

function errorFromNormalized(n: Normalized, options: ErrorFromCodeOptions | undefined, fn: string): MsiLuaError {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw argumentTypeError(
      `${fn}: the "options" argument must be an object; received ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  const entry = lookup(n);
  if (isSuccessNormalized(n)) {
    throw argumentTypeError(
      `${fn}: ${entry.code} (${formatHResult(n.hresult)}) is a success code, not an error; use isSuccessCode()/describeStatus()`,
    );
  }
  const Cls = errorClassFor(entry.group, n.hresult);
  const init: MsiLuaErrorInit & { updates?: readonly UpdateRef[] } = {
    hresult: n.hresult,
    code: entry.code,
    explanation: explain(entry, n),
  };
  if (options?.syscall !== undefined) init.syscall = options.syscall;
  if (options?.systemMessage !== undefined) init.systemMessage = options.systemMessage;
  if (options?.cause !== undefined) init.cause = options.cause;
  if (options?.updates !== undefined && Cls === NoInteractiveUserError) {
    init.updates = options.updates;
    delete init.explanation; // let the class add the update list
  }
  return new Cls(init);
}

/**
 * The typed error for a failing HRESULT (signed, unsigned, HRESULT_FROM_WIN32, or a plain
 * Win32 code 2..0xFFFF). Unknown codes give an MsiLuaError (or the group's class) whose code
 * is 'HRESULT_0x........'.
 *
 * Success codes are statuses, not errors: for them this function throws a TypeError
 * (check isSuccessCode() first and report them with describeStatus()). That includes
 * 0x80070BC2 / 3010 (ERROR_SUCCESS_REBOOT_REQUIRED), which Windows Update reports as a
 * failing HRESULT although the installation succeeded.
 */
export function errorFromHResult(hr: number, options?: ErrorFromCodeOptions): MsiLuaError {
  return errorFromNormalized(normalizeHResult(hr, 'errorFromHResult'), options, 'errorFromHResult');
}

/**
 * The typed error for a Win32 error code (0..0xFFFF); any other number is read as an
 * HRESULT. Throws a TypeError for the Win32 success codes 0, 1641, 3010 and 3011.
 */
export function errorFromWin32(code: number, options?: ErrorFromCodeOptions): MsiLuaError {
  return errorFromNormalized(normalizeWin32(code, 'errorFromWin32'), options, 'errorFromWin32');
}
