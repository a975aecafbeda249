// Argument checks shared by the facades: each message names the argument.

const BRACED_GUID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
const SID_STRING = /^S-1-\d+(-\d+){0,15}$/i;

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`;
  return `${typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`}`;
}

export function assertProductCode(value: unknown, name = 'productCode'): asserts value is string {
  if (typeof value !== 'string' || !BRACED_GUID.test(value)) {
    throw new TypeError(`The "${name}" argument must be a braced GUID such as {12345678-1234-1234-1234-123456789ABC}; received ${describeValue(value)}`);
  }
}

export function assertSid(value: unknown, name = 'userSid'): asserts value is string {
  if (typeof value !== 'string' || !SID_STRING.test(value)) {
    throw new TypeError(`The "${name}" option must be a SID string such as S-1-5-21-...; received ${describeValue(value)}`);
  }
}

export function assertPlainObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`The "${name}" argument must be an object; received ${describeValue(value)}`);
  }
}

export function assertNonEmptyString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`The "${name}" argument must be a non-empty string; received ${describeValue(value)}`);
  }
}
