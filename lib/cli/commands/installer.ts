// Windows Installer commands (Windows): products, patches, install, patch, unpatch,
// repair, uninstall. Long actions draw a progress bar on a terminal (cli-progress);
// with --json, progress goes to stderr as JSON lines and the result or the error to
// stdout as one JSON document.
import { SingleBar } from 'cli-progress';

import { MsiLuaError, PlatformNotSupportedError, InstallAlreadyRunningError } from '../../errors';
import {
  InstallFailedError,
  REINSTALL_MODES,
  applyPatch,
  listPatches,
  removePatches,
  repairProduct,
  installProduct,
  uninstallProduct,
  type InstallerProgressEvent,
  type InstallerResult,
  type ReinstallMode,
} from '../../installer';
import { listProducts } from '../../products';
import { toJson } from '../format';
import { UsageError, type CliCommand, type CliIo } from '../registry';

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
} as const;

const ACTION_EXIT_CODES: Array<[number, string]> = [
  [InstallerExitCode.WINDOWS_ONLY, 'this command needs Windows'],
  [InstallerExitCode.REBOOT_REQUIRED, 'done; a restart is required to finish'],
  [InstallerExitCode.REBOOT_INITIATED, 'done; Windows Installer started a restart'],
  [InstallerExitCode.FAILED, 'Windows Installer failed the action'],
  [InstallerExitCode.CANCELLED, 'cancelled and rolled back'],
  [InstallerExitCode.ALREADY_RUNNING, 'another installation is in progress'],
];

interface TerminalStream {
  isTTY?: boolean;
}

function isTerminal(io: CliIo): boolean {
  return (io.stderr as TerminalStream).isTTY === true;
}

/** What a failure looks like on stderr / in the JSON result, and its exit code. */
function reportError(io: CliIo, name: string, json: boolean, error: unknown): number {
  let code: number;
  if (error instanceof PlatformNotSupportedError) code = InstallerExitCode.WINDOWS_ONLY;
  else if (error instanceof TypeError) code = 2;
  else if ((error as { name?: string })?.name === 'AbortError') code = InstallerExitCode.CANCELLED;
  else if (error instanceof InstallAlreadyRunningError) code = InstallerExitCode.ALREADY_RUNNING;
  else if (error instanceof MsiLuaError) code = InstallerExitCode.FAILED;
  else throw error;
  // One shape for every command's failure (README "Command line"): one line on stderr, and
  // under --json one `{"error": {..., "exitCode"}}` object on stdout.
  io.stderr.write(`msi-lua ${name}: ${(error as Error).message}\n`);
  if (json) {
    const body = error instanceof MsiLuaError ? error.toJSON() : { name: (error as Error).name, message: (error as Error).message };
    io.stdout.write(toJson({ error: { ...body, exitCode: code } }));
  } else if (error instanceof InstallFailedError && error.messages.length > 0) {
    for (const m of error.messages) io.stderr.write(`  ${m.severity}${m.code !== null ? ` ${m.code}` : ''}: ${m.text}\n`);
  }
  return code;
}

function resultCode(result: InstallerResult): number {
  if (result.rebootInitiated) return InstallerExitCode.REBOOT_INITIATED;
  if (result.rebootRequired) return InstallerExitCode.REBOOT_REQUIRED;
  return 0;
}

/** Runs one action with a progress display, Ctrl+C as cancel, and the result printed. */
async function runAction(
  io: CliIo,
  name: string,
  json: boolean,
  action: (options: { onProgress: (e: InstallerProgressEvent) => void; signal: AbortSignal }) => Promise<InstallerResult>,
): Promise<number> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  let bar: SingleBar | null = null;
  let description = '';
  const onProgress = (event: InstallerProgressEvent) => {
    if (json) {
      io.stderr.write(JSON.stringify(event) + '\n');
      return;
    }
    if (!isTerminal(io)) return;
    if (event.type === 'actionStart' && event.description) description = event.description;
    if (!bar) {
      bar = new SingleBar({
        format: ' {bar} {percentage}% | {description}',
        stream: io.stderr as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: true,
      });
      bar.start(1000, 0, { description });
    }
    bar.update(Math.round(event.fraction * 1000), { description: event.rollback ? `rolling back: ${description}` : description });
  };
  try {
    const result = await action({ onProgress, signal: controller.signal });
    (bar as SingleBar | null)?.stop();
    const code = resultCode(result);
    if (json) io.stdout.write(toJson({ ok: true, exitCode: code, result }));
    else {
      const notes = [
        result.rebootInitiated ? 'Windows Installer started a restart' : result.rebootRequired ? 'restart required' : '',
        result.cancelRequested ? 'cancel was requested but the engine finished' : '',
      ].filter(Boolean);
      io.stdout.write(`${name}: done${notes.length ? ` (${notes.join('; ')})` : ''}\n`);
    }
    return code;
  } catch (error) {
    (bar as SingleBar | null)?.stop();
    return reportError(io, name, json, error);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

const jsonOption = {
  name: 'json',
  type: 'boolean' as const,
  description: 'progress as JSON lines on stderr, the result as JSON on stdout',
};
const logOption = { name: 'log', type: 'string' as const, description: 'write a verbose Windows Installer log to this file' };

/** NAME=VALUE arguments to a property object. */
export function parsePropertyArguments(args: readonly string[]): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected NAME=VALUE, got ${JSON.stringify(arg)}`);
    properties[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return properties;
}

function logOf(options: Record<string, string | boolean | undefined>): { log?: string } {
  return typeof options.log === 'string' ? { log: options.log } : {};
}

export const productsCommand: CliCommand = {
  name: 'products',
  summary: 'list the installed Windows Installer products (Windows)',
  usage: 'products [--json]',
  description: 'Lists the products this user sees (MsiEnumProductsEx): product code, context, name and version.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [0, 0],
  exitCodes: [[InstallerExitCode.WINDOWS_ONLY, 'this command needs Windows']],
  async run({ io, args }) {
    try {
      const products = await listProducts({ properties: ['ProductName', 'VersionString'] });
      if (args.options.json) io.stdout.write(toJson(products));
      else
        for (const p of products)
          io.stdout.write(
            `${p.productCode}  ${p.context.padEnd(13)}  ${p.properties.ProductName ?? ''} ${p.properties.VersionString ?? ''}\n`,
          );
      return 0;
    } catch (error) {
      return reportError(io, 'products', args.options.json === true, error);
    }
  },
};

export const patchesCommand: CliCommand = {
  name: 'patches',
  summary: "list a product's patches (Windows)",
  usage: 'patches <productCode> [--json]',
  description:
    'Lists the patches of an installed product (MsiEnumPatchesEx, MsiGetPatchInfoEx): code, state, display name and cached package.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 1],
  exitCodes: [[InstallerExitCode.WINDOWS_ONLY, 'this command needs Windows']],
  async run({ io, args }) {
    try {
      const patches = await listPatches(args.positionals[0] as string);
      if (args.options.json) io.stdout.write(toJson(patches));
      else
        for (const p of patches)
          io.stdout.write(`${p.patchCode}  ${(p.state ?? '?').padEnd(10)}  ${p.displayName ?? ''}  ${p.localPackage ?? ''}\n`);
      return 0;
    } catch (error) {
      return reportError(io, 'patches', args.options.json === true, error);
    }
  },
};

export const installCommand: CliCommand = {
  name: 'install',
  summary: 'install a package with progress (Windows)',
  usage: 'install <package.msi> [NAME=VALUE ...] [--log FILE] [--json]',
  description:
    "Installs a package (MsiInstallProduct) with the given properties, without Windows Installer's own UI. Ctrl+C cancels: Windows rolls back.",
  options: [logOption, jsonOption],
  positionals: [1, 256],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    const [msi, ...rest] = args.positionals as [string, ...string[]];
    const properties = parsePropertyArguments(rest);
    return runAction(io, 'install', args.options.json === true, (o) => installProduct(msi, { ...o, ...logOf(args.options), properties }));
  },
};

export const patchCommand: CliCommand = {
  name: 'patch',
  summary: 'apply patches with progress (Windows)',
  usage: 'patch <patch.msp ...> [--product CODE] [--log FILE] [--json]',
  description:
    'Applies one or several patches in one transaction (MsiApplyMultiplePatches), to one product or to every product they target.',
  options: [{ name: 'product', type: 'string', description: 'only this product code' }, logOption, jsonOption],
  positionals: [1, 127],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    const product = typeof args.options.product === 'string' ? { productCode: args.options.product } : {};
    return runAction(io, 'patch', args.options.json === true, (o) =>
      applyPatch(args.positionals, { ...o, ...product, ...logOf(args.options) }),
    );
  },
};

export const unpatchCommand: CliCommand = {
  name: 'unpatch',
  summary: 'remove patches from a product (Windows)',
  usage: 'unpatch <productCode> <patchCode ...> [--log FILE] [--json]',
  description: 'Removes applied patches by patch code (MsiRemovePatches).',
  options: [logOption, jsonOption],
  positionals: [2, 128],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    const [product, ...codes] = args.positionals as [string, ...string[]];
    return runAction(io, 'unpatch', args.options.json === true, (o) => removePatches(product, codes, { ...o, ...logOf(args.options) }));
  },
};

export const repairCommand: CliCommand = {
  name: 'repair',
  summary: 'repair an installed product (Windows)',
  usage: 'repair <productCode> [--mode a,b,...] [--log FILE] [--json]',
  description: `Repairs a product (MsiReinstallProduct). --mode takes reinstall modes by name (${Object.keys(REINSTALL_MODES).join(', ')}); the default is fileOlderVersion,machineData,userData,shortcut ("omus").`,
  options: [{ name: 'mode', type: 'string', description: 'reinstall modes, comma-separated' }, logOption, jsonOption],
  positionals: [1, 1],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    const mode =
      typeof args.options.mode === 'string' ? { mode: args.options.mode.split(',').map((m) => m.trim()) as ReinstallMode[] } : {};
    return runAction(io, 'repair', args.options.json === true, (o) =>
      repairProduct(args.positionals[0] as string, { ...o, ...mode, ...logOf(args.options) }),
    );
  },
};

export const uninstallCommand: CliCommand = {
  name: 'uninstall',
  summary: 'uninstall a product (Windows)',
  usage: 'uninstall <productCode> [--log FILE] [--json]',
  description: 'Removes a product (MsiConfigureProductEx, INSTALLSTATE_ABSENT).',
  options: [logOption, jsonOption],
  positionals: [1, 1],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    return runAction(io, 'uninstall', args.options.json === true, (o) =>
      uninstallProduct(args.positionals[0] as string, { ...o, ...logOf(args.options) }),
    );
  },
};

export const installerCommands: CliCommand[] = [
  productsCommand,
  patchesCommand,
  installCommand,
  patchCommand,
  unpatchCommand,
  repairCommand,
  uninstallCommand,
];
