// Packages and patches for the UAC-patching tests, built at test time from
// test/fixtures/lua/lua-app.wxs with wixl, msibuild, osslsigncode and an openssl test CA.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { addCertificateTables, buildMsi, buildPatch, makeTestCa, patchBytes, signFile, type TestCa } from './package-fixtures';

export const LUA_PRODUCT_CODE = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}';
export const LUA_PER_USER_PRODUCT_CODE = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E52}';
/**
 * Where the LUA CA's signers say its CRL is. A fixed drive C: path, so the same
 * certificates work in a Wine prefix (drive_c) and on a Windows runner: whoever installs
 * the fixtures on a machine copies `ca.crlPath` there.
 */
export const LUA_CRL_WINDOWS_PATH = 'C:\\msi-lua-fixtures\\lua-ca.crl';
const LUA_CRL_URL = 'file:///C:/msi-lua-fixtures/lua-ca.crl';

const source = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'lua', 'lua-app.wxs'), 'utf8');

export function luaWxs(variant: 'Machine' | 'User', installerVersion = 500): string {
  const machine = variant === 'Machine';
  return source
    .replace(/@PRODUCT_CODE@/g, machine ? LUA_PRODUCT_CODE : LUA_PER_USER_PRODUCT_CODE)
    .replace(/@UPGRADE_CODE@/g, machine ? '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E61}' : '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E62}')
    .replace(/@COMPONENT_GUID@/g, machine ? '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E71}' : '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E72}')
    .replace(/@VARIANT@/g, variant)
    .replace(/@SCOPE@/g, machine ? 'perMachine' : 'perUser')
    .replace(/@INSTALLER_VERSION@/g, String(installerVersion));
}

export interface LuaFixtures {
  ca: TestCa;
  otherCa: TestCa;
  plain: string;
  ready: string;
  perUser: string;
  missingCertificate: string;
  propertyDisabled: string;
  signedPatch: string;
  /** Signed by a certificate the package lists, which the CA has revoked. */
  revokedSignerPatch: string;
  otherSignerPatch: string;
  unsignedPatch: string;
  tamperedPatch: string;
}

export async function buildLuaFixtures(): Promise<LuaFixtures> {
  const [ca, otherCa] = await Promise.all([
    makeTestCa({ caName: 'msi-lua LUA CA', signerName: 'msi-lua Patch Signer', crlDistributionPoint: LUA_CRL_URL, revokedSignerName: 'msi-lua Revoked Signer' }),
    makeTestCa({ caName: 'msi-lua Other CA', signerName: 'msi-lua Other Signer' }),
  ]);
  const revoked = ca.revoked;
  if (!revoked) throw new Error('the LUA test CA has no revoked signer');
  const files = { 'readme.txt': 'msi-lua UAC patching fixture\r\n' };
  const plain = await buildMsi('lua-machine', luaWxs('Machine'), files);
  const perUserPlain = await buildMsi('lua-user', luaWxs('User'), files);
  const certs = [{ id: 'PatchSigner', der: ca.signerDer }, { id: 'RevokedSigner', der: revoked.signerDer }];
  const ready = await addCertificateTables(plain, certs);
  const perUser = await addCertificateTables(perUserPlain, certs);
  const missingCertificate = await addCertificateTables(plain, [], { patchCertificates: [['PatchSigner', 'NoSuchCertificate']] });
  const propertyDisabled = await addCertificateTables(plain, certs, { properties: { MSIDISABLELUAPATCHING: '1' } });
  const unsignedPatch = await buildPatch({
    patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E81}',
    targetProductCodes: [LUA_PRODUCT_CODE],
    transforms: [
      {
        name: 'RTM.1',
        targetProductCode: LUA_PRODUCT_CODE,
        targetVersion: '1.0.0',
        upgradedProductCode: LUA_PRODUCT_CODE,
        upgradedVersion: '1.0.1',
        upgradeCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E61}',
      },
    ],
    title: 'msi-lua LUA patch',
  });
  const signedPatch = await signFile(unsignedPatch, ca.chainPath, ca.signerKeyPath);
  const revokedSignerPatch = await signFile(unsignedPatch, revoked.chainPath, revoked.signerKeyPath);
  const otherSignerPatch = await signFile(unsignedPatch, otherCa.chainPath, otherCa.signerKeyPath);
  const tamperedPatch = patchBytes(signedPatch, 'msi-lua LUA patch', 'msi-lua LUA PATCH');
  return { ca, otherCa, plain, ready, perUser, missingCertificate, propertyDisabled, signedPatch, revokedSignerPatch, otherSignerPatch, unsignedPatch, tamperedPatch };
}
