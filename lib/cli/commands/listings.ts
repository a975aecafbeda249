// What `msi-lua --help` shows of each built-in command (name, summary, exit codes), written
// once: the command modules spread their listing into their definition (`...listing('tables')`),
// and the registry lists every command from here without loading its module (cold start).
import type { CommandListing } from '../registry';
import { ACTION_EXIT_CODES, COMMON_FOR, ExitCode, InstallerExitCode, LuaExitCode, UpdatesExitCode } from '../exit-codes';

const WINDOWS_ONLY: [number, string] = [InstallerExitCode.WINDOWS_ONLY, 'this command needs Windows'];

/** The built-in commands, in the order `msi-lua --help` lists them. */
export const BUILTIN_LISTINGS: readonly CommandListing[] = [
  {
    name: 'info',
    commonExitCodes: COMMON_FOR.reader,
    summary: 'summary information and overview of a package',
  },
  {
    name: 'tables',
    commonExitCodes: COMMON_FOR.reader,
    summary: 'list the tables of a package with row counts',
  },
  {
    name: 'export',
    commonExitCodes: COMMON_FOR.reader,
    summary: 'print the rows of a table (readable, IDT or JSON)',
    exitCodes: [[ExitCode.NO_SUCH_TABLE, 'the package has no such table']],
  },
  {
    name: 'dump',
    commonExitCodes: COMMON_FOR.reader,
    summary: 'write every table (as IDT) and every stream of a package into a folder',
  },
  {
    name: 'signature',
    commonExitCodes: COMMON_FOR.reader,
    summary: 'check the Authenticode signature of a package',
    exitCodes: [
      [ExitCode.UNSIGNED, 'the package is not signed'],
      [ExitCode.SIGNATURE_INVALID, 'the digest or the signature does not verify'],
    ],
  },
  {
    name: 'products',
    commonExitCodes: COMMON_FOR.windowsQuery,
    summary: 'list the installed Windows Installer products (Windows)',
    exitCodes: [WINDOWS_ONLY],
  },
  {
    name: 'patches',
    commonExitCodes: COMMON_FOR.windowsQuery,
    summary: "list a product's patches (Windows)",
    exitCodes: [WINDOWS_ONLY],
  },
  {
    name: 'components',
    commonExitCodes: COMMON_FOR.windowsQuery,
    summary: 'where a product put its components: state and key path (Windows)',
    exitCodes: [
      WINDOWS_ONLY,
      [InstallerExitCode.NOT_INSTALLED, "the product is not installed, or a component named is neither 'local' nor 'source'"],
    ],
  },
  {
    name: 'install',
    commonExitCodes: COMMON_FOR.actionOnFile,
    summary: 'install a package with progress (Windows)',
    exitCodes: ACTION_EXIT_CODES,
  },
  {
    name: 'patch',
    commonExitCodes: COMMON_FOR.actionOnFile,
    summary: 'apply patches with progress (Windows)',
    exitCodes: ACTION_EXIT_CODES,
  },
  {
    name: 'unpatch',
    commonExitCodes: COMMON_FOR.actionOnProduct,
    summary: 'remove patches from a product (Windows)',
    exitCodes: ACTION_EXIT_CODES,
  },
  {
    name: 'repair',
    commonExitCodes: COMMON_FOR.actionOnProduct,
    summary: 'repair an installed product (Windows)',
    exitCodes: ACTION_EXIT_CODES,
  },
  {
    name: 'uninstall',
    commonExitCodes: COMMON_FOR.actionOnProduct,
    summary: 'uninstall a product (Windows)',
    exitCodes: ACTION_EXIT_CODES,
  },
  {
    name: 'lua-check',
    commonExitCodes: COMMON_FOR.reader,
    summary: 'can a standard user apply these patches without elevation? (offline, from the files)',
    exitCodes: [
      [LuaExitCode.DAMAGED, 'a file is damaged, so checks that depend on it could not be decided'],
      [LuaExitCode.NOT_ELIGIBLE, 'a check that the files decide fails, or a patch does not target the product'],
    ],
  },
  {
    name: 'lua-status',
    summary: 'can a standard user patch this installed product without elevation? (Windows)',
    exitCodes: [
      [LuaExitCode.NOT_ELIGIBLE, 'a standard user cannot apply it without elevation'],
      [LuaExitCode.WINDOWS_ONLY, 'this command needs Windows'],
      [LuaExitCode.NOT_INSTALLED, 'the product is not installed'],
    ],
  },
  {
    name: 'updates',
    commonExitCodes: COMMON_FOR.updates,
    summary: 'Windows Update: search, download, install, history, reboot status, services, settings (Windows)',
    exitCodes: [
      [UpdatesExitCode.WINDOWS_ONLY, 'this command needs Windows'],
      [UpdatesExitCode.REBOOT_REQUIRED, 'updates: done, a reboot is required (reboot-status: a reboot is pending)'],
      [UpdatesExitCode.SOME_FAILED, 'updates: some updates failed'],
      [UpdatesExitCode.RUN_AS_REFUSED, 'updates: refused by the Run As rule (updates that can request user input, no interactive user)'],
      [UpdatesExitCode.REMOTE_ACCESS_DENIED, 'updates: access denied in a remote session (use a scheduled task)'],
      [UpdatesExitCode.NO_MATCH, 'updates: no update matches an id or KB given'],
      [UpdatesExitCode.WUA_ERROR, 'updates: Windows Update failed, or left a search incomplete'],
    ],
  },
];

/** The listing of a built-in command, for its module's definition. */
export function listing(name: string): CommandListing {
  const found = BUILTIN_LISTINGS.find((l) => l.name === name);
  if (!found) throw new Error(`msi-lua: no listing for the built-in command ${name}`);
  return found;
}
