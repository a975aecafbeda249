// The msi-lua command-line tool. `runCli` does all the work in-process and
// returns the exit code (tests call it directly); `main` is what bin/msi-lua.js
// runs. Commands live in a registry (lib/cli/registry.ts).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { MsiFormatError } from './errors';
import { registerPackageCommands, registerUpdatesCommands } from './cli/commands';
import { registerLuaCommands } from './lua/cli';
import { CannotReadError } from './cli/open';
import {
  COMMON_EXIT_CODES,
  ExitCode,
  getCommand,
  listCommands,
  UsageError,
  type CliCommand,
  type CliIo,
  type ParsedArgs,
} from './cli/registry';

export { ExitCode, registerCommand, listCommands, getCommand, UsageError } from './cli/registry';
export type { CliCommand, CliIo, CliStream, CommandContext, OptionSpec, ParsedArgs } from './cli/registry';

registerPackageCommands();
registerLuaCommands();
registerUpdatesCommands();

function version(): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function mainHelp(): string {
  const commands = listCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  const codes = COMMON_EXIT_CODES.concat(
    commands.flatMap((c) => c.exitCodes ?? []).filter(([code], i, all) => all.findIndex(([other]) => other === code) === i),
  ).sort((a, b) => a[0] - b[0]);
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
    '  -V, --version  print the version',
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
  const codes = [...COMMON_EXIT_CODES, ...(command.exitCodes ?? [])].sort((a, b) => a[0] - b[0]);
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
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
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
  }
  return { positionals, options, help };
}

function describeError(error: unknown): string {
  if (error instanceof MsiFormatError) {
    // The error's message carries the code and explanation; keep it whole.
    return error.message;
  }
  return (error as Error)?.message ?? String(error);
}

/** Runs the tool with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0]) {
      const command = getCommand(rest[0]);
      if (!command) {
        io.stderr.write(`msi-lua: unknown command ${rest[0]}\n\n${mainHelp()}`);
        return ExitCode.USAGE;
      }
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    (first === undefined ? io.stderr : io.stdout).write(mainHelp());
    return first === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`msi-lua ${version()}\n`);
    return ExitCode.OK;
  }
  const command = getCommand(first);
  if (!command) {
    io.stderr.write(`msi-lua: unknown command ${first}\n\n${mainHelp()}`);
    return ExitCode.USAGE;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(command, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`msi-lua ${command.name}: ${error.message}\n\n${commandHelp(command)}`);
      return ExitCode.USAGE;
    }
    throw error;
  }
  if (parsed.help) {
    io.stdout.write(commandHelp(command));
    return ExitCode.OK;
  }
  try {
    return await command.run({ io, args: { positionals: parsed.positionals, options: parsed.options } });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`msi-lua ${command.name}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof CannotReadError) {
      io.stderr.write(`msi-lua: ${error.message}\n`);
      return ExitCode.CANNOT_READ;
    }
    if (error instanceof MsiFormatError) {
      io.stderr.write(`msi-lua: ${parsed.positionals[0]}: ${describeError(error)}\n`);
      return ExitCode.INVALID_PACKAGE;
    }
    io.stderr.write(`msi-lua: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.INTERNAL;
  }
}

/** Entry point of bin/msi-lua.js. */
export function main(argv: string[] = process.argv.slice(2)): void {
  // A closed pipe (msi-lua ... | head) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  runCli(argv, { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      process.stderr.write(`msi-lua: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = ExitCode.INTERNAL;
    },
  );
}
