// Packages and patches for the installer-action tests (test/native/installer*.test.ts),
// built at test time from test/fixtures/installer/*.wxs with wixl, and patches written
// with buildPatch. scripts/fixtures.js builds them on the Linux side (wixl does not run
// under Wine) and lists them in the manifest's `installer` section.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildMsi, buildPatch } from './package-fixtures';

export const ACTIONS_PRODUCT_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
export const ACTIONS_UPGRADE_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B90}';
export const FAILING_PRODUCT_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B01}';
/** busy.wxs: holds Windows Installer from another process (1618 on Windows), then fails and leaves nothing. */
export const BUSY_PRODUCT_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B02}';
export const PATCH_ONE_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BA1}';
export const PATCH_TWO_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BA2}';
export const FOREIGN_PATCH_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BA3}';
/** A product code nothing installs: the foreign patch targets it. */
export const ABSENT_PRODUCT_CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BFF}';

const sources = path.join(__dirname, '..', 'fixtures', 'installer');
const files = {
  'readme.txt': 'msi-lua installer actions fixture\r\n',
  'extra.txt': 'extra feature\r\n',
  'docs.txt': 'docs feature\r\n',
};

export interface InstallerFixtures {
  actionsMsi: string;
  failingMsi: string;
  busyMsi: string;
  patchOne: string;
  patchTwo: string;
  foreignPatch: string;
}

function emptyTransformPatch(code: string, target: string, version: string, upgradeCode: string, title: string, output: string) {
  const transform = {
    targetProductCode: target,
    targetVersion: version,
    upgradedProductCode: target,
    upgradedVersion: version,
    upgradeCode,
  };
  return buildPatch({
    patchCode: code,
    targetProductCodes: [target],
    transforms: [
      { name: 'RTM.1', ...transform },
      { name: '#RTM.1', ...transform },
    ],
    metadata: [
      [null, 'DisplayName', title],
      [null, 'MoreInfoURL', `https://example.invalid/${code.slice(1, 9)}`],
      [null, 'AllowRemoval', '1'],
    ],
    title,
    output,
  });
}

export async function buildInstallerFixtures(outDir: string): Promise<InstallerFixtures> {
  fs.mkdirSync(outDir, { recursive: true });
  const copy = (from: string, name: string) => {
    const to = path.join(outDir, name);
    fs.copyFileSync(from, to);
    return to;
  };
  const actionsMsi = copy(
    await buildMsi('installer-actions', fs.readFileSync(path.join(sources, 'actions.wxs'), 'utf8'), files),
    'actions.msi',
  );
  const failingMsi = copy(
    await buildMsi('installer-failing', fs.readFileSync(path.join(sources, 'failing.wxs'), 'utf8'), files),
    'failing.msi',
  );
  const busyMsi = copy(await buildMsi('installer-busy', fs.readFileSync(path.join(sources, 'busy.wxs'), 'utf8'), files), 'busy.msi');
  return {
    actionsMsi,
    failingMsi,
    busyMsi,
    patchOne: await emptyTransformPatch(
      PATCH_ONE_CODE,
      ACTIONS_PRODUCT_CODE,
      '3.1.4',
      ACTIONS_UPGRADE_CODE,
      'msi-lua actions patch one',
      path.join(outDir, 'one.msp'),
    ),
    patchTwo: await emptyTransformPatch(
      PATCH_TWO_CODE,
      ACTIONS_PRODUCT_CODE,
      '3.1.4',
      ACTIONS_UPGRADE_CODE,
      'msi-lua actions patch two',
      path.join(outDir, 'two.msp'),
    ),
    foreignPatch: await emptyTransformPatch(
      FOREIGN_PATCH_CODE,
      ABSENT_PRODUCT_CODE,
      '1.0.0',
      '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BFE}',
      'msi-lua foreign patch',
      path.join(outDir, 'foreign.msp'),
    ),
  };
}
