import { argumentRangeError, argumentTypeError } from './argument-error';
// Argument checks shared by the facades: each message names the argument. Every string
// that reaches a Windows API passes assertNoNul (through one of the helpers below): the
// wide-string APIs stop at the first NUL, so 'ProductName\0junk' would be answered for
// 'ProductName' and 'x.msp\0junk' judged as 'x.msp' by one layer and as the full name by
// another.

const BRACED_GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
/**
 * A SID string as ConvertStringSidToSid reads it (MS-DTYP 2.4.2.1): S-1, an identifier
 * authority (decimal below 2^32, or 0x and 12 hex digits), then at most 15 sub-authorities
 * (SID_MAX_SUB_AUTHORITIES) of 32 bits each. The digit counts bound the length (at most
 * 184 characters); the 32-bit bound is checked on the numbers.
 */
const SID_STRING = /^S-1-(\d{1,10}|0x[0-9A-Fa-f]{12})((?:-\d{1,10}){0,15})$/i;
const UINT32_MAX = 0xffffffff;

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
    return `the string ${shown}`;
  }
  if (typeof value === 'bigint') return `bigint ${String(value)}n`;
  if (typeof value === 'symbol') return `a symbol`;
  return `${typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`}`;
}

/** The own property `key` of `record` (never one inherited from Object.prototype). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Throws a TypeError naming `name` when `value` holds U+0000. Call it for every string
 * that is passed to a Windows API (paths, property names, product codes, SIDs, WUA
 * criteria and ids).
 */
export function assertNoNul(value: string, name: string, kind = 'argument'): void {
  const at = value.indexOf('\0');
  if (at >= 0) {
    throw argumentTypeError(
      `The "${name}" ${kind} must not contain a NUL character (found at index ${at}); received ${describeValue(value)}`,
    );
  }
}

export function isBracedGuid(value: unknown): value is string {
  return typeof value === 'string' && BRACED_GUID.test(value);
}

export function assertProductCode(value: unknown, name = 'productCode'): asserts value is string {
  if (typeof value !== 'string' || !BRACED_GUID.test(value)) {
    throw argumentTypeError(
      `The "${name}" argument must be a braced GUID such as {12345678-1234-1234-1234-123456789ABC}; received ${describeValue(value)}`,
    );
  }
}

/** True for a SID string within the limits of MS-DTYP (see SID_STRING). */
export function isSidString(value: string): boolean {
  const match = SID_STRING.exec(value);
  if (!match) return false;
  const authority = match[1] as string;
  if (!/^0x/i.test(authority) && Number(authority) > UINT32_MAX) return false;
  const subAuthorities = (match[2] as string).split('-').slice(1);
  return subAuthorities.every((s) => Number(s) <= UINT32_MAX);
}

export function assertSid(value: unknown, name = 'userSid'): asserts value is string {
  if (typeof value !== 'string' || !isSidString(value)) {
    throw argumentTypeError(
      `The "${name}" option must be a SID string such as S-1-5-21-... (at most 15 sub-authorities of 32 bits); received ${describeValue(value)}`,
    );
  }
}

export function assertPlainObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw argumentTypeError(`The "${name}" argument must be an object; received ${describeValue(value)}`);
  }
}

export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw argumentTypeError(`The "${name}" argument must be a boolean; received ${describeValue(value)}`);
}

export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw argumentTypeError(`The "${name}" argument must be a non-empty string; received ${describeValue(value)}`);
  }
}

/**
 * A name looked up in a package (a table, stream or storage name): any string, the empty one
 * included (a lookup that finds nothing is a RangeError of the caller's), but a string.
 */
export function assertName(value: unknown, name: string, what: string): asserts value is string {
  if (typeof value !== 'string') throw argumentTypeError(`The "${name}" argument must be ${what}; received ${describeValue(value)}`);
}

/** A non-empty string without NUL: a file path or a name handed to Windows. */
export function assertWindowsString(value: unknown, name: string): asserts value is string {
  assertNonEmptyString(value, name);
  assertNoNul(value, name);
}

/**
 * `value` is one of `allowed` (looked up in a Set, so inherited names such as 'toString' or
 * '__proto__' are never accepted). Returns it typed.
 */
export function assertOneOf<T extends string>(value: unknown, allowed: ReadonlySet<T> | readonly T[], name: string, kind = 'option'): T {
  const set: ReadonlySet<string> = allowed instanceof Set ? allowed : new Set(allowed as readonly T[]);
  if (typeof value !== 'string' || !set.has(value)) {
    const names = [...set].map((a) => `'${a}'`);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
    throw argumentTypeError(`The "${name}" ${kind} must be ${list}; received ${describeValue(value)}`);
  }
  return value as T;
}

/** `value` is an instance of `type` (a class of the package reader, say). */
export function assertInstance<T>(
  value: unknown,
  type: abstract new (...args: never[]) => T,
  name: string,
  what = `a ${type.name}`,
): asserts value is T {
  if (!(value instanceof type)) throw argumentTypeError(`The "${name}" argument must be ${what}; received ${describeValue(value)}`);
}

/** An iterable that is not a string (a list of packages, transforms, paths). Returns its items. */
export function iterableItems(value: unknown, name: string, what: string): unknown[] {
  // Read through readOrRefuse: a Proxy trap or a revoked Proxy throws on the first look.
  const iterable = readOrRefuse(
    name,
    () =>
      value !== null &&
      value !== undefined &&
      typeof value !== 'string' &&
      typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function',
    'argument',
  );
  if (!iterable) throw argumentTypeError(`The "${name}" argument must be an iterable of ${what}; received ${describeValue(value)}`);
  // An iterator that throws, or is not an object, is the caller's argument failing, named as such.
  return readOrRefuse(name, () => [...(value as Iterable<unknown>)], 'argument');
}

/**
 * True for text that shows nothing: only white space and format characters (Unicode Cf: the
 * zero-width space U+200B, joiners, U+FEFF, bidirectional marks), which `trim()` leaves.
 */
export function isBlank(text: string): boolean {
  return /^[\s\p{Cf}]*$/u.test(text);
}

/** A Buffer or Uint8Array (`buffer`: a Buffer only) whose bytes are still there (assertAttached). */
export function assertBytes(value: unknown, name: string, buffer = false): asserts value is Uint8Array {
  if (buffer ? !Buffer.isBuffer(value) : !(value instanceof Uint8Array)) {
    throw argumentTypeError(`The "${name}" argument must be a Buffer${buffer ? '' : ' or Uint8Array'}; received ${describeValue(value)}`);
  }
  assertAttached(value as Uint8Array, name);
}

/**
 * True for a view whose ArrayBuffer was detached (transferred to a worker, `structuredClone`
 * with `transfer`, `ArrayBuffer.prototype.transfer`): it holds no bytes, and making a view of it
 * throws V8's own TypeError, which names no argument. `ArrayBuffer.prototype.detached` where
 * the runtime has it (Node 22); before that, a detached buffer is the one of length 0 that
 * cannot be viewed.
 */
export function isDetachedView(view: Uint8Array): boolean {
  const buffer = view.buffer as ArrayBufferLike & { detached?: unknown };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (view.byteLength !== 0 || buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** TypeError naming the argument when `view`'s ArrayBuffer is detached (isDetachedView). */
export function assertAttached(view: Uint8Array, name: string): void {
  if (isDetachedView(view)) {
    throw argumentTypeError(`The "${name}" argument is a view of a detached ArrayBuffer (transferred elsewhere): it holds no bytes`);
  }
}

// --- options objects (the WUA facade's options: { signal, onProgress, ... }) --------------------

export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

export function optionsObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  assertPlainObject(value, name);
  return value;
}

export function optionalBoolean(options: Record<string, unknown>, key: string): boolean | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw argumentTypeError(`The "${key}" option must be a boolean; received ${describeValue(value)}`);
  return value;
}

/**
 * An options object (undefined is {}) whose listed keys are each a boolean or absent:
 * TypeError naming the argument, or the first option that is not a boolean.
 */
export function booleanOptions<K extends string>(value: unknown, keys: readonly K[], name = 'options'): Partial<Record<K, boolean>> {
  const options = optionsObject(value, name);
  const checked: Partial<Record<K, boolean>> = {};
  for (const key of keys) {
    const flag = optionalBoolean(options, key);
    if (flag !== undefined) checked[key] = flag;
  }
  return checked;
}

export function optionalEnum<T extends string>(options: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw argumentTypeError(
      `The "${key}" option must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; received ${describeValue(value)}`,
    );
  }
  return value as T;
}

export function optionalInteger(options: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  assertIntegerInRange(value, key, min, max, 'option');
  return value;
}

export function optionalSignal(options: Record<string, unknown>): AbortSignal | undefined {
  const value = options.signal;
  if (value === undefined) return undefined;
  if (!isAbortSignal(value)) throw argumentTypeError(`The "signal" option must be an AbortSignal; received ${describeValue(value)}`);
  return value;
}

export function optionalProgress<E>(options: Record<string, unknown>): ((event: E) => void) | undefined {
  const value = options.onProgress;
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw argumentTypeError(`The "onProgress" option must be a function; received ${describeValue(value)}`);
  return value as (event: E) => void;
}

const SERVICE_GUID = /^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$/;

/** UpdateSession's `clientApplicationId` option: a non-empty string without NUL, or absent. */
export function optionalClientApplicationId(options: Record<string, unknown>): string | undefined {
  const id = options.clientApplicationId;
  if (id !== undefined && (typeof id !== 'string' || id.length === 0)) {
    throw argumentTypeError(`The "clientApplicationId" option must be a non-empty string; received ${describeValue(id)}`);
  }
  if (id !== undefined) assertNoNul(id, 'clientApplicationId', 'option');
  return id;
}

/** A WUA search criteria string (IUpdateSearcher::Search), e.g. "IsInstalled=0": not blank, no NUL. */
export function assertSearchCriteria(criteria: unknown): asserts criteria is string {
  if (typeof criteria !== 'string' || criteria.trim().length === 0) {
    throw argumentTypeError(`The "criteria" argument must be a non-empty WUA search criteria string; received ${describeValue(criteria)}`);
  }
  assertNoNul(criteria, 'criteria');
}

/**
 * search()'s `serverSelection` (one of `selections`) and `serviceId` (a service GUID, braces
 * optional, which needs serverSelection 'others' and implies it).
 */
export function searchServerOptions<S extends string>(
  options: Record<string, unknown>,
  selections: readonly S[],
): { serverSelection?: S; serviceId?: string } {
  let serverSelection = optionalEnum(options, 'serverSelection', selections);
  const serviceId = options.serviceId;
  if (serviceId !== undefined) {
    if (typeof serviceId !== 'string' || !SERVICE_GUID.test(serviceId)) {
      throw argumentTypeError(`The "serviceId" option must be a service GUID; received ${describeValue(serviceId)}`);
    }
    if (serverSelection !== undefined && serverSelection !== 'others') {
      throw argumentTypeError(`The "serviceId" option needs serverSelection 'others'; received '${serverSelection}'`);
    }
    serverSelection = 'others' as S;
  }
  return { serverSelection, serviceId: serviceId as string | undefined };
}

/** An update service id (a GUID, braces optional), returned bare and in lower case. */
export function assertServiceId(value: unknown, name = 'serviceId'): string {
  if (typeof value !== 'string' || !SERVICE_GUID.test(value)) {
    throw argumentTypeError(
      `The "${name}" argument must be an update service GUID (e.g. MICROSOFT_UPDATE_SERVICE_ID); received ${describeValue(value)}`,
    );
  }
  return value.replace(/[{}]/g, '').toLowerCase();
}

// --- installed-product queries (lib/products/) --------------------------------------------------

/**
 * A property name or an array of them (`single` false: an array only). Names are passed to
 * MsiGetProductInfoExW, so a NUL is refused.
 */
export function assertPropertyNames(value: unknown, name: string, single = true): string[] {
  if (!Array.isArray(value) && !(single && typeof value === 'string')) {
    throw argumentTypeError(
      `The "${name}" argument must be ${single ? 'a property name or ' : ''}an array of property names; received ${describeValue(value)}`,
    );
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 && single) throw argumentTypeError(`The "${name}" argument must name at least one property`);
  return checkEach(list, (item, index) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw argumentTypeError(
        `The "${name}" argument must be a property name or an array of them; item ${index} is ${describeValue(item)}`,
      );
    }
    assertNoNul(item, Array.isArray(value) ? `${name}[${index}]` : name);
    return item;
  });
}

/** `{ context?, userSid? }` of a product query: `context` one of `contexts`, no user SID with 'machine'. */
export function assertInstallQueryOptions<C extends string>(
  options: unknown,
  name: string,
  contexts: ReadonlySet<C>,
): { context?: C; userSid?: string } {
  if (options === undefined) return {};
  assertPlainObject(options, name);
  const context = options.context === undefined ? undefined : assertOneOf(options.context, contexts, `${name}.context`);
  let userSid: string | undefined;
  if (options.userSid !== undefined) {
    assertSid(options.userSid, `${name}.userSid`);
    userSid = options.userSid;
    if (context === 'machine')
      throw argumentTypeError(
        `The "${name}.userSid" option cannot be combined with context 'machine': per-machine products have no owning user`,
      );
  }
  return { context, userSid };
}

/**
 * An integer from `min` to `max`, by Node's convention: a value that is not a number is a
 * TypeError; a number that is not an integer (NaN, 1.5) or lies outside the range is a
 * RangeError. Both name the argument or option.
 */
export function assertIntegerInRange(value: unknown, name: string, min: number, max: number, kind = 'argument'): asserts value is number {
  if (typeof value !== 'number') {
    throw argumentTypeError(`The "${name}" ${kind} must be an integer from ${min} to ${max}; received ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw argumentRangeError(`The "${name}" ${kind} must be an integer from ${min} to ${max}; received ${describeValue(value)}`);
  }
}

// --- on-machine UAC-patching evaluation (lib/lua/machine.ts) ------------------------------------

/**
 * What was thrown, as text, whatever it is (a null-prototype object, a Symbol, an Error whose
 * `message` getter throws).
 */
export function thrownText(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return describeValue(error);
  }
}

/** `read()`, or a TypeError naming `name` when it throws (a getter, a Proxy trap, a revoked Proxy), with what was thrown as `cause`. */
function readOrRefuse<T>(name: string, read: () => T, kind = 'option'): T {
  try {
    return read();
  } catch (error) {
    throw argumentTypeError(`The "${name}" ${kind} could not be read: ${thrownText(error)}`, { cause: error });
  }
}

/**
 * Each element of `array` through `check`, which returns it as used or throws, read by index:
 * a sparse array's holes reach `check` as undefined (forEach and map skip them, so a hole would
 * pass unchecked).
 */
export function checkEach<T>(array: readonly unknown[], check: (item: unknown, index: number) => T): T[] {
  const checked: T[] = [];
  for (let index = 0; index < array.length; index++) checked.push(check(array[index], index));
  return checked;
}

/**
 * A copy of an array of Windows strings (paths), read by index: each element once, never
 * through the array's iterator or its own methods, so what is checked is what is used and
 * later changes to the array do not reach the copy. A hole, a non-string, a NUL, or an element
 * (or length) whose read throws is a TypeError naming `name[i]`; a damaged length stops at the
 * first bad element.
 */
export function copyWindowsStrings(array: readonly unknown[], name: string, kind = 'option'): string[] {
  const length = readOrRefuse(name, () => array.length, kind);
  const copy: string[] = [];
  for (let i = 0; i < length; i++) {
    const element = readOrRefuse(`${name}[${i}]`, () => array[i], kind);
    assertWindowsString(element, `${name}[${i}]`);
    copy.push(element);
  }
  return copy;
}

/**
 * evaluateLuaPatching's options: a product code, `patch` a path or an array of paths (each a
 * Windows string: the native signature check and the reader open the same path), `context`
 * one of `contexts`, a user SID. Each option is read once, before any is checked, so what is
 * checked is what is used (a getter or a Proxy could answer differently the second time); an
 * option whose read throws is a TypeError naming it. A `patch` array is copied
 * (copyWindowsStrings).
 */
export function assertEvaluateLuaOptions<C extends string>(
  options: unknown,
  contexts: ReadonlySet<C>,
): { productCode: string; patches: string[]; context?: C; userSid?: string } {
  if (typeof options === 'object' && options !== null) readOrRefuse('options', () => Array.isArray(options), 'argument');
  assertPlainObject(options, 'options');
  const productCode = readOrRefuse('options.productCode', () => options.productCode);
  const patch = readOrRefuse('options.patch', () => options.patch);
  const patchList = readOrRefuse('options.patch', () => Array.isArray(patch))
    ? copyWindowsStrings(patch as unknown[], 'options.patch')
    : null;
  const contextValue = readOrRefuse('options.context', () => options.context);
  const userSid = readOrRefuse('options.userSid', () => options.userSid);

  assertProductCode(productCode, 'options.productCode');
  if (patch !== undefined && typeof patch !== 'string' && patchList === null) {
    throw argumentTypeError(`The "options.patch" option must be a path or an array of paths; received ${describeValue(patch)}`);
  }
  // One string for both layers: the native signature check and the reader open the same path.
  if (typeof patch === 'string') assertWindowsString(patch, 'options.patch');
  const context = contextValue === undefined ? undefined : assertOneOf(contextValue, contexts, 'options.context');
  if (userSid !== undefined) assertSid(userSid, 'options.userSid');
  return {
    productCode,
    patches: patchList ?? (typeof patch === 'string' ? [patch] : []),
    context,
    userSid: userSid as string | undefined,
  };
}
