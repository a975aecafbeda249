// Interpretation of registry values read for machine policy: registry type names and the
// DWORD rule Windows Installer applies to DisableLUAPatching. Pure: no native calls here.
import type { NativeRegistryValue } from '../native/binding';

const REGISTRY_TYPES: Record<number, string> = {
  0: 'REG_NONE',
  1: 'REG_SZ',
  2: 'REG_EXPAND_SZ',
  3: 'REG_BINARY',
  4: 'REG_DWORD',
  5: 'REG_DWORD_BIG_ENDIAN',
  6: 'REG_LINK',
  7: 'REG_MULTI_SZ',
  11: 'REG_QWORD',
};

export function registryTypeName(type: number): string {
  return REGISTRY_TYPES[type] ?? `REG_TYPE_${type}`;
}

/** The DisableLUAPatching machine policy as read from the registry (getLuaPatchingPolicy). */
export interface LuaPatchingPolicy {
  /**
   * true when DisableLUAPatching is a REG_DWORD other than 0; false when it is absent or 0;
   * null when the value exists with another registry type (Windows Installer reads it as a
   * DWORD only, and msi-lua does not guess what such a value means).
   */
  disableLuaPatching: boolean | null;
  /** The DWORD read, or null when absent or of the wrong type. */
  value: number | null;
  /** 'absent', 'dword' or 'wrong-type'. */
  state: 'absent' | 'dword' | 'wrong-type';
  /** The registry type found (e.g. 'REG_SZ'), null when absent. */
  registryType: string | null;
  /** The full path read. */
  source: string;
}

export function interpretDwordPolicy(raw: NativeRegistryValue | null, source: string): LuaPatchingPolicy {
  if (raw === null) return { disableLuaPatching: false, value: null, state: 'absent', registryType: null, source };
  const registryType = registryTypeName(raw.type);
  if (raw.type !== 4 || raw.data.length !== 4) {
    return { disableLuaPatching: null, value: null, state: 'wrong-type', registryType, source };
  }
  const value = raw.data.readUInt32LE(0);
  return { disableLuaPatching: value !== 0, value, state: 'dword', registryType, source };
}
