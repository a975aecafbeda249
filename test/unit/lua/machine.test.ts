// evaluateLuaPatching's own logic with the native layer replaced by recorded facts: which
// certificate table each patch of a request is judged against.
import { evaluateLuaPatching } from '../../../lib/lua/machine';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';
import {
  buildLaterProductFixtures,
  buildLuaFixtures,
  installedMachineBinding,
  type LaterProductFixtures,
} from '../../support/lua-fixtures';

jest.setTimeout(120_000);

let later: LaterProductFixtures;
beforeAll(async () => {
  later = await buildLaterProductFixtures((await buildLuaFixtures()).ca);
});
afterEach(() => setNativeBinding(undefined));

/** A machine where the product is installed per-machine from `later.msi` with no patch applied. */
function installedWithoutPatches(): void {
  setNativeBinding(installedMachineBinding(later.msi) as NativeBinding);
}

function check(report: { checks: Array<{ id: string; status: string; evidence: Record<string, unknown> }> }, id: string) {
  return report.checks.find((c) => c.id === id);
}

test('a patch listed after one that adds MsiPatchCertificate is judged with that table', async () => {
  installedWithoutPatches();
  const report = await evaluateLuaPatching({ productCode: later.productCode, patch: [later.certificatePatch, later.signedPatch] });
  // The first patch cannot authorise itself with the table it brings; the second is listed.
  const listed = check(report, 'signer-listed');
  expect(listed?.status).toBe('fail');
  const perPatch = listed?.evidence.patches as Array<{ matchedRow: string | null; certificateTable?: { origin: string | null } }>;
  expect(perPatch[0]?.matchedRow).toBeNull();
  expect(perPatch[1]?.matchedRow).not.toBeNull();
  expect(perPatch[1]?.certificateTable?.origin).toBe('earlier-patch');
  expect(check(report, 'patch-certificate-table')?.status).toBe('pass');
});

test('the same patch alone finds no table on a product that was never patched', async () => {
  installedWithoutPatches();
  const report = await evaluateLuaPatching({ productCode: later.productCode, patch: later.signedPatch });
  expect(check(report, 'patch-certificate-table')?.status).toBe('fail');
  expect(report.eligible).toBe(false);
});
