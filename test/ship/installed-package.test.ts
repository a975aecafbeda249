// msi-lua installed from its packed tarball in a fresh folder, used as a user would:
// on Linux (reader works, Windows calls reject with PlatformNotSupportedError), on a
// simulated win32-arm64 machine with no matching prebuild (reader works, native calls
// reject with NativeBindingNotFoundError naming what is there), and under Wine by Windows
// node.exe, which loads the installed x64 prebuild.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildSmallMsi } from '../support/package-fixtures';
import { artifact, runWine, toWindowsPath, WINDOWS_NODE } from './support';

jest.setTimeout(300_000);

let app: string;
let msi: string;
beforeAll(async () => {
  app = artifact('MSI_LUA_SHIP_APP');
  msi = await buildSmallMsi();
});

// A user's script: read a package, then ask Windows Installer; print what happened.
const USER_SCRIPT = `
const msiLua = require('msi-lua');
(async () => {
  const pkg = await msiLua.openPackage(process.argv[1]);
  const out = { tables: pkg.tableNames.length };
  try { await msiLua.listProducts(); out.native = 'ok'; }
  catch (e) { out.native = { name: e.name, code: e.code, hresult: e.hresult, platform: e.platform, arch: e.arch,
    prebuildsPresent: e.prebuildsPresent, bundled: e.bundled, message: e.message, isMsiLuaError: e instanceof msiLua.MsiLuaError }; }
  process.stdout.write(JSON.stringify(out));
})();
`;

function runUserScript(preload?: string): Record<string, unknown> {
  const args = [...(preload ? ['--require', preload] : []), '-e', USER_SCRIPT, msi];
  const r = spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the user script exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('on Linux: the reader works and Windows calls reject with PlatformNotSupportedError', () => {
  const out = runUserScript();
  expect(out.tables).toBeGreaterThan(5);
  expect(out.native).toMatchObject({ name: 'PlatformNotSupportedError', isMsiLuaError: true });
});

test('simulated win32-arm64 with no arm64 prebuild: reader works, native calls name what is there', () => {
  const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-arm64-')), 'simulate.js');
  fs.writeFileSync(
    preload,
    "const os = require('os');\nos.platform = () => 'win32';\nos.arch = () => 'arm64';\n" +
      "Object.defineProperty(process, 'platform', { value: 'win32' });\nObject.defineProperty(process, 'arch', { value: 'arm64' });\n",
  );
  try {
    const out = runUserScript(preload);
    expect(out.tables).toBeGreaterThan(5);
    expect(out.native).toMatchObject({
      name: 'NativeBindingNotFoundError',
      code: 'MSI_LUA_BINDING_NOT_FOUND',
      hresult: 0x8007007e,
      platform: 'win32',
      arch: 'arm64',
      prebuildsPresent: ['win32-ia32', 'win32-x64'],
      bundled: false,
      isMsiLuaError: true,
    });
  } finally {
    fs.rmSync(path.dirname(preload), { recursive: true, force: true });
  }
});

test('under Wine, Windows node.exe loads the installed x64 prebuild and calls msi.dll', async () => {
  const smoke = path.join(__dirname, 'installed-smoke.js');
  const run = await runWine([WINDOWS_NODE, toWindowsPath(smoke), toWindowsPath(msi)], { cwd: app });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
  expect(out.platform).toBe('win32');
  expect(out.arch).toBe('x64');
  expect(out.addon).toBe(path.win32.join('prebuilds', 'win32-x64', 'node.napi.node'));
  expect(out.listProducts).toMatchObject({ ok: true });
  expect((out.policyKeys as string[]).length).toBeGreaterThan(0);
  expect(out.tables).toBeGreaterThan(5);
});
