// Each UAC-patching rule on its own, with hand-made facts.
import {
  CHECK_IDS,
  LuaFacts,
  LuaReport,
  evaluateLuaRules,
  known,
  unknown,
  type ListedCertificate,
  type PatchFacts,
} from '../../../lib/lua/rules';

const listedDer = Buffer.from('30820001aa', 'hex');
const otherDer = Buffer.from('30820001bb', 'hex');
const listed: ListedCertificate = {
  patchCertificate: 'PatchCert',
  digitalCertificate: 'Vendor',
  der: listedDer,
  subject: 'CN=Vendor',
  sha1: 'AA',
};

function goodPatch(overrides: Partial<PatchFacts> = {}): PatchFacts {
  return {
    patch: 'update.msp',
    targetsProduct: known(true),
    signed: known(true),
    signer: known({ subject: 'CN=Vendor', sha1: 'AA', der: listedDer }),
    signatureValid: known(true),
    revoked: known(false),
    expired: known(false),
    ...overrides,
  };
}

function eligibleFacts(overrides: Partial<LuaFacts> = {}): LuaFacts {
  return {
    installerVersion: known({ engine: '5.0.19041.1', packageMinimum: 500 }),
    windowsXp: known(false),
    installedFromRemovableMedia: unknown('not recorded'),
    adminImage: known(false),
    perMachine: known(true),
    patchCertificateTable: known({ present: true, origin: 'package', certificates: [listed], danglingRows: [] }),
    patches: [goodPatch()],
    propertyDisabled: known(false),
    policyDisabled: known(false),
    authorizedLuaApp: known(true),
    callerIsAdministrator: known(false),
    ...overrides,
  };
}

function status(report: LuaReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

test('every condition holding: eligible, no elevation, every id reported once in order', () => {
  const report = evaluateLuaRules(eligibleFacts());
  expect(report.eligible).toBe(true);
  expect(report.elevationRequired).toBe(false);
  expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
  expect(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([['removable-media', 'not-applicable']]);
  expect(status(report, 'signer-listed').evidence).toMatchObject({
    patches: [{ matchedRow: 'PatchCert', signer: { subject: 'CN=Vendor', sha1: 'AA' } }],
  });
});

describe.each<[string, string, Partial<LuaFacts>]>([
  ['installer-version', 'engine 2.0', { installerVersion: known({ engine: '2.0.2600.1' }) }],
  ['installer-version', 'package minimum 200', { installerVersion: known({ engine: '5.0', packageMinimum: 200 }) }],
  ['removable-media', 'XP without removable media', { windowsXp: known(true), installedFromRemovableMedia: known(false) }],
  ['admin-image', 'installed from an admin image', { adminImage: known(true) }],
  ['per-machine', 'per-user', { perMachine: known(false) }],
  ['patch-certificate-table', 'no table', { patchCertificateTable: known({ present: false, certificates: [], danglingRows: [] }) }],
  [
    'patch-certificate-table',
    'rows with no certificate',
    { patchCertificateTable: known({ present: true, origin: 'package', certificates: [], danglingRows: ['PatchCert'] }) },
  ],
  ['patch-signed', 'unsigned patch', { patches: [goodPatch({ signed: known(false), signer: known(null), signatureValid: known(false) })] }],
  ['signer-listed', 'another signer', { patches: [goodPatch({ signer: known({ subject: 'CN=Other', sha1: 'BB', der: otherDer }) })] }],
  ['signature-valid', 'tampered patch', { patches: [goodPatch({ signatureValid: known(false) })] }],
  ['certificate-not-revoked', 'revoked signer', { patches: [goodPatch({ revoked: known(true) })] }],
  ['property-disabled', 'MSIDISABLELUAPATCHING=1', { propertyDisabled: known(true) }],
  ['policy-disabled', 'DisableLUAPatching=1', { policyDisabled: known(true) }],
  ['authorized-lua-app', 'AuthorizedLUAApp 0', { authorizedLuaApp: known(false) }],
])('%s fails: %s', (id, _label, overrides) => {
  test('that check fails with a hint, the report is not eligible and a standard user needs elevation', () => {
    const report = evaluateLuaRules(eligibleFacts(overrides));
    const failing = status(report, id);
    expect(failing.status).toBe('fail');
    expect(failing.hint).toEqual(expect.any(String));
    expect(report.eligible).toBe(false);
    expect(report.elevationRequired).toBe(true);
  });
});

test.each<[string, Partial<LuaFacts>]>([
  ['installer-version', { installerVersion: unknown('no version') }],
  ['admin-image', { adminImage: unknown('no cached package') }],
  ['per-machine', { perMachine: unknown('x') }],
  ['patch-certificate-table', { patchCertificateTable: unknown('unreadable') }],
  ['patch-signed', { patches: [goodPatch({ signed: unknown('x') })] }],
  ['signer-listed', { patches: [goodPatch({ signer: unknown('x') })] }],
  ['signature-valid', { patches: [goodPatch({ signatureValid: unknown('x') })] }],
  ['certificate-not-revoked', { patches: [goodPatch({ revoked: unknown('offline') })] }],
  ['property-disabled', { propertyDisabled: unknown('x') }],
  ['policy-disabled', { policyDisabled: unknown('offline') }],
  ['authorized-lua-app', { authorizedLuaApp: unknown('offline') }],
  ['removable-media', { windowsXp: unknown('target OS unknown') }],
])('unknown %s never counts as pass', (id, overrides) => {
  const report = evaluateLuaRules(eligibleFacts(overrides));
  expect(status(report, id).status).toBe('unknown');
  // The evidence says why it is unknown (at the top, or for the patch concerned).
  expect(JSON.stringify(status(report, id).evidence)).toMatch(/"reason":"[^"]+"/);
  expect(report.eligible).toBe(false);
});

test('an expired but unrevoked signer does not fail; a revoked one always does', () => {
  const expired = evaluateLuaRules(eligibleFacts({ patches: [goodPatch({ expired: known(true) })] }));
  expect(status(expired, 'certificate-not-revoked').status).toBe('pass');
  expect(expired.eligible).toBe(true);
  const revokedAndExpired = evaluateLuaRules(eligibleFacts({ patches: [goodPatch({ expired: known(true), revoked: known(true) })] }));
  expect(status(revokedAndExpired, 'certificate-not-revoked').status).toBe('fail');
});

test('without a patch the patch checks do not apply and the product-level verdict stands', () => {
  const report = evaluateLuaRules(eligibleFacts({ patches: [] }));
  for (const id of ['patch-signed', 'signer-listed', 'signature-valid', 'certificate-not-revoked'])
    expect(status(report, id).status).toBe('not-applicable');
  expect(report.eligible).toBe(true);
});

test('several patches: one bad patch fails the check and the evidence names it', () => {
  const report = evaluateLuaRules(
    eligibleFacts({
      patches: [
        goodPatch({ patch: 'a.msp' }),
        goodPatch({ patch: 'b.msp', signer: known({ subject: 'CN=Other', sha1: 'BB', der: otherDer }) }),
      ],
    }),
  );
  expect(status(report, 'signer-listed').status).toBe('fail');
  expect(status(report, 'signer-listed').evidence).toMatchObject({
    patches: [
      { patch: 'a.msp', matchedRow: 'PatchCert' },
      { patch: 'b.msp', matchedRow: null },
    ],
  });
});

test('an unsigned patch makes the signer and revocation checks follow, not guess', () => {
  const report = evaluateLuaRules(
    eligibleFacts({
      patches: [
        goodPatch({ signed: known(false), signer: known(null), signatureValid: unknown('no signature'), revoked: unknown('no signature') }),
      ],
    }),
  );
  expect(status(report, 'signer-listed').status).toBe('fail');
  expect(status(report, 'signature-valid').status).toBe('fail');
  expect(status(report, 'certificate-not-revoked').status).toBe('not-applicable');
});

test('patches given but none signed: the revocation check says so, not "No patch was given"', () => {
  const unsigned = goodPatch({ signed: known(false), signer: known(null), signatureValid: unknown('no signature'), revoked: unknown('x') });
  const report = evaluateLuaRules(eligibleFacts({ patches: [unsigned, { ...unsigned, patch: 'second.msp' }] }));
  const revoked = status(report, 'certificate-not-revoked');
  expect(revoked.status).toBe('not-applicable');
  expect(revoked.summary).not.toMatch(/no patch was given/i);
  expect(revoked.summary).toMatch(/signed/);
  expect(status(evaluateLuaRules(eligibleFacts({ patches: [] })), 'certificate-not-revoked').summary).toBe('No patch was given.');
});

test('a patch that does not target the product is never eligible', () => {
  const report = evaluateLuaRules(eligibleFacts({ patches: [goodPatch({ targetsProduct: known(false) })] }));
  expect(report.eligible).toBe(false);
  expect(status(report, 'patch-signed').evidence).toMatchObject({ notTargetingProduct: ['update.msp'] });
});

test('an elevated administrator needs no elevation even when a standard user would', () => {
  const report = evaluateLuaRules(eligibleFacts({ policyDisabled: known(true), callerIsAdministrator: known(true) }));
  expect(report.eligible).toBe(false);
  expect(report.elevationRequired).toBe(false);
  const unknownCaller = evaluateLuaRules(eligibleFacts({ policyDisabled: known(true), callerIsAdministrator: unknown('x') }));
  expect(unknownCaller.elevationRequired).toBe(true);
});

test('a patch with a certificate table of its own (the package plus earlier patches) is judged against that table', () => {
  const noTable = known({ present: false, certificates: [], danglingRows: [] });
  const addedEarlier = known(
    { present: true, origin: 'earlier-patch' as const, certificates: [listed], danglingRows: [] },
    'app.msi with the transforms of first.msp (RTM.1)',
  );
  const report = evaluateLuaRules(
    eligibleFacts({
      patchCertificateTable: addedEarlier,
      patches: [
        goodPatch({ patch: 'first.msp', certificateTable: noTable }),
        goodPatch({ patch: 'second.msp', certificateTable: addedEarlier }),
      ],
    }),
  );
  expect(status(report, 'patch-certificate-table')).toMatchObject({ status: 'pass', evidence: { origin: 'earlier-patch' } });
  const listedCheck = status(report, 'signer-listed');
  expect(listedCheck.status).toBe('fail');
  expect(listedCheck.evidence).toMatchObject({
    patches: [
      { patch: 'first.msp', matchedRow: null, certificateTable: { present: false } },
      {
        patch: 'second.msp',
        matchedRow: 'PatchCert',
        certificateTable: { present: true, origin: 'earlier-patch', source: expect.stringContaining('first.msp') },
      },
    ],
  });
  const unknownTable = evaluateLuaRules(eligibleFacts({ patches: [goodPatch({ certificateTable: unknown('damaged transform') })] }));
  expect(status(unknownTable, 'signer-listed')).toMatchObject({
    status: 'unknown',
    evidence: { patches: [{ certificateTable: { unknown: 'damaged transform' } }] },
  });
});
