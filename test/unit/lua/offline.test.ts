// checkLuaPatching on packages and patches built at test time.
import { checkLuaPatching } from '../../../lib/lua/offline';
import type { LuaReport } from '../../../lib/lua/rules';
import { buildEarlierPatchFixtures, buildLuaFixtures, type EarlierPatchFixtures, type LuaFixtures } from '../../support/lua-fixtures';

jest.setTimeout(120_000);

let fx: LuaFixtures;
let earlier: EarlierPatchFixtures;
beforeAll(async () => {
  fx = await buildLuaFixtures();
  earlier = await buildEarlierPatchFixtures(fx.ca);
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
  expect(listed?.evidence).toMatchObject({
    patches: [{ matchedRow: 'patchcert1', signer: { subject: expect.stringContaining('msi-lua Patch Signer') } }],
  });
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
  expect(report.checks.find((c) => c.id === 'patch-certificate-table')?.evidence).toMatchObject({
    present: true,
    danglingRows: ['PatchSigner'],
  });
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

test('mspPaths is read once, by index: an array whose iterator throws rejects, a path that changes is judged as checked', async () => {
  const throwingIterator = [fx.signedPatch];
  Object.defineProperty(throwingIterator, Symbol.iterator, {
    value: () => {
      throw new Error('iterator used');
    },
  });
  let outcome: unknown;
  try {
    outcome = await checkLuaPatching(fx.ready, throwingIterator).then(
      (report) => report.patches.length,
      (error: unknown) => error,
    );
  } catch (error) {
    outcome = `threw synchronously: ${String(error)}`;
  }
  expect(outcome).toBe(1);

  // A getter that gives a path the first time and a number afterwards: the
  // check uses the value it validated, so the error (if any) names mspPaths[0].
  let reads = 0;
  const changing: string[] = [];
  Object.defineProperty(changing, 0, { get: () => (++reads === 1 ? fx.signedPatch : 42), enumerable: true });
  const report = await checkLuaPatching(fx.ready, changing);
  expect(report.patches).toHaveLength(1);
  expect(reads).toBe(1);

  const holes = new Array<string>(2);
  holes[1] = fx.signedPatch;
  await expect(checkLuaPatching(fx.ready, holes)).rejects.toThrow(/"mspPaths\[0\]"/);
});

describe('certificates added by a patch sequenced earlier', () => {
  const check = (report: LuaReport, id: string) => report.checks.find((c) => c.id === id)!;

  test('a package without MsiPatchCertificate, patch 1 adding it through its transform, patch 2 signed by the certificate it lists', async () => {
    const report = await checkLuaPatching(fx.plain, [earlier.certificatePatch, fx.signedPatch]);
    const table = check(report, 'patch-certificate-table');
    expect(table.status).toBe('pass');
    expect(table.evidence).toMatchObject({
      present: true,
      origin: 'earlier-patch',
      certificates: [
        {
          patchCertificate: 'fromearlierpatch',
          digitalCertificate: 'EarlierSigner',
          subject: expect.stringContaining('msi-lua Patch Signer'),
        },
      ],
      source: expect.stringContaining(`${earlier.certificatePatch} (RTM.1, #RTM.1)`),
    });
    // Patch 2 is judged against the table patch 1 added; patch 1 against the package alone,
    // which has no table: it needs an administrator, so the pair is not UAC-eligible.
    expect(check(report, 'signer-listed').evidence).toMatchObject({
      patches: [
        { patch: earlier.certificatePatch, matchedRow: null, certificateTable: { present: false } },
        { patch: fx.signedPatch, matchedRow: 'fromearlierpatch', certificateTable: { present: true, origin: 'earlier-patch' } },
      ],
    });
    expect(check(report, 'signer-listed').status).toBe('fail');
    expect(check(report, 'patch-signed').status).toBe('pass');
  });

  test('the table a patch adds does not count for that patch itself', async () => {
    const report = await checkLuaPatching(fx.plain, [earlier.certificatePatch]);
    expect(check(report, 'patch-certificate-table').status).toBe('fail');
    expect(check(report, 'patch-certificate-table').evidence).toMatchObject({ present: false });
  });

  test('a patch whose transforms target another product adds nothing', async () => {
    const report = await checkLuaPatching(fx.plain, [earlier.otherProductCertificatePatch, fx.signedPatch]);
    expect(check(report, 'patch-certificate-table')).toMatchObject({ status: 'fail', evidence: { present: false } });
  });

  test('an earlier patch whose transform is damaged makes the table unknown, naming the patch', async () => {
    const report = await checkLuaPatching(fx.plain, [earlier.damagedCertificatePatch, fx.signedPatch]);
    const table = check(report, 'patch-certificate-table');
    expect(table.status).toBe('unknown');
    expect(String(table.evidence.reason)).toContain(`the transforms of ${earlier.damagedCertificatePatch} could not be read`);
    expect(String(table.evidence.reason)).toMatch(/MsiPatchCertificate \(transform RTM\.1\)/);
    expect(check(report, 'signer-listed').status).toBe('fail'); // patch 1 is still judged against the package
  });

  test('a package with its own table keeps origin package when an earlier patch changes nothing there', async () => {
    const report = await checkLuaPatching(fx.ready, [fx.unsignedPatch, fx.signedPatch]);
    expect(check(report, 'patch-certificate-table').evidence).toMatchObject({ present: true, origin: 'package' });
    expect(check(report, 'signer-listed').evidence).toMatchObject({ patches: [{ matchedRow: null }, { matchedRow: 'patchcert1' }] });
  });
});

describe('options.signal', () => {
  test('an aborted signal rejects with AbortError; bad paths and options are named first', async () => {
    const { AbortError } = await import('../../../lib/errors');
    const signal = AbortSignal.abort();
    await expect(checkLuaPatching(fx.ready, [fx.signedPatch], { signal })).rejects.toBeInstanceOf(AbortError);
    await expect(checkLuaPatching(42 as never, [], { signal })).rejects.toThrow(/"msiPath"/);
    await expect(checkLuaPatching(fx.ready, [], { signal: {} as never })).rejects.toThrow(/"signal"/);
  });

  test('an abort during the check rejects at once; without one, the report is the same', async () => {
    const { AbortError } = await import('../../../lib/errors');
    const controller = new AbortController();
    const expected = await checkLuaPatching(fx.ready, [fx.signedPatch]);
    expect(await checkLuaPatching(fx.ready, [fx.signedPatch], { signal: controller.signal })).toEqual(expected);
    const checking = checkLuaPatching(fx.ready, [fx.signedPatch], { signal: controller.signal });
    // After its first slice: the check is under way when the signal aborts.
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(checking).rejects.toBeInstanceOf(AbortError);
  });
});
