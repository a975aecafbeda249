// checkLuaPatching on packages and patches built at test time.
import { checkLuaPatching } from '../../../lib/lua/offline';
import type { LuaReport } from '../../../lib/lua/rules';
import { buildLuaFixtures, type LuaFixtures } from '../../support/lua-fixtures';

jest.setTimeout(120_000);

let fx: LuaFixtures;
beforeAll(async () => {
  fx = await buildLuaFixtures();
});

function statuses(report: LuaReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

test('a ready package with a patch signed by its listed certificate passes every check the files decide', async () => {
  const report = await checkLuaPatching(fx.ready, [fx.signedPatch]);
  expect(statuses(report)).toEqual({
    'installer-version': 'pass',
    'removable-media': 'not-applicable',
    'admin-image': 'unknown',
    'per-machine': 'pass',
    'patch-certificate-table': 'pass',
    'patch-signed': 'pass',
    'signer-listed': 'pass',
    'signature-valid': 'pass',
    'certificate-not-revoked': 'unknown',
    'property-disabled': 'pass',
    'policy-disabled': 'unknown',
    'authorized-lua-app': 'unknown',
  });
  // Unknown never counts as pass: only the target machine can make it eligible.
  expect(report.eligible).toBe(false);
  expect(report.decidableChecksPass).toBe(true);
  const listed = report.checks.find((c) => c.id === 'signer-listed');
  expect(listed?.evidence).toMatchObject({ patches: [{ matchedRow: 'patchcert1', signer: { subject: expect.stringContaining('msi-lua Patch Signer') } }] });
  expect(report.productCode).toBe('{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}');
});

test.each<[string, string, () => Promise<LuaReport & { decidableChecksPass: boolean }>]>([
  ['per-user package', 'per-machine', () => checkLuaPatching(fx.perUser, [fx.signedPatch])],
  ['no certificate table', 'patch-certificate-table', () => checkLuaPatching(fx.plain, [fx.signedPatch])],
  ['table pointing at a missing certificate', 'patch-certificate-table', () => checkLuaPatching(fx.missingCertificate, [fx.signedPatch])],
  ['MSIDISABLELUAPATCHING=1', 'property-disabled', () => checkLuaPatching(fx.propertyDisabled, [fx.signedPatch])],
  ['patch signed by another certificate', 'signer-listed', () => checkLuaPatching(fx.ready, [fx.otherSignerPatch])],
  ['unsigned patch', 'patch-signed', () => checkLuaPatching(fx.ready, [fx.unsignedPatch])],
  ['patch tampered after signing', 'signature-valid', () => checkLuaPatching(fx.ready, [fx.tamperedPatch])],
])('%s fails %s', async (_label, failingId, run) => {
  const report = await run();
  const failing = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  expect(failing).toContain(failingId);
  expect(report.checks.find((c) => c.id === failingId)?.hint).toEqual(expect.any(String));
  expect(report.eligible).toBe(false);
  expect(report.decidableChecksPass).toBe(false);
});

test('the missing-certificate table names the dangling row', async () => {
  const report = await checkLuaPatching(fx.missingCertificate);
  expect(report.checks.find((c) => c.id === 'patch-certificate-table')?.evidence).toMatchObject({ present: true, danglingRows: ['PatchSigner'] });
});

test('a patch for another product is flagged', async () => {
  const report = await checkLuaPatching(fx.perUser, [fx.signedPatch]);
  expect(report.checks.find((c) => c.id === 'patch-signed')?.evidence).toMatchObject({ notTargetingProduct: [fx.signedPatch] });
});

test('bad arguments are TypeErrors naming the argument', async () => {
  await expect(checkLuaPatching('')).rejects.toThrow(/"msiPath"/);
  await expect(checkLuaPatching(fx.ready, 'x.msp' as never)).rejects.toThrow(/"mspPaths"/);
  await expect(checkLuaPatching(fx.ready, [42 as never])).rejects.toThrow(/"mspPaths\[0\]"/);
});
