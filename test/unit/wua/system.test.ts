// Issue 15's facade with the native binding injected: conversions, type checks and
// validation that need no Windows.
import { interpretContextFacts } from '../../../lib/process/interactive-context';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeRegistryValue } from '../../../lib/native/binding';
import { MICROSOFT_UPDATE_SERVICE_ID, addService, getAutomaticUpdatesSettings, getRebootStatus, removeService } from '../../../lib/wua';
import { interpretPendingRenames } from '../../../lib/wua/system-shape';
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
