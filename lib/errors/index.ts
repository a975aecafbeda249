/**
 * The msi-lua error model: every Windows Update, Windows Installer, COM, Win32 and
 * signature code as a typed error with a readable explanation. Pure TypeScript; works on
 * every platform (only `node:util` is imported, for `util.inspect.custom`).
 *
 * Number forms accepted by every function taking a code:
 * - unsigned HRESULT: 0x80240020
 * - signed HRESULT (as COM returns it to JavaScript): -2145124320
 * - a plain Win32 code 2..0xFFFF: 1605, treated as HRESULT_FROM_WIN32(1605) = 0x80070645
 * - 0 is S_OK / ERROR_SUCCESS; 1 is S_FALSE for the *HResult functions (use
 *   errorFromWin32(1) / describeWin32(1) for ERROR_INVALID_FUNCTION).
 *
 * Success codes (S_OK, S_FALSE, WU_S_*, any HRESULT without the severity bit, and the Win32
 * success codes 3010 ERROR_SUCCESS_REBOOT_REQUIRED, 1641 ERROR_SUCCESS_REBOOT_INITIATED,
 * 3011 ERROR_SUCCESS_RESTART_REQUIRED, also in their HRESULT_FROM_WIN32 form such as
 * 0x80070BC2) are statuses, not errors: `errorFromHResult` and `errorFromWin32` throw a
 * TypeError for them; branch with `isSuccessCode` and report them with `describeStatus`.
 */
import { inspect, type InspectOptionsStylized } from 'node:util';
import {
  ALIASES,
  E_ABORT,
  E_ACCESSDENIED,
  E_NOTIMPL,
  ERROR_BAD_CONFIGURATION,
  ERROR_CALL_NOT_IMPLEMENTED,
  ERROR_CANCELLED,
  ERROR_INSTALL_ALREADY_RUNNING,
  ERROR_INSTALL_PACKAGE_INVALID,
  ERROR_NOT_SUPPORTED,
  ERROR_SUCCESS,
  ERROR_SUCCESS_REBOOT_INITIATED,
  ERROR_SUCCESS_REBOOT_REQUIRED,
  ERROR_SUCCESS_RESTART_REQUIRED,
  ERROR_UNKNOWN_PRODUCT,
  ERROR_UNKNOWN_PROPERTY,
  GROUPS,
  HRESULT_ROWS,
  WIN32_ROWS,
  WU_E_INSTALL_NOT_ALLOWED,
  WU_E_NO_INTERACTIVE_USER,
  WU_E_OPERATIONINPROGRESS,
  WU_E_SETUP_DEFERRABLE_REBOOT_PENDING,
  WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING,
  WU_E_SETUP_REBOOTREQUIRED,
  WU_E_SETUP_REBOOT_TO_FIX,
  WU_E_UH_HANDLER_DISABLEDUNTILREBOOT,
  WU_E_UH_POSTREBOOTSTILLPENDING,
  WU_S_REBOOT_REQUIRED,
  type CodeRow,
  type ErrorGroup,
} from './table.generated';
import { FACILITY_WIN32, FACILITY_WINDOWSUPDATE, windowsUpdateGroup, wrapWin32 } from './hresult';
import { EXPLANATIONS } from './messages';
import { DESCRIPTIONS } from './descriptions';

export { GROUPS as ERROR_GROUPS };
export type { ErrorGroup };

/** A group name from the table, or 'unknown' for a code that is in no table. */
export type CodeGroup = ErrorGroup | 'unknown';

// ------------------------------------------------------------------------------------------
// numbers

/** Win32 codes that mean success (with or without an HRESULT_FROM_WIN32 wrapper). */
const WIN32_SUCCESS = new Set([
  ERROR_SUCCESS,
  ERROR_SUCCESS_REBOOT_INITIATED,
  ERROR_SUCCESS_REBOOT_REQUIRED,
  ERROR_SUCCESS_RESTART_REQUIRED,
]);

/** Node's convention: a value of the wrong type is a TypeError, a number out of range a RangeError. */
function checkNumber(n: unknown, what: string, argument = 'hr'): number {
  if (typeof n !== 'number') {
    throw new TypeError(
      `${what}: the "${argument}" argument must be a 32-bit integer (signed or unsigned); received ${typeof n === 'string' ? JSON.stringify(n) : typeof n}`,
    );
  }
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) {
    throw new RangeError(`${what}: the "${argument}" argument must be a 32-bit integer (signed or unsigned); received ${String(n)}`);
  }
  return n;
}

/** The unsigned 32-bit form of an HRESULT given signed or unsigned. Throws RangeError otherwise. */
export function toUnsignedHResult(n: number): number {
  return checkNumber(n, 'toUnsignedHResult', 'n') >>> 0;
}

/** '0x80240020': the unsigned HRESULT as 8 upper-case hex digits. */
export function formatHResult(n: number): string {
  return '0x' + (checkNumber(n, 'formatHResult', 'n') >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * HRESULT_FROM_WIN32, with the semantics of the Windows SDK macro: a value that is already
 * zero or negative as an HRESULT is returned unchanged; otherwise the code is put in
 * FACILITY_WIN32 with the failure bit set. Always returns the unsigned form. Win32 codes are
 * 16-bit: where the macro would silently keep the low 16 bits of a larger positive value
 * (0x10000 to 0x7FFFFFFF), naming another error, this throws a RangeError.
 */
export function hresultFromWin32(code: number): number {
  checkNumber(code, 'hresultFromWin32', 'code');
  if ((code | 0) > 0xffff) {
    throw new RangeError(
      `hresultFromWin32: the "code" argument must be a Win32 error code (0 to 65535) or an HRESULT (negative as a 32-bit integer); received ${code}`,
    );
  }
  return wrapWin32(code);
}

function win32Of(hresult: number): number | undefined {
  return hresult >>> 16 === (0x8000 | FACILITY_WIN32) ? hresult & 0xffff : undefined;
}

interface Normalized {
  hresult: number;
  win32?: number;
  /** The caller passed a Win32 code (so Win32 names win over HRESULT aliases such as E_ACCESSDENIED). */
  fromWin32: boolean;
}

function normalizeHResult(hr: number, what: string, argument = 'hr'): Normalized {
  const u = checkNumber(hr, what, argument) >>> 0;
  if (u >= 2 && u <= 0xffff) return { hresult: hresultFromWin32(u), win32: u, fromWin32: true };
  const win32 = win32Of(u);
  return win32 === undefined ? { hresult: u, fromWin32: false } : { hresult: u, win32, fromWin32: false };
}

function normalizeWin32(code: number, what: string): Normalized {
  checkNumber(code, what, 'code');
  if (code >= 0 && code <= 0xffff) return { hresult: hresultFromWin32(code), win32: code, fromWin32: true };
  return normalizeHResult(code, what, 'code');
}

// ------------------------------------------------------------------------------------------
// table lookups (maps are built on first use)

interface Entry {
  code: string;
  group: CodeGroup;
  headerDescription?: string;
  known: boolean;
}

interface Maps {
  hresult: Map<number, CodeRow>;
  win32: Map<number, CodeRow>;
  byName: Map<string, { row: CodeRow; kind: 'hresult' | 'win32' }>;
}

let maps: Maps | undefined;

function getMaps(): Maps {
  if (maps) return maps;
  const m: Maps = { hresult: new Map(), win32: new Map(), byName: new Map() };
  for (const row of HRESULT_ROWS) {
    m.hresult.set(row[0], row);
    m.byName.set(row[1], { row, kind: 'hresult' });
  }
  for (const row of WIN32_ROWS) {
    m.win32.set(row[0], row);
    m.byName.set(row[1], { row, kind: 'win32' });
  }
  for (const [alias, canonical] of ALIASES) {
    const target = m.byName.get(canonical);
    if (target && !m.byName.has(alias)) m.byName.set(alias, target);
  }
  maps = m;
  return m;
}

function entryOf(row: CodeRow): Entry {
  const e: Entry = { code: row[1], group: GROUPS[row[2]] ?? 'unknown', known: true };
  if (row[3]) e.headerDescription = row[3];
  return e;
}

/** Group of a code that is in no table, from its facility and range. */
function guessGroup(n: Normalized): CodeGroup {
  if (n.win32 !== undefined) {
    const w = n.win32;
    if ((w >= 1601 && w <= 1699) || w === ERROR_SUCCESS_REBOOT_REQUIRED) return 'windows-installer';
    if (w >= 12000 && w <= 12199) return 'winhttp';
    return 'win32';
  }
  const hr = n.hresult;
  const facility = (hr >>> 16) & 0x1fff;
  if (facility === FACILITY_WINDOWSUPDATE) return windowsUpdateGroup(hr);
  switch (facility) {
    case 0xb:
      return 'trust'; // FACILITY_CERT
    case 0:
    case 1:
    case 2:
    case 4:
    case 8:
    case 10:
    case 17:
      return 'com';
    case 3:
      return 'storage';
    case 9:
      return 'security';
    case 15:
      return 'setupapi';
    default:
      return 'unknown';
  }
}

function lookup(n: Normalized): Entry {
  const m = getMaps();
  if (n.fromWin32 && n.win32 !== undefined) {
    const w = m.win32.get(n.win32);
    if (w) return entryOf(w);
  }
  const h = m.hresult.get(n.hresult);
  if (h) return entryOf(h);
  if (n.win32 !== undefined) {
    const w = m.win32.get(n.win32);
    if (w) return entryOf(w);
  }
  return { code: `HRESULT_${formatHResult(n.hresult)}`, group: guessGroup(n), known: false };
}

const GROUP_LABELS: Record<CodeGroup, string> = {
  general: 'Windows Update error',
  'windows-installer-minor': 'Windows Update error about Windows Installer',
  'update-handler': 'Windows Update installer-handler error',
  ui: 'Windows Update user interface error',
  'protocol-talker': 'Windows Update server communication error',
  redirector: 'Windows Update redirector error',
  sih: 'Windows Update service-initiated healing error',
  'download-manager': 'Windows Update download error',
  'offline-scan': 'Windows Update offline scan error',
  metadata: 'Windows Update metadata verification error',
  datastore: 'Windows Update datastore error',
  inventory: 'Windows Update inventory error',
  'automatic-updates': 'Automatic Updates error',
  'wu-task': 'Windows Update task error',
  'hardware-capability': 'Windows Update hardware capability error',
  sls: 'Windows Update service locator error',
  'file-trust': 'Windows Update file trust error',
  driver: 'Windows Update driver error',
  setup: 'Windows Update Agent setup error',
  'expression-evaluator': 'Windows Update applicability rule error',
  reporter: 'Windows Update reporting error',
  'windows-installer': 'Windows Installer error',
  win32: 'Windows (Win32) error',
  winhttp: 'WinHTTP error',
  com: 'COM error',
  trust: 'Signature or certificate trust error',
  security: 'Security or cryptography error',
  storage: 'Structured storage error',
  setupapi: 'SetupAPI error',
  other: 'Windows error',
  unknown: 'Unrecognized code',
};

const NAME_PREFIX = /^(ERROR_|[A-Z0-9]+_[ESWIFBX]_|[ES]_|WSA_?)/;

function explain(entry: Entry, n: Normalized): string {
  const own = EXPLANATIONS[entry.code] ?? entry.headerDescription ?? DESCRIPTIONS[entry.code];
  if (own) return own;
  const label = GROUP_LABELS[entry.group];
  if (!entry.known) {
    const kind = n.win32 !== undefined ? `Win32 code ${n.win32}` : `code ${formatHResult(n.hresult)}`;
    return `${label}: msi-lua has no entry for ${kind}.`;
  }
  const words = entry.code.replace(NAME_PREFIX, '').toLowerCase().split('_').filter(Boolean).join(' ');
  return `${label} (${words || entry.code}).`;
}

// ------------------------------------------------------------------------------------------
// descriptions

export interface HResultDescription {
  /** Symbolic name, e.g. 'WU_E_NO_INTERACTIVE_USER'; 'HRESULT_0x80241234' for unknown codes. */
  code: string;
  group: CodeGroup;
  /** Explanation of what happened and what to do (no code prefix). */
  message: string;
  /** Unsigned HRESULT. */
  hresult: number;
  /** The Win32 code, when the HRESULT is FACILITY_WIN32 (0x8007xxxx) or a Win32 code was given. */
  win32?: number;
  success: boolean;
}

function describeNormalized(n: Normalized): HResultDescription {
  const entry = lookup(n);
  const d: HResultDescription = {
    code: entry.code,
    group: entry.group,
    message: explain(entry, n),
    hresult: n.hresult,
    success: isSuccessNormalized(n),
  };
  if (n.win32 !== undefined) d.win32 = n.win32;
  return d;
}

/** Describes any code (signed, unsigned, HRESULT_FROM_WIN32 or plain Win32 form). Never throws for a 32-bit integer. */
export function describeHResult(hr: number): HResultDescription {
  return describeNormalized(normalizeHResult(hr, 'describeHResult'));
}

/** Describes a Win32 error code (0..0xFFFF; anything else is read as an HRESULT). */
export function describeWin32(code: number): HResultDescription {
  return describeNormalized(normalizeWin32(code, 'describeWin32'));
}

/**
 * Looks a code up by symbolic name ('WU_E_NO_INTERACTIVE_USER', 'ERROR_INSTALL_FAILURE',
 * or a header alias such as 'NO_ERROR'). Returns undefined for an unknown name.
 */
export function describeCode(name: string): HResultDescription | undefined {
  if (typeof name !== 'string')
    throw new TypeError(`describeCode: the "name" argument must be a code name such as 'E_ACCESSDENIED'; received ${typeof name}`);
  const hit = getMaps().byName.get(name);
  if (!hit) return undefined;
  return hit.kind === 'win32' ? describeWin32(hit.row[0]) : describeHResult(hit.row[0]);
}

function isSuccessNormalized(n: Normalized): boolean {
  if (n.win32 !== undefined && WIN32_SUCCESS.has(n.win32)) return true;
  return (n.hresult & 0x80000000) === 0;
}

/**
 * True for statuses that are not errors: S_OK, S_FALSE (1), WU_S_* and every other HRESULT
 * without the failure bit, and Win32 0, 1641, 3010, 3011 (plain or HRESULT_FROM_WIN32).
 */
export function isSuccessCode(hr: number): boolean {
  return isSuccessNormalized(normalizeHResult(hr, 'isSuccessCode'));
}

export interface StatusDescription {
  code: string;
  /** Unsigned HRESULT. */
  hresult: number;
  /** A restart is needed to finish (WU_S_REBOOT_REQUIRED, ERROR_SUCCESS_REBOOT_REQUIRED 3010). */
  rebootRequired: boolean;
  /** A restart was started (ERROR_SUCCESS_REBOOT_INITIATED 1641). */
  rebootInitiated: boolean;
  message: string;
}

/**
 * Describes a success code as a status. Throws a TypeError for a failure code: use
 * errorFromHResult for those (check with isSuccessCode first).
 */
export function describeStatus(hr: number): StatusDescription {
  const n = normalizeHResult(hr, 'describeStatus');
  if (!isSuccessNormalized(n)) {
    const d = describeNormalized(n);
    throw new TypeError(`describeStatus: ${d.code} (${formatHResult(n.hresult)}) is a failure code, not a status; use errorFromHResult()`);
  }
  const d = describeNormalized(n);
  return {
    code: d.code,
    hresult: n.hresult,
    rebootRequired: n.hresult === WU_S_REBOOT_REQUIRED || n.win32 === ERROR_SUCCESS_REBOOT_REQUIRED,
    rebootInitiated: n.win32 === ERROR_SUCCESS_REBOOT_INITIATED,
    message: d.message,
  };
}

// ------------------------------------------------------------------------------------------
// errors

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

/** Base class of every error msi-lua throws. */
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
      throw new TypeError(
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
const HR = {
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
      explanation = `${EXPLANATIONS.WU_E_NO_INTERACTIVE_USER} Updates concerned: ${shown.join(', ')}${more}.`;
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

// ------------------------------------------------------------------------------------------
// factories

type ErrorClass = new (init: MsiLuaErrorInit & { updates?: readonly UpdateRef[] }) => MsiLuaError;

let specific: Map<number, ErrorClass> | undefined;

function specificClasses(): Map<number, ErrorClass> {
  if (specific) return specific;
  specific = new Map<number, ErrorClass>([
    [HR.WU_E_NO_INTERACTIVE_USER, NoInteractiveUserError],
    [HR.WU_E_INSTALL_NOT_ALLOWED, InstallNotAllowedError],
    [HR.WU_E_OPERATIONINPROGRESS, UpdateInstallerBusyError],
    [HR.WU_E_SETUP_REBOOTREQUIRED, RebootRequiredError],
    [HR.WU_E_SETUP_REBOOT_TO_FIX, RebootRequiredError],
    [HR.WU_E_SETUP_DEFERRABLE_REBOOT_PENDING, RebootRequiredError],
    [HR.WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING, RebootRequiredError],
    [HR.WU_E_UH_POSTREBOOTSTILLPENDING, RebootRequiredError],
    [HR.WU_E_UH_HANDLER_DISABLEDUNTILREBOOT, RebootRequiredError],
    [HR.E_ACCESSDENIED, AccessDeniedError],
    [HR.E_NOTIMPL, NotImplementedError],
    [HR.ERROR_CALL_NOT_IMPLEMENTED, NotImplementedError],
    [HR.E_ABORT, AbortError],
    [HR.ERROR_CANCELLED, AbortError],
    [HR.ERROR_UNKNOWN_PRODUCT, UnknownProductError],
    [HR.ERROR_UNKNOWN_PROPERTY, UnknownPropertyError],
    [HR.ERROR_BAD_CONFIGURATION, BadConfigurationError],
    [HR.ERROR_INSTALL_ALREADY_RUNNING, InstallAlreadyRunningError],
  ]);
  return specific;
}

const WU_GROUPS = new Set<CodeGroup>(GROUPS.slice(0, GROUPS.indexOf('reporter') + 1));

/** The class the factories use for a code. */
function errorClassFor(group: CodeGroup, hresult: number): ErrorClass {
  const s = specificClasses().get(hresult >>> 0);
  if (s) return s;
  if (WU_GROUPS.has(group)) return WindowsUpdateError;
  if (group === 'windows-installer') return WindowsInstallerError;
  if (group === 'trust') return SignatureError;
  return MsiLuaError;
}

function errorFromNormalized(n: Normalized, options: ErrorFromCodeOptions | undefined, fn: string): MsiLuaError {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new TypeError(
      `${fn}: the "options" argument must be an object; received ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  const entry = lookup(n);
  if (isSuccessNormalized(n)) {
    throw new TypeError(
      `${fn}: ${entry.code} (${formatHResult(n.hresult)}) is a success code, not an error; use isSuccessCode()/describeStatus()`,
    );
  }
  const Cls = errorClassFor(entry.group, n.hresult);
  const init: MsiLuaErrorInit & { updates?: readonly UpdateRef[] } = {
    hresult: n.hresult,
    code: entry.code,
    explanation: explain(entry, n),
  };
  if (options?.syscall !== undefined) init.syscall = options.syscall;
  if (options?.systemMessage !== undefined) init.systemMessage = options.systemMessage;
  if (options?.cause !== undefined) init.cause = options.cause;
  if (options?.updates !== undefined && Cls === NoInteractiveUserError) {
    init.updates = options.updates;
    delete init.explanation; // let the class add the update list
  }
  return new Cls(init);
}

/**
 * The typed error for a failing HRESULT (signed, unsigned, HRESULT_FROM_WIN32, or a plain
 * Win32 code 2..0xFFFF). Unknown codes give an MsiLuaError (or the group's class) whose code
 * is 'HRESULT_0x........'.
 *
 * Success codes are statuses, not errors: for them this function throws a TypeError
 * (check isSuccessCode() first and report them with describeStatus()). That includes
 * 0x80070BC2 / 3010 (ERROR_SUCCESS_REBOOT_REQUIRED), which Windows Update reports as a
 * failing HRESULT although the installation succeeded.
 */
export function errorFromHResult(hr: number, options?: ErrorFromCodeOptions): MsiLuaError {
  return errorFromNormalized(normalizeHResult(hr, 'errorFromHResult'), options, 'errorFromHResult');
}

/**
 * The typed error for a Win32 error code (0..0xFFFF); any other number is read as an
 * HRESULT. Throws a TypeError for the Win32 success codes 0, 1641, 3010 and 3011.
 */
export function errorFromWin32(code: number, options?: ErrorFromCodeOptions): MsiLuaError {
  return errorFromNormalized(normalizeWin32(code, 'errorFromWin32'), options, 'errorFromWin32');
}
