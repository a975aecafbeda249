// The action facades against a scripted binding: arguments checked before any native
// call, statuses shaped into results and typed errors, the queue, and cancel.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { AbortError, InstallAlreadyRunningError, WindowsInstallerError } from '../../../lib/errors';
import {
  InstallFailedError,
  applyPatch,
  configureProduct,
  installProduct,
  removePatches,
  repairProduct,
  uninstallProduct,
  type InstallerProgressEvent,
} from '../../../lib/installer';
import { INSTALLMESSAGE } from '../../../lib/installer/progress';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeInstallerRequest } from '../../../lib/native/binding';

type Emit = (messageType: number, fields: Array<string | number | null> | null, text: string) => void;
interface Script {
  status: number;
  records?: Array<[number, Array<string | number | null> | null, string]>;
  /** Runs while the action is "in progress"; resolve to finish. */
  during?: (emit: Emit, cancelled: () => boolean) => Promise<void>;
}

const calls: NativeInstallerRequest[] = [];
let scripts: Script[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-actions-'));
const msi = path.join(dir, 'product.msi');
const msp = path.join(dir, 'fix.msp');
fs.writeFileSync(msi, '');
fs.writeFileSync(msp, '');
const CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
const PATCH = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BA1}';

beforeEach(() => {
  calls.length = 0;
  scripts = [];
  setNativeBinding({
    installerAction(request, onRecord) {
      calls.push(request);
      const script = scripts.shift() ?? { status: 0 };
      let cancelled = false;
      const promise = (async () => {
        await new Promise((r) => setImmediate(r));
        for (const [t, f, text] of script.records ?? []) onRecord(t, f, text);
        if (script.during) await script.during(onRecord, () => cancelled);
        return { status: script.status, cancelRequested: cancelled, cancelAnswered: cancelled };
      })();
      return { promise, cancel: () => void (cancelled = true) };
    },
  });
});
afterEach(() => setNativeBinding(undefined));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const t = (kind: number) => (kind << 24) >>> 0;

/** `[value, <hole>, value, ...]`: an array of `length` with its odd indexes never set. */
function sparse(value: string, length: number): string[] {
  const array = new Array<string>(length);
  for (let i = 0; i < length; i += 2) array[i] = value;
  return array;
}

describe('arguments are checked before any native call', () => {
  test.each([
    ['a missing package', () => installProduct(path.join(dir, 'missing.msi')), /"packagePath" argument must be a path to an existing file/],
    ['a directory', () => installProduct(dir), /existing file/],
    ['a NUL in the path', () => installProduct('a\0b.msi'), /NUL/],
    ['a bad property name', () => installProduct(msi, { properties: { 'NO SPACE': '1' } }), /identifier/],
    ['a bad onProgress', () => installProduct(msi, { onProgress: 1 as never }), /"options\.onProgress" option must be a function/],
    ['a bad signal', () => installProduct(msi, { signal: {} as never }), /AbortSignal/],
    // It passed the check, the action ran, and removing the abort listener afterwards threw.
    [
      'a signal without removeEventListener',
      () => installProduct(msi, { signal: { aborted: false, addEventListener() {} } as never }),
      /"options\.signal" option must be an AbortSignal/,
    ],
    [
      'a log in a missing directory',
      () => installProduct(msi, { log: path.join(dir, 'nope', 'x.log') }),
      /"options\.log" option must be a path in an existing directory/,
    ],
    [
      'an unbraced product code',
      () => repairProduct('6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00'),
      /"productCode" argument must be a braced GUID/,
    ],
    [
      'properties for a repair',
      () => repairProduct(CODE, { properties: { A: '1' } } as never),
      /MsiReinstallProduct takes no property list/,
    ],
    // Windows Installer cannot write a log there and says nothing: Wine's msi.dll installed without one.
    [
      'a log path that is a directory',
      () => installProduct(msi, { log: dir }),
      /"options\.log" option must be a file path, not a directory/,
    ],
    ['a bad patch code', () => removePatches(CODE, ['nope']), /"patchCodes\[0\]" argument must be a braced GUID/],
    // A hole in a sparse array is no patch code: forEach and join skip it, so it reached Windows as ";;".
    ['a hole in the patch codes', () => removePatches(CODE, sparse(PATCH, 3)), /"patchCodes\[1\]" argument must be a braced GUID/],
    ['patch codes that are all holes', () => removePatches(CODE, new Array<string>(2)), /"patchCodes\[0\]" argument must be a braced GUID/],
    ['a bad target product', () => applyPatch(msp, { productCode: 'x' }), /"options\.productCode" argument must be a braced GUID/],
    ['an install level of the wrong type', () => configureProduct(CODE, { state: 'local', installLevel: '3' as never }), /installLevel/],
    ['a bad state', () => configureProduct(CODE, { state: 'gone' as never }), /"request\.state" argument must be one of/],
  ])('%s', async (_label, call, message) => {
    await expect(call()).rejects.toThrow(TypeError);
    await expect(call()).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });
});

test('requests: paths absolute, lists joined, properties quoted, default repair mode, verbose log', async () => {
  const log = path.join(dir, 'x.log');
  await installProduct(msi, { properties: { INSTALLDIR: 'C:\\A B' }, log });
  await applyPatch([msp, msp], { productCode: CODE, properties: { P: 'v' } });
  await applyPatch(msp);
  await removePatches(CODE, [PATCH]);
  await repairProduct(CODE);
  await repairProduct(CODE, { mode: ['fileReplace', 'package'] });
  await uninstallProduct(CODE);
  expect(calls).toEqual([
    expect.objectContaining({ kind: 'install', packagePath: msi, commandLine: 'INSTALLDIR="C:\\A B"', logPath: log, logMode: 0x3fff }),
    expect.objectContaining({
      kind: 'applyPatches',
      patchList: `${msp};${msp}`,
      productCode: CODE,
      commandLine: 'P="v"',
      logPath: null,
      logMode: 0,
    }),
    expect.objectContaining({ kind: 'applyPatches', productCode: null }),
    expect.objectContaining({ kind: 'removePatches', productCode: CODE, patchList: PATCH }),
    expect.objectContaining({ kind: 'reinstall', productCode: CODE, reinstallMode: 0x4 | 0x80 | 0x100 | 0x200 }),
    expect.objectContaining({ kind: 'reinstall', reinstallMode: 0x40 | 0x400 }),
    expect.objectContaining({ kind: 'configure', productCode: CODE, installLevel: 0, installState: 2 }),
  ]);
  for (const call of calls) expect(call.messageFilter & (1 << INSTALLMESSAGE.PROGRESS)).toBeTruthy();
});

test.each([
  [0, 'success', false, false],
  [3010, 'rebootRequired', true, false],
  [1641, 'rebootInitiated', true, true],
])('status %i is a result: %s', async (status, name, rebootRequired, rebootInitiated) => {
  scripts.push({ status, records: [[t(INSTALLMESSAGE.WARNING), [null, 1911, 'x'], 'Could not register type library']] });
  const result = await installProduct(msi);
  expect(result).toMatchObject({ status: name, exitCode: status, rebootRequired, rebootInitiated, cancelRequested: false });
  expect(result.messages).toEqual([{ severity: 'warning', code: 1911, text: 'Could not register type library', action: null }]);
});

test.each([
  [1618, InstallAlreadyRunningError, 'ERROR_INSTALL_ALREADY_RUNNING'],
  [1638, WindowsInstallerError, 'ERROR_PRODUCT_VERSION'],
  [1612, WindowsInstallerError, 'ERROR_INSTALL_SOURCE_ABSENT'],
  [1636, WindowsInstallerError, 'ERROR_PATCH_PACKAGE_INVALID'],
  [1642, WindowsInstallerError, 'ERROR_PATCH_TARGET_NOT_FOUND'],
])('status %i rejects with %p', async (status, Class, code) => {
  scripts.push({ status });
  const error = await applyPatch(msp).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Class);
  expect(error).toMatchObject({ win32: status, code, syscall: 'MsiApplyMultiplePatchesW' });
});

test('1603 carries the failing action and the error records', async () => {
  scripts.push({
    status: 1603,
    records: [
      [t(INSTALLMESSAGE.ACTIONSTART), [null, 'FailOnPurpose', '', null], ''],
      [
        t(INSTALLMESSAGE.ERROR),
        [null, 1722, 'FailOnPurpose', 'cmd.exe', '/c exit 7'],
        'Error 1722. There is a problem with this Windows Installer package. Action FailOnPurpose',
      ],
      [t(INSTALLMESSAGE.ACTIONSTART), [null, 'Rollback', 'Rolling back action:', null], ''],
    ],
  });
  const error = await installProduct(msi).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InstallFailedError);
  expect(error).toBeInstanceOf(WindowsInstallerError);
  const failed = error as InstallFailedError;
  expect(failed).toMatchObject({
    win32: 1603,
    code: 'ERROR_INSTALL_FAILURE',
    failedAction: 'FailOnPurpose',
    syscall: 'MsiInstallProductW',
  });
  expect(failed.messages).toEqual([expect.objectContaining({ severity: 'error', code: 1722, action: 'FailOnPurpose' })]);
  expect(failed.message).toMatch(/failing action: FailOnPurpose.*1722/);
  expect(JSON.parse(JSON.stringify(failed))).toMatchObject({ failedAction: 'FailOnPurpose', win32: 1603 });
});

test('abort during the action: IDCANCEL requested; 1602 rejects with AbortError', async () => {
  const controller = new AbortController();
  scripts.push({
    status: 1602,
    during: async (emit, cancelled) => {
      emit(t(INSTALLMESSAGE.ACTIONSTART), [null, 'InstallFiles', '', null], '');
      while (!cancelled()) await new Promise((r) => setImmediate(r));
    },
  });
  const events: InstallerProgressEvent[] = [];
  const outcome = installProduct(msi, {
    signal: controller.signal,
    onProgress: (e) => {
      events.push(e);
      controller.abort();
    },
  });
  const error = await outcome.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AbortError);
  expect(error).toMatchObject({ name: 'AbortError', win32: 1602, syscall: 'MsiInstallProductW' });
  expect(events.map((e) => e.type)).toEqual(['actionStart']);
});

test('an engine that ignores the cancel (Wine) resolves with cancelRequested', async () => {
  const controller = new AbortController();
  scripts.push({
    status: 0,
    during: async (_emit, cancelled) => {
      controller.abort();
      while (!cancelled()) await new Promise((r) => setImmediate(r));
    },
  });
  await expect(uninstallProduct(CODE, { signal: controller.signal })).resolves.toMatchObject({ status: 'success', cancelRequested: true });
});

test('actions run one at a time in call order; an aborted queued action never starts', async () => {
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  scripts.push({
    status: 0,
    during: async () => {
      order.push('first running');
      await gate;
      order.push('first done');
    },
  });
  scripts.push({
    status: 0,
    during: async () => {
      order.push('third running');
    },
  });
  const controller = new AbortController();
  const first = installProduct(msi);
  const second = repairProduct(CODE, { signal: controller.signal });
  const third = uninstallProduct(CODE);
  await new Promise((r) => setTimeout(r, 20));
  expect(calls).toHaveLength(1);
  controller.abort();
  release();
  await first;
  await expect(second).rejects.toBeInstanceOf(AbortError);
  await third;
  expect(order).toEqual(['first running', 'first done', 'third running']);
  expect(calls.map((c) => c.kind)).toEqual(['install', 'configure']);
});

test('an action aborted while queued rejects at once, without waiting for the action ahead of it', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  scripts.push({ status: 0, during: () => gate });
  const controller = new AbortController();
  const first = installProduct(msi);
  const second = repairProduct(CODE, { signal: controller.signal });
  const third = uninstallProduct(CODE);
  await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  // The first action is still running: the cancel button of the queued one must not wait for it.
  const early = await Promise.race([second.catch((e: unknown) => e), new Promise((r) => setTimeout(() => r('still pending'), 200))]);
  expect(early).toBeInstanceOf(AbortError);
  expect(early).toMatchObject({ win32: 1602, syscall: 'MsiReinstallProductW' });
  // Nothing ran: not the cancel's "its changes were rolled back".
  expect((early as Error).message).toMatch(/aborted before it started: Windows Installer ran nothing/);
  expect((early as Error).message).not.toMatch(/rolled back/);
  const already = await installProduct(msi, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
  expect(already).toBeInstanceOf(AbortError);
  expect((already as Error).message).toMatch(/aborted before it started/);
  expect(calls.map((c) => c.kind)).toEqual(['install']);
  release();
  await first;
  await third;
  // The queue order holds: the third action ran only after the first settled.
  expect(calls.map((c) => c.kind)).toEqual(['install', 'configure']);
});

test('a throwing onProgress does not stop the action or later events', async () => {
  scripts.push({
    status: 0,
    records: [
      [t(INSTALLMESSAGE.ACTIONSTART), [null, 'A', '', null], ''],
      [t(INSTALLMESSAGE.ACTIONSTART), [null, 'B', '', null], ''],
    ],
  });
  const seen: string[] = [];
  const result = await installProduct(msi, {
    onProgress: (e) => {
      seen.push(e.type);
      throw new Error('listener bug');
    },
  });
  expect(result.actions).toEqual(['A', 'B']);
  expect(seen).toEqual(['actionStart', 'actionStart', 'done']);
});

test('a native failure to start rejects through the one error path', async () => {
  setNativeBinding({
    installerAction() {
      return {
        promise: Promise.reject(
          Object.assign(new Error('MsiEnableLogW failed'), { nativeFailure: true, hresult: 0x80070005, syscall: 'MsiEnableLogW' }),
        ),
        cancel() {},
      };
    },
  });
  const error = await installProduct(msi).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'AccessDeniedError', syscall: 'MsiEnableLogW' });
});
