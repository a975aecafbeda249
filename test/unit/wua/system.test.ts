// Issue 15's facade with the native binding injected: conversions, type checks and
// validation that need no Windows.
import { interpretContextFacts } from '../../../lib/process/interactive-context';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeRegistryValue } from '../../../lib/native/binding';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MICROSOFT_UPDATE_SERVICE_ID,
  addScanPackageService,
  addService,
  getAutomaticUpdatesResults,
  getAutomaticUpdatesSettings,
  getRebootStatus,
  removeService,
} from '../../../lib/wua';
import { interpretPendingRenames, shapeAutomaticUpdatesResults } from '../../../lib/wua/system-shape';
import { dateFromOle } from '../../../lib/wua/shape';
import { wineLikeFacts } from '../../support/wua-fake-binding';

afterEach(() => setNativeBinding(undefined));

const multiSz = (...items: string[]): NativeRegistryValue => ({
  type: 7,
  data: Buffer.from(items.map((i) => `${i}\0`).join('') + '\0', 'utf16le'),
});
const job = <T>(value: T) => ({ promise: Promise.resolve(value), abort: () => undefined });
const failingJob = (hresult: number, syscall: string) => ({
  promise: Promise.reject(Object.assign(new Error(syscall), { nativeFailure: true, hresult, syscall })),
  abort: () => undefined,
});

describe('dateFromOle', () => {
  test.each<[number, string | null]>([
    [25569, '1970-01-01T00:00:00.000Z'],
    [45363 + 10.5 / 24, '2024-03-12T10:30:00.000Z'],
    // Negative DATEs: the day counts back, the time of day forward.
    [-1.25, '1899-12-29T06:00:00.000Z'],
    [0, null],
    [Number.NaN, null],
    [1e12, null],
  ])('%s → %s', (ole, iso) => {
    const date = dateFromOle(ole);
    expect(date === null ? null : date.toISOString()).toBe(iso);
  });
});

describe('interpretPendingRenames', () => {
  const source = 'HKLM\\...\\PendingFileRenameOperations';
  test('absent: not pending', () =>
    expect(interpretPendingRenames(null, source)).toEqual({ name: 'pendingFileRenameOperations', source, pending: false }));
  test('a non-empty REG_MULTI_SZ: pending', () =>
    expect(interpretPendingRenames(multiSz('\\??\\C:\\a.dll', ''), source).pending).toBe(true));
  test('an empty REG_MULTI_SZ: not pending', () =>
    expect(interpretPendingRenames({ type: 7, data: Buffer.alloc(2) }, source).pending).toBe(false));
  test('another type is not interpreted', () =>
    expect(interpretPendingRenames({ type: 1, data: Buffer.from('x\0', 'utf16le') }, source)).toEqual({
      name: 'pendingFileRenameOperations',
      source,
      pending: null,
      reason: 'the value is REG_SZ, not REG_MULTI_SZ',
    }));
});

describe('getRebootStatus combines the signals without choosing one', () => {
  function inject(rebootRequired: boolean, keys: Record<string, boolean | Error>, renames: NativeRegistryValue | null) {
    setNativeBinding({
      wuaRebootRequired: () => job(rebootRequired),
      wuaRegistryKeyExists: async (subKey: string) => {
        const answer = Object.entries(keys).find(([k]) => subKey.includes(k))?.[1] ?? false;
        if (answer instanceof Error) throw answer;
        return answer;
      },
      readRegistryValue: async () => renames,
    } as never);
  }

  test("one registry signal is enough for anyPending, and WUA's own answer stays separate", async () => {
    inject(false, { 'Component Based Servicing': true }, null);
    const status = await getRebootStatus();
    expect(status.rebootRequired).toBe(false);
    expect(status.anyPending).toBe(true);
    expect(status.signals.map((s) => [s.name, s.pending])).toEqual([
      ['wua', false],
      ['windowsUpdateKey', false],
      ['componentBasedServicing', true],
      ['pendingFileRenameOperations', false],
    ]);
  });

  test('a signal that cannot be read is unknown, so nothing pending means anyPending null', async () => {
    inject(
      false,
      { 'Auto Update': Object.assign(new Error('denied'), { nativeFailure: true, hresult: 0x80070005, syscall: 'RegOpenKeyExW' }) },
      null,
    );
    const status = await getRebootStatus();
    expect(status.signals[1]).toMatchObject({
      name: 'windowsUpdateKey',
      pending: null,
      reason: expect.stringMatching(/RegOpenKeyExW: E_ACCESSDENIED/),
    });
    expect(status.anyPending).toBeNull();
  });

  test("WUA's failure rejects typed", async () => {
    setNativeBinding({ wuaRebootRequired: () => failingJob(0x80004001, 'ISystemInformation::get_RebootRequired') } as never);
    await expect(getRebootStatus()).rejects.toMatchObject({ name: 'NotImplementedError' });
  });
});

describe('getAutomaticUpdatesSettings: policy values with their registry types checked', () => {
  test('string values, DWORDs and wrong types', async () => {
    const values: Record<string, NativeRegistryValue> = {
      WUServer: { type: 1, data: Buffer.from('http://wsus.example:8530\0', 'utf16le') },
      TargetGroup: { type: 4, data: Buffer.from([1, 0, 0, 0]) },
      UseWUServer: { type: 4, data: Buffer.from([1, 0, 0, 0]) },
      AUOptions: { type: 1, data: Buffer.from('4\0', 'utf16le') },
    };
    setNativeBinding({
      wuaAutomaticUpdates: () =>
        job({
          serviceEnabled: true,
          notificationLevel: 2,
          readOnly: false,
          required: true,
          includeRecommendedUpdates: null,
          nonAdministratorsElevated: null,
          featuredUpdatesEnabled: null,
        }),
      readRegistryValue: async (_hive: string, _key: string, name: string) => values[name] ?? null,
    } as never);
    const settings = await getAutomaticUpdatesSettings();
    expect(settings).toMatchObject({ notificationLevel: 'notifyBeforeDownload', required: true, includeRecommendedUpdates: null });
    expect(settings.policy.wuServer).toMatchObject({ value: 'http://wsus.example:8530', state: 'present', registryType: 'REG_SZ' });
    expect(settings.policy.targetGroup).toMatchObject({ value: null, state: 'wrong-type', registryType: 'REG_DWORD' });
    expect(settings.policy.useWuServer).toMatchObject({ value: 1, state: 'present', registryType: 'REG_DWORD' });
    expect(settings.policy.auOptions).toMatchObject({ value: null, state: 'wrong-type', registryType: 'REG_SZ' });
    expect(settings.policy.noAutoUpdate).toMatchObject({ value: null, state: 'absent', registryType: null });
    expect(settings.policy.auOptions.source).toBe('HKLM\\Software\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU\\AUOptions');
  });
});

describe('services: validation before any native call, flags as AddService2 wants them', () => {
  test.each([undefined, 'microsoft', 42, `${MICROSOFT_UPDATE_SERVICE_ID}\0`])('serviceId %p is a TypeError', async (id) => {
    const calls: unknown[] = [];
    setNativeBinding({
      wuaAddService: (...a: unknown[]) => (calls.push(a), job({})),
      wuaRemoveService: (...a: unknown[]) => (calls.push(a), job(undefined)),
    } as never);
    await expect(addService(id as never)).rejects.toThrow(TypeError);
    await expect(removeService(id as never)).rejects.toThrow(/"serviceId"/);
    expect(calls).toEqual([]);
  });

  test('options become AddServiceFlag bits; ids lose braces and case', async () => {
    const calls: unknown[][] = [];
    setNativeBinding({
      wuaAddService: (...a: unknown[]) => {
        calls.push(a);
        return job({
          registrationState: 2,
          serviceId: `{${MICROSOFT_UPDATE_SERVICE_ID.toUpperCase()}}`,
          isPendingRegistrationWithAU: true,
          service: null,
        });
      },
    } as never);
    const registration = await addService(`{${MICROSOFT_UPDATE_SERVICE_ID.toUpperCase()}}`, {
      allowOnlineRegistration: true,
      registerWithAutomaticUpdates: true,
    });
    expect(calls).toEqual([[MICROSOFT_UPDATE_SERVICE_ID, 6]]);
    expect(registration).toEqual({
      registrationState: 'registrationPending',
      serviceId: MICROSOFT_UPDATE_SERVICE_ID,
      isPendingRegistrationWithAU: true,
      service: null,
    });
    await expect(addService(MICROSOFT_UPDATE_SERVICE_ID, { allowPendingRegistration: 1 as never })).rejects.toThrow(
      /"allowPendingRegistration"/,
    );
  });
});

describe('isRemoteSession', () => {
  test('the NETWORK group (S-1-5-2) is a network logon', () => {
    const context = interpretContextFacts({ ...wineLikeFacts(), groupSids: ['S-1-1-0', 'S-1-5-2', 'S-1-5-11'] });
    expect(context.isRemoteSession).toBe(true);
    expect(context.facts.reasoning.isRemoteSession).toMatch(/NETWORK group \(S-1-5-2\)/);
  });
  test('INTERACTIVE without NETWORK is not', () => {
    expect(interpretContextFacts({ ...wineLikeFacts(), groupSids: ['S-1-1-0', 'S-1-5-4'] }).isRemoteSession).toBe(false);
  });
  test('unreadable groups: null with the reason', () => {
    const context = interpretContextFacts({
      ...wineLikeFacts(),
      groupSids: null,
      failures: { groupSids: { syscall: 'GetTokenInformation(TokenGroups)', hresult: 0x80070005, message: 'Access is denied.' } },
    });
    expect(context.isRemoteSession).toBeNull();
    expect(context.facts.reasoning.isRemoteSession).toMatch(
      /^unknown: groupSids \(GetTokenInformation\(TokenGroups\) \(0x80070005\): Access is denied\.\)$/,
    );
  });
});

const nativeScanService = {
  name: 'Offline Sync Service',
  serviceId: '{A1B2C3D4-0000-4E5F-8A9B-0123456789AB}',
  isManaged: false,
  isRegisteredWithAU: false,
  offersWindowsUpdates: true,
  isScanPackageService: true,
  canRegisterWithAU: false,
  serviceUrl: '',
  issueDate: 0,
  isDefaultAUService: null,
};

describe('addScanPackageService: validation before any native call, UpdateServiceOption by name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-scan-unit-'));
  const cab = path.join(dir, 'wsusscn2.cab');
  fs.writeFileSync(cab, 'MSCF');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let calls: unknown[][];
  beforeEach(() => {
    calls = [];
    setNativeBinding({ wuaAddScanPackageService: (...a: unknown[]) => (calls.push(a), job(nativeScanService)) } as never);
  });

  test.each<[string, unknown, unknown, unknown, RegExp]>([
    ['no name', undefined, cab, {}, /"serviceName"/],
    ['an empty name', '', cab, {}, /"serviceName"/],
    ['a name of white space', ' \t\u3000', cab, {}, /"serviceName" argument must not be blank/],
    ['a name of zero-width characters', '\u200b\u2060\ufeff', cab, {}, /"serviceName" argument must not be blank/],
    ['a name with NUL', 'Offline\0Sync', cab, {}, /"serviceName" argument must not contain a NUL/],
    ['a number as the path', 'Offline', 42, {}, /"scanFileLocation"/],
    ['an empty path', 'Offline', '', {}, /"scanFileLocation"/],
    ['a path with NUL', 'Offline', `${cab}\0`, {}, /"scanFileLocation" argument must not contain a NUL/],
    ['a missing file', 'Offline', path.join(dir, 'missing.cab'), {}, /"scanFileLocation" argument must be a path to an existing file/],
    ['a directory', 'Offline', dir, {}, /"scanFileLocation" argument must be a path to an existing file/],
    ['a non-boolean nonVolatile', 'Offline', cab, { nonVolatile: 1 }, /"nonVolatile"/],
    ['options that are not an object', 'Offline', cab, 'volatile', /"options"/],
  ])('%s is a TypeError', async (_what, name, location, options, message) => {
    const failure = addScanPackageService(name as never, location as never, options as never);
    await expect(failure).rejects.toThrow(TypeError);
    await expect(failure).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  test('flags: usoNonVolatileService (1) unless nonVolatile is false; the service shaped as listServices shapes it', async () => {
    const service = await addScanPackageService('Offline Sync Service', cab);
    expect(service).toEqual({
      name: 'Offline Sync Service',
      serviceId: 'a1b2c3d4-0000-4e5f-8a9b-0123456789ab',
      isDefaultAUService: null,
      isManaged: false,
      isRegisteredWithAU: false,
      offersWindowsUpdates: true,
      isScanPackageService: true,
      canRegisterWithAU: false,
      serviceUrl: '',
      issueDate: null,
    });
    await addScanPackageService('Offline Sync Service', cab, { nonVolatile: true });
    await addScanPackageService('Offline Sync Service', cab, { nonVolatile: false });
    expect(calls.map((c) => c[2])).toEqual([1, 1, 0]);
    expect(calls[0]).toEqual(['Offline Sync Service', cab, 1]);
  });

  test('a relative path reaches WUA absolute, resolved against the current directory', async () => {
    const relative = path.relative(process.cwd(), cab);
    expect(path.isAbsolute(relative)).toBe(false);
    await addScanPackageService('Offline', relative);
    expect(calls[0]![1]).toBe(path.resolve(cab));
  });

  test("WUA's failure is typed", async () => {
    setNativeBinding({ wuaAddScanPackageService: () => failingJob(0x800b0100, 'IUpdateServiceManager::AddScanPackageService') } as never);
    await expect(addScanPackageService('Offline', cab)).rejects.toMatchObject({
      name: 'SignatureError',
      code: 'TRUST_E_NOSIGNATURE',
      syscall: 'IUpdateServiceManager::AddScanPackageService',
    });
  });
});

describe('getAutomaticUpdatesResults: VT_DATE, VT_EMPTY and unknown', () => {
  const date = (ole: number) => ({ vt: 7, date: ole });
  test('VT_DATE is a UTC Date, VT_EMPTY null with no reason ("never")', () => {
    expect(
      shapeAutomaticUpdatesResults({
        hasResults: true,
        lastSearchSuccessDate: date(45363 + 10.5 / 24),
        lastInstallationSuccessDate: { vt: 0, date: 0 },
      }),
    ).toEqual({ lastSearchSuccessDate: new Date('2024-03-12T10:30:00Z'), lastInstallationSuccessDate: null, reason: null });
  });
  test('no IAutomaticUpdates2: both unknown, with the reason', () => {
    const shaped = shapeAutomaticUpdatesResults({ hasResults: false, lastSearchSuccessDate: null, lastInstallationSuccessDate: null });
    expect(shaped).toMatchObject({ lastSearchSuccessDate: null, lastInstallationSuccessDate: null });
    expect(shaped.reason).toMatch(/no IAutomaticUpdates2/);
  });
  test('another VARIANT type, or a DATE outside what a Date holds, is unknown with the field named', () => {
    const shaped = shapeAutomaticUpdatesResults({
      hasResults: true,
      lastSearchSuccessDate: { vt: 8, date: 0 },
      lastInstallationSuccessDate: date(1e12),
    });
    expect(shaped).toEqual({
      lastSearchSuccessDate: null,
      lastInstallationSuccessDate: null,
      reason:
        'LastSearchSuccessDate is a VARIANT of type 8, neither VT_DATE nor VT_EMPTY; LastInstallationSuccessDate is VT_DATE 1000000000000, not a date msi-lua can represent',
    });
  });
  test('through the facade, and a failure rejects typed', async () => {
    setNativeBinding({
      wuaAutomaticUpdatesResults: () =>
        job({ hasResults: true, lastSearchSuccessDate: date(25569), lastInstallationSuccessDate: date(25570.5) }),
    } as never);
    await expect(getAutomaticUpdatesResults()).resolves.toEqual({
      lastSearchSuccessDate: new Date('1970-01-01T00:00:00Z'),
      lastInstallationSuccessDate: new Date('1970-01-02T12:00:00Z'),
      reason: null,
    });
    setNativeBinding({ wuaAutomaticUpdatesResults: () => failingJob(0x80004001, 'IAutomaticUpdates2::get_Results') } as never);
    await expect(getAutomaticUpdatesResults()).rejects.toMatchObject({ name: 'NotImplementedError' });
  });
});
