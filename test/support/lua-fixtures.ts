// Packages and patches for the UAC-patching tests, built at test time from
// test/fixtures/lua/lua-app.wxs with wixl, msibuild, osslsigncode and an openssl test CA.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { addCertificateTables, buildMsi, buildPatch, makeTestCa, patchBytes, signFile, type TestCa } from './package-fixtures';
import { transformStreams, type TransformSpec, type WriterColumn } from './transform-writer';
import type { NativeBinding } from '../../lib/native/binding';

const { scriptedBinding } = require('../../bench/support/machine.js') as {
  scriptedBinding: (msi: string) => Partial<NativeBinding>;
};

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

/** A per-machine product installed without certificate tables; an applied patch adds them (Wine tier). */
export const LUA_LATER_PRODUCT_CODE = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E53}';
const LATER_UPGRADE_CODE = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E63}';

const VARIANTS = {
  Machine: {
    product: LUA_PRODUCT_CODE,
    upgrade: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E61}',
    component: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E71}',
    scope: 'perMachine',
  },
  User: {
    product: LUA_PER_USER_PRODUCT_CODE,
    upgrade: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E62}',
    component: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E72}',
    scope: 'perUser',
  },
  Later: {
    product: LUA_LATER_PRODUCT_CODE,
    upgrade: LATER_UPGRADE_CODE,
    component: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E73}',
    scope: 'perMachine',
  },
} as const;

export function luaWxs(variant: keyof typeof VARIANTS, installerVersion = 500): string {
  const v = VARIANTS[variant];
  return source
    .replace(/@PRODUCT_CODE@/g, v.product)
    .replace(/@UPGRADE_CODE@/g, v.upgrade)
    .replace(/@COMPONENT_GUID@/g, v.component)
    .replace(/@VARIANT@/g, variant)
    .replace(/@SCOPE@/g, v.scope)
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
    makeTestCa({
      caName: 'msi-lua LUA CA',
      signerName: 'msi-lua Patch Signer',
      crlDistributionPoint: LUA_CRL_URL,
      revokedSignerName: 'msi-lua Revoked Signer',
    }),
    makeTestCa({ caName: 'msi-lua Other CA', signerName: 'msi-lua Other Signer' }),
  ]);
  const revoked = ca.revoked;
  if (!revoked) throw new Error('the LUA test CA has no revoked signer');
  const files = { 'readme.txt': 'msi-lua UAC patching fixture\r\n' };
  const plain = await buildMsi('lua-machine', luaWxs('Machine'), files);
  const perUserPlain = await buildMsi('lua-user', luaWxs('User'), files);
  const certs = [
    { id: 'PatchSigner', der: ca.signerDer },
    { id: 'RevokedSigner', der: revoked.signerDer },
  ];
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
  return {
    ca,
    otherCa,
    plain,
    ready,
    perUser,
    missingCertificate,
    propertyDisabled,
    signedPatch,
    revokedSignerPatch,
    otherSignerPatch,
    unsignedPatch,
    tamperedPatch,
  };
}

const DIGITAL_CERTIFICATE: WriterColumn[] = [
  { name: 'DigitalCertificate', type: 's72', key: true },
  { name: 'CertData', type: 'v0' },
];
const PATCH_CERTIFICATE: WriterColumn[] = [
  { name: 'PatchCertificate', type: 's72', key: true },
  { name: 'DigitalCertificate_', type: 's72' },
];

function transformTarget(productCode: string) {
  const upgradeCode = Object.values(VARIANTS).find((v) => v.product === productCode)?.upgrade ?? VARIANTS.Machine.upgrade;
  return {
    targetProductCode: productCode,
    targetVersion: '1.0.0',
    upgradedProductCode: productCode,
    upgradedVersion: '1.0.1',
    upgradeCode,
  };
}

/** A transform adding MsiDigitalCertificate (the certificate as a stream of the transform) and MsiPatchCertificate. */
export function certificateTablesTransform(der: Buffer, targetProductCode = LUA_PRODUCT_CODE): TransformSpec {
  return {
    summary: transformTarget(targetProductCode),
    addTables: [
      { name: 'MsiDigitalCertificate', columns: DIGITAL_CERTIFICATE },
      { name: 'MsiPatchCertificate', columns: PATCH_CERTIFICATE },
    ],
    changes: [
      {
        table: 'MsiDigitalCertificate',
        columns: DIGITAL_CERTIFICATE,
        records: [{ op: 'insert', values: ['EarlierSigner', { binary: der }] }],
      },
      {
        table: 'MsiPatchCertificate',
        columns: PATCH_CERTIFICATE,
        records: [{ op: 'insert', values: ['fromearlierpatch', 'EarlierSigner'] }],
      },
    ],
  };
}

export interface EarlierPatchFixtures {
  /** Signed by the LUA CA's signer; its RTM.1 adds the certificate tables listing that signer. */
  certificatePatch: string;
  /** The same, but its transforms target another product. */
  otherProductCertificatePatch: string;
  /** Its RTM.1 transform is damaged (a record mask naming columns the table lacks). */
  damagedCertificatePatch: string;
}

/** A patch for `target` whose RTM.1 transform is `spec` (none: no changes), signed by the CA's signer. */
async function signedTransformPatch(ca: TestCa, code: string, target: string, spec: TransformSpec | null): Promise<string> {
  const unsigned = await buildPatch({
    patchCode: code,
    targetProductCodes: [target],
    transforms: [
      { name: 'RTM.1', ...transformTarget(target), ...(spec ? { streams: transformStreams(spec) } : {}) },
      { name: '#RTM.1', ...transformTarget(target) },
    ],
    title: 'msi-lua certificate patch',
  });
  return signFile(unsigned, ca.chainPath, ca.signerKeyPath);
}

/** Patches that add the certificate tables through their transforms (for packages without them). */
export async function buildEarlierPatchFixtures(ca: TestCa): Promise<EarlierPatchFixtures> {
  const patch = (code: string, target: string, spec: TransformSpec) => signedTransformPatch(ca, code, target, spec);
  const damaged = certificateTablesTransform(ca.signerDer);
  damaged.changes![1].records = [{ op: 'raw', bytes: Buffer.from([0x08, 0x00, 0x01, 0x00]) }];
  return {
    certificatePatch: await patch('{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E82}', LUA_PRODUCT_CODE, certificateTablesTransform(ca.signerDer)),
    otherProductCertificatePatch: await patch(
      '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E83}',
      LUA_PER_USER_PRODUCT_CODE,
      certificateTablesTransform(ca.signerDer, LUA_PER_USER_PRODUCT_CODE),
    ),
    damagedCertificatePatch: await patch('{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E84}', LUA_PRODUCT_CODE, damaged),
  };
}

export interface LaterProductFixtures {
  productCode: string;
  /** The package, without MsiPatchCertificate. */
  msi: string;
  /** Adds the certificate tables listing the CA's signer; applied with msiexec /p in the Wine tier. */
  certificatePatch: string;
  /** A patch for the product that changes nothing, signed by the listed signer. */
  signedPatch: string;
}

/** The "later" product: installed without certificate tables, which an applied patch adds. */
export async function buildLaterProductFixtures(ca: TestCa): Promise<LaterProductFixtures> {
  const msi = await buildMsi('lua-later', luaWxs('Later'), { 'readme.txt': 'msi-lua UAC patching fixture\r\n' });
  return {
    productCode: LUA_LATER_PRODUCT_CODE,
    msi,
    certificatePatch: await signedTransformPatch(
      ca,
      '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E85}',
      LUA_LATER_PRODUCT_CODE,
      certificateTablesTransform(ca.signerDer, LUA_LATER_PRODUCT_CODE),
    ),
    signedPatch: await signedTransformPatch(ca, '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E86}', LUA_LATER_PRODUCT_CODE, null),
  };
}

/**
 * The native layer of a machine where a product is installed per-machine from
 * `localPackage` (authorised for UAC patching, no patch applied, no policy
 * set), whose signature and certificate-chain checks all succeed.
 */
export function installedMachineBinding(localPackage: string): Partial<NativeBinding> {
  // The product, its cached package and the installer version are the benches' scripted machine
  // (one definition); the caller's token is left unanswered here, as these tests expect.
  const { tokenContextFacts: _callerToken, ...machine } = scriptedBinding(localPackage);
  return {
    ...machine,
    fileSignature: async () => ({ msiHresult: 0, signerCertificate: null, trustHresult: 0, revocationChecked: true, wineVersion: null }),
    verifyCertificateChain: async (certificates) => ({
      errorStatus: 0,
      infoStatus: 0,
      policyHresult: 0,
      revocationChecked: true,
      elements: certificates.map((certificate) => ({ certificate, errorStatus: 0, infoStatus: 0, revocationResult: null })),
    }),
  };
}
