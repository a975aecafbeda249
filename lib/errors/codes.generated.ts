// GENERATED FILE - do not edit. Regenerate with: node scripts/gen-error-table.js
// The error groups and the named codes lib/ uses; every code is in table.generated.ts.

export const GROUPS = [
  "general",
  "windows-installer-minor",
  "update-handler",
  "ui",
  "protocol-talker",
  "redirector",
  "sih",
  "download-manager",
  "offline-scan",
  "metadata",
  "datastore",
  "inventory",
  "automatic-updates",
  "wu-task",
  "hardware-capability",
  "sls",
  "file-trust",
  "driver",
  "setup",
  "expression-evaluator",
  "reporter",
  "windows-installer",
  "win32",
  "winhttp",
  "com",
  "trust",
  "security",
  "storage",
  "setupapi",
  "other",
] as const;

export type ErrorGroup = (typeof GROUPS)[number];

// Named codes for lib/ (NAMED_CONSTANTS in the generator): HRESULTs in hex, Win32 codes and
// MSIINSTALLCONTEXT values in decimal.
export const S_OK = 0x00000000;
export const E_ABORT = 0x80004004;
export const E_ACCESSDENIED = 0x80070005;
export const E_FAIL = 0x80004005;
export const E_NOTIMPL = 0x80004001;
export const E_UNEXPECTED = 0x8000FFFF;
export const CERT_E_CHAINING = 0x800B010A;
export const CERT_E_EXPIRED = 0x800B0101;
export const CERT_E_REVOCATION_FAILURE = 0x800B010E;
export const CERT_E_REVOKED = 0x800B010C;
export const CERT_E_UNTRUSTEDROOT = 0x800B0109;
export const CRYPT_E_NO_REVOCATION_CHECK = 0x80092012;
export const CRYPT_E_REVOCATION_OFFLINE = 0x80092013;
export const CRYPT_E_REVOKED = 0x80092010;
export const TRUST_E_NOSIGNATURE = 0x800B0100;
export const TRUST_E_SUBJECT_FORM_UNKNOWN = 0x800B0003;
export const WU_E_CALL_CANCELLED = 0x8024000B;
export const WU_E_INSTALL_NOT_ALLOWED = 0x80240016;
export const WU_E_NO_INTERACTIVE_USER = 0x80240020;
export const WU_E_OPERATIONINPROGRESS = 0x80240009;
export const WU_E_SETUP_DEFERRABLE_REBOOT_PENDING = 0x8024D014;
export const WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING = 0x8024D015;
export const WU_E_SETUP_REBOOTREQUIRED = 0x8024D00E;
export const WU_E_SETUP_REBOOT_TO_FIX = 0x8024D00C;
export const WU_E_UH_HANDLER_DISABLEDUNTILREBOOT = 0x8024201D;
export const WU_E_UH_POSTREBOOTSTILLPENDING = 0x80242014;
export const WU_S_REBOOT_REQUIRED = 0x00240005;
export const ERROR_SUCCESS = 0;
export const ERROR_BAD_CONFIGURATION = 1610;
export const ERROR_CALL_NOT_IMPLEMENTED = 120;
export const ERROR_CANCELLED = 1223;
export const ERROR_FUNCTION_FAILED = 1627;
export const ERROR_INSTALL_ALREADY_RUNNING = 1618;
export const ERROR_INSTALL_FAILURE = 1603;
export const ERROR_INSTALL_USEREXIT = 1602;
export const ERROR_INSTALL_PACKAGE_INVALID = 1620;
export const ERROR_MOD_NOT_FOUND = 126;
export const ERROR_NOT_SUPPORTED = 50;
export const ERROR_OPERATION_ABORTED = 995;
export const ERROR_SUCCESS_REBOOT_INITIATED = 1641;
export const ERROR_SUCCESS_REBOOT_REQUIRED = 3010;
export const ERROR_SUCCESS_RESTART_REQUIRED = 3011;
export const ERROR_UNKNOWN_PRODUCT = 1605;
export const ERROR_UNKNOWN_PROPERTY = 1608;
export const MSIINSTALLCONTEXT_USERMANAGED = 1;
export const MSIINSTALLCONTEXT_USERUNMANAGED = 2;
export const MSIINSTALLCONTEXT_MACHINE = 4;
