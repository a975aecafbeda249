'use strict';
// A scripted machine for the benches' evaluateLuaPatching rows: the LUA
// fixture's product installed per-machine, its cached package (LocalPackage)
// being the fixture itself, no patch applied, no policy set. The native
// calls evaluateLuaPatching makes answer at once, as on a fast machine, so a
// bench measures the JavaScript side (the same answers as the unit tests'
// installedMachineBinding in test/support/lua-fixtures.ts).

const path = require('node:path');

/**
 * Installs the scripted machine as the native binding of `root`'s dist/
 * and returns the product code of `msi` (the LUA fixture), to pass as
 * evaluateLuaPatching's `productCode`.
 */
async function scriptedMachine(root, lib, msi) {
  const { setNativeBinding } = require(path.join(root, 'dist', 'native', 'load'));
  setNativeBinding({
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
  });
  const pkg = await lib.openPackage(msi);
  const row = [...pkg.table('Property').rows()].find((r) => r.Property === 'ProductCode');
  if (!row) throw new Error(`${msi} has no ProductCode`);
  return row.Value;
}

module.exports = { scriptedMachine };
