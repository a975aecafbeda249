// `msi-lua lua-check` and `msi-lua lua-status` run in-process: exit codes, text and JSON.
import { ExitCode } from '../../../lib/cli/main';
import { LuaExitCode } from '../../../lib/cli/exit-codes';
import { buildLuaFixtures, type LuaFixtures } from '../../support/lua-fixtures';
import { cli } from '../../support/run-cli';

jest.setTimeout(120_000);

let fx: LuaFixtures;
beforeAll(async () => {
  fx = await buildLuaFixtures();
});

test('lua-check: a ready package and its signed patch exit 0, unknowns marked "?"', async () => {
  const run = await cli('lua-check', fx.ready, fx.signedPatch);
  expect(run.code).toBe(0);
  expect(run.text).toContain('every check the files can decide passes');
  expect(run.text).toMatch(/^ {2}\? {5}certificate-not-revoked/m);
  expect(run.text).toMatch(/^ {2}pass {2}signer-listed/m);
  expect(run.text).not.toContain('FAIL');
});

test('lua-check --json: the whole report, machine-readable', async () => {
  const run = await cli('lua-check', fx.ready, fx.signedPatch, '--json');
  expect(run.code).toBe(0);
  const report = JSON.parse(run.text);
  expect(report.decidableChecksPass).toBe(true);
  expect(report.eligible).toBe(false);
  expect(report.checks).toHaveLength(12);
  expect(report.patches).toEqual([fx.signedPatch]);
});

test('lua-check: a package without MsiPatchCertificate exits 8 and says how to fix it', async () => {
  const run = await cli('lua-check', fx.plain, fx.signedPatch);
  expect(run.code).toBe(LuaExitCode.NOT_ELIGIBLE);
  expect(run.text).toContain('not ready for UAC patching');
  expect(run.text).toMatch(/^ {2}FAIL {2}patch-certificate-table/m);
  expect(run.text).toMatch(/To fix:\n[^]*patch-certificate-table: .*PatchCertificates/);
});

test('lua-check: a tampered patch exits 8; no arguments is a usage error; --help lists exit code 8', async () => {
  expect((await cli('lua-check', fx.ready, fx.tamperedPatch)).code).toBe(LuaExitCode.NOT_ELIGIBLE);
  expect((await cli('lua-check')).code).toBe(ExitCode.USAGE);
  const help = await cli('lua-check', '--help');
  expect(help.code).toBe(ExitCode.OK);
  expect(help.text).toMatch(/\b8\b.*a check that the files decide fails/);
});

test('lua-check: a file that is not a package exits with the reader error code', async () => {
  const run = await cli('lua-check', __filename);
  expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
});

const onWindows = process.platform === 'win32';
(onWindows ? test.skip : test)('lua-status off Windows exits 9 with the reason', async () => {
  const run = await cli('lua-status', '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}', '--patch', fx.signedPatch);
  expect(run.code).toBe(LuaExitCode.WINDOWS_ONLY);
  expect(run.stderr).toMatch(/msi-lua lua-status: .*Windows/);
});
