// msi-lua.exe (scripts/sea.js) under Wine: every command with --json gives what the CLI
// gives when run by Node (the reader commands compared with the library in-process, the
// Windows ones with `node.exe bin/msi-lua.js` under Wine), the documented exit codes, a
// path with spaces and non-ASCII characters, and two instances at once extracting the addon.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildSmallMsi } from '../support/package-fixtures';
import { cli } from '../support/run-cli';
import { artifact, REPO_ROOT, runWine, toWindowsPath, WINDOWS_NODE, type WineRun } from './support';

jest.setTimeout(600_000);

const UNKNOWN_PRODUCT = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E5F}';

let tmp: string;
let exe: string;
let msi: string;
let addonDir: string;

function sea(args: string[], dir = addonDir): Promise<WineRun> {
  return runWine([exe, ...args], { cwd: path.dirname(exe), env: { MSI_LUA_ADDON_DIR: toWindowsPath(dir) } });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-sea-'));
  // Where fleets put tools: spaces, and a folder name outside ASCII.
  const dir = path.join(tmp, 'Program Files', 'Prüfung – 检查 ç');
  fs.mkdirSync(dir, { recursive: true });
  exe = path.join(dir, 'msi-lua.exe');
  fs.copyFileSync(artifact('MSI_LUA_SEA_EXE'), exe);
  msi = path.join(dir, 'Paket mit Leerzeichen ü.msi');
  fs.copyFileSync(await buildSmallMsi(), msi);
  addonDir = path.join(tmp, 'addon');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('--version names the package version', async () => {
  const run = await sea(['--version']);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(`msi-lua ${manifest.version}`);
});

describe.each([
  ['info', []],
  ['tables', []],
  ['export', ['Property']],
  ['signature', []],
  ['lua-check', []],
])('%s --json', (command, extra) => {
  test('same exit code and JSON as the library run in-process', async () => {
    const expected = await cli(command, msi, ...extra, '--json');
    const run = await sea([command, toWindowsPath(msi), ...extra, '--json']);
    expect(run.status).toBe(expected.code);
    const normalize = (text: string): string =>
      text.split(toWindowsPath(msi).replace(/\\/g, '\\\\')).join('<msi>').split(msi).join('<msi>');
    expect(JSON.parse(normalize(run.stdout))).toEqual(JSON.parse(normalize(expected.text)));
  });
});

test('lua-status --json: the addon from the SEA asset answers as the Node-run CLI does', async () => {
  const viaNode = await runWine([
    WINDOWS_NODE,
    toWindowsPath(path.join(REPO_ROOT, 'bin', 'msi-lua.js')),
    'lua-status',
    UNKNOWN_PRODUCT,
    '--json',
  ]);
  const viaSea = await sea(['lua-status', UNKNOWN_PRODUCT, '--json']);
  expect(viaSea.status).toBe(viaNode.status);
  // Not "this command needs Windows" (9) nor a missing addon: msi.dll was reached.
  expect(viaSea.status).not.toBe(9);
  expect(viaSea.stderr + viaSea.stdout).not.toMatch(/BINDING_NOT_FOUND|native addon could not be loaded/);
  expect(viaSea.stdout).toBe(viaNode.stdout);
  const firstLine = (s: string): string => s.split('\n')[0] as string;
  expect(firstLine(viaSea.stderr)).toBe(firstLine(viaNode.stderr));
});

test.each([
  ['a missing file', () => ['info', toWindowsPath(path.join(tmp, 'nicht da.msi')), '--json'], 3],
  ['a file that is not a package', () => ['info', toWindowsPath(exe), '--json'], 1],
  ['an unknown option', () => ['info', toWindowsPath(msi), '--bogus'], 2],
  ['an unknown command', () => ['frobnicate'], 2],
  ['a missing table', () => ['export', toWindowsPath(msi), 'NoSuchTable', '--json'], 6],
  ['an unsigned package', () => ['signature', toWindowsPath(msi), '--json'], 4],
])('exit code for %s', async (_label, args, code) => {
  const run = await sea(args());
  expect(run.status).toBe(code);
});

test('two instances at once both extract and load the addon', async () => {
  const fresh = path.join(tmp, 'addon-concurrent');
  const [a, b] = await Promise.all([
    sea(['lua-status', UNKNOWN_PRODUCT, '--json'], fresh),
    sea(['lua-status', UNKNOWN_PRODUCT, '--json'], fresh),
  ]);
  for (const run of [a, b]) {
    expect(run.stderr).not.toMatch(/native addon could not be loaded|BINDING_NOT_FOUND/);
    expect(run.status).not.toBe(9);
  }
  expect(a.status).toBe(b.status);
  expect(a.stdout).toBe(b.stdout);
  const files = fs.readdirSync(fresh);
  expect(files.filter((f) => /^msi_lua-[0-9a-f]{32}\.node$/.test(f))).toHaveLength(1);
  expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
