// The built-in commands, one module each. Listed here with what `msi-lua --help` shows (name,
// summary, exit codes), and loaded only when a command runs or shows its help: `msi-lua
// tables` does not load the installer, WUA or UAC-patching code (cold start, issue 11). The
// registry checks a listing against its command when the command loads.
/* eslint-disable @typescript-eslint/no-require-imports */
import { ExitCode, hasCommand, registerLazyCommand, type CliCommand, type CommandListing } from '../registry';
import { ACTION_EXIT_CODES, InstallerExitCode, LuaExitCode, UpdatesExitCode } from '../exit-codes';

const WINDOWS_ONLY: [number, string] = [InstallerExitCode.WINDOWS_ONLY, 'this command needs Windows'];

export const BUILTIN_COMMANDS: Array<CommandListing & { load(): CliCommand }> = [
  {
    name: 'info',
    summary: 'summary information and overview of a package',
    load: () => (require('./info') as typeof import('./info')).infoCommand,
  },
  {
    name: 'tables',
    summary: 'list the tables of a package with row counts',
    load: () => (require('./tables') as typeof import('./tables')).tablesCommand,
  },
  {
    name: 'export',
    summary: 'print the rows of a table (readable, IDT or JSON)',
    exitCodes: [[ExitCode.NO_SUCH_TABLE, 'the package has no such table']],
    load: () => (require('./export') as typeof import('./export')).exportCommand,
  },
  {
    name: 'dump',
    summary: 'write every table (as IDT) and every stream of a package into a folder',
    load: () => (require('./dump') as typeof import('./dump')).dumpCommand,
  },
  {
    name: 'signature',
    summary: 'check the Authenticode signature of a package',
    exitCodes: [
      [ExitCode.UNSIGNED, 'the package is not signed'],
      [ExitCode.SIGNATURE_INVALID, 'the digest or the signature does not verify'],
    ],
    load: () => (require('./signature') as typeof import('./signature')).signatureCommand,
  },
  {
    name: 'products',
    summary: 'list the installed Windows Installer products (Windows)',
    exitCodes: [WINDOWS_ONLY],
    load: () => (require('./products') as typeof import('./products')).productsCommand,
  },
  {
    name: 'patches',
    summary: "list a product's patches (Windows)",
    exitCodes: [WINDOWS_ONLY],
    load: () => (require('./patches') as typeof import('./patches')).patchesCommand,
  },
  {
    name: 'install',
    summary: 'install a package with progress (Windows)',
    exitCodes: ACTION_EXIT_CODES,
    load: () => (require('./install') as typeof import('./install')).installCommand,
  },
  {
    name: 'patch',
    summary: 'apply patches with progress (Windows)',
    exitCodes: ACTION_EXIT_CODES,
    load: () => (require('./patch') as typeof import('./patch')).patchCommand,
  },
  {
    name: 'unpatch',
    summary: 'remove patches from a product (Windows)',
    exitCodes: ACTION_EXIT_CODES,
    load: () => (require('./unpatch') as typeof import('./unpatch')).unpatchCommand,
  },
  {
    name: 'repair',
    summary: 'repair an installed product (Windows)',
    exitCodes: ACTION_EXIT_CODES,
    load: () => (require('./repair') as typeof import('./repair')).repairCommand,
  },
  {
    name: 'uninstall',
    summary: 'uninstall a product (Windows)',
    exitCodes: ACTION_EXIT_CODES,
    load: () => (require('./uninstall') as typeof import('./uninstall')).uninstallCommand,
  },
  {
    name: 'lua-check',
    summary: 'can a standard user apply these patches without elevation? (offline, from the files)',
    exitCodes: [
      [LuaExitCode.DAMAGED, 'a file is damaged, so checks that depend on it could not be decided'],
      [LuaExitCode.NOT_ELIGIBLE, 'a check that the files decide fails, or a patch does not target the product'],
    ],
    load: () => (require('./lua-check') as typeof import('./lua-check')).luaCheckCommand,
  },
  {
    name: 'lua-status',
    summary: 'can a standard user patch this installed product without elevation? (Windows)',
    exitCodes: [
      [LuaExitCode.NOT_ELIGIBLE, 'a standard user cannot apply it without elevation'],
      [LuaExitCode.WINDOWS_ONLY, 'this command needs Windows'],
      [LuaExitCode.NOT_INSTALLED, 'the product is not installed'],
    ],
    load: () => (require('./lua-status') as typeof import('./lua-status')).luaStatusCommand,
  },
  {
    name: 'updates',
    summary: 'Windows Update: search, download, install, history, reboot status, services, settings (Windows)',
    exitCodes: [
      [UpdatesExitCode.WINDOWS_ONLY, 'this command needs Windows'],
      [UpdatesExitCode.REBOOT_REQUIRED, 'updates: done, a reboot is required (reboot-status: a reboot is pending)'],
      [UpdatesExitCode.SOME_FAILED, 'updates: some updates failed'],
      [UpdatesExitCode.RUN_AS_REFUSED, 'updates: refused by the Run As rule (updates that can request user input, no interactive user)'],
      [UpdatesExitCode.REMOTE_ACCESS_DENIED, 'updates: access denied in a remote session (use a scheduled task)'],
      [UpdatesExitCode.NO_MATCH, 'updates: no update matches an id or KB given'],
      [UpdatesExitCode.WUA_ERROR, 'updates: Windows Update failed'],
    ],
    load: () => (require('./updates') as typeof import('./updates')).updatesCommand,
  },
];

/** Registers the built-in commands (once), in the order `msi-lua --help` lists them. */
export function registerBuiltinCommands(): void {
  for (const { load, ...listing } of BUILTIN_COMMANDS) if (!hasCommand(listing.name)) registerLazyCommand(listing, load);
}
