// What the Windows Installer commands share (lib/cli/commands/products.ts, patches.ts,
// install.ts, patch.ts, unpatch.ts, repair.ts, uninstall.ts): the failure report, and the
// run of a long action. Long actions draw a progress bar on a terminal (cli-progress); with
// --json, progress goes to stderr as JSON lines and the result or the error to stdout as one
// JSON document.
import { SingleBar } from 'cli-progress';

import { isArgumentError } from '../argument-error';
import { MsiLuaError, PlatformNotSupportedError, InstallAlreadyRunningError } from '../errors';
import { InstallFailedError, type InstallerProgressEvent, type InstallerResult } from '../installer';
import { InstallerExitCode } from './exit-codes';
import { printable, toJson } from './format';
import { UsageError, type CliIo } from './registry';

interface TerminalStream {
  isTTY?: boolean;
}

function isTerminal(io: CliIo): boolean {
  return (io.stderr as TerminalStream).isTTY === true;
}

/**
 * What a failure looks like on stderr / in the JSON result, and its exit code. `failedCode` is
 * the code of any other MsiLuaError: 12 for an action, 11 for a listing (products, patches).
 */
export function reportError(io: CliIo, name: string, json: boolean, error: unknown, failedCode: number = InstallerExitCode.FAILED): number {
  let code: number;
  if (error instanceof PlatformNotSupportedError) code = InstallerExitCode.WINDOWS_ONLY;
  // Only msi-lua's own argument errors: any other TypeError is a bug, and goes on to exit 70.
  else if (isArgumentError(error)) code = 2;
  else if ((error as { name?: string })?.name === 'AbortError') code = InstallerExitCode.CANCELLED;
  else if (error instanceof InstallAlreadyRunningError) code = InstallerExitCode.ALREADY_RUNNING;
  else if (error instanceof MsiLuaError) code = failedCode;
  else throw error;
  // One shape for every command's failure (README "Command line"): one line on stderr, and
  // under --json one `{"error": {..., "exitCode"}}` object on stdout.
  // Escaped (printable): an engine message comes from the package's Error table and may hold a
  // line break or an escape sequence.
  // A usage error points to the help, as the main classifier's do.
  const hint = code === 2 ? ` (see msi-lua ${name} --help)` : '';
  io.stderr.write(`${printable(`msi-lua ${name}: ${(error as Error).message}${hint}`)}\n`);
  if (json) {
    const body =
      error instanceof MsiLuaError
        ? error.toJSON()
        : isArgumentError(error)
          ? { name: error.name, code: error.code, message: error.message }
          : { name: (error as Error).name, message: (error as Error).message };
    io.stdout.write(toJson({ error: { ...body, exitCode: code } }));
  } else if (error instanceof InstallFailedError && error.messages.length > 0) {
    for (const m of error.messages) io.stderr.write(`  ${printable(`${m.severity}${m.code !== null ? ` ${m.code}` : ''}: ${m.text}`)}\n`);
  }
  return code;
}

function resultCode(result: InstallerResult): number {
  if (result.rebootInitiated) return InstallerExitCode.REBOOT_INITIATED;
  if (result.rebootRequired) return InstallerExitCode.REBOOT_REQUIRED;
  return 0;
}

/** Runs one action with a progress display, Ctrl+C as cancel, and the result printed. */
export async function runAction(
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

export const jsonOption = {
  name: 'json',
  type: 'boolean' as const,
  description: 'progress as JSON lines on stderr, the result as JSON on stdout',
};
export const logOption = { name: 'log', type: 'string' as const, description: 'write a verbose Windows Installer log to this file' };

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

export function logOf(options: Record<string, string | boolean | undefined>): { log?: string } {
  return typeof options.log === 'string' ? { log: options.log } : {};
}
