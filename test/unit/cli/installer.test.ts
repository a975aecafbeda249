// The installer commands against a scripted binding: JSON progress on stderr, one JSON
// result on stdout, and the documented exit codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { InstallerExitCode } from '../../../lib/cli/exit-codes';
import { INSTALLMESSAGE } from '../../../lib/installer/progress';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeInstallerRequest } from '../../../lib/native/binding';
import { cli } from '../../support/run-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-cli-installer-'));
const msi = path.join(dir, 'a.msi');
fs.writeFileSync(msi, '');
const CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
const requests: NativeInstallerRequest[] = [];
const t = (kind: number) => (kind << 24) >>> 0;

function scripted(status: number) {
  setNativeBinding({
    installerAction(request, onRecord) {
      requests.push(request);
      const promise = (async () => {
        onRecord(t(INSTALLMESSAGE.PROGRESS), [null, 0, 10, 0, 0], '');
        onRecord(t(INSTALLMESSAGE.ACTIONSTART), [null, 'InstallFiles', 'Copying new files', null], '');
        onRecord(t(INSTALLMESSAGE.PROGRESS), [null, 2, 10], '');
        return { status, cancelRequested: false, cancelAnswered: false };
      })();
      return { promise, cancel() {} };
    },
  });
}

afterEach(() => {
  setNativeBinding(undefined);
  requests.length = 0;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('install --json: progress lines on stderr, one result on stdout, properties from NAME=VALUE', async () => {
  scripted(0);
  const run = await cli('install', msi, 'INSTALLDIR=C:\\A B', 'EMPTY=', '--json');
  expect(run.code).toBe(0);
  const lines = run.stderr
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; fraction: number });
  expect(lines.map((l) => l.type)).toEqual(['reset', 'actionStart', 'progress', 'done']);
  expect(lines[lines.length - 1]?.fraction).toBe(1);
  expect(JSON.parse(run.text)).toMatchObject({ ok: true, exitCode: 0, result: { status: 'success', actions: ['InstallFiles'] } });
  expect(requests[0]?.commandLine).toBe('INSTALLDIR="C:\\A B" EMPTY=""');
});

test.each([
  [3010, InstallerExitCode.REBOOT_REQUIRED, true],
  [1641, InstallerExitCode.REBOOT_INITIATED, true],
  [1603, InstallerExitCode.FAILED, false],
  [1602, InstallerExitCode.CANCELLED, false],
  [1618, InstallerExitCode.ALREADY_RUNNING, false],
  [1642, InstallerExitCode.FAILED, false],
])('Windows Installer %i exits with %i', async (status, exitCode, ok) => {
  scripted(status);
  const run = await cli('uninstall', CODE, '--json');
  expect(run.code).toBe(exitCode);
  const body = JSON.parse(run.text) as { ok?: boolean; exitCode?: number; error?: { win32?: number; exitCode?: number } };
  // Success: the result document; failure: the one error shape every command prints.
  if (ok) expect(body).toMatchObject({ ok, exitCode });
  else expect(body).toEqual({ error: expect.objectContaining({ win32: status, exitCode }) });
});

test('without --json a failure goes to stderr with the engine messages', async () => {
  setNativeBinding({
    installerAction(_request, onRecord) {
      const promise = (async () => {
        onRecord(t(INSTALLMESSAGE.ACTIONSTART), [null, 'FailOnPurpose', '', null], '');
        onRecord(t(INSTALLMESSAGE.ERROR), [null, 1722, 'FailOnPurpose'], 'Error 1722. FailOnPurpose failed');
        return { status: 1603, cancelRequested: false, cancelAnswered: false };
      })();
      return { promise, cancel() {} };
    },
  });
  const run = await cli('install', msi);
  expect(run.code).toBe(InstallerExitCode.FAILED);
  expect(run.text).toBe('');
  expect(run.stderr).toMatch(/failing action: FailOnPurpose/);
  expect(run.stderr).toMatch(/error 1722: Error 1722\. FailOnPurpose failed/);
});

test("a failure stays one line (plus one per engine message) when the package's message text holds line breaks", async () => {
  // Error texts come from the package's Error table and the formatted record: a line break
  // there must not split the failure line the docs promise.
  setNativeBinding({
    installerAction(_request, onRecord) {
      const promise = (async () => {
        onRecord(t(INSTALLMESSAGE.ERROR), [null, 1722, 'Custom'], 'Error 1722. first line\r\nsecond line\u001b[31m');
        return { status: 1603, cancelRequested: false, cancelAnswered: false };
      })();
      return { promise, cancel() {} };
    },
  });
  const run = await cli('install', msi);
  expect(run.code).toBe(InstallerExitCode.FAILED);
  const lines = run.stderr.split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^msi-lua install: .*first line\\r\\nsecond line\\x1b\[31m$/);
  expect(lines[1]).toMatch(/^ {2}error 1722: Error 1722\. first line\\r\\nsecond line\\x1b\[31m$/);
  expect(lines[2]).toBe('');
});

test('bad arguments exit 2 before any native call', async () => {
  scripted(0);
  expect((await cli('install', msi, 'NOEQUALS')).code).toBe(2);
  expect((await cli('install', msi, 'BAD NAME=1')).code).toBe(2);
  expect((await cli('repair', 'nope')).code).toBe(2);
  expect((await cli('repair', CODE, '--mode', 'o')).code).toBe(2);
  // One line that points to the command's help, as the reader commands' usage errors do.
  expect((await cli('repair', 'nope')).stderr).toMatch(/^msi-lua repair: The "productCode" argument .* \(see msi-lua repair --help\)\n$/);
  expect(requests).toEqual([]);
});

(process.platform === 'win32' ? test.skip : test)('off Windows the commands say so with their own exit code', async () => {
  const run = await cli('products');
  expect(run.code).toBe(InstallerExitCode.WINDOWS_ONLY);
  expect(run.stderr).toMatch(/needs Windows/);
});

describe('exit 2 is for arguments, 70 for bugs that throw a TypeError', () => {
  test('a property name msi-lua refuses exits 2 naming it', async () => {
    scripted(0);
    const run = await cli('install', msi, 'BAD-NAME=1', '--json');
    expect(run.code).toBe(2);
    expect(JSON.parse(run.text)).toEqual({ error: expect.objectContaining({ code: 'ERR_MSI_LUA_INVALID_ARGUMENT', exitCode: 2 }) });
    expect(requests).toEqual([]);
  });

  test('a TypeError from a broken native answer is an internal error (70), not a usage error', async () => {
    setNativeBinding({
      installerAction(request) {
        requests.push(request);
        // What a bug in the native layer would give: no result object at all.
        return { promise: Promise.resolve(undefined as never), cancel() {} };
      },
    });
    const run = await cli('uninstall', CODE, '--json');
    expect(requests).toHaveLength(1);
    expect(run.code).toBe(70);
    expect(run.stderr).toMatch(/internal error: TypeError/);
    expect(JSON.parse(run.text)).toEqual({ error: expect.objectContaining({ name: 'TypeError', exitCode: 70 }) });
  });
});
