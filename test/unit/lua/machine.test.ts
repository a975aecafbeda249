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

test('at most 8 evaluations are in progress at once; the others start in call order and all settle', async () => {
  const machine = installedMachineBinding(later.msi);
  const started: string[] = [];
  const waiting: Array<() => void> = [];
  let inProgress = 0;
  let most = 0;
  setNativeBinding({
    ...machine,
    // The product lookup is an evaluation's first step: held until released, it shows how
    // many evaluations have started and in which order.
    async productInfo(productCode, properties, context, userSid) {
      started.push(productCode);
      inProgress++;
      most = Math.max(most, inProgress);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inProgress--;
      return machine.productInfo!(productCode, properties, context, userSid);
    },
  } as NativeBinding);
  const codes = Array.from({ length: 20 }, (_, i) => `{${String(i).padStart(8, '0')}-0000-0000-0000-000000000000}`);
  const reports = codes.map((productCode) => evaluateLuaPatching({ productCode }));
  await new Promise((resolve) => setImmediate(resolve));
  expect(started).toEqual(codes.slice(0, 8));
  // Release lookups as they arrive until every evaluation has made its report.
  const releasing = setInterval(() => waiting.splice(0).forEach((release) => release()), 1);
  try {
    const settled = await Promise.all(reports);
    expect(settled.map((r) => r.productCode)).toEqual(codes);
  } finally {
    clearInterval(releasing);
  }
  expect(started).toEqual(codes);
  expect(most).toBeLessThanOrEqual(8);
});

test('bad options reject without taking a place or calling the native layer', async () => {
  const calls: string[] = [];
  setNativeBinding({
    ...installedMachineBinding(later.msi),
    async productInfo() {
      calls.push('productInfo');
      throw new Error('not reached');
    },
  } as NativeBinding);
  const bad = Array.from({ length: 20 }, () => evaluateLuaPatching({ productCode: 'not a GUID' }));
  for (const result of await Promise.allSettled(bad)) {
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
  }
  expect(calls).toEqual([]);
  // The places are all free: a good call still runs.
  installedWithoutPatches();
  await expect(evaluateLuaPatching({ productCode: later.productCode })).resolves.toMatchObject({ productCode: later.productCode });
});
