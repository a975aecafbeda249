// lua-check and lua-status verdicts that must not pass, and must say why: a damaged earlier
// patch, the wrong kind of file, a patch for another product, weak digests, the caller who
// is already an elevated administrator, a product that is not installed.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ExitCode } from '../../../lib/cli/main';
import { LuaExitCode } from '../../../lib/cli/exit-codes';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';
import { importIdtTables, scratchDir, signFile } from '../../support/package-fixtures';
import { writeTransformFile } from '../../support/transform-writer';
import {
  buildEarlierPatchFixtures,
  buildLaterProductFixtures,
  buildLuaFixtures,
  installedMachineBinding,
  type EarlierPatchFixtures,
  type LaterProductFixtures,
  type LuaFixtures,
} from '../../support/lua-fixtures';
import { cli } from '../../support/run-cli';
import { nativeFailure, wineLikeFacts } from '../../support/wua-fake-binding';

jest.setTimeout(180_000);

let fx: LuaFixtures;
let earlier: EarlierPatchFixtures;
let later: LaterProductFixtures;
let scratch: string;
beforeAll(async () => {
  fx = await buildLuaFixtures();
  earlier = await buildEarlierPatchFixtures(fx.ca);
  later = await buildLaterProductFixtures(fx.ca);
  scratch = scratchDir('lua-verdicts');
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
afterEach(() => setNativeBinding(undefined));

describe('lua-check', () => {
  test('a damaged earlier patch fails the run (exit 7), naming the file, instead of passing on unknowns', async () => {
    const run = await cli('lua-check', fx.ready, earlier.damagedCertificatePatch, fx.signedPatch);
    expect(run.code).toBe(LuaExitCode.DAMAGED);
    expect(run.text).toContain(`cannot be judged: ${earlier.damagedCertificatePatch} is damaged`);
    expect(run.text).toMatch(
      new RegExp(`Damaged files[^]*FAIL {2}${earlier.damagedCertificatePatch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the transforms of`),
    );
    const json = await cli('lua-check', fx.ready, earlier.damagedCertificatePatch, fx.signedPatch, '--json');
    expect(json.code).toBe(LuaExitCode.DAMAGED);
    const report = JSON.parse(json.text);
    expect(report.decidableChecksPass).toBe(false);
    expect(report.damaged).toEqual([{ file: earlier.damagedCertificatePatch, reason: expect.stringContaining('could not be read') }]);
    // The same patches without the damaged one pass what the files decide.
    expect((await cli('lua-check', fx.ready, fx.signedPatch)).code).toBe(0);
  });

  test('a patch that does not target the product shows in the text report, not only in the JSON evidence', async () => {
    const run = await cli('lua-check', fx.ready, earlier.otherProductCertificatePatch);
    expect(run.code).toBe(LuaExitCode.NOT_ELIGIBLE);
    expect(run.text).toContain('Patches that do not target the product');
    expect(run.text).toContain(
      `FAIL  ${earlier.otherProductCertificatePatch} does not list {5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51} among its targets`,
    );
    const report = JSON.parse((await cli('lua-check', fx.ready, earlier.otherProductCertificatePatch, '--json')).text);
    expect(report.patchesNotTargeting).toEqual([earlier.otherProductCertificatePatch]);
  });

  test.each([
    ['md5' as const, /package digest md5/],
    ['sha1' as const, /package digest sha1/],
  ])('a patch signed with %s is reported as weak in the text and the JSON', async (hash, pattern) => {
    const weak = await signFile(fx.unsignedPatch, fx.ca.chainPath, fx.ca.signerKeyPath, {
      hash,
      output: path.join(scratch, `weak-${hash}.msp`),
    });
    const run = await cli('lua-check', fx.ready, weak);
    expect(run.text).toMatch(/Warnings:\n {2}.*is signed with a weak hash/);
    expect(run.text).toMatch(pattern);
    const report = JSON.parse((await cli('lua-check', fx.ready, weak, '--json')).text);
    expect(report.warnings).toEqual([expect.stringMatching(pattern)]);
    const valid = report.checks.find((c: { id: string }) => c.id === 'signature-valid');
    expect(valid.evidence.patches[0].digestAlgorithm).toBe(hash);
    // SHA-256 (the fixtures' default) gives no warning.
    expect(JSON.parse((await cli('lua-check', fx.ready, fx.signedPatch, '--json')).text).warnings).toEqual([]);
  });

  test('a patch or a package in the wrong place is a usage error naming what it got', async () => {
    const patchFirst = await cli('lua-check', fx.signedPatch);
    expect(patchFirst.code).toBe(ExitCode.USAGE);
    expect(patchFirst.stderr).toMatch(/must name an installation package \(\.msi\); .*\.msp is a patch/);
    expect(patchFirst.stderr.trim().split('\n')).toHaveLength(1);
    const packageAsPatch = await cli('lua-check', fx.ready, fx.plain);
    expect(packageAsPatch.code).toBe(ExitCode.USAGE);
    expect(packageAsPatch.stderr).toMatch(/"mspPaths\[0\]" argument must name a patch \(\.msp\); .* is an installation package/);
  });

  test('a transform or a merge module as the package is a usage error naming what it got', async () => {
    const transform = path.join(scratch, 'change.mst');
    fs.writeFileSync(transform, writeTransformFile({}));
    const asTransform = await cli('lua-check', transform);
    expect(asTransform.code).toBe(ExitCode.USAGE);
    expect(asTransform.stderr).toMatch(/change\.mst is a transform/);
    // A merge module is a database with a ModuleSignature table.
    const module = await importIdtTables(
      fx.plain,
      {
        ModuleSignature: 'ModuleID\tLanguage\tVersion\ns72\ti2\ts32\nModuleSignature\tModuleID\nLua.Module.1\t0\t1.0.0\n',
      },
      path.join(scratch, 'lua.msm'),
    );
    const asModule = await cli('lua-check', module);
    expect(asModule.code).toBe(ExitCode.USAGE);
    expect(asModule.stderr).toMatch(/lua\.msm is a merge module/);
    expect(asModule.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a broken patch is named, not the package', async () => {
    const broken = path.join(scratch, 'broken.msp');
    fs.writeFileSync(broken, Buffer.alloc(4096, 0x41));
    const run = await cli('lua-check', fx.ready, broken);
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(run.stderr).toMatch(/^msi-lua: .*broken\.msp: /);
    expect(run.stderr).not.toContain(fx.ready);
  });

  test('more than 63 patches is not a usage error (there is no limit)', async () => {
    const patches = Array.from({ length: 70 }, () => fx.signedPatch);
    const run = await cli('lua-check', fx.ready, ...patches, '--json');
    expect(run.code).not.toBe(ExitCode.USAGE);
    expect(JSON.parse(run.text).patches).toHaveLength(70);
  });
});

describe('lua-status (native layer replaced)', () => {
  function installed(elevatedAdministrator: boolean): void {
    const binding: Partial<NativeBinding> & { tokenContextFacts(): Promise<unknown> } = {
      ...installedMachineBinding(later.msi),
      tokenContextFacts: async () => ({
        ...wineLikeFacts(),
        elevated: elevatedAdministrator,
        groupSids: elevatedAdministrator ? ['S-1-1-0', 'S-1-5-32-544'] : ['S-1-1-0'],
      }),
    };
    setNativeBinding(binding as unknown as NativeBinding);
  }

  test('an elevated administrator: the text and the JSON say the same (not eligible, no further elevation)', async () => {
    installed(true);
    // The product has no certificate table, so a standard user cannot apply the patch.
    const text = await cli('lua-status', later.productCode, '--patch', later.signedPatch);
    expect(text.code).toBe(LuaExitCode.NOT_ELIGIBLE);
    expect(text.text).toMatch(/not eligible for UAC patching: .* elevated administrator, so it needs no further elevation/);
    expect(text.text).not.toContain('elevation required');
    const json = JSON.parse((await cli('lua-status', later.productCode, '--patch', later.signedPatch, '--json')).text);
    expect(json).toMatchObject({ eligible: false, elevationRequired: false, callerIsAdministrator: true });
  });

  test('a standard user: "elevation required" in the text, elevationRequired in the JSON', async () => {
    installed(false);
    const text = await cli('lua-status', later.productCode, '--patch', later.signedPatch);
    expect(text.code).toBe(LuaExitCode.NOT_ELIGIBLE);
    expect(text.text).toContain('elevation required');
    const json = JSON.parse((await cli('lua-status', later.productCode, '--patch', later.signedPatch, '--json')).text);
    expect(json).toMatchObject({ eligible: false, elevationRequired: true, callerIsAdministrator: false });
  });

  test('a product that is not installed exits 10 with one line; under --json one error object', async () => {
    setNativeBinding({ productInfo: () => Promise.reject(nativeFailure(0x80070645, 'MsiGetProductInfoExW')) } as never);
    const run = await cli('lua-status', '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E99}');
    expect(run.code).toBe(LuaExitCode.NOT_INSTALLED);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/not installed .*ERROR_UNKNOWN_PRODUCT/);
    const json = await cli('lua-status', '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E99}', '--json');
    expect(json.code).toBe(LuaExitCode.NOT_INSTALLED);
    expect(JSON.parse(json.text)).toEqual({
      error: expect.objectContaining({
        name: 'UnknownProductError',
        code: 'ERROR_UNKNOWN_PRODUCT',
        hresult: 0x80070645,
        message: expect.any(String),
        exitCode: 10,
      }),
    });
  });

  test('another Windows failure is exit 11 with the typed error, not 70', async () => {
    setNativeBinding({ productInfo: () => Promise.reject(nativeFailure(0x80070005, 'MsiGetProductInfoExW')) } as never);
    const run = await cli('lua-status', '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E99}', '--json');
    expect(run.code).toBe(ExitCode.SYSTEM_ERROR);
    expect(JSON.parse(run.text).error).toMatchObject({ name: 'AccessDeniedError', code: 'E_ACCESSDENIED', hresult: 0x80070005 });
  });
});
