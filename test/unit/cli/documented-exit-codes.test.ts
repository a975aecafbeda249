// Exit codes that `msi-lua <command> --help` and README promise for the Windows commands,
// checked against a scripted binding: a file that cannot be read is 3 for the installer
// commands as for every other command, and a failing Windows call of the listings is 11
// (they list no 12: that is an action Windows Installer failed).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ExitCode } from '../../../lib/cli/exit-codes';
import { setNativeBinding } from '../../../lib/native/load';
import { cli } from '../../support/run-cli';

const CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-cli-codes-'));
const missing = path.join(dir, 'missing.msi');
const nativeCalls: string[] = [];

const accessDenied = (syscall: string) =>
  Promise.reject(Object.assign(new Error(`${syscall} failed`), { nativeFailure: true, hresult: 0x80070005, syscall }));

beforeEach(() => {
  setNativeBinding({
    installerAction() {
      nativeCalls.push('installerAction');
      return { promise: Promise.resolve({ status: 0, cancelRequested: false, cancelAnswered: false }), cancel() {} };
    },
    enumProducts: () => accessDenied('MsiEnumProductsExW'),
    enumPatches: () => accessDenied('MsiEnumPatchesExW'),
  });
});
afterEach(() => {
  setNativeBinding(undefined);
  nativeCalls.length = 0;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.each([
  ['install', [missing]],
  ['patch', [missing.replace(/\.msi$/, '.msp')]],
  ['install', [dir]],
])('%s of a file that cannot be read exits 3 with the file-system code, before any native call', async (command, args) => {
  const run = await cli(command, ...args, '--json');
  expect(run.code).toBe(ExitCode.CANNOT_READ);
  expect(JSON.parse(run.text)).toEqual({
    error: expect.objectContaining({ code: expect.stringMatching(/^(ENOENT|EISDIR)$/), hresult: null, exitCode: ExitCode.CANNOT_READ }),
  });
  expect(nativeCalls).toEqual([]);
});

test.each([['products'], ['patches', CODE]])('%s: a failing Windows call exits 11 with the typed error', async (...argv) => {
  const run = await cli(...argv, '--json');
  expect(run.code).toBe(ExitCode.SYSTEM_ERROR);
  expect(JSON.parse(run.text)).toEqual({
    error: expect.objectContaining({ name: 'AccessDeniedError', code: 'E_ACCESSDENIED', exitCode: ExitCode.SYSTEM_ERROR }),
  });
  expect(run.stderr).toMatch(new RegExp(`^msi-lua ${argv[0]}: `));
});

describe('each command --help lists only the common codes it can return', () => {
  // The common list (0, 1, 2, 3, 11, 70, 74) was shown for every command: 1 and 3 for commands
  // that read no file, 11 for the package readers, which call no Windows API.
  const listed = async (command: string): Promise<number[]> => {
    const help = (await cli(command, '--help')).text;
    const section = help.slice(help.indexOf('Exit codes:'));
    return [...section.matchAll(/^\s+(\d+) {2}/gm)].map((m) => Number(m[1]));
  };
  test.each([
    ['info', [1, 3], [11]],
    ['tables', [1, 3], [11]],
    ['export', [1, 3], [11]],
    ['dump', [1, 3], [11]],
    ['signature', [1, 3], [11]],
    ['lua-check', [1, 3], [11]],
    ['products', [11], [1, 3]],
    ['patches', [11], [1, 3]],
    ['components', [11], [1, 3]],
    ['install', [3], [1, 11]],
    ['patch', [3], [1, 11]],
    ['repair', [], [1, 3, 11]],
    ['uninstall', [], [1, 3, 11]],
    ['unpatch', [], [1, 3, 11]],
    ['updates', [3], [1, 11]],
    ['lua-status', [1, 3, 11], []],
  ])('%s: lists %j, not %j', async (command, present, absent) => {
    const codes = await listed(command);
    for (const code of [0, 2, 70, 74, ...present]) expect(codes).toContain(code);
    for (const code of absent) expect(codes).not.toContain(code);
  });

  test('a file that cannot be read is 3 for updates services add-scan-package, as its help says', async () => {
    const run = await cli('updates', 'services', 'add-scan-package', 'Offline', missing.replace(/\.msi$/, '.cab'), '--json');
    expect(run.code).toBe(ExitCode.CANNOT_READ);
  });
});
