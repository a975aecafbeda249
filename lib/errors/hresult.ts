// HRESULT arithmetic shared by the runtime (lib/errors/index.ts) and the table generator
// (scripts/gen-error-table.js loads this file through the TypeScript compiler), so both
// wrap Win32 codes and group Windows Update codes the same way. No imports: it must load alone.

/** FACILITY_WIN32 (winerror.h). */
export const FACILITY_WIN32 = 7;
/** FACILITY_WINDOWSUPDATE (winerror.h): 0x8024xxxx and 0x0024xxxx. */
export const FACILITY_WINDOWSUPDATE = 0x24;

/**
 * The Windows SDK's HRESULT_FROM_WIN32 on a number already known to be a 32-bit integer:
 * zero or negative (as a signed HRESULT) is returned unchanged, otherwise the low 16 bits go
 * in FACILITY_WIN32 with the failure bit set. Returns the unsigned form.
 */
export function wrapWin32(code: number): number {
  if ((code | 0) <= 0) return code >>> 0;
  return ((code & 0xffff) | (FACILITY_WIN32 << 16) | 0x80000000) >>> 0;
}

/** The group names of Windows Update codes, in the order of the Windows SDK's wuerror.h sections. */
export type WindowsUpdateGroup =
  | 'general'
  | 'windows-installer-minor'
  | 'update-handler'
  | 'ui'
  | 'protocol-talker'
  | 'redirector'
  | 'sih'
  | 'download-manager'
  | 'offline-scan'
  | 'metadata'
  | 'datastore'
  | 'inventory'
  | 'automatic-updates'
  | 'wu-task'
  | 'hardware-capability'
  | 'sls'
  | 'file-trust'
  | 'driver'
  | 'setup'
  | 'expression-evaluator'
  | 'reporter';

/**
 * The wuerror.h section of a FACILITY_WINDOWSUPDATE code (unsigned HRESULT), from its
 * component nibble as the Windows SDK header lays out its sections: 0x0xxx general (0x04xx
 * protocol talker), 0x1xxx Windows Installer minor, 0x2xxx update handler, ... Success
 * codes are 'general' (the generator refines them by name).
 */
export function windowsUpdateGroup(hresult: number): WindowsUpdateGroup {
  if ((hresult & 0x80000000) === 0) return 'general';
  const code = hresult & 0xffff;
  const sub = (code >> 8) & 0xf;
  switch (code >> 12) {
    case 0x0:
      return sub === 4 ? 'protocol-talker' : 'general';
    case 0x1:
      return 'windows-installer-minor';
    case 0x2:
      return 'update-handler';
    case 0x3:
      return 'ui';
    case 0x4:
      return 'protocol-talker';
    case 0x5:
      return sub === 1 ? 'sih' : 'redirector';
    case 0x6:
      return 'download-manager';
    case 0x7:
      return sub === 1 ? 'metadata' : 'offline-scan';
    case 0x8:
      return 'datastore';
    case 0x9:
      return 'inventory';
    case 0xa:
      return 'automatic-updates';
    case 0xb:
      return (['wu-task', 'hardware-capability', 'sls', 'file-trust'] as const)[sub] ?? 'general';
    case 0xc:
      return 'driver';
    case 0xd:
      return 'setup';
    case 0xe:
      return 'expression-evaluator';
    default:
      return 'reporter';
  }
}
