// The Windows Update Agent facade with the native binding and the context facts injected.
import {
  AbortError,
  InstallNotAllowedError,
  MsiLuaError,
  NoInteractiveUserError,
  PlatformNotSupportedError,
  UpdateInstallerBusyError,
} from '../../../lib/errors';
import { setNativeBinding } from '../../../lib/native/load';
import { createUpdateSession, type InstallResult, type ProgressEvent, type UpdateSession } from '../../../lib/wua';
import { FakeWua, nativeFailure, nativeUpdate, runAsFacts, succeeded } from '../../support/wua-fake-binding';

const A = 'aaaaaaaa-0000-0000-0000-000000000001';
const B = 'bbbbbbbb-0000-0000-0000-000000000002';
const UI = 'cccccccc-0000-0000-0000-000000000003';

let fake: FakeWua;

function interactive(id = UI) {
  return nativeUpdate(id, {
    title: 'Needs a user',
    installationBehavior: { canRequestUserInput: true, rebootBehavior: 2, impact: 2, requiresNetworkConnectivity: true },
  });
}

async function searched(updates = [nativeUpdate(A), nativeUpdate(B)]): Promise<UpdateSession> {
  fake.updates = updates;
  const session = createUpdateSession({ clientApplicationId: 'unit' });
  await session.search('IsInstalled=0');
  return session;
}

beforeEach(() => {
  fake = new FakeWua();
  setNativeBinding(fake as never);
});

afterEach(() => {
  setNativeBinding(undefined);
});

describe('validation: TypeError naming the argument, before any native call', () => {
  test.each([
    ['clientApplicationId', () => createUpdateSession({ clientApplicationId: 5 as never })],
    ['clientApplicationId', () => createUpdateSession({ clientApplicationId: '' })],
    ['options', () => createUpdateSession('x' as never)],
  ])('createUpdateSession: %s', (name, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(`"${name}"`);
  });

  test.each<[string, unknown, unknown]>([
    ['criteria', '', undefined],
    ['criteria', 42, undefined],
    ['online', 'IsInstalled=0', { online: 'yes' }],
    ['serverSelection', 'IsInstalled=0', { serverSelection: 'microsoftUpdate' }],
    ['serviceId', 'IsInstalled=0', { serviceId: 'not-a-guid' }],
    ['serviceId', 'IsInstalled=0', { serviceId: '7971f918-a847-4430-9279-4a52d1efe18d', serverSelection: 'windowsUpdate' }],
    ['signal', 'IsInstalled=0', { signal: {} }],
    ['options', 'IsInstalled=0', []],
  ])('search: %s', async (name, criteria, options) => {
    const session = createUpdateSession();
    await expect(session.search(criteria as string, options as never)).rejects.toThrow(TypeError);
    await expect(session.search(criteria as string, options as never)).rejects.toThrow(`"${name}"`);
    expect(fake.calls).toEqual([]);
  });

  test.each<[string, unknown, unknown]>([
    ['updates', [], undefined],
    ['updates', 'A', undefined],
    ['updates', [42], undefined],
    ['updates', ['dddddddd-0000-0000-0000-000000000009'], undefined],
    ['updates', [A, A.toUpperCase()], undefined],
    ['forceQuiet', [A], { forceQuiet: 1 }],
    ['acceptEulas', [A], { acceptEulas: 'yes' }],
    ['userInputUpdates', [A], { userInputUpdates: 'ignore' }],
    ['onProgress', [A], { onProgress: 'log' }],
    ['signal', [A], { signal: 'stop' }],
  ])('install: %s', async (name, updates, options) => {
    const session = await searched();
    fake.calls = [];
    await expect(session.install(updates as never, options as never)).rejects.toThrow(TypeError);
    await expect(session.install(updates as never, options as never)).rejects.toThrow(`"${name}"`);
    expect(fake.calls).toEqual([]);
  });

  test('a hole in a sparse updates array names its index (map and filter skip holes)', async () => {
    const session = await searched();
    fake.calls = [];
    const holey = new Array<string>(2);
    holey[0] = A;
    for (const call of [
      () => session.install(holey),
      () => session.uninstall(holey),
      () => session.download(holey),
      () => session.setHidden(holey, true),
      () => session.install(new Array<string>(1)),
    ]) {
      await expect(call()).rejects.toThrow(TypeError);
      await expect(call()).rejects.toThrow(/"updates" argument must hold updates or update ids; item \d is undefined/);
    }
    expect(fake.calls).toEqual([]);
  });

  test('uninstall refuses acceptEulas; download refuses an unknown priority', async () => {
    const session = await searched();
    fake.calls = [];
    await expect(session.uninstall([A], { acceptEulas: true } as never)).rejects.toThrow(/"acceptEulas"/);
    await expect(session.download([A], { priority: 'urgent' as never })).rejects.toThrow(/"priority"/);
    expect(fake.calls).toEqual([]);
  });
});

describe('search', () => {
  test('maps WUA numbers to names and keeps the session handle', async () => {
    fake.updates = [
      nativeUpdate(A, {
        msrcSeverity: '',
        type: 2,
        installationBehavior: { canRequestUserInput: true, rebootBehavior: 1, impact: 2, requiresNetworkConnectivity: true },
        uninstallationBehavior: { canRequestUserInput: false, rebootBehavior: 2, impact: 1, requiresNetworkConnectivity: false },
      }),
    ];
    fake.searchResultCode = 3;
    const session = createUpdateSession({ clientApplicationId: 'unit' });
    const result = await session.search('IsInstalled=0', { online: false, serviceId: '{7971F918-A847-4430-9279-4A52D1EFE18D}' });
    expect(result.resultCode).toBe('succeededWithErrors');
    expect(result.updates[0]).toMatchObject({
      id: A,
      msrcSeverity: null,
      type: 'driver',
      installationBehavior: {
        canRequestUserInput: true,
        rebootBehavior: 'alwaysRequiresReboot',
        impact: 'requiresExclusiveHandling',
        requiresNetworkConnectivity: true,
      },
      uninstallationBehavior: {
        canRequestUserInput: false,
        rebootBehavior: 'canRequestReboot',
        impact: 'minor',
        requiresNetworkConnectivity: false,
      },
    });
    expect(fake.searchOptions).toEqual([{ online: false, serverSelection: 3, serviceId: '7971F918-A847-4430-9279-4A52D1EFE18D' }]);
    await session.search('IsInstalled=1');
    expect(fake.calls).toEqual(['open:unit', 'search:IsInstalled=0', 'search:IsInstalled=1']);
    expect(fake.searchOptions[1]).toEqual({});
  });

  test('the default client application id is msi-lua', async () => {
    await createUpdateSession().search('IsInstalled=0');
    expect(fake.calls[0]).toBe('open:msi-lua');
  });

  test('native failures come back as typed errors', async () => {
    fake.wuaSearch = () => ({ promise: Promise.reject(nativeFailure(0x80240009, 'IUpdateSearcher::BeginSearch')), abort: () => undefined });
    const error = await createUpdateSession()
      .search('IsInstalled=0')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpdateInstallerBusyError);
    expect(error).toMatchObject({ code: 'WU_E_OPERATIONINPROGRESS', syscall: 'IUpdateSearcher::BeginSearch' });
  });

  test('ISearchResult::Warnings come back by name, each failing HRESULT as its typed error', async () => {
    fake.updates = [nativeUpdate(A)];
    fake.searchResultCode = 3;
    fake.searchWarnings = [
      { hresult: 0x8024402f, message: 'metadata of one update was not retrieved', context: 4 },
      { hresult: 0, message: '', context: 1 },
      { hresult: 0x80244022, message: 'driver catalog', context: 7 },
    ];
    const result = await createUpdateSession().search('IsInstalled=0');
    expect(result.resultCode).toBe('succeededWithErrors');
    expect(result.updates.map((u) => u.id)).toEqual([A]);
    expect(result.warnings).toHaveLength(3);
    expect(result.warnings![0]).toMatchObject({
      hresult: 0x8024402f,
      message: 'metadata of one update was not retrieved',
      context: 'searchIncomplete',
      error: { code: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS', syscall: 'IUpdateException::get_HResult' },
    });
    expect(result.warnings![1]).toEqual({ hresult: 0, message: '', context: 'general' });
    expect(result.warnings![2]).toMatchObject({
      context: 'unknown',
      rawContext: 7,
      error: { code: 'WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL' },
    });
    expect(result).not.toHaveProperty('warningsHresult');
  });

  test('warnings WUA did not report are unknown (null, with the HRESULT), not none', async () => {
    fake.searchWarnings = null;
    fake.searchWarningsHresult = 0x80004001;
    const result = await createUpdateSession().search('IsInstalled=0');
    expect(result).toMatchObject({ resultCode: 'succeeded', warnings: null, warningsHresult: 0x80004001 });
  });

  test('a search that failed as a whole rejects with the typed error of its first failing warning', async () => {
    fake.updates = [nativeUpdate(A)];
    fake.searchResultCode = 4;
    fake.searchWarnings = [
      { hresult: 0, message: 'nothing wrong here', context: 1 },
      { hresult: 0x8024402c, message: 'server name not resolved', context: 1 },
      { hresult: 0x80244022, message: 'later', context: 1 },
    ];
    const session = createUpdateSession();
    const error = (await session.search('IsInstalled=0').catch((e: unknown) => e)) as MsiLuaError & { result?: unknown };
    expect(error).toBeInstanceOf(MsiLuaError);
    expect(error).toMatchObject({
      code: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED',
      hresult: 0x8024402c,
      syscall: 'IUpdateException::get_HResult',
    });
    expect(error.result).toMatchObject({ resultCode: 'failed', updates: [{ id: A }] });
    expect(Object.keys(error)).not.toContain('result');
    // What the failed search found is still this session's to name.
    fake.autoResult = (ids) => succeeded(ids);
    await expect(session.download([A])).resolves.toMatchObject({ resultCode: 'succeeded' });
  });

  test('a failed search with no failing warning rejects with E_FAIL from ISearchResult::get_ResultCode', async () => {
    const cases = [
      { native: [], shaped: [] },
      { native: null, shaped: null },
      { native: [{ hresult: 0, message: '', context: 1 }], shaped: [{ hresult: 0, message: '', context: 'general' }] },
    ];
    for (const { native, shaped } of cases) {
      fake.searchResultCode = 4;
      fake.searchWarnings = native;
      const error = await createUpdateSession()
        .search('IsInstalled=0')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MsiLuaError);
      expect(error).toMatchObject({ hresult: 0x80004005, syscall: 'ISearchResult::get_ResultCode' });
      expect((error as { result?: { warnings: unknown } }).result?.warnings).toEqual(shaped);
    }
  });

  test('a search the signal stopped is an AbortError carrying what WUA reported, warnings included', async () => {
    // WUA stopped it: resultCode 'aborted', or 'failed' with a cancellation HRESULT (docs/wua.md, Abort).
    const cases: Array<[number, Array<{ hresult: number; message: string; context: number }>]> = [
      [5, [{ hresult: 0x8024402f, message: 'one catalog not read', context: 4 }]],
      [4, [{ hresult: 0x8024000b, message: 'cancelled', context: 1 }]], // WU_E_CALL_CANCELLED
      [4, [{ hresult: 0x800704c7, message: 'cancelled', context: 1 }]], // HRESULT_FROM_WIN32(ERROR_CANCELLED)
    ];
    for (const [resultCode, warnings] of cases) {
      const controller = new AbortController();
      const session = createUpdateSession();
      fake.wuaSearch = (_handle, criteria) => {
        controller.abort(new Error('user pressed cancel'));
        const result = { resultCode, abortRequested: true, abortHresult: 0, updates: [nativeUpdate(A)], warnings };
        return { promise: Promise.resolve(result), abort: () => fake.calls.push(`abort:${criteria}`) };
      };
      const error = (await session.search('IsInstalled=0', { signal: controller.signal }).catch((e: unknown) => e)) as AbortError & {
        result?: unknown;
      };
      expect(error).toBeInstanceOf(AbortError);
      expect(error).toMatchObject({ name: 'AbortError', syscall: 'ISearchJob::RequestAbort' });
      expect((error.cause as Error).message).toBe('user pressed cancel');
      expect(error.result).toMatchObject({
        abortRequested: true,
        abortHresult: 0,
        updates: [{ id: A }],
        warnings: [{ message: warnings[0]!.message }],
      });
      expect(Object.keys(error)).not.toContain('result');
    }
  });

  test('a failed search keeps its typed error when the abort was not what stopped it', async () => {
    const controller = new AbortController();
    fake.wuaSearch = () => {
      controller.abort();
      const warnings = [{ hresult: 0x8024402c, message: 'server name not resolved', context: 1 }];
      return { promise: Promise.resolve({ resultCode: 4, abortRequested: true, abortHresult: 0, updates: [], warnings }), abort: () => 0 };
    };
    const error = await createUpdateSession()
      .search('IsInstalled=0', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED', result: { resultCode: 'failed' } });
  });

  test('an unknown OperationResultCode is reported raw, not guessed and not thrown away', async () => {
    fake.searchResultCode = 9;
    fake.updates = [nativeUpdate(A)];
    const result = await createUpdateSession().search('IsInstalled=0');
    expect(result).toMatchObject({ resultCode: 'unknown', rawResultCode: 9 });
    expect(result.updates.map((u) => u.id)).toEqual([A]);
  });

  test('an unknown OperationResultCode in a job keeps every other fact of the result', async () => {
    const session = await searched();
    const pending = session.install([A, B]);
    await new Promise((resolve) => setImmediate(resolve));
    fake.last.resolve(
      succeeded([A, B], {
        resultCode: 12,
        rebootRequired: true,
        updates: [
          { id: A, resultCode: 2, hresult: 0 },
          { id: B, resultCode: -1, hresult: 0 },
        ],
      }),
    );
    const result = await pending;
    expect(result).toMatchObject({ resultCode: 'unknown', rawResultCode: 12, rebootRequired: true });
    expect(result.updates.map((u) => [u.resultCode, u.rawResultCode])).toEqual([
      ['succeeded', undefined],
      ['unknown', -1],
    ]);
  });
});

describe('install and download results', () => {
  test('options reach the native call; per-update errors are typed; success codes are not errors', async () => {
    const session = await searched();
    fake.autoResult = (ids) =>
      succeeded(ids, {
        resultCode: 3,
        rebootRequired: true,
        eulasAccepted: [B],
        updates: [
          { id: A, resultCode: 2, hresult: 0x80070bc2, rebootRequired: true }, // ERROR_SUCCESS_REBOOT_REQUIRED
          { id: B, resultCode: 4, hresult: 0x80240016, rebootRequired: false },
        ],
      });
    const result = await session.install([A, B], { forceQuiet: true, allowSourcePrompts: false, acceptEulas: true });
    expect(fake.last.options).toEqual({ forceQuiet: true, allowSourcePrompts: false, acceptEulas: true });
    expect(result).toMatchObject({ resultCode: 'succeededWithErrors', rebootRequired: true, eulasAccepted: [B] });
    expect(result.updates[0]).toEqual({ id: A, title: `Title ${A}`, resultCode: 'succeeded', hresult: 0x80070bc2, rebootRequired: true });
    expect(result.updates[1]!.error).toBeInstanceOf(InstallNotAllowedError);
  });

  test('a job that failed as a whole rejects with its typed error and carries the result', async () => {
    const session = await searched();
    fake.autoResult = (ids) =>
      succeeded(ids, {
        resultCode: 4,
        hresult: 0,
        updates: ids.map((id) => ({ id, resultCode: 4, hresult: 0x80240016, rebootRequired: false })),
      });
    const error = (await session.install([A, B]).catch((e: unknown) => e)) as InstallNotAllowedError & { result?: InstallResult };
    expect(error).toBeInstanceOf(InstallNotAllowedError);
    expect(error.result?.updates.map((u) => u.resultCode)).toEqual(['failed', 'failed']);
  });

  test('WUA 0x80240020 from BeginInstall becomes NoInteractiveUserError listing the updates that can request input', async () => {
    const session = await searched([nativeUpdate(A), interactive()]);
    const pending = session.install([A, UI], { userInputUpdates: 'attempt' });
    await new Promise((resolve) => setImmediate(resolve));
    fake.last.reject(nativeFailure(0x80240020, 'IUpdateInstaller::BeginInstall'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoInteractiveUserError);
    expect(error).toMatchObject({ syscall: 'IUpdateInstaller::BeginInstall', updates: [{ id: UI, title: 'Needs a user' }] });
  });

  test('a per-update 0x80240020 is a NoInteractiveUserError on that update', async () => {
    const session = await searched([nativeUpdate(A), interactive()]);
    fake.autoResult = (ids) =>
      succeeded(ids, {
        resultCode: 3,
        updates: [
          { id: A, resultCode: 2, hresult: 0 },
          { id: UI, resultCode: 4, hresult: 0x80240020 },
        ],
      });
    const result = await session.install([A, UI], { userInputUpdates: 'attempt' });
    expect(result.updates[1]!.error).toBeInstanceOf(NoInteractiveUserError);
    expect((result.updates[1]!.error as NoInteractiveUserError).updates).toEqual([{ id: UI, title: 'Needs a user' }]);
  });

  // wuapi.h of the Windows SDK numbers DownloadPhase from 1; mingw-w64's header (and so the
  // scripted agent) numbered it from 0, and 1 read as 'downloading', 3 as nothing.
  test.each([
    [1, 'initializing'],
    [2, 'downloading'],
    [3, 'verifying'],
    [0, 'unknown'],
    [4, 'unknown'],
  ])('download phase %d is %s', async (downloadPhase, phase) => {
    const session = await searched();
    const events: ProgressEvent[] = [];
    const pending = session.download([A], { onProgress: (e) => events.push(e) });
    await new Promise((resolve) => setImmediate(resolve));
    fake.last.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 1, percent: 1, downloadPhase });
    fake.last.resolve(succeeded([A]));
    await pending;
    expect(events.map((e) => e.download?.phase)).toEqual([phase]);
  });

  test('a progress index outside the updates given names no update (null), not an empty one', async () => {
    const session = await searched();
    const events: ProgressEvent[] = [];
    const pending = session.install([A], { onProgress: (e) => events.push(e) });
    await new Promise((resolve) => setImmediate(resolve));
    for (const currentUpdateIndex of [1, -1, 0]) fake.last.onProgress!({ currentUpdateIndex, currentUpdatePercent: 10, percent: 10 });
    fake.last.resolve(succeeded([A]));
    await pending;
    expect(events.map((e) => [e.updateIndex, e.update])).toEqual([
      [1, null],
      [-1, null],
      [0, { id: A, title: `Title ${A}` }],
    ]);
  });

  test('download maps progress with bytes and phases, and its results', async () => {
    const session = await searched();
    const events: ProgressEvent[] = [];
    const pending = session.download([B, A], { priority: 'low', onProgress: (e) => events.push(e) });
    await new Promise((resolve) => setImmediate(resolve));
    const job = fake.last;
    expect(job.options).toEqual({ priority: 1 });
    job.onProgress!({
      currentUpdateIndex: 1,
      currentUpdatePercent: 40,
      percent: 70,
      downloadPhase: 2,
      currentUpdateBytes: 8,
      currentUpdateBytesTotal: 20,
      totalBytes: 28,
      totalBytesTotal: 40,
    });
    job.resolve({
      resultCode: 2,
      hresult: 0,
      abortRequested: false,
      updates: [
        { id: B, resultCode: 2, hresult: 0 },
        { id: A, resultCode: 2, hresult: 0 },
      ],
    });
    const result = await pending;
    expect(events).toEqual([
      {
        operation: 'download',
        updateIndex: 1,
        update: { id: A, title: `Title ${A}` },
        updatePercent: 40,
        percent: 70,
        download: { phase: 'downloading', updateBytes: 8, updateBytesTotal: 20, totalBytes: 28, totalBytesTotal: 40 },
      },
    ]);
    expect(result).toEqual({
      resultCode: 'succeeded',
      hresult: 0,
      updates: [
        { id: B, title: `Title ${B}`, resultCode: 'succeeded', hresult: 0 },
        { id: A, title: `Title ${A}`, resultCode: 'succeeded', hresult: 0 },
      ],
    });
  });
});

describe('the Run As preflight (context facts injected)', () => {
  test('secondary logon: rejects at once with NoInteractiveUserError; WUA is not called', async () => {
    fake.facts = runAsFacts();
    const session = await searched([nativeUpdate(A), interactive()]);
    const error = await session.install([A, UI]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoInteractiveUserError);
    expect(error).toMatchObject({ code: 'WU_E_NO_INTERACTIVE_USER', updates: [{ id: UI, title: 'Needs a user' }] });
    expect((error as { preflight?: string }).preflight).toMatch(/secondary logon.*S-1-5-5-0-777/);
    expect(fake.jobs).toHaveLength(0);
  });

  test('context facts that cannot be read at all refuse nothing: WUA decides', async () => {
    // "Unknown facts never refuse": a failing read of the token facts rejected the install
    // with that failure instead, before WUA was asked.
    fake.tokenContextFacts = async () => {
      throw nativeFailure(0x8007000e, 'ConvertSidToStringSidW'); // E_OUTOFMEMORY
    };
    const session = await searched([nativeUpdate(A), interactive()]);
    fake.autoResult = (ids) => succeeded(ids);
    const result = await session.install([A, UI]);
    expect(fake.last.updateIds).toEqual([A, UI]);
    expect(result.resultCode).toBe('succeeded');
  });

  test("'skip': the others are installed and the skipped come back as skipped", async () => {
    fake.facts = runAsFacts();
    const session = await searched([nativeUpdate(A), interactive(), nativeUpdate(B)]);
    fake.autoResult = (ids) => succeeded(ids);
    const result = await session.install([A, UI, B], { userInputUpdates: 'skip' });
    expect(fake.last.updateIds).toEqual([A, B]);
    expect(result.updates.map((u) => [u.id, u.resultCode])).toEqual([
      [A, 'succeeded'],
      [UI, 'skipped'],
      [B, 'succeeded'],
    ]);
    expect(result.updates[1]).toEqual({
      id: UI,
      title: 'Needs a user',
      resultCode: 'skipped',
      hresult: 0,
      rebootRequired: false,
      skippedBecause: 'requiresUserInput',
    });
  });

  test("'skip': progress indexes the updates the caller passed, not the ones WUA was given", async () => {
    fake.facts = runAsFacts();
    const session = await searched([nativeUpdate(A), interactive(), nativeUpdate(B)]);
    const events: ProgressEvent[] = [];
    const given = [A, UI, B];
    const pending = session.install(given, { userInputUpdates: 'skip', onProgress: (e) => events.push(e) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.last.updateIds).toEqual([A, B]);
    fake.last.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 100, percent: 50 });
    fake.last.onProgress!({ currentUpdateIndex: 1, currentUpdatePercent: 100, percent: 100 });
    fake.last.onProgress!({ currentUpdateIndex: 2, currentUpdatePercent: 0, percent: 100 }); // outside what WUA was given
    fake.last.resolve(succeeded([A, B]));
    await pending;
    expect(events.map((e) => [e.updateIndex, e.update?.id])).toEqual([
      [0, A],
      [2, B],
      [2, undefined],
    ]);
    for (const e of events) if (e.update) expect(given[e.updateIndex]).toBe(e.update.id);
  });

  test("'skip' with nothing left: no native call, notStarted", async () => {
    fake.facts = runAsFacts();
    const session = await searched([interactive()]);
    const result = await session.install([UI], { userInputUpdates: 'skip' });
    expect(result.resultCode).toBe('notStarted');
    expect(result.updates[0]!.resultCode).toBe('skipped');
    expect(fake.jobs).toHaveLength(0);
  });

  test('a service (session 0) has no interactive user: refused', async () => {
    fake.facts = { ...runAsFacts(), sessionId: 0, logonSid: 'S-1-5-5-0-123' };
    const session = await searched([interactive()]);
    const error = await session.install([UI]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoInteractiveUserError);
    expect((error as { preflight?: string }).preflight).toMatch(/no interactive user.*session 0/);
  });

  test('unknown facts (as under Wine) never refuse: WUA decides', async () => {
    const session = await searched([interactive()]);
    fake.autoResult = (ids) => succeeded(ids);
    await expect(session.install([UI])).resolves.toMatchObject({ resultCode: 'succeeded' });
    expect(fake.calls).toContain('tokenContextFacts');
  });

  test('the context is read only when a selected update can request input, and never with attempt', async () => {
    fake.facts = runAsFacts();
    const session = await searched([nativeUpdate(A), interactive()]);
    fake.autoResult = (ids) => succeeded(ids);
    await session.install([A]);
    await session.install([UI], { userInputUpdates: 'attempt' });
    expect(fake.calls).not.toContain('tokenContextFacts');
  });

  test('uninstall checks the uninstallation behaviour', async () => {
    fake.facts = runAsFacts();
    const both = nativeUpdate(A, {
      installationBehavior: { canRequestUserInput: true, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
      uninstallationBehavior: { canRequestUserInput: false, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
    });
    const session = await searched([both]);
    fake.autoResult = (ids) => succeeded(ids);
    await expect(session.uninstall([A])).resolves.toMatchObject({ resultCode: 'succeeded' });
    expect(fake.last.options).toEqual({ uninstall: true });
    await expect(session.install([A])).rejects.toBeInstanceOf(NoInteractiveUserError);
  });
});

describe('abort, progress and lifetime', () => {
  test('abort calls the native abort; the AbortError carries what WUA reported', async () => {
    const session = await searched();
    const controller = new AbortController();
    const pending = session.install([A, B], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(fake.last.aborts).toBe(1);
    fake.last.resolve(
      succeeded([A, B], {
        resultCode: 5,
        abortRequested: true,
        updates: [
          { id: A, resultCode: 2, hresult: 0 },
          { id: B, resultCode: 5, hresult: 0 },
        ],
      }),
    );
    const error = (await pending.catch((e: unknown) => e)) as AbortError & { result?: InstallResult };
    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe('AbortError');
    expect(error.syscall).toBe('IInstallationJob::RequestAbort');
    expect(error.result?.updates.map((u) => u.resultCode)).toEqual(['succeeded', 'aborted']);
  });

  test.each<[string, number]>([
    ['the agent ignored RequestAbort', 0],
    ['RequestAbort failed', 0x80004005],
  ])('an install that completes although an abort was requested resolves (%s)', async (_why, abortHresult) => {
    const session = await searched();
    const controller = new AbortController();
    const pending = session.install([A, B], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    fake.last.resolve(succeeded([A, B], { abortRequested: true, abortHresult }));
    const result = await pending;
    expect(result).toMatchObject({ resultCode: 'succeeded', abortRequested: true, abortHresult });
    expect(result.updates.map((u) => u.resultCode)).toEqual(['succeeded', 'succeeded']);
  });

  test('an abort that never reached WUA (the job had completed) resolves with abortHresult null', async () => {
    const session = await searched();
    const controller = new AbortController();
    const pending = session.download([A], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    fake.last.resolve(succeeded([A]));
    await expect(pending).resolves.toMatchObject({ resultCode: 'succeeded', abortRequested: true, abortHresult: null });
  });

  test('a result without an abort has no abort fields', async () => {
    const session = await searched();
    fake.autoResult = (ids) => succeeded(ids);
    const result = await session.install([A]);
    expect('abortRequested' in result).toBe(false);
    expect('abortHresult' in result).toBe(false);
  });

  test('a job that WUA fails while aborting is still an AbortError', async () => {
    const session = await searched();
    const controller = new AbortController();
    const pending = session.download([A], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('user pressed cancel'));
    fake.last.reject(nativeFailure(0x8024000b, 'IUpdateDownloader::EndDownload')); // WU_E_CALL_CANCELLED
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toMatch(/user pressed cancel/);
  });

  test('a failure that is not a cancellation keeps its typed error although an abort was requested', async () => {
    // The scripted agent ignored the abort, installed the update, and EndInstall then failed:
    // an AbortError said the install was cancelled when WUA had in fact run it.
    const session = await searched();
    const controller = new AbortController();
    const pending = session.install([A], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    fake.last.reject(nativeFailure(0x80240022, 'IUpdateInstaller::EndInstall')); // WU_E_ALL_UPDATES_FAILED
    const error = await pending.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'WU_E_ALL_UPDATES_FAILED', syscall: 'IUpdateInstaller::EndInstall' });
  });

  test.each([
    ['E_ABORT', 0x80004004],
    ['HRESULT_FROM_WIN32(ERROR_CANCELLED)', 0x800704c7],
    ['HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED)', 0x800703e3],
  ])('a job WUA ends with %s after an abort is an AbortError', async (_name, hresult) => {
    const session = await searched();
    const controller = new AbortController();
    const pending = session.install([A], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    fake.last.reject(nativeFailure(hresult, 'IUpdateInstaller::EndInstall'));
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  test.each([
    ['install', 'WU_E_CALL_CANCELLED', 0x8024000b, 0x8024000b],
    ['download', 'E_ABORT', 0x80004004, 0x80004004],
    ['install', 'a per-update WU_E_CALL_CANCELLED', 0, 0x8024000b],
  ] as const)(
    '%s: a job WUA ends failed with %s after an abort is an AbortError with the result',
    async (operation, _name, job, update) => {
      const session = await searched();
      const controller = new AbortController();
      const pending = session[operation]([A], { signal: controller.signal });
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error('user pressed cancel'));
      fake.last.resolve(
        succeeded([A], {
          resultCode: 4,
          hresult: job,
          abortRequested: true,
          abortHresult: 0,
          updates: [{ id: A, resultCode: 4, hresult: update, rebootRequired: false }],
        }),
      );
      const error = (await pending.catch((e: unknown) => e)) as AbortError & { result?: unknown };
      expect(error).toBeInstanceOf(AbortError);
      expect(error.syscall).toBe(operation === 'download' ? 'IDownloadJob::RequestAbort' : 'IInstallationJob::RequestAbort');
      expect((error.cause as Error).message).toBe('user pressed cancel');
      expect(error.result).toMatchObject({ resultCode: 'failed', abortRequested: true, updates: [{ id: A, resultCode: 'failed' }] });
    },
  );

  test('an already aborted signal rejects without a native call', async () => {
    const session = await searched();
    fake.calls = [];
    await expect(session.install([A], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    await expect(session.search('x', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(fake.calls).toEqual([]);
  });

  test('an abort reason whose message cannot be read still gives AbortError, the reason as cause', async () => {
    const session = await searched();
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('the getter threw');
      },
    });
    const { proxy, revoke } = Proxy.revocable(new Error('y'), {});
    revoke();
    for (const reason of [hostile, proxy]) {
      const error = (await session.install([A], { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e)) as AbortError;
      expect(error).toBeInstanceOf(AbortError);
      expect(error.message).toMatch(/The install was aborted by its AbortSignal\./);
      expect(error.cause).toBe(reason);
    }
  });

  test('a signal aborted after WUA finished does not turn success into an error', async () => {
    const session = await searched();
    const controller = new AbortController();
    const pending = session.install([A], { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    fake.last.resolve(succeeded([A]));
    controller.abort();
    await expect(pending).resolves.toMatchObject({ resultCode: 'succeeded' });
  });

  test('progress events name the update; a throwing onProgress aborts and rejects with its error', async () => {
    const session = await searched();
    const seen: ProgressEvent[] = [];
    const boom = new Error('handler failed');
    const pending = session.install([A, B], {
      onProgress: (e) => {
        seen.push(e);
        if (e.percent >= 50) throw boom;
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    const job = fake.last;
    job.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 100, percent: 50 });
    job.onProgress!({ currentUpdateIndex: 1, currentUpdatePercent: 10, percent: 55 }); // ignored after the failure
    expect(job.aborts).toBe(1);
    job.resolve(succeeded([A, B], { resultCode: 5, abortRequested: true }));
    await expect(pending).rejects.toBe(boom);
    expect(seen).toEqual([
      { operation: 'install', updateIndex: 0, update: { id: A, title: `Title ${A}` }, updatePercent: 100, percent: 50 },
    ]);
  });

  test('a throwing onProgress whose job completed anyway resolves with what WUA did, and the error', async () => {
    // The throw came at the last 100%: WUA had installed the update. Rejecting with the
    // listener's error made the updater believe nothing was installed.
    const session = await searched();
    const boom = new Error('handler failed');
    const pending = session.install([A], {
      onProgress: () => {
        throw boom;
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    const job = fake.last;
    job.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 100, percent: 100 });
    expect(job.aborts).toBe(1);
    job.resolve(succeeded([A], { abortRequested: true, abortHresult: 0 }));
    const result = await pending;
    expect(result).toMatchObject({ resultCode: 'succeeded', abortRequested: true, abortHresult: 0, progressError: boom });
    expect(result.updates).toEqual([expect.objectContaining({ id: A, resultCode: 'succeeded' })]);
  });

  test('a throwing onProgress whose job failed as a whole still rejects with the error', async () => {
    const session = await searched();
    const boom = new Error('handler failed');
    const pending = session.download([A], {
      onProgress: () => {
        throw boom;
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    fake.last.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 10, percent: 10 });
    fake.last.resolve(succeeded([A], { resultCode: 4, hresult: 0x80240022, abortRequested: true }));
    await expect(pending).rejects.toBe(boom);
  });

  test('close waits for running jobs, closes once, and later calls reject', async () => {
    const session = await searched();
    const pending = session.install([A]);
    await new Promise((resolve) => setImmediate(resolve));
    const closing = session.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.calls).not.toContain('close');
    fake.last.resolve(succeeded([A]));
    await pending;
    await closing;
    await session.close();
    expect(fake.calls.filter((c) => c === 'close')).toHaveLength(1);
    const error = await session.search('IsInstalled=0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MsiLuaError);
    expect(error).toMatchObject({ code: 'MSI_LUA_SESSION_CLOSED' });
  });

  test('isInstallerBusy reads IUpdateInstaller.IsBusy', async () => {
    const session = createUpdateSession();
    fake.busy = true;
    await expect(session.isInstallerBusy()).resolves.toBe(true);
    fake.busy = false;
    await expect(session.isInstallerBusy()).resolves.toBe(false);
    expect(fake.calls).toEqual(['open:msi-lua', 'isBusy', 'isBusy']);
    await session.close();
    await expect(session.isInstallerBusy()).rejects.toMatchObject({ code: 'MSI_LUA_SESSION_CLOSED' });
  });

  test('close() waits for a running isInstallerBusy before it releases the session', async () => {
    // Under Wine, close() racing isInstallerBusy() released the session first: the query then
    // rejected with E_ABORT, an AbortError nobody asked for (1 run in 5).
    const session = createUpdateSession();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const read = fake.wuaInstallerIsBusy.bind(fake);
    fake.wuaInstallerIsBusy = async (handle) => {
      await gate;
      return read(handle);
    };
    const busy = session.isInstallerBusy();
    const closing = session.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.calls).not.toContain('close');
    release();
    await expect(busy).resolves.toBe(false);
    await closing;
    expect(fake.calls).toEqual(['open:msi-lua', 'isBusy', 'close']);
  });

  test('closing a session that never called WUA makes no native call', async () => {
    await createUpdateSession().close();
    expect(fake.calls).toEqual([]);
  });
});

(process.platform === 'win32' ? describe.skip : describe)('off Windows', () => {
  test('calls reject with PlatformNotSupportedError', async () => {
    setNativeBinding(undefined);
    await expect(createUpdateSession().search('IsInstalled=0')).rejects.toBeInstanceOf(PlatformNotSupportedError);
  });
});
