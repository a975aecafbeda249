'use strict';
// A scripted machine for the benches' evaluateLuaPatching rows: the LUA
// fixture's product installed per-machine, its cached package (LocalPackage)
// being the fixture itself, no patch applied, no policy set. The native
// calls evaluateLuaPatching makes answer at once, as on a fast machine, so a
// bench measures the JavaScript side (the answers of the unit tests'
// installedMachineBinding in test/support/lua-fixtures.ts, and a standard
// user's process token).

const path = require('node:path');

/**
 * The scripted machine's native binding, `msi` its cached package: every
 * native call evaluateLuaPatching makes without a patch, the caller being a
 * standard user in an interactive session (a call that is not scripted would
 * fail with a TypeError and be measured as an error path).
 */
function scriptedBinding(msi) {
  return {
    async productInfo(productCode, properties) {
      const values = { AuthorizedLUAApp: '1', LocalPackage: msi, LastUsedType: 'n' };
      return {
        productCode,
        context: 4,
        userSid: null,
        values: properties.map((p) => (p in values ? { status: 0, value: values[p] } : { status: 1608 })),
      };
    },
    enumAppliedPatches: async () => [],
    installerVersion: async () => '5.0.19041.1',
    readRegistryValue: async () => null,
    tokenContextFacts: async () => ({
      sessionId: 1,
      elevated: false,
      elevationType: 1,
      userSid: STANDARD_USER,
      logonSid: 'S-1-5-5-0-123',
      groupSids: [STANDARD_USER, 'S-1-5-32-545', 'S-1-5-4', 'S-1-5-11'],
      windowStation: 'WinSta0',
      windowStationUserSid: 'S-1-5-5-0-123',
      inputDesktopUserSid: 'S-1-5-5-0-123',
      shellProcessId: 1234,
      shellUserSid: STANDARD_USER,
      failures: {},
    }),
  };
}

const STANDARD_USER = 'S-1-5-21-7-7-7-1001';

/**
 * Installs the scripted machine as the native binding of `root`'s dist/
 * and returns the product code of `msi` (the LUA fixture), to pass as
 * evaluateLuaPatching's `productCode`.
 */
async function scriptedMachine(root, lib, msi) {
  const { setNativeBinding } = require(path.join(root, 'dist', 'native', 'load'));
  setNativeBinding(scriptedBinding(msi));
  const pkg = await lib.openPackage(msi);
  const row = [...pkg.table('Property').rows()].find((r) => r.Property === 'ProductCode');
  if (!row) throw new Error(`${msi} has no ProductCode`);
  return row.Value;
}

module.exports = { scriptedBinding, scriptedMachine };
