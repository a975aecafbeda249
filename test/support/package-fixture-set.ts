// The fixture set the package tests share, built once per test file from
// sources by test/support/package-fixtures.ts (wixl builds cached on disk).

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addCertificateTables,
  buildPatch,
  buildSmallMsi,
  importIdtTables,
  makeTestCa,
  patchBytes,
  scratchDir,
  signFile,
  type TestCa,
} from './package-fixtures';

export const PATCH = {
  patchCode: '{A1B2C3D4-0001-4000-8000-00000000AAAA}',
  obsoleted: ['{A1B2C3D4-0001-4000-8000-00000000BBBB}', '{A1B2C3D4-0001-4000-8000-00000000CCCC}'],
  targets: ['{6F0E9B52-3C0A-4E43-9B7E-6B2B6A1D0001}', '{6F0E9B52-3C0A-4E43-9B7E-6B2B6A1D0003}'],
  upgradeCode: '{6F0E9B52-3C0A-4E43-9B7E-6B2B6A1D00FF}',
} as const;

export async function buildPatchFixture(): Promise<string> {
  return buildPatch({
    patchCode: PATCH.patchCode,
    obsoletedPatchCodes: [...PATCH.obsoleted],
    targetProductCodes: [...PATCH.targets],
    transforms: [
      {
        name: 'RTM.1',
        targetProductCode: PATCH.targets[0],
        targetVersion: '1.2.3',
        upgradedProductCode: PATCH.targets[0],
        upgradedVersion: '1.2.4',
        upgradeCode: PATCH.upgradeCode,
      },
      {
        name: '#RTM.1',
        targetProductCode: PATCH.targets[0],
        targetVersion: '1.2.3',
        upgradedProductCode: PATCH.targets[0],
        upgradedVersion: '1.2.4',
        upgradeCode: PATCH.upgradeCode,
      },
    ],
    metadata: [
      [null, 'AllowRemoval', '1'],
      [null, 'Classification', 'Update'],
      ['msi-lua tests', 'DisplayName', 'msi-lua Small 1.2.4 patch'],
    ],
    sequence: [
      { patchFamily: 'SmallFamily', productCode: PATCH.targets[0], sequence: '1.2.4.0', attributes: 1 },
      { patchFamily: 'OtherFamily', productCode: null, sequence: '7', attributes: null },
    ],
  });
}

/** Strings the codepage fixtures carry; MARKER's middle byte is replaced to be undecodable. */
export const CODEPAGE_MARKER = 'QQQQxQQQQ';

/** A package whose string pool declares `codepage`, with one string its codepage cannot decode. */
export async function buildCodepageFixtures(
  small: string,
): Promise<{ cp1252: string; cp65001: string; bad1252: string; bad65001: string }> {
  const property = (cp: number) =>
    Buffer.from(
      `Property\tValue\r\ns72\tl0\r\nProperty\tProperty\r\nMARKER\t${CODEPAGE_MARKER}\r\nNAME\tcafé ünïcödé ${cp} €5 — “quoted”\r\n`,
      'utf8',
    );
  const dir = scratchDir('codepage');
  const cp1252 = await importIdtTables(
    small,
    { _ForceCodepage: '\r\n\r\n1252\t_ForceCodepage\r\n', Property: property(1252) },
    path.join(dir, 'cp1252.msi'),
  );
  const cp65001 = await importIdtTables(
    small,
    { _ForceCodepage: '\r\n\r\n65001\t_ForceCodepage\r\n', Property: property(65001) },
    path.join(dir, 'cp65001.msi'),
  );
  // 0x81 is unassigned in windows-1252; 0xFF never appears in UTF-8.
  const bad1252 = patchBytes(cp1252, CODEPAGE_MARKER, 'QQQQ\x81QQQQ', path.join(dir, 'bad1252.msi'));
  const bad65001 = patchBytes(cp65001, CODEPAGE_MARKER, 'QQQQ\xffQQQQ', path.join(dir, 'bad65001.msi'));
  return { cp1252, cp65001, bad1252, bad65001 };
}

/** A package with more than 65,535 strings, so tables use 3-byte string references. */
export async function buildLongReferencesFixture(small: string): Promise<string> {
  let idt = 'Property\tValue\r\ns72\tl0\r\nProperty\tProperty\r\n';
  for (let i = 0; i < 34000; i++) idt += `Prop${i}\tvalue number ${i}\r\n`;
  return importIdtTables(small, { Property: idt }, path.join(scratchDir('longrefs'), 'longrefs.msi'));
}

export interface SignedFixtures {
  ca: TestCa;
  signed: string;
  signedDse: string;
  signedSha1: string;
  tampered: string;
  tamperedDse: string;
}

export async function buildSignedFixtures(small: string): Promise<SignedFixtures> {
  const ca = await makeTestCa();
  const signed = await signFile(small, ca.chainPath, ca.signerKeyPath, { description: 'msi-lua Small' });
  const signedDse = await signFile(small, ca.chainPath, ca.signerKeyPath, { msiDse: true });
  const signedSha1 = await signFile(small, ca.chainPath, ca.signerKeyPath, { hash: 'sha1' });
  // Change one byte of a stream after signing (the first "msi-lua tests",
  // in the summary or the string data): structure intact, content not.
  const tampered = patchBytes(signed, 'msi-lua tests', 'msi-lua tesTs');
  const tamperedDse = patchBytes(signedDse, 'msi-lua tests', 'msi-lua tesTs');
  return { ca, signed, signedDse, signedSha1, tampered, tamperedDse };
}

export interface AllFixtures {
  small: string;
  certificates: string;
  patch: string;
  ca: TestCa;
}

export async function buildCertificateFixture(small: string, ca: TestCa): Promise<string> {
  return addCertificateTables(
    small,
    [
      { id: 'signer', der: ca.signerDer },
      { id: 'ca', der: ca.caDer },
    ],
    {
      patchCertificates: [['patchcert1', 'signer']],
      properties: { EXTRA_PROPERTY: 'added by msibuild', MSIFASTINSTALL: '7' },
    },
  );
}

export function readBytes(file: string): Buffer {
  return fs.readFileSync(file);
}

export { buildSmallMsi };
