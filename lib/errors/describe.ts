// Descriptions of codes: what a code means (describeHResult, describeWin32, describeCode) and
// success codes as statuses (isSuccessCode, describeStatus).
import { ERROR_SUCCESS_REBOOT_INITIATED, ERROR_SUCCESS_REBOOT_REQUIRED, WU_S_REBOOT_REQUIRED } from './codes.generated';
import type { CodeGroup } from './groups';
import { explain, getMaps, lookup } from './lookup';
import { formatHResult, isSuccessNormalized, normalizeHResult, normalizeWin32, type Normalized } from './numbers';
import { argumentTypeError } from '../argument-error';

export interface HResultDescription {
  /** Symbolic name, e.g. 'WU_E_NO_INTERACTIVE_USER'; 'HRESULT_0x80241234' for unknown codes. */
  code: string;
  group: CodeGroup;
  /** Explanation of what happened and what to do (no code prefix). */
  message: string;
  /** Unsigned HRESULT. */
  hresult: number;
  /** The Win32 code, when the HRESULT is FACILITY_WIN32 (0x8007xxxx) or a Win32 code was given. */
  win32?: number;
  success: boolean;
}

export function describeNormalized(n: Normalized): HResultDescription {
  const entry = lookup(n);
  const d: HResultDescription = {
    code: entry.code,
    group: entry.group,
    message: explain(entry, n),
    hresult: n.hresult,
    success: isSuccessNormalized(n),
  };
  if (n.win32 !== undefined) d.win32 = n.win32;
  return d;
}

/**
 * Describes any code (signed, unsigned, HRESULT_FROM_WIN32 or plain Win32 form) from the table
 * generated from winerror.h/wuerror.h: `{ code, group, message, hresult, success, win32? }`.
 * Never throws for a 32-bit integer; TypeError for a non-number, RangeError for a number that is not a 32-bit integer.
 */
export function describeHResult(hr: number): HResultDescription {
  return describeNormalized(normalizeHResult(hr, 'describeHResult'));
}

/** Describes a Win32 error code (0..0xFFFF; anything else is read as an HRESULT), as describeHResult does. */
export function describeWin32(code: number): HResultDescription {
  return describeNormalized(normalizeWin32(code, 'describeWin32'));
}

/**
 * Looks a code up by symbolic name ('WU_E_NO_INTERACTIVE_USER', 'ERROR_INSTALL_FAILURE',
 * or a header alias such as 'NO_ERROR'). Returns undefined for an unknown name; TypeError
 * for a name that is not a string.
 */
export function describeCode(name: string): HResultDescription | undefined {
  if (typeof name !== 'string')
    throw argumentTypeError(`describeCode: the "name" argument must be a code name such as 'E_ACCESSDENIED'; received ${typeof name}`);
  const hit = getMaps().byName.get(name);
  if (!hit) return undefined;
  return hit.kind === 'win32' ? describeWin32(hit.row[0]) : describeHResult(hit.row[0]);
}

/**
 * True for statuses that are not errors: S_OK, S_FALSE (1), WU_S_* and every other HRESULT
 * without the failure bit, and Win32 0, 1641, 3010, 3011 (plain or HRESULT_FROM_WIN32).
 * TypeError for a non-number, RangeError for a number that is not a 32-bit integer.
 */
export function isSuccessCode(hr: number): boolean {
  return isSuccessNormalized(normalizeHResult(hr, 'isSuccessCode'));
}

export interface StatusDescription {
  code: string;
  /** Unsigned HRESULT. */
  hresult: number;
  /** A restart is needed to finish (WU_S_REBOOT_REQUIRED, ERROR_SUCCESS_REBOOT_REQUIRED 3010). */
  rebootRequired: boolean;
  /** A restart was started (ERROR_SUCCESS_REBOOT_INITIATED 1641). */
  rebootInitiated: boolean;
  message: string;
}

/**
 * Describes a success code as a status. Throws a TypeError for a failure code: use
 * errorFromHResult for those (check with isSuccessCode first).
 */
export function describeStatus(hr: number): StatusDescription {
  const n = normalizeHResult(hr, 'describeStatus');
  if (!isSuccessNormalized(n)) {
    const d = describeNormalized(n);
    throw argumentTypeError(
      `describeStatus: ${d.code} (${formatHResult(n.hresult)}) is a failure code, not a status; use errorFromHResult()`,
    );
  }
  const d = describeNormalized(n);
  return {
    code: d.code,
    hresult: n.hresult,
    rebootRequired: n.hresult === WU_S_REBOOT_REQUIRED || n.win32 === ERROR_SUCCESS_REBOOT_REQUIRED,
    rebootInitiated: n.win32 === ERROR_SUCCESS_REBOOT_INITIATED,
    message: d.message,
  };
}
