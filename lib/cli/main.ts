// The msi-lua command-line tool. `runCli` does all the work in-process and
// returns the exit code (tests call it directly); `main` is what bin/msi-lua.js
// runs. Commands live in a registry (lib/cli/registry.ts).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isArgumentError } from '../argument-error';
import { MsiFormatError, MsiLuaError } from '../errors';
import { printable, toJson } from './format';
import { PackageKindError } from '../lua/offline';
import { registerBuiltinCommands } from './commands';
import { CannotReadError } from './open';
import {
  COMMON_EXIT_CODES,
  ExitCode,
  getCommand,
  listCommandListings,
  UsageError,
  type CliCommand,
  type CliIo,
  type CliStream,
  type ParsedArgs,
} from './registry';

export { ExitCode, registerCommand, registerLazyCommand, listCommands, getCommand, UsageError } from './registry';
export type { CliCommand, CliIo, CliStream, CommandContext, CommandListing, OptionSpec, ParsedArgs } from './registry';

registerBuiltinCommands();

// Set by scripts/sea.js (esbuild `define`) in msi-lua.exe, which has no package.json beside it.
declare const __MSI_LUA_VERSION__: string | undefined;

function version(): string {
  if (typeof __MSI_LUA_VERSION__ === 'string') return __MSI_LUA_VERSION__;
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function mainHelp(): string {
  const commands = listCommandListings();
  const width = Math.max(...commands.map((c) => c.name.length));
  // One line per code: each meaning once, followed by the commands that give it.
  const byCode = new Map<number, Map<string, string[]>>(COMMON_EXIT_CODES.map(([code, text]) => [code, new Map([[text, []]])]));
  for (const command of commands) {
    for (const [code, text] of command.exitCodes ?? []) {
      const meanings = byCode.get(code) ?? new Map<string, string[]>();
      const plain = text.startsWith(`${command.name}: `) ? text.slice(command.name.length + 2) : text;
      meanings.set(plain, [...(meanings.get(plain) ?? []), command.name]);
      byCode.set(code, meanings);
    }
  }
  const codes: Array<[number, string]> = [...byCode.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([code, meanings]) => [
      code,
      [...meanings].map(([text, names]) => (names.length ? `${text} (${names.join(', ')})` : text)).join('; '),
    ]);
  return [
    'Usage: msi-lua <command> [options]',
    '',
    'Reads Windows Installer packages (.msi), patches (.msp) and transforms on any platform, and says whether a standard user can apply a patch (UAC patching).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     help for msi-lua or a command (msi-lua <command> --help)',
    '  -V, --version  print the version (with --json: {"name", "version"})',
    '',
    'Exit codes:',
    ...codes.map(([code, text]) => `  ${String(code).padStart(2)}  ${text}`),
    '',
  ].join('\n');
}

function wrap(text: string, width = 78, indent = ''): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && (line + ' ' + word).length > width - indent.length) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function commandHelp(command: CliCommand): string {
  const options = [...command.options, { name: 'help', alias: 'h', type: 'boolean', description: 'show this help' }];
  const optionText = options.map((o) => `${o.alias ? `-${o.alias}, ` : '    '}--${o.name}${o.type === 'string' ? ' <value>' : ''}`);
  const width = Math.max(...optionText.map((t) => t.length));
  const common = command.commonExitCodes;
  const codes = [...COMMON_EXIT_CODES.filter(([code]) => !common || common.includes(code)), ...(command.exitCodes ?? [])].sort(
    (a, b) => a[0] - b[0],
  );
  return [
    `Usage: msi-lua ${command.usage}`,
    '',
    wrap(command.description),
    '',
    'Options:',
    ...options.map((o, i) => `  ${optionText[i].padEnd(width)}  ${o.description}`),
    '',
    'Exit codes:',
    ...codes.map(([code, text]) => `  ${String(code).padStart(2)}  ${text}`),
    '',
  ].join('\n');
}

/** Parses argv for one command against the options it declares. */
export function parseArgs(command: CliCommand, argv: string[]): ParsedArgs & { help: boolean } {
  const positionals: string[] = [];
  const options: Record<string, string | boolean | undefined> = {};
  let help = false;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else {
      const spec = command.options.find((o) => o.alias === arg.slice(1));
      if (!spec) throw new UsageError(`unknown option ${arg} for ${command.name}`);
      name = spec.name;
    }
    const spec = command.options.find((o) => o.name === name);
    if (!spec) throw new UsageError(`unknown option --${name} for ${command.name}`);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
    } else {
      const value = inline ?? argv[++i];
      // An empty value names no file, product or count: a usage error, never "cannot read ''".
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      options[name] = value;
    }
  }
  for (const spec of command.options) {
    if (!options[spec.name]) continue;
    for (const other of spec.conflicts ?? []) {
      if (options[other]) throw new UsageError(`--${spec.name} and --${other} cannot be used together`);
    }
  }
  if (!help) {
    const [min, max] = command.positionals;
    if (positionals.length < min) throw new UsageError(`missing argument: msi-lua ${command.usage}`);
    if (positionals.length > max) throw new UsageError(`too many arguments: msi-lua ${command.usage}`);
    const empty = positionals.indexOf('');
    if (empty >= 0) throw new UsageError(`argument ${empty + 1} is empty: msi-lua ${command.usage}`);
  }
  return { positionals, options, help };
}

const FILE_SYSTEM_CODES = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'ELOOP',
  'ENAMETOOLONG',
  'EMFILE',
  'ENFILE',
  'EIO',
  'ERR_FS_FILE_TOO_LARGE',
]);

/** A failure of the run: its exit code, one line for people and the JSON error object. */
interface Failure {
  exitCode: number;
  line: string;
  json: Record<string, unknown>;
}

function errorJson(error: unknown, fallback: { name: string; code: string }): Record<string, unknown> {
  if (error instanceof MsiLuaError) return { ...error.toJSON() };
  const e = error as (Partial<NodeJS.ErrnoException> & { path?: unknown }) | null;
  const out: Record<string, unknown> = {
    name: typeof e?.name === 'string' ? e.name : fallback.name,
    code: typeof e?.code === 'string' ? e.code : fallback.code,
    hresult: null,
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
  if (typeof e?.errno === 'number') out.errno = e.errno;
  if (typeof e?.syscall === 'string') out.syscall = e.syscall;
  if (typeof e?.path === 'string') out.path = e.path;
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Maps an error from a command to its exit code. Only what nothing else explains is
 * INTERNAL (70): a bug in msi-lua.
 */
function classify(command: CliCommand, error: unknown, positionals: string[]): Failure {
  const failure = (exitCode: number, line: string, json: Record<string, unknown>): Failure => ({
    exitCode,
    line,
    json: { ...json, exitCode },
  });
  const fromCommand = command.classifyError?.(error);
  if (fromCommand)
    return failure(
      fromCommand.exitCode,
      `msi-lua ${command.name}: ${oneLine(fromCommand.message)}`,
      errorJson(error, { name: 'Error', code: 'ERR_MSI_LUA' }),
    );
  // The library's own argument errors too: an argument the user gave that the library
  // refuses. Any other TypeError is a bug (70).
  if (error instanceof UsageError || error instanceof PackageKindError || isArgumentError(error)) {
    return failure(
      ExitCode.USAGE,
      `msi-lua ${command.name}: ${oneLine(error.message)} (see msi-lua ${command.name} --help)`,
      errorJson(error, { name: 'UsageError', code: 'ERR_USAGE' }),
    );
  }
  if (error instanceof CannotReadError) {
    return failure(ExitCode.CANNOT_READ, `msi-lua: ${error.message}`, {
      ...errorJson(error.cause ?? error, { name: 'CannotReadError', code: error.code }),
      name: 'CannotReadError',
      code: error.code,
      message: error.message,
      path: error.path,
    });
  }
  const fsCode = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof fsCode === 'string' && FILE_SYSTEM_CODES.has(fsCode)) {
    const path = (error as NodeJS.ErrnoException).path ?? positionals[0] ?? '';
    const wrapped = new CannotReadError(path, error);
    return failure(ExitCode.CANNOT_READ, `msi-lua: ${wrapped.message}`, {
      ...errorJson(error, { name: 'Error', code: fsCode }),
      message: wrapped.message,
      path,
    });
  }
  if (error instanceof MsiFormatError) {
    const path = (error as { path?: unknown }).path;
    const file = typeof path === 'string' ? path : positionals[0];
    return failure(ExitCode.INVALID_PACKAGE, `msi-lua: ${file}: ${oneLine(error.message)}`, {
      ...errorJson(error, { name: 'MsiFormatError', code: 'ERROR_INSTALL_PACKAGE_INVALID' }),
      path: file,
    });
  }
  if (error instanceof MsiLuaError) {
    return failure(
      ExitCode.SYSTEM_ERROR,
      `msi-lua ${command.name}: ${oneLine(error.message)}`,
      errorJson(error, { name: 'MsiLuaError', code: 'ERR_MSI_LUA' }),
    );
  }
  return failure(
    ExitCode.INTERNAL,
    `msi-lua: internal error: ${(error as Error)?.stack ?? String(error)}`,
    errorJson(error, { name: 'Error', code: 'ERR_INTERNAL' }),
  );
}

function report(io: CliIo, json: boolean, failure: Failure): number {
  if (json) io.stdout.write(toJson({ error: failure.json }));
  // A path or name may hold a line break or another control character: escaped, so a
  // failure stays the one line the docs promise.
  io.stderr.write(`${printable(failure.line)}\n`);
  return failure.exitCode;
}

/** --json before any "--": the caller wants errors as JSON too, even when the command line is bad. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/** Runs the tool with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0]) {
      const command = getCommand(rest[0]);
      if (!command) {
        io.stderr.write(`msi-lua: unknown command ${printable(rest[0])} (see msi-lua --help)\n`);
        return ExitCode.USAGE;
      }
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    (first === undefined ? io.stderr : io.stdout).write(mainHelp());
    return first === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  // --version (or -V) alone, or with --json: `msi-lua --json --version` too. Anything else
  // with it is a usage error, as an unknown option is everywhere else.
  const asked = argv.filter((a) => a !== '--json');
  if (asked.length > 0 && (asked[0] === '--version' || asked[0] === '-V') && (first === asked[0] || first === '--json')) {
    const asJson = asked.length < argv.length;
    if (asked.length > 1) {
      const message = `${asked[0]} takes no arguments; received ${asked[1]}`;
      if (asJson)
        io.stdout.write(toJson({ error: { name: 'UsageError', code: 'ERR_USAGE', hresult: null, message, exitCode: ExitCode.USAGE } }));
      io.stderr.write(`msi-lua: ${printable(message)} (see msi-lua --help)\n`);
      return ExitCode.USAGE;
    }
    io.stdout.write(asJson ? toJson({ name: 'msi-lua', version: version() }) : `msi-lua ${version()}\n`);
    return ExitCode.OK;
  }
  const json = wantsJson(argv);
  const command = getCommand(first);
  if (!command) {
    // An option where the command belongs (`msi-lua --json`) is a missing command.
    const message = first.startsWith('-') ? `missing command before ${first}` : `unknown command ${first}`;
    const line = printable(message);
    if (json) {
      io.stdout.write(
        toJson({
          error: { name: 'UsageError', code: 'ERR_USAGE', hresult: null, message, exitCode: ExitCode.USAGE },
        }),
      );
      io.stderr.write(`msi-lua: ${line} (see msi-lua --help)\n`);
    } else io.stderr.write(`msi-lua: ${line} (see msi-lua --help)\n`);
    return ExitCode.USAGE;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(command, rest);
  } catch (error) {
    return report(io, json, classify(command, error, []));
  }
  if (parsed.help) {
    io.stdout.write(commandHelp(command));
    return ExitCode.OK;
  }
  try {
    return await command.run({ io, args: { positionals: parsed.positionals, options: parsed.options } });
  } catch (error) {
    return report(io, json && parsed.options.json === true, classify(command, error, parsed.positionals));
  }
}

/**
 * A stream that never throws and never emits an unhandled 'error': a failed write (ENOSPC on
 * /dev/full, EPIPE on a closed pipe) is recorded once and later writes are dropped.
 */
function guarded(stream: NodeJS.WriteStream, onError: (error: NodeJS.ErrnoException) => void): CliStream {
  let failed = false;
  const fail = (error: NodeJS.ErrnoException): void => {
    if (failed) return;
    failed = true;
    onError(error);
  };
  stream.on('error', fail);
  return {
    write(chunk) {
      if (failed) return false;
      try {
        return stream.write(chunk);
      } catch (error) {
        fail(error as NodeJS.ErrnoException);
        return false;
      }
    },
  };
}

/** Entry point of bin/msi-lua.js. */
export function main(argv: string[] = process.argv.slice(2)): void {
  let outputFailed = false;
  const stderr = guarded(process.stderr, () => {
    outputFailed = true;
    process.exitCode = ExitCode.OUTPUT_ERROR;
  });
  const stdout = guarded(process.stdout, (error) => {
    outputFailed = true;
    process.exitCode = ExitCode.OUTPUT_ERROR;
    // A closed pipe (msi-lua ... | head) is the reader's choice: no message.
    if (error.code !== 'EPIPE')
      stderr.write(`msi-lua: cannot write the output: ${error.code === 'ENOSPC' ? 'no space left on device' : error.message}\n`);
  });
  runCli(argv, { stdout, stderr }).then(
    (code) => {
      process.exitCode = outputFailed ? ExitCode.OUTPUT_ERROR : code;
    },
    (error: unknown) => {
      stderr.write(`msi-lua: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = ExitCode.INTERNAL;
    },
  );
}
