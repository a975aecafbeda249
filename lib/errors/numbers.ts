// The number forms every function taking a code accepts (signed or unsigned HRESULT, plain
// Win32 code), checked and normalised: arithmetic only, no table.
import {
  ERROR_SUCCESS,
  ERROR_SUCCESS_REBOOT_INITIATED,
  ERROR_SUCCESS_REBOOT_REQUIRED,
  ERROR_SUCCESS_RESTART_REQUIRED,
} from './codes.generated';
import { FACILITY_WIN32, wrapWin32 } from './hresult';
import { argumentRangeError, argumentTypeError } from '../argument-error';

/** Win32 codes that mean success (with or without an HRESULT_FROM_WIN32 wrapper). */
const WIN32_SUCCESS = new Set([
  ERROR_SUCCESS,
  ERROR_SUCCESS_REBOOT_INITIATED,
  ERROR_SUCCESS_REBOOT_REQUIRED,
  ERROR_SUCCESS_RESTART_REQUIRED,
]);

/** Node's convention: a value of the wrong type is a TypeError, a number out of range a RangeError. */
function checkNumber(n: unknown, what: string, argument = 'hr'): number {
  if (typeof n !== 'number') {
    throw argumentTypeError(
      `${what}: the "${argument}" argument must be a 32-bit integer (signed or unsigned); received ${typeof n === 'string' ? JSON.stringify(n) : typeof n}`,
    );
  }
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) {
    throw argumentRangeError(`${what}: the "${argument}" argument must be a 32-bit integer (signed or unsigned); received ${String(n)}`);
  }
  return n;
}

/** The unsigned 32-bit form of an HRESULT given signed or unsigned. Throws RangeError otherwise. */
export function toUnsignedHResult(n: number): number {
  return checkNumber(n, 'toUnsignedHResult', 'n') >>> 0;
}

/** '0x80240020': the unsigned HRESULT as 8 upper-case hex digits. TypeError for a non-number, RangeError for a number that is not a 32-bit integer. */
export function formatHResult(n: number): string {
  return '0x' + (checkNumber(n, 'formatHResult', 'n') >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * HRESULT_FROM_WIN32, with the semantics of the Windows SDK macro: a value that is already
 * zero or negative as an HRESULT is returned unchanged; otherwise the code is put in
 * FACILITY_WIN32 with the failure bit set. Always returns the unsigned form. Win32 codes are
 * 16-bit: where the macro would silently keep the low 16 bits of a larger positive value
 * (0x10000 to 0x7FFFFFFF), naming another error, this throws a RangeError.
 */
export function hresultFromWin32(code: number): number {
  checkNumber(code, 'hresultFromWin32', 'code');
  if ((code | 0) > 0xffff) {
    throw argumentRangeError(
      `hresultFromWin32: the "code" argument must be a Win32 error code (0 to 65535) or an HRESULT (negative as a 32-bit integer); received ${code}`,
    );
  }
  return wrapWin32(code);
}

function win32Of(hresult: number): number | undefined {
  return hresult >>> 16 === (0x8000 | FACILITY_WIN32) ? hresult & 0xffff : undefined;
}

export interface Normalized {
  hresult: number;
  win32?: number;
  /** The caller passed a Win32 code (so Win32 names win over HRESULT aliases such as E_ACCESSDENIED). */
  fromWin32: boolean;
}

export function normalizeHResult(hr: number, what: string, argument = 'hr'): Normalized {
  const u = checkNumber(hr, what, argument) >>> 0;
  if (u >= 2 && u <= 0xffff) return { hresult: hresultFromWin32(u), win32: u, fromWin32: true };
  const win32 = win32Of(u);
  return win32 === undefined ? { hresult: u, fromWin32: false } : { hresult: u, win32, fromWin32: false };
}

export function normalizeWin32(code: number, what: string): Normalized {
  checkNumber(code, what, 'code');
  if (code >= 0 && code <= 0xffff) return { hresult: hresultFromWin32(code), win32: code, fromWin32: true };
  return normalizeHResult(code, what, 'code');
}

/** Success: a Win32 success code, or an HRESULT without the failure bit. */
export function isSuccessNormalized(n: Normalized): boolean {
  if (n.win32 !== undefined && WIN32_SUCCESS.has(n.win32)) return true;
  return (n.hresult & 0x80000000) === 0;
}
