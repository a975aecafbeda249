// Every exit code of the command line, in one place apart from the commands, so that
// `msi-lua --help` lists them without loading a command's module: ExitCode (shared by every
// command, plus the reader commands' own), then the UAC-patching, installer and updates codes.

/**
 * Exit codes shared by every command. Documented in README, docs/package-reader.md and in
 * `msi-lua --help`. 70 means a bug in msi-lua and nothing else: every mistake of the user
 * or the file has its own code.
 */
export const ExitCode = {
  OK: 0,
  /** The file is not a valid Windows Installer package (MsiFormatError). */
  INVALID_PACKAGE: 1,
  /** Bad command line: unknown command or option, missing argument, a malformed value, the wrong kind of file. */
  USAGE: 2,
  /** The file cannot be read (missing, a directory, no permission, not a regular file). */
  CANNOT_READ: 3,
  /** `signature`: the package is not signed. */
  UNSIGNED: 4,
  /** `signature`: signed, but the digest or the signature does not verify. */
  SIGNATURE_INVALID: 5,
  /** `export`: the package has no such table. */
  NO_SUCH_TABLE: 6,
  /** A Windows call failed (the typed error names it: code and HRESULT). */
  SYSTEM_ERROR: 11,
  /** A bug: an unexpected error. */
  INTERNAL: 70,
  /** The output could not be written (disk full, closed pipe). */
  OUTPUT_ERROR: 74,
} as const;

export const COMMON_EXIT_CODES: Array<[number, string]> = [
  [ExitCode.OK, 'success'],
  [ExitCode.INVALID_PACKAGE, 'the file is not a valid Windows Installer package'],
  [ExitCode.USAGE, 'bad command line (unknown option, missing or malformed argument, wrong kind of file)'],
  [ExitCode.CANNOT_READ, 'the file cannot be read (missing, directory, no permission, not a regular file)'],
  [ExitCode.SYSTEM_ERROR, 'a Windows call failed'],
  [ExitCode.INTERNAL, 'internal error: a bug in msi-lua (please report it)'],
  [ExitCode.OUTPUT_ERROR, 'the output could not be written (disk full, closed pipe)'],
];

/**
 * Which of the common codes a command can return, for its --help (a command that reads no file
 * gives no 1 or 3; the package readers call no Windows API, so no 11). A command without such a
 * list can return them all.
 */
export const COMMON_FOR = {
  /** info, tables, export, dump, signature, lua-check: files only. */
  reader: [ExitCode.OK, ExitCode.INVALID_PACKAGE, ExitCode.USAGE, ExitCode.CANNOT_READ, ExitCode.INTERNAL, ExitCode.OUTPUT_ERROR],
  /** products, patches, components: Windows calls, no file. */
  windowsQuery: [ExitCode.OK, ExitCode.USAGE, ExitCode.SYSTEM_ERROR, ExitCode.INTERNAL, ExitCode.OUTPUT_ERROR],
  /** install, patch: a file to read, and Windows Installer's failures as their own codes (12-16). */
  actionOnFile: [ExitCode.OK, ExitCode.USAGE, ExitCode.CANNOT_READ, ExitCode.INTERNAL, ExitCode.OUTPUT_ERROR],
  /** repair, uninstall, unpatch: a product code, no file. */
  actionOnProduct: [ExitCode.OK, ExitCode.USAGE, ExitCode.INTERNAL, ExitCode.OUTPUT_ERROR],
  /** updates: a scan package cab to read (services add-scan-package); WUA's failures as its own codes. */
  updates: [ExitCode.OK, ExitCode.USAGE, ExitCode.CANNOT_READ, ExitCode.INTERNAL, ExitCode.OUTPUT_ERROR],
} as const;

/** Exit codes of the UAC-patching commands beyond the common ones. */
export const LuaExitCode = {
  /** lua-check: a file opens but part of it cannot be decoded, so checks that depend on it are undecided. */
  DAMAGED: 7,
  /** A check that can be decided fails (lua-check) / the patch is not eligible (lua-status). */
  NOT_ELIGIBLE: 8,
  /** lua-status needs Windows. */
  WINDOWS_ONLY: 9,
  /** lua-status: the product is not installed (in the context asked, for this user). */
  NOT_INSTALLED: 10,
} as const;

/** Exit codes of the installer commands beyond the common ones. */
export const InstallerExitCode = {
  /** The action succeeded; a restart is needed to finish (Windows Installer 3010). */
  REBOOT_REQUIRED: 15,
  /** The action succeeded and Windows Installer started a restart (1641). */
  REBOOT_INITIATED: 16,
  /** Windows Installer failed the action (1603 and the other installer errors). */
  FAILED: 12,
  /** Cancelled (Ctrl+C), and Windows rolled back (1602). */
  CANCELLED: 13,
  /** Another installation is in progress (1618): try again later. */
  ALREADY_RUNNING: 14,
  /** These commands need Windows. */
  WINDOWS_ONLY: 9,
  /** components: the product, or a component named, is not installed (the same number as lua-status's). */
  NOT_INSTALLED: 10,
} as const;

/** The exit codes of the installer actions (install, patch, unpatch, repair, uninstall). */
export const ACTION_EXIT_CODES: Array<[number, string]> = [
  [InstallerExitCode.WINDOWS_ONLY, 'this command needs Windows'],
  [InstallerExitCode.REBOOT_REQUIRED, 'done; a restart is required to finish'],
  [InstallerExitCode.REBOOT_INITIATED, 'done; Windows Installer started a restart'],
  [InstallerExitCode.FAILED, 'Windows Installer failed the action'],
  [InstallerExitCode.CANCELLED, 'cancelled and rolled back'],
  [InstallerExitCode.ALREADY_RUNNING, 'another installation is in progress'],
];

/** Exit codes of `msi-lua updates` (beyond 0 success and 2 bad command line). */
export const UpdatesExitCode = {
  /** The command needs Windows (the same code as lua-status). */
  WINDOWS_ONLY: 9,
  /** Done, and a reboot is required to finish (install/uninstall), or pending (reboot-status). */
  REBOOT_REQUIRED: 20,
  /** Some or all updates failed (their results say which and why). */
  SOME_FAILED: 21,
  /** Refused before WUA was called by the Run As rule: updates that can request user input, no interactive user. */
  RUN_AS_REFUSED: 22,
  /** WUA answered E_ACCESSDENIED in a remote (network logon) session: see docs/wua.md for the scheduled-task workaround. */
  REMOTE_ACCESS_DENIED: 23,
  /** No update found by the search matches an id or KB given. */
  NO_MATCH: 24,
  /**
   * Windows Update failed as a whole (a typed error; --json has its code and HRESULT), or ended a
   * search it was not asked to stop without completing it (SearchNotCompleted; no HRESULT).
   */
  WUA_ERROR: 25,
} as const;
