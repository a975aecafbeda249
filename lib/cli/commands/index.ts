// The built-in commands, one module each, listed in ./listings.ts with what `msi-lua --help`
// shows (name, summary, exit codes), and loaded only when a command runs or shows its help: `msi-lua
// tables` does not load the installer, WUA or UAC-patching code (cold start, issue 11). The
// registry checks a listing against its command when the command loads.
/* eslint-disable @typescript-eslint/no-require-imports */
import { hasCommand, registerLazyCommand, type CliCommand } from '../registry';
import { BUILTIN_LISTINGS } from './listings';

const LOADERS: Record<string, () => CliCommand> = {
  info: () => (require('./info') as typeof import('./info')).infoCommand,
  tables: () => (require('./tables') as typeof import('./tables')).tablesCommand,
  export: () => (require('./export') as typeof import('./export')).exportCommand,
  dump: () => (require('./dump') as typeof import('./dump')).dumpCommand,
  signature: () => (require('./signature') as typeof import('./signature')).signatureCommand,
  products: () => (require('./products') as typeof import('./products')).productsCommand,
  patches: () => (require('./patches') as typeof import('./patches')).patchesCommand,
  components: () => (require('./components') as typeof import('./components')).componentsCommand,
  install: () => (require('./install') as typeof import('./install')).installCommand,
  patch: () => (require('./patch') as typeof import('./patch')).patchCommand,
  unpatch: () => (require('./unpatch') as typeof import('./unpatch')).unpatchCommand,
  repair: () => (require('./repair') as typeof import('./repair')).repairCommand,
  uninstall: () => (require('./uninstall') as typeof import('./uninstall')).uninstallCommand,
  'lua-check': () => (require('./lua-check') as typeof import('./lua-check')).luaCheckCommand,
  'lua-status': () => (require('./lua-status') as typeof import('./lua-status')).luaStatusCommand,
  updates: () => (require('./updates') as typeof import('./updates')).updatesCommand,
};

/** Registers the built-in commands (once), in the order `msi-lua --help` lists them. */
export function registerBuiltinCommands(): void {
  for (const listing of BUILTIN_LISTINGS) if (!hasCommand(listing.name)) registerLazyCommand(listing, LOADERS[listing.name]);
}
