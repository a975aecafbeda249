// evaluateLuaPatching on the machine: the UAC-patching fixture installed by Wine's
// msiexec (scripts/fixtures.js), its patches, the policy and AuthorizedLUAApp in the registry.
import { evaluateLuaPatching } from '../../lib/lua/machine';
import type { LuaReport } from '../../lib/lua/rules';
import { INSTALLER_POLICY_KEY } from '../../lib/policy';
import { LuaExitCode } from '../../lib/cli/exit-codes';
import { cli } from '../support/run-cli';
import { loadLuaFixtures, productKeyFor, regDelete, regSet } from '../support/wine-fixtures';

jest.setTimeout(60_000);

const lua = loadLuaFixtures();
const underWine = process.env.MSI_LUA_UNDER_WINE === '1';
const machineKey = productKeyFor(lua.productCode, 'perMachine');
const policyKey = `HKLM\\${INSTALLER_POLICY_KEY}`;

function statuses(report: LuaReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

beforeEach(() => {
  // What Windows Installer records for an application enabled for UAC patching.
  regSet(machineKey, 'AuthorizedLUAApp', 'REG_DWORD', '1');
  regDelete(policyKey, 'DisableLUAPatching');
});
afterAll(() => {
  regDelete(machineKey, 'AuthorizedLUAApp');
  regDelete(policyKey, 'DisableLUAPatching');
});

test('the installed fixture with its listed signer: every fact the machine can give, and Wine gaps as unknown', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.productCode, patch: lua.signedPatch });
  expect(report.context).toBe('machine');
  const expected: Record<string, string> = {
    'installer-version': 'pass',
    'removable-media': 'not-applicable',
    'admin-image': 'pass',
    'per-machine': 'pass',
    'patch-certificate-table': 'pass',
    'patch-signed': 'pass',
    'signer-listed': 'pass',
    // Under Wine the digest and signer are checked by msi-lua and the chain by Wine's
    // chain engine (its WinVerifyTrust does not verify MSI signatures).
    'signature-valid': 'pass',
    // The signer names a CRL (file URL on drive C:) that does not list it; Wine 8.0's
    // revocation cache can turn "revoked" into "good", so there that stays unknown.
    'certificate-not-revoked': underWine ? 'unknown' : 'pass',
    'property-disabled': 'pass',
    'policy-disabled': 'pass',
    'authorized-lua-app': 'pass',
  };
  expect(statuses(report)).toEqual(expected);
  expect(report.eligible).toBe(!underWine);
  const listed = report.checks.find((c) => c.id === 'signer-listed');
  expect(JSON.stringify(listed?.evidence)).toContain('msi-lua Patch Signer');
  const validity = JSON.stringify(report.checks.find((c) => c.id === 'signature-valid')?.evidence);
  if (underWine) {
    expect(validity).toMatch(/Wine .* does not verify MSI signatures/);
    expect(validity).toContain('CN=msi-lua Patch Signer, O=msi-lua tests → CN=msi-lua LUA CA, O=msi-lua tests');
    expect(validity).toContain('Authenticode policy: S_OK');
    expect(JSON.stringify(report.checks.find((c) => c.id === 'certificate-not-revoked')?.evidence)).toMatch(
      /Wine .* caches revocation verdicts .* no evidence/,
    );
  }
});

test('a patch from a listed signer whose certificate the CA revoked is never eligible', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.productCode, patch: lua.revokedSignerPatch });
  expect(statuses(report)['signer-listed']).toBe('pass');
  expect(statuses(report)['certificate-not-revoked']).toBe('fail');
  expect(report.eligible).toBe(false);
  expect(JSON.stringify(report.checks.find((c) => c.id === 'certificate-not-revoked')?.evidence)).toMatch(
    underWine ? /CN=msi-lua Revoked Signer, O=msi-lua tests is revoked/ : /REVOKED/,
  );
});

test('a patch signed under a CA the machine does not trust fails signature-valid (the trusted one passes above)', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.productCode, patch: lua.otherSignerPatch });
  expect(statuses(report)['signature-valid']).toBe('fail');
  const validity = JSON.stringify(report.checks.find((c) => c.id === 'signature-valid')?.evidence);
  // On Windows, MsiGetFileSignatureInformationW itself refuses the untrusted chain.
  expect(validity).toMatch(
    underWine ? /CERT_TRUST_IS_UNTRUSTED_ROOT.*CERT_E_UNTRUSTEDROOT/ : /CERT_E_UNTRUSTEDROOT|CERT_E_CHAINING|TRUST_E/,
  );
});

test('a patch signed by a certificate the product does not list', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.productCode, patch: lua.otherSignerPatch });
  expect(statuses(report)['signer-listed']).toBe('fail');
  expect(report.eligible).toBe(false);
});

test('an unsigned patch', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.productCode, patch: [lua.unsignedPatch] });
  expect(statuses(report)['patch-signed']).toBe('fail');
});

test('a patch tampered after signing fails even where the system verifier says nothing', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.productCode, patch: lua.tamperedPatch });
  expect(statuses(report)['signature-valid']).toBe('fail');
  expect(report.eligible).toBe(false);
});

test('the DisableLUAPatching policy set, and of the wrong type', async () => {
  regSet(policyKey, 'DisableLUAPatching', 'REG_DWORD', '1');
  expect(statuses(await evaluateLuaPatching({ productCode: lua.productCode }))['policy-disabled']).toBe('fail');
  regSet(policyKey, 'DisableLUAPatching', 'REG_SZ', '1');
  expect(statuses(await evaluateLuaPatching({ productCode: lua.productCode }))['policy-disabled']).toBe('unknown');
});

test('AuthorizedLUAApp absent: not authorized, and MSIDISABLELUAPATCHING at install is then unknown', async () => {
  regDelete(machineKey, 'AuthorizedLUAApp');
  const report = await evaluateLuaPatching({ productCode: lua.productCode });
  expect(statuses(report)['authorized-lua-app']).toBe('fail');
  expect(statuses(report)['property-disabled']).toBe('unknown');
});

test('the per-user twin is not per-machine', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.perUserProductCode, patch: lua.signedPatch });
  expect(report.context).toBe('userUnmanaged');
  expect(statuses(report)['per-machine']).toBe('fail');
  expect(report.eligible).toBe(false);
});

test('a product installed without MsiPatchCertificate: the table an applied patch added counts', async () => {
  const report = await evaluateLuaPatching({ productCode: lua.laterProductCode, patch: lua.laterSignedPatch });
  const table = report.checks.find((c) => c.id === 'patch-certificate-table');
  expect(table).toMatchObject({
    status: 'pass',
    evidence: {
      present: true,
      origin: 'earlier-patch',
      certificates: [
        {
          patchCertificate: 'fromearlierpatch',
          digitalCertificate: 'EarlierSigner',
          subject: expect.stringContaining('msi-lua Patch Signer'),
        },
      ],
      source: expect.stringMatching(
        /^cached package \(LocalPackage\) with the transforms of applied patch \{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E85\} \(RTM\.1, #RTM\.1\)$/,
      ),
    },
  });
  expect(statuses(report)['signer-listed']).toBe('pass');
});

test('bad options are TypeErrors naming the option', async () => {
  await expect(evaluateLuaPatching({ productCode: 'nope' })).rejects.toThrow(/"options\.productCode"/);
  await expect(evaluateLuaPatching({ productCode: lua.productCode, patch: [''] })).rejects.toThrow(/"options\.patch\[0\]"/);
});

test('msi-lua lua-status: the same report as JSON, exit 0 only when eligible', async () => {
  const run = await cli('lua-status', lua.productCode, '--patch', lua.signedPatch, '--json');
  const report = JSON.parse(run.text);
  expect(report.productCode).toBe(lua.productCode);
  expect(statuses(report)['signer-listed']).toBe('pass');
  // Under Wine revocation stays unknown, so a standard user is not shown as able to patch.
  expect(report.eligible).toBe(!underWine);
  expect(run.code).toBe(underWine ? LuaExitCode.NOT_ELIGIBLE : 0);
});

test('msi-lua lua-status: a patch from an unlisted, untrusted signer is not eligible; text and JSON agree on elevation', async () => {
  const run = await cli('lua-status', lua.productCode, '--patch', lua.otherSignerPatch);
  expect(run.code).toBe(LuaExitCode.NOT_ELIGIBLE);
  const json = JSON.parse((await cli('lua-status', lua.productCode, '--patch', lua.otherSignerPatch, '--json')).text);
  expect(json.eligible).toBe(false);
  // Under Wine the test process is an elevated administrator: it needs no further elevation,
  // and the text must not say "elevation required" while the JSON says elevationRequired: false.
  if (json.elevationRequired) expect(run.text).toContain(`${lua.productCode}: elevation required:`);
  else {
    expect(json.callerIsAdministrator).toBe(true);
    expect(run.text).toContain(`${lua.productCode}: not eligible for UAC patching:`);
    expect(run.text).not.toContain('elevation required');
  }
  expect(run.text).toMatch(/^ {2}FAIL {2}signer-listed/m);
  expect(run.text).toMatch(/^ {2}FAIL {2}signature-valid/m);
});
