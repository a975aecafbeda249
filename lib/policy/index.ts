// Machine policy that governs least-privilege (UAC/LUA) patching: reads the policy value
// through the binding; what it means is decided in ./interpret.ts.
import { callNative } from '../native/load';
import { interpretDwordPolicy, type LuaPatchingPolicy } from './interpret';

export { interpretDwordPolicy, registryTypeName, type LuaPatchingPolicy } from './interpret';

export const INSTALLER_POLICY_KEY = 'Software\\Policies\\Microsoft\\Windows\\Installer';

/**
 * Reads HKLM\Software\Policies\Microsoft\Windows\Installer\DisableLUAPatching (RegQueryValueExW,
 * 64-bit view) as `{ disableLuaPatching, value, state, registryType, source }`: state 'absent'
 * (not disabled), 'dword' (disabled when the value is not 0) or 'wrong-type' (disableLuaPatching
 * null, not guessed). Rejects with the typed error of a registry failure other than a missing
 * key or value, and with PlatformNotSupportedError off Windows.
 */
export async function getLuaPatchingPolicy(): Promise<LuaPatchingPolicy> {
  const raw = await callNative((binding) => binding.readRegistryValue('HKLM', INSTALLER_POLICY_KEY, 'DisableLUAPatching'));
  return interpretDwordPolicy(raw, `HKLM\\${INSTALLER_POLICY_KEY}\\DisableLUAPatching`);
}
