// Command registry of the msi-lua command-line tool. Each command is an
// object registered under its name, or a listing whose command loads on first use
// (lib/cli/commands/index.ts); the dispatcher (lib/cli/main.ts) parses the options a
// command declares, handles --help, and maps errors to exit codes. Other commands are
// added with registerCommand.
export { COMMON_EXIT_CODES, ExitCode } from './exit-codes';

/** Where a command writes. process.stdout/stderr fit, so do test buffers. */
export interface CliStream {
  write(chunk: string | Uint8Array): unknown;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

export interface OptionSpec {
  /** Long name without dashes, e.g. "json". */
  name: string;
  /** Single-letter alias without dash, e.g. "j". */
  alias?: string;
  /** Boolean flag, or an option that takes a value. */
  type: 'boolean' | 'string';
  description: string;
  /** Name of options that cannot be combined with this one. */
  conflicts?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

export interface CommandContext {
  io: CliIo;
  args: ParsedArgs;
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line after "msi-lua", e.g. "export <file> <table> [--idt | --json]". */
  usage: string;
  /** Longer help text shown by --help. */
  description: string;
  options: OptionSpec[];
  /** Number of positional arguments: [min, max]. */
  positionals: [number, number];
  /** Exit codes this command can return beyond the common ones, for --help. */
  exitCodes?: Array<[number, string]>;
  /** Which of the common exit codes this command can return, for --help (all when absent). */
  commonExitCodes?: readonly number[];
  /**
   * Maps an error this command knows (e.g. UnknownProductError) to one of its exit codes and
   * a one-line message; undefined leaves it to the common mapping.
   */
  classifyError?(error: unknown): { exitCode: number; message: string } | undefined;
  run(context: CommandContext): Promise<number>;
}

/** What `msi-lua --help` shows of a command, known without loading the command's module. */
export interface CommandListing {
  name: string;
  summary: string;
  exitCodes?: Array<[number, string]>;
  commonExitCodes?: readonly number[];
}

interface Slot {
  listing: CommandListing;
  command?: CliCommand;
  load?: () => CliCommand;
}

const registry = new Map<string, Slot>();

/** A listing as one string, whatever the order its object was written in. */
function canonical(listing: CommandListing): string {
  return JSON.stringify([listing.name, listing.summary, listing.commonExitCodes ?? null, listing.exitCodes ?? null]);
}

function listingOf(command: CliCommand): CommandListing {
  const listing: CommandListing = { name: command.name, summary: command.summary };
  if (command.commonExitCodes) listing.commonExitCodes = command.commonExitCodes;
  if (command.exitCodes) listing.exitCodes = command.exitCodes;
  return listing;
}

/** Adds a command. Throws if the name is taken. */
export function registerCommand(command: CliCommand): void {
  if (registry.has(command.name)) throw new Error(`msi-lua command ${command.name} is already registered`);
  registry.set(command.name, { listing: listingOf(command), command });
}

/**
 * Adds a command by its listing; `load` returns the command when it first runs or shows its
 * help, so a command's module (and what it imports) loads only then. Throws if the name is
 * taken.
 */
export function registerLazyCommand(listing: CommandListing, load: () => CliCommand): void {
  if (registry.has(listing.name)) throw new Error(`msi-lua command ${listing.name} is already registered`);
  registry.set(listing.name, { listing, load });
}

export function hasCommand(name: string): boolean {
  return registry.has(name);
}

export function getCommand(name: string): CliCommand | undefined {
  const slot = registry.get(name);
  if (!slot) return undefined;
  if (!slot.command && slot.load) {
    const command = slot.load();
    // Built-in modules spread their listing (./commands/listings.ts); this catches one that overrides it.
    if (canonical(listingOf(command)) !== canonical(slot.listing))
      throw new Error(`msi-lua command ${slot.listing.name}: its listing (name, summary, exit codes) differs from the command's`);
    slot.command = command;
  }
  return slot.command;
}

/** Registered commands in registration order (loads every command). */
export function listCommands(): CliCommand[] {
  return [...registry.keys()].map((name) => getCommand(name) as CliCommand);
}

/** The listings of the registered commands in registration order, without loading any. */
export function listCommandListings(): CommandListing[] {
  return [...registry.values()].map((slot) => slot.listing);
}

/** Thrown by commands for a bad command line; exits with USAGE. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
