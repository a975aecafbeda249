/**
 * The msi-lua error model: every Windows Update, Windows Installer, COM, Win32 and
 * signature code as a typed error with a readable explanation. Pure TypeScript; works on
 * every platform (only `node:util` is imported, for `util.inspect.custom`).
 *
 * Number forms accepted by every function taking a code:
 * - unsigned HRESULT: 0x80240020
 * - signed HRESULT (as COM returns it to JavaScript): -2145124320
 * - a plain Win32 code 2..0xFFFF: 1605, treated as HRESULT_FROM_WIN32(1605) = 0x80070645
 * - 0 is S_OK / ERROR_SUCCESS; 1 is S_FALSE for the *HResult functions (use
 *   errorFromWin32(1) / describeWin32(1) for ERROR_INVALID_FUNCTION).
 *
 * Success codes (S_OK, S_FALSE, WU_S_*, any HRESULT without the severity bit, and the Win32
 * success codes 3010 ERROR_SUCCESS_REBOOT_REQUIRED, 1641 ERROR_SUCCESS_REBOOT_INITIATED,
 * 3011 ERROR_SUCCESS_RESTART_REQUIRED, also in their HRESULT_FROM_WIN32 form such as
 * 0x80070BC2) are statuses, not errors: `errorFromHResult` and `errorFromWin32` throw a
 * TypeError for them; branch with `isSuccessCode` and report them with `describeStatus`.
 */
// The modules by job: numbers.ts (number forms), lookup.ts (the table and explanations),
// describe.ts (descriptions and statuses), classes.ts (the error classes), factories.ts
// (errorFromHResult, errorFromWin32). This file only re-exports.
export { ERROR_GROUPS } from './groups';
export type { CodeGroup, ErrorGroup } from './groups';
export { formatHResult, hresultFromWin32, toUnsignedHResult } from './numbers';
export { describeCode, describeHResult, describeStatus, describeWin32, isSuccessCode } from './describe';
export type { HResultDescription, StatusDescription } from './describe';
export {
  AbortError,
  AccessDeniedError,
  BadConfigurationError,
  InstallAlreadyRunningError,
  InstallNotAllowedError,
  MsiFormatError,
  MsiLuaError,
  NoInteractiveUserError,
  NotImplementedError,
  PlatformNotSupportedError,
  RebootRequiredError,
  SignatureError,
  UnknownProductError,
  UnknownPropertyError,
  UpdateInstallerBusyError,
  WindowsInstallerError,
  WindowsUpdateError,
} from './classes';
export type {
  ErrorFromCodeOptions,
  FixedCodeInit,
  MsiLuaErrorInit,
  MsiLuaErrorJSON,
  MsiLuaErrorOptions,
  PlatformNotSupportedInit,
  UpdateRef,
} from './classes';
export { errorFromHResult, errorFromWin32 } from './factories';
