// The error classes: MsiLuaError (code, HRESULT, explanation, toJSON, util.inspect) and the
// classes of groups and of single codes.
import { inspect, type InspectOptionsStylized } from 'node:util';
import {
  E_ABORT,
  E_ACCESSDENIED,
  E_NOTIMPL,
  ERROR_BAD_CONFIGURATION,
  ERROR_CALL_NOT_IMPLEMENTED,
  ERROR_CANCELLED,
  ERROR_INSTALL_ALREADY_RUNNING,
  ERROR_INSTALL_PACKAGE_INVALID,
  ERROR_NOT_SUPPORTED,
  ERROR_UNKNOWN_PRODUCT,
  ERROR_UNKNOWN_PROPERTY,
  WU_E_INSTALL_NOT_ALLOWED,
  WU_E_NO_INTERACTIVE_USER,
  WU_E_OPERATIONINPROGRESS,
  WU_E_SETUP_DEFERRABLE_REBOOT_PENDING,
  WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING,
  WU_E_SETUP_REBOOTREQUIRED,
  WU_E_SETUP_REBOOT_TO_FIX,
  WU_E_UH_HANDLER_DISABLEDUNTILREBOOT,
  WU_E_UH_POSTREBOOTSTILLPENDING,
} from './codes.generated';
import { wrapWin32 } from './hresult';
import { explain, lookup, ownExplanation } from './lookup';
import { formatHResult, normalizeHResult } from './numbers';
import { argumentTypeError } from '../argument-error';

export interface MsiLuaErrorOptions {
  /** The API or COM method that failed, e.g. 'IUpdateInstaller::Install' or 'MsiGetProductInfoW'. */
  syscall?: string;
  /** The system's FormatMessage text for the code, attached by the native layer. */
  systemMessage?: string;
  /** The underlying error (standard ES2022 cause). */
  cause?: unknown;
}

export interface UpdateRef {
  id: string;
  title?: string;
}

export interface ErrorFromCodeOptions extends MsiLuaErrorOptions {
  /** For NoInteractiveUserError: the updates that need an interactive user. */
  updates?: readonly UpdateRef[];
}

export interface MsiLuaErrorInit extends MsiLuaErrorOptions {
  /** The code in any accepted form (signed or unsigned HRESULT, or a plain Win32 code). */
  hresult: number;
  /** Overrides the symbolic name from the table. */
  code?: string;
  /** Overrides the explanation; the "CODE (0x...): " prefix and the suffixes are kept. */
  explanation?: string;
  /** Replaces the whole message. */
  message?: string;
}

/** Init of the classes bound to one code: the code is optional (it defaults to the class's own). */
export type FixedCodeInit = Omit<MsiLuaErrorInit, 'hresult'> & { hresult?: number };

export interface MsiLuaErrorJSON {
  name: string;
  code: string;
  hresult: number;
  hresultHex: string;
  win32?: number;
  syscall?: string;
  message: string;
  [extra: string]: unknown;
}

function buildMessage(
  code: string,
  hresult: number,
  win32: number | undefined,
  explanation: string,
  syscall?: string,
  systemMessage?: string,
): string {
  let s = `${code} (${formatHResult(hresult)}${win32 !== undefined ? `, Win32 ${win32}` : ''}): ${explanation}`;
  if (syscall) s += ` [${syscall}]`;
  const sys = systemMessage?.trim();
  if (sys) s += ` System message: ${sys}`;
  return s;
}

function setName(ctor: { prototype: object }, name: string): void {
  Object.defineProperty(ctor.prototype, 'name', { value: name, writable: true, enumerable: false, configurable: true });
}

/**
 * Base class of msi-lua's typed errors: every failure but wrong arguments (TypeError, RangeError)
 * and a path that cannot be read (Node's file-system error, NotRegularFileError). `code`,
 * `hresult` (unsigned), `win32`, `syscall`, `systemMessage`, `cause`; `toJSON()` adds
 * `hresultHex`. The constructor throws a TypeError (RangeError) for an `init.hresult` that is not
 * a number (not a 32-bit integer).
 */
export class MsiLuaError extends Error {
  /** Symbolic name, e.g. 'WU_E_NO_INTERACTIVE_USER'; 'HRESULT_0x80241234' for an unknown code. */
  declare readonly code: string;
  /** Unsigned 32-bit HRESULT. */
  declare readonly hresult: number;
  /** The Win32 code when the HRESULT is FACILITY_WIN32 (0x8007xxxx). */
  declare readonly win32?: number;
  /** The API or COM method that failed. */
  declare readonly syscall?: string;
  /** The system's FormatMessage text, when the native layer attached it. */
  declare readonly systemMessage?: string;

  constructor(init: MsiLuaErrorInit) {
    // Subclasses declared elsewhere get their class name too (before super(), so the stack shows it).
    if (!Object.prototype.hasOwnProperty.call(new.target.prototype, 'name')) setName(new.target, new.target.name);
    if (typeof init !== 'object' || init === null)
      throw argumentTypeError(
        `MsiLuaError: the "init" argument must be an object with an hresult; received ${init === null ? 'null' : typeof init}`,
      );
    const n = normalizeHResult(init.hresult, 'MsiLuaError', 'init.hresult');
    const entry = lookup(n);
    const code = init.code ?? entry.code;
    const explanation = init.explanation ?? explain(code === entry.code ? entry : { ...entry, code }, n);
    const message = init.message ?? buildMessage(code, n.hresult, n.win32, explanation, init.syscall, init.systemMessage);
    super(message, init.cause !== undefined ? { cause: init.cause } : undefined);
    const define = (key: string, value: unknown): void => {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true, writable: false, configurable: true });
    };
    define('code', code);
    define('hresult', n.hresult);
    define('win32', n.win32);
    define('syscall', init.syscall);
    define('systemMessage', init.systemMessage?.trim() || undefined);
  }

  /** Properties a subclass adds to toJSON() and util.inspect output. */
  protected extraProperties(): Record<string, unknown> {
    return {};
  }

  toJSON(): MsiLuaErrorJSON {
    const o: Partial<MsiLuaErrorJSON> = {
      name: this.name,
      code: this.code,
      hresult: this.hresult,
      hresultHex: formatHResult(this.hresult),
    };
    if (this.win32 !== undefined) o.win32 = this.win32;
    if (this.syscall !== undefined) o.syscall = this.syscall;
    o.message = this.message;
    for (const [k, v] of Object.entries(this.extraProperties())) if (v !== undefined) o[k] = v;
    return o as MsiLuaErrorJSON;
  }

  /** util.inspect shows the stack and the properties, with the HRESULT in hex. */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn?: typeof inspect): string {
    const show = inspectFn ?? inspect;
    const hex = formatHResult(this.hresult);
    if (depth < 0) return options.stylize(`[${this.name}: ${this.code} ${hex}]`, 'special');
    const nested = { ...options, depth: options.depth == null ? options.depth : options.depth - 1 };
    const props: string[] = [`code: ${show(this.code, nested)}`, `hresult: ${options.stylize(hex, 'number')}`];
    if (this.win32 !== undefined) props.push(`win32: ${options.stylize(String(this.win32), 'number')}`);
    if (this.syscall !== undefined) props.push(`syscall: ${show(this.syscall, nested)}`);
    if (this.systemMessage !== undefined) props.push(`systemMessage: ${show(this.systemMessage, nested)}`);
    for (const [k, v] of Object.entries(this.extraProperties())) if (v !== undefined) props.push(`${k}: ${show(v, nested)}`);
    if ('cause' in this) props.push(`[cause]: ${show(this.cause, nested)}`);
    const head = this.stack ?? `${this.name}: ${this.message}`;
    return `${head} {\n${props.map((p) => '  ' + p.replace(/\n/g, '\n  ')).join(',\n')}\n}`;
  }
}
setName(MsiLuaError, 'MsiLuaError');

/** A Windows Update Agent code (WU_E_*). */
export class WindowsUpdateError extends MsiLuaError {}
setName(WindowsUpdateError, 'WindowsUpdateError');

/** A Windows Installer code (Win32 1601-1699 and 3010, plain or as 0x8007xxxx). */
export class WindowsInstallerError extends MsiLuaError {}
setName(WindowsInstallerError, 'WindowsInstallerError');

/** A signature or certificate trust failure (TRUST_E_*, CERT_E_*, CRYPT_E_*, DIGSIG_E_*). */
export class SignatureError extends MsiLuaError {}
setName(SignatureError, 'SignatureError');

function fixed(init: FixedCodeInit | undefined, hresult: number): MsiLuaErrorInit {
  return { ...init, hresult: init?.hresult ?? hresult };
}

// The HRESULT of each fixed-code class; Win32 codes in their HRESULT_FROM_WIN32 form.
export const HR = {
  WU_E_NO_INTERACTIVE_USER,
  WU_E_INSTALL_NOT_ALLOWED,
  WU_E_OPERATIONINPROGRESS,
  WU_E_SETUP_REBOOTREQUIRED,
  WU_E_SETUP_REBOOT_TO_FIX,
  WU_E_SETUP_DEFERRABLE_REBOOT_PENDING,
  WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING,
  WU_E_UH_POSTREBOOTSTILLPENDING,
  WU_E_UH_HANDLER_DISABLEDUNTILREBOOT,
  E_ACCESSDENIED,
  E_NOTIMPL,
  ERROR_CALL_NOT_IMPLEMENTED: wrapWin32(ERROR_CALL_NOT_IMPLEMENTED),
  E_ABORT,
  ERROR_CANCELLED: wrapWin32(ERROR_CANCELLED),
  ERROR_NOT_SUPPORTED: wrapWin32(ERROR_NOT_SUPPORTED),
  ERROR_UNKNOWN_PRODUCT: wrapWin32(ERROR_UNKNOWN_PRODUCT),
  ERROR_UNKNOWN_PROPERTY: wrapWin32(ERROR_UNKNOWN_PROPERTY),
  ERROR_BAD_CONFIGURATION: wrapWin32(ERROR_BAD_CONFIGURATION),
  ERROR_INSTALL_ALREADY_RUNNING: wrapWin32(ERROR_INSTALL_ALREADY_RUNNING),
  ERROR_INSTALL_PACKAGE_INVALID: wrapWin32(ERROR_INSTALL_PACKAGE_INVALID),
} as const;

/**
 * WU_E_NO_INTERACTIVE_USER (0x80240020): an update that may need user input cannot be
 * installed because the process has no interactive user session, typically because it
 * runs under the Secondary Logon (Run As) service. `updates` lists the updates concerned.
 */
export class NoInteractiveUserError extends WindowsUpdateError {
  declare readonly updates?: readonly UpdateRef[];

  constructor(init?: FixedCodeInit & { updates?: readonly UpdateRef[] }) {
    const updates = init?.updates?.map((u) => (u.title === undefined ? { id: u.id } : { id: u.id, title: u.title }));
    let explanation = init?.explanation;
    if (explanation === undefined && updates && updates.length > 0) {
      const shown = updates.slice(0, 5).map((u) => (u.title ? `"${u.title}" (${u.id})` : u.id));
      const more = updates.length > 5 ? ` and ${updates.length - 5} more` : '';
      explanation = `${ownExplanation('WU_E_NO_INTERACTIVE_USER')} Updates concerned: ${shown.join(', ')}${more}.`;
    }
    super({ ...fixed(init, HR.WU_E_NO_INTERACTIVE_USER), explanation });
    if (updates) Object.defineProperty(this, 'updates', { value: Object.freeze(updates), enumerable: true, configurable: true });
  }

  protected override extraProperties(): Record<string, unknown> {
    return { updates: this.updates };
  }
}
setName(NoInteractiveUserError, 'NoInteractiveUserError');

/** WU_E_INSTALL_NOT_ALLOWED (0x80240016): another installation is running or a mandatory restart is pending. */
export class InstallNotAllowedError extends WindowsUpdateError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.WU_E_INSTALL_NOT_ALLOWED));
  }
}
setName(InstallNotAllowedError, 'InstallNotAllowedError');

/** WU_E_OPERATIONINPROGRESS (0x80240009): a conflicting Windows Update operation is already running. */
export class UpdateInstallerBusyError extends WindowsUpdateError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.WU_E_OPERATIONINPROGRESS));
  }
}
setName(UpdateInstallerBusyError, 'UpdateInstallerBusyError');

/**
 * A Windows Update code meaning "restart the computer, then retry": WU_E_SETUP_REBOOTREQUIRED
 * (the default), WU_E_SETUP_REBOOT_TO_FIX, WU_E_SETUP_DEFERRABLE_REBOOT_PENDING,
 * WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING, WU_E_UH_POSTREBOOTSTILLPENDING,
 * WU_E_UH_HANDLER_DISABLEDUNTILREBOOT. (Successful installs that need a restart are statuses:
 * see describeStatus().rebootRequired.)
 */
export class RebootRequiredError extends WindowsUpdateError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.WU_E_SETUP_REBOOTREQUIRED));
  }
}
setName(RebootRequiredError, 'RebootRequiredError');

/** E_ACCESSDENIED / ERROR_ACCESS_DENIED (0x80070005), as Windows Update returns to remote or non-elevated callers. */
export class AccessDeniedError extends MsiLuaError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.E_ACCESSDENIED));
  }
}
setName(AccessDeniedError, 'AccessDeniedError');

/** E_NOTIMPL (0x80004001) or ERROR_CALL_NOT_IMPLEMENTED (120); Wine's Windows Update stubs return it. */
export class NotImplementedError extends MsiLuaError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.E_NOTIMPL));
  }
}
setName(NotImplementedError, 'NotImplementedError');

/** E_ABORT (0x80004004) or ERROR_CANCELLED (1223). Its name is 'AbortError', as AbortSignal users expect. */
export class AbortError extends MsiLuaError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.E_ABORT));
  }
}
setName(AbortError, 'AbortError');

export interface PlatformNotSupportedInit {
  /** What was called, e.g. 'getProductInfo'. */
  feature?: string;
  syscall?: string;
  /** Defaults to process.platform. */
  platform?: string;
  /** Replaces the default explanation. */
  explanation?: string;
  /** Replaces the whole message. */
  message?: string;
  cause?: unknown;
}

/**
 * Thrown when a Windows-only function is called on another platform. Code ERROR_NOT_SUPPORTED
 * (HRESULT_FROM_WIN32(50) = 0x80070032). errorFromHResult never produces it: a native
 * ERROR_NOT_SUPPORTED stays a plain MsiLuaError.
 */
export class PlatformNotSupportedError extends MsiLuaError {
  /** The platform the call was made on (process.platform by default). */
  declare readonly platform: string;

  /**
   * @param init a sentence explaining what is unavailable (it becomes the explanation after the
   *   "ERROR_NOT_SUPPORTED (0x80070032, Win32 50): " prefix), or options: `feature` or `syscall`
   *   name what was called, `platform` defaults to process.platform, `message` replaces the message.
   */
  constructor(init?: string | PlatformNotSupportedInit) {
    const opts: PlatformNotSupportedInit = typeof init === 'string' ? { explanation: init } : (init ?? {});
    const platform = opts.platform ?? (typeof process === 'object' && process ? process.platform : 'unknown');
    const what = opts.feature ?? opts.syscall ?? 'This function';
    super({
      hresult: HR.ERROR_NOT_SUPPORTED,
      explanation: opts.explanation ?? `${what} needs Windows and is not available on ${platform}.`,
      ...(opts.syscall !== undefined ? { syscall: opts.syscall } : {}),
      ...(opts.message !== undefined ? { message: opts.message } : {}),
      ...(opts.cause !== undefined ? { cause: opts.cause } : {}),
    });
    Object.defineProperty(this, 'platform', { value: platform, enumerable: true, configurable: true });
  }

  protected override extraProperties(): Record<string, unknown> {
    return { platform: this.platform };
  }
}
setName(PlatformNotSupportedError, 'PlatformNotSupportedError');

/** ERROR_UNKNOWN_PRODUCT (1605): the product code is not installed in this context. */
export class UnknownProductError extends WindowsInstallerError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.ERROR_UNKNOWN_PRODUCT));
  }
}
setName(UnknownProductError, 'UnknownProductError');

/** ERROR_UNKNOWN_PROPERTY (1608): the property is unknown or not set for the product. */
export class UnknownPropertyError extends WindowsInstallerError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.ERROR_UNKNOWN_PROPERTY));
  }
}
setName(UnknownPropertyError, 'UnknownPropertyError');

/** ERROR_BAD_CONFIGURATION (1610): the product's registration data is corrupt. */
export class BadConfigurationError extends WindowsInstallerError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.ERROR_BAD_CONFIGURATION));
  }
}
setName(BadConfigurationError, 'BadConfigurationError');

/** ERROR_INSTALL_ALREADY_RUNNING (1618): another Windows Installer installation is in progress; retry later. */
export class InstallAlreadyRunningError extends WindowsInstallerError {
  constructor(init?: FixedCodeInit) {
    super(fixed(init, HR.ERROR_INSTALL_ALREADY_RUNNING));
  }
}
setName(InstallAlreadyRunningError, 'InstallAlreadyRunningError');

/**
 * A malformed .msi/.msp found by the pure-TypeScript package reader. Code
 * ERROR_INSTALL_PACKAGE_INVALID, HRESULT_FROM_WIN32(1620) = 0x80070654 (Windows Installer
 * itself would reject the file with that code, hence a WindowsInstallerError).
 */
export class MsiFormatError extends WindowsInstallerError {
  /** Where in the package the problem is, e.g. a stream or table name. */
  declare readonly where?: string;
  /** Byte offset of the problem, when known. */
  declare readonly offset?: number;

  constructor(message: string, details?: { where?: string; offset?: number; cause?: unknown }) {
    const loc: string[] = [];
    if (details?.where !== undefined) loc.push(`in ${details.where}`);
    if (details?.offset !== undefined) loc.push(`at offset ${details.offset} (0x${details.offset.toString(16)})`);
    super({
      hresult: HR.ERROR_INSTALL_PACKAGE_INVALID,
      explanation: loc.length ? `${message} (${loc.join(' ')})` : message,
      ...(details?.cause !== undefined ? { cause: details.cause } : {}),
    });
    if (details?.where !== undefined) Object.defineProperty(this, 'where', { value: details.where, enumerable: true, configurable: true });
    if (details?.offset !== undefined)
      Object.defineProperty(this, 'offset', { value: details.offset, enumerable: true, configurable: true });
  }

  protected override extraProperties(): Record<string, unknown> {
    return { where: this.where, offset: this.offset };
  }
}
setName(MsiFormatError, 'MsiFormatError');
