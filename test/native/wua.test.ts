// The Windows Update Agent facade against the scripted update agent (test/agent), loaded
// in place of wuapi.dll (see test/agent/harness.js). Runs under Windows node in Wine.
import { AbortError, InstallNotAllowedError, NoInteractiveUserError, UpdateInstallerBusyError } from '../../lib/errors';
import { getBinding, setNativeBinding } from '../../lib/native/load';
import { createUpdateSession, type InstallResult, type ProgressEvent, type Update, type UpdateSession } from '../../lib/wua';
import type { NativeTokenFacts } from '../../lib/native/binding';
import * as agent from '../agent/harness';

jest.setTimeout(60_000);

// Under Wine the agent must have been built (the Wine tier runs test/agent/build.js first;
// useAgent() fails loudly otherwise). On Windows without mingw-w64 it may not exist: skip.
const describeWindows = process.platform === 'win32' && (agent.isWine() || agent.agentBuilt()) ? describe : describe.skip;

const ID1 = '6f2b3c1e-0001-4a5b-9c8d-0123456789ab';
const ID2 = '6f2b3c1e-0002-4a5b-9c8d-0123456789ab';
const ID3 = '6f2b3c1e-0003-4a5b-9c8d-0123456789ab';
const INTERACTIVE = '6f2b3c1e-0004-4a5b-9c8d-0123456789ab';

const WU_E_INSTALL_NOT_ALLOWED = 0x80240016;
const WU_E_NO_INTERACTIVE_USER = 0x80240020;

interface ScenarioUpdate {
  id: string;
  [key: string]: unknown;
}

function scenarioUpdate(id: string, extra: Record<string, unknown> = {}): ScenarioUpdate {
  return {
    id,
    revision: 201,
    title: `Cumulative Update ${id.slice(9, 13)}`,
    description: `Fixes for ${id}`,
    kbArticleIds: [`50${id.slice(12, 13)}1234`],
    securityBulletinIds: ['MS24-001'],
    categories: [
      { id: '0fa1201d-4330-4fa8-8ae9-b877473b6441', name: 'Security Updates', type: 'UpdateClassification' },
      { id: 'a3c2375d-0c8a-42f9-bce0-28333e198407', name: 'Windows 10', type: 'Product' },
    ],
    msrcSeverity: 'Critical',
    minDownloadSize: 1048576,
    maxDownloadSize: 52428800,
    isDownloaded: false,
    isInstalled: false,
    isMandatory: false,
    isHidden: false,
    isBeta: false,
    isUninstallable: true,
    eulaAccepted: true,
    type: 1,
    installationBehavior: { canRequestUserInput: false, rebootBehavior: 2, impact: 0, requiresNetworkConnectivity: false },
    uninstallationBehavior: { canRequestUserInput: false, rebootBehavior: 1, impact: 1, requiresNetworkConnectivity: false },
    ...extra,
  };
}

const interactiveUpdate = (): ScenarioUpdate =>
  scenarioUpdate(INTERACTIVE, {
    title: 'Driver setup that shows a dialog',
    installationBehavior: { canRequestUserInput: true, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: true },
  });

let session: UpdateSession | undefined;
let record: agent.AgentRecord;

async function openWith(scenario: unknown): Promise<{ session: UpdateSession; updates: Update[] }> {
  agent.useScenario(scenario);
  const s = createUpdateSession({ clientApplicationId: 'msi-lua native tests' });
  session = s;
  const found = await s.search('IsInstalled=0 and IsHidden=0');
  return { session: s, updates: found.updates };
}

/** Closes the test's session and waits for the agent to see every object released. */
async function closeAndCountLive(): Promise<number | null> {
  await session?.close();
  session = undefined;
  const events = await record.waitFor((e) => e.length > 0 && e[e.length - 1]!.live === 0);
  return events.length ? events[events.length - 1]!.live : null;
}

describeWindows('Windows Update Agent through the scripted agent', () => {
  beforeAll(() => {
    agent.useAgent();
  });

  beforeEach(() => {
    record = agent.startRecord();
  });

  afterEach(async () => {
    await session?.close().catch(() => undefined);
    session = undefined;
  });

  test('search returns every field of every update, and WUA saw the criteria and options', async () => {
    agent.useScenario({
      updates: [
        scenarioUpdate(ID1),
        scenarioUpdate(ID2, {
          msrcSeverity: '',
          type: 2,
          isDownloaded: true,
          isMandatory: true,
          isBeta: true,
          eulaAccepted: false,
          uninstallationBehavior: null,
          kbArticleIds: [],
        }),
      ],
    });
    session = createUpdateSession({ clientApplicationId: 'msi-lua native tests' });
    const result = await session.search("IsInstalled=0 and Type='Software'", { online: false });

    expect(result.resultCode).toBe('succeeded');
    expect(result.updates).toEqual([
      {
        id: ID1,
        revision: 201,
        title: 'Cumulative Update 0001',
        description: `Fixes for ${ID1}`,
        kbArticleIds: ['5011234'],
        securityBulletinIds: ['MS24-001'],
        categories: [
          { id: '0fa1201d-4330-4fa8-8ae9-b877473b6441', name: 'Security Updates', type: 'UpdateClassification' },
          { id: 'a3c2375d-0c8a-42f9-bce0-28333e198407', name: 'Windows 10', type: 'Product' },
        ],
        msrcSeverity: 'Critical',
        minDownloadSize: 1048576,
        maxDownloadSize: 52428800,
        isDownloaded: false,
        isInstalled: false,
        isMandatory: false,
        isHidden: false,
        isBeta: false,
        isUninstallable: true,
        eulaAccepted: true,
        type: 'software',
        installationBehavior: {
          canRequestUserInput: false,
          rebootBehavior: 'canRequestReboot',
          impact: 'normal',
          requiresNetworkConnectivity: false,
        },
        uninstallationBehavior: {
          canRequestUserInput: false,
          rebootBehavior: 'alwaysRequiresReboot',
          impact: 'minor',
          requiresNetworkConnectivity: false,
        },
      },
      {
        id: ID2,
        revision: 201,
        title: 'Cumulative Update 0002',
        description: `Fixes for ${ID2}`,
        kbArticleIds: [],
        securityBulletinIds: ['MS24-001'],
        categories: [
          { id: '0fa1201d-4330-4fa8-8ae9-b877473b6441', name: 'Security Updates', type: 'UpdateClassification' },
          { id: 'a3c2375d-0c8a-42f9-bce0-28333e198407', name: 'Windows 10', type: 'Product' },
        ],
        msrcSeverity: null,
        minDownloadSize: 1048576,
        maxDownloadSize: 52428800,
        isDownloaded: true,
        isInstalled: false,
        isMandatory: true,
        isHidden: false,
        isBeta: true,
        isUninstallable: true,
        eulaAccepted: false,
        type: 'driver',
        installationBehavior: {
          canRequestUserInput: false,
          rebootBehavior: 'canRequestReboot',
          impact: 'normal',
          requiresNetworkConnectivity: false,
        },
        uninstallationBehavior: null,
      },
    ]);

    const [begin] = record.named('BeginSearch');
    expect(begin).toMatchObject({ criteria: "IsInstalled=0 and Type='Software'", online: false, onlineSet: true, serverSelection: 0 });
    expect(record.named('put_ClientApplicationID')[0]).toMatchObject({ value: 'msi-lua native tests' });
    expect(record.named('Search')).toHaveLength(0); // the synchronous call is never used
    expect(record.named('CleanUp')[0]).toMatchObject({ job: 'search' });
  });

  test('search passes serviceId with serverSelection others', async () => {
    agent.useScenario({ updates: [] });
    session = createUpdateSession();
    const result = await session.search('IsInstalled=1', { serviceId: '7971f918-a847-4430-9279-4a52d1efe18d' });
    expect(result).toEqual({ resultCode: 'succeeded', updates: [], warnings: [] });
    expect(record.named('BeginSearch')[0]).toMatchObject({
      serverSelection: 3,
      serviceId: '7971f918-a847-4430-9279-4a52d1efe18d',
      onlineSet: false,
    });
    expect(record.named('put_ClientApplicationID')[0]).toMatchObject({ value: 'msi-lua' });
  });

  test('ISearchResult::Warnings: each IUpdateException by name, with its typed error; all released', async () => {
    agent.useScenario({
      updates: [scenarioUpdate(ID1)],
      search: {
        resultCode: 3,
        warnings: [
          { hresult: 0x8024402f, message: 'Métadonnées incomplètes — 更新', context: 4 },
          { hresult: 0, message: '', context: 2 },
          { hresult: 0x80244022, message: 'x', context: 9 },
        ],
      },
    });
    session = createUpdateSession();
    const result = await session.search('IsInstalled=0');
    expect(result.resultCode).toBe('succeededWithErrors');
    expect(result.updates.map((u) => u.id)).toEqual([ID1]);
    expect(result.warnings).toMatchObject([
      {
        hresult: 0x8024402f,
        message: 'Métadonnées incomplètes — 更新',
        context: 'searchIncomplete',
        error: { code: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS', syscall: 'IUpdateException::get_HResult' },
      },
      { hresult: 0, message: '', context: 'windowsDriver' },
      { hresult: 0x80244022, context: 'unknown', rawContext: 9, error: { code: 'WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL' } },
    ]);
    expect(result.warnings![1]).not.toHaveProperty('error');
    expect(await closeAndCountLive()).toBe(0);
  });

  test('get_Warnings fails: the search still resolves, its warnings unknown (null) with the HRESULT', async () => {
    agent.useScenario({ updates: [scenarioUpdate(ID1)], search: { warningsHresult: 0x80004001 } });
    session = createUpdateSession();
    const result = await session.search('IsInstalled=0');
    expect(result).toMatchObject({ resultCode: 'succeeded', warnings: null, warningsHresult: 0x80004001 });
    expect(result.updates).toHaveLength(1);
  });

  test('a search that ends failed rejects with the typed error of its warning, the result on the error', async () => {
    agent.useScenario({
      updates: [],
      search: { resultCode: 4, warnings: [{ hresult: 0x8024402c, message: 'proxy name not resolved', context: 1 }] },
    });
    session = createUpdateSession();
    const error = (await session.search('IsInstalled=0').catch((e: unknown) => e)) as Error & { result?: unknown };
    expect(error).toMatchObject({
      code: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED',
      hresult: 0x8024402c,
      syscall: 'IUpdateException::get_HResult',
    });
    expect(error.result).toMatchObject({ resultCode: 'failed', updates: [], warnings: [{ message: 'proxy name not resolved' }] });
  });

  test('download: results per update and progress with bytes, in order', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1, { maxDownloadSize: 4000 }), scenarioUpdate(ID2, { maxDownloadSize: 8000 })],
      download: { stepMs: 5, stepsPerUpdate: 2 },
    });
    const events: ProgressEvent[] = [];
    const result = await s.download(updates, { priority: 'high', onProgress: (e) => events.push(e) });

    expect(result).toEqual({
      resultCode: 'succeeded',
      hresult: 0,
      updates: [
        { id: ID1, title: 'Cumulative Update 0001', resultCode: 'succeeded', hresult: 0 },
        { id: ID2, title: 'Cumulative Update 0002', resultCode: 'succeeded', hresult: 0 },
      ],
    });
    expect(
      events.map((e) => [e.updateIndex, e.updatePercent, e.percent, e.download?.phase, e.download?.updateBytes, e.download?.totalBytes]),
    ).toEqual([
      [0, 50, 25, 'downloading', 2000, 2000],
      [0, 100, 50, 'verifying', 4000, 4000],
      [1, 50, 75, 'downloading', 4000, 8000],
      [1, 100, 100, 'verifying', 8000, 12000],
    ]);
    expect(events.every((e) => e.operation === 'download' && e.download?.totalBytesTotal === 12000)).toBe(true);
    expect(events[2]!.update).toEqual({ id: ID2, title: 'Cumulative Update 0002' });
    expect(record.named('BeginDownload')[0]).toMatchObject({ updates: [ID1, ID2], priority: 3 });
    // WUA now reports them as downloaded.
    const again = await s.search('IsInstalled=0');
    expect(again.updates.map((u) => u.isDownloaded)).toEqual([true, true]);
  });

  test('install: overall and per-update results, reboot flags, options as WUA saw them', async () => {
    const { session: s, updates } = await openWith({
      updates: [
        scenarioUpdate(ID1, { install: { resultCode: 2, hresult: 0, rebootRequired: true } }),
        scenarioUpdate(ID2, { eulaAccepted: false }),
      ],
      install: { stepMs: 5, stepsPerUpdate: 2, rebootRequiredBeforeInstallation: true },
    });
    const result = await s.install([updates[0]!, ID2], { forceQuiet: true, allowSourcePrompts: false, acceptEulas: true });

    expect(result).toEqual<InstallResult>({
      resultCode: 'succeeded',
      hresult: 0,
      rebootRequired: true,
      rebootRequiredBeforeInstallation: true,
      eulasAccepted: [ID2],
      updates: [
        { id: ID1, title: 'Cumulative Update 0001', resultCode: 'succeeded', hresult: 0, rebootRequired: true },
        { id: ID2, title: 'Cumulative Update 0002', resultCode: 'succeeded', hresult: 0, rebootRequired: false },
      ],
    });
    expect(record.named('AcceptEula').map((e) => e.update)).toEqual([ID2]);
    expect(record.named('BeginInstall')[0]).toMatchObject({ updates: [ID1, ID2], forceQuiet: true, allowSourcePrompts: false });
    expect(record.named('EndInstall')).toHaveLength(1);
    expect(record.named('CleanUp').map((e) => e.job)).toEqual(['search', 'install']);
    expect(record.named('Install')).toHaveLength(0);
  });

  test('uninstall goes through BeginUninstall/EndUninstall', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID3, { isInstalled: true, uninstall: { resultCode: 2, rebootRequired: true } })],
      uninstall: { stepMs: 5, stepsPerUpdate: 1 },
    });
    const result = await s.uninstall(updates);
    expect(result.resultCode).toBe('succeeded');
    expect(result.updates).toEqual([
      { id: ID3, title: 'Cumulative Update 0003', resultCode: 'succeeded', hresult: 0, rebootRequired: true },
    ]);
    expect(record.named('BeginUninstall')[0]).toMatchObject({ updates: [ID3] });
    expect(record.named('EndUninstall')).toHaveLength(1);
  });

  test('one update fails with WU_E_INSTALL_NOT_ALLOWED while the others succeed', async () => {
    const { session: s, updates } = await openWith({
      updates: [
        scenarioUpdate(ID1),
        scenarioUpdate(ID2, { install: { resultCode: 4, hresult: WU_E_INSTALL_NOT_ALLOWED } }),
        scenarioUpdate(ID3),
      ],
      install: { stepMs: 2, stepsPerUpdate: 1 },
    });
    const result = await s.install(updates);

    expect(result.resultCode).toBe('succeededWithErrors');
    expect(result.updates.map((u) => [u.id, u.resultCode, u.hresult])).toEqual([
      [ID1, 'succeeded', 0],
      [ID2, 'failed', WU_E_INSTALL_NOT_ALLOWED],
      [ID3, 'succeeded', 0],
    ]);
    const failed = result.updates[1]!;
    expect(failed.error).toBeInstanceOf(InstallNotAllowedError);
    expect(failed.error).toMatchObject({
      code: 'WU_E_INSTALL_NOT_ALLOWED',
      hresult: WU_E_INSTALL_NOT_ALLOWED,
      syscall: 'IUpdateInstallationResult::get_HResult',
    });
    expect(result.updates[0]!.error).toBeUndefined();
    expect(result.updates[2]!.error).toBeUndefined();
  });

  test('WUA answers BeginInstall with 0x80240020: NoInteractiveUserError naming the updates that need a user', async () => {
    // Under Wine the interactive context is unknown, so the preflight lets WUA decide.
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1), interactiveUpdate()],
      install: { beginHresult: WU_E_NO_INTERACTIVE_USER },
    });
    const error = await s.install(updates).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoInteractiveUserError);
    expect(error).toMatchObject({
      code: 'WU_E_NO_INTERACTIVE_USER',
      hresult: WU_E_NO_INTERACTIVE_USER,
      syscall: 'IUpdateInstaller::BeginInstall',
      updates: [{ id: INTERACTIVE, title: 'Driver setup that shows a dialog' }],
    });
    expect(record.named('BeginInstall')[0]).toMatchObject({ hresult: WU_E_NO_INTERACTIVE_USER });
  });

  test('WUA reports the whole installation failed with 0x80240020: the same typed error', async () => {
    const { session: s, updates } = await openWith({
      updates: [interactiveUpdate()],
      install: { stepMs: 2, stepsPerUpdate: 1, resultCode: 4, hresult: WU_E_NO_INTERACTIVE_USER },
    });
    const error = (await s.install(updates).catch((e: unknown) => e)) as NoInteractiveUserError & { result?: InstallResult };
    expect(error).toBeInstanceOf(NoInteractiveUserError);
    expect(error.syscall).toBe('IInstallationResult::get_HResult');
    expect(error.updates).toEqual([{ id: INTERACTIVE, title: 'Driver setup that shows a dialog' }]);
    expect(error.result?.resultCode).toBe('failed');
  });

  describe('the Run As preflight with injected context facts', () => {
    const runAsFacts = (): NativeTokenFacts => ({
      sessionId: 1,
      elevated: false,
      elevationType: 1,
      userSid: 'S-1-5-21-1-2-3-1005',
      logonSid: 'S-1-5-5-0-999',
      groupSids: ['S-1-1-0', 'S-1-5-4', 'S-1-5-11', 'S-1-5-5-0-999'],
      windowStation: 'WinSta0',
      windowStationUserSid: 'S-1-5-5-0-123',
      inputDesktopUserSid: 'S-1-5-5-0-123',
      shellProcessId: 4242,
      shellUserSid: 'S-1-5-21-1-2-3-1001',
      failures: {},
    });

    let previous: ReturnType<typeof getBinding>;
    beforeEach(() => {
      previous = getBinding();
      setNativeBinding({ ...(previous as unknown as Record<string, unknown>), tokenContextFacts: async () => runAsFacts() } as never);
    });
    afterEach(() => {
      setNativeBinding(previous);
    });

    test('refuses before calling WUA and lists the updates that can request input', async () => {
      const { session: s, updates } = await openWith({ updates: [scenarioUpdate(ID1), interactiveUpdate()] });
      const error = await s.install(updates).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoInteractiveUserError);
      expect((error as NoInteractiveUserError).updates).toEqual([{ id: INTERACTIVE, title: 'Driver setup that shows a dialog' }]);
      expect(record.named('BeginInstall')).toHaveLength(0);
    });

    test("userInputUpdates: 'skip' installs the others and reports the skipped ones", async () => {
      const { session: s, updates } = await openWith({
        updates: [scenarioUpdate(ID1), interactiveUpdate(), scenarioUpdate(ID2)],
        install: { stepMs: 2, stepsPerUpdate: 1 },
      });
      const result = await s.install(updates, { userInputUpdates: 'skip' });
      expect(result.resultCode).toBe('succeeded');
      expect(result.updates.map((u) => [u.id, u.resultCode])).toEqual([
        [ID1, 'succeeded'],
        [INTERACTIVE, 'skipped'],
        [ID2, 'succeeded'],
      ]);
      expect(result.updates[1]).toMatchObject({ skippedBecause: 'requiresUserInput', hresult: 0 });
      expect(record.named('BeginInstall')[0]).toMatchObject({ updates: [ID1, ID2] });
    });

    test("userInputUpdates: 'attempt' leaves the decision to WUA", async () => {
      const { session: s, updates } = await openWith({ updates: [interactiveUpdate()], install: { stepMs: 2, stepsPerUpdate: 1 } });
      const result = await s.install(updates, { userInputUpdates: 'attempt' });
      expect(result.resultCode).toBe('succeeded');
      expect(record.named('BeginInstall')).toHaveLength(1);
    });
  });

  test('progress events arrive in order, one per step, ending at 100', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1), scenarioUpdate(ID2)],
      install: { stepMs: 10, stepsPerUpdate: 4 },
    });
    const events: ProgressEvent[] = [];
    await s.install(updates, { onProgress: (e) => events.push(e) });
    expect(events.map((e) => [e.updateIndex, e.updatePercent, e.percent])).toEqual([
      [0, 25, 12],
      [0, 50, 25],
      [0, 75, 37],
      [0, 100, 50],
      [1, 25, 62],
      [1, 50, 75],
      [1, 75, 87],
      [1, 100, 100],
    ]);
    expect(events.map((e) => e.update?.id)).toEqual([ID1, ID1, ID1, ID1, ID2, ID2, ID2, ID2]);
    expect(events.every((e) => e.operation === 'install' && e.download === undefined)).toBe(true);
  });

  test('abort mid-install: RequestAbort reaches WUA and the promise rejects with AbortError within 1 s', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1), scenarioUpdate(ID2)],
      install: { stepMs: 50, stepsPerUpdate: 20, abortDelayMs: 50 },
    });
    const controller = new AbortController();
    let abortedAt = 0;
    const events: ProgressEvent[] = [];
    const error = (await s
      .install(updates, {
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e);
          if (e.percent >= 20 && abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort();
          }
        },
      })
      .catch((e: unknown) => e)) as AbortError & { result?: InstallResult };
    const elapsed = Date.now() - abortedAt;

    expect(error).toBeInstanceOf(AbortError);
    expect(error.name).toBe('AbortError');
    // The scripted agent stops 50 ms after RequestAbort; 1 s is the bound, kept
    // generous because Wine on two shared cores schedules threads coarsely.
    expect(elapsed).toBeLessThan(1000);
    expect(record.named('RequestAbort')).toEqual([expect.objectContaining({ job: 'install' })]);
    expect(error.result?.resultCode).toBe('aborted');
    expect(error.result?.updates.map((u) => u.resultCode)).toEqual(['aborted', 'aborted']);
    expect(Math.max(...events.map((e) => e.percent))).toBeLessThan(100);
  });

  test('abort from the 100% progress callback: the install completed, so it resolves with abortRequested', async () => {
    const { session: s, updates } = await openWith({ updates: [scenarioUpdate(ID1)], install: { stepMs: 10, stepsPerUpdate: 4 } });
    const controller = new AbortController();
    const result = await s.install(updates, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.percent === 100) controller.abort();
      },
    });
    expect(result.resultCode).toBe('succeeded');
    expect(result.updates.map((u) => u.resultCode)).toEqual(['succeeded']);
    expect(result.abortRequested).toBe(true);
    // RequestAbort reaches the agent only when the abort beat the completed callback to the
    // job thread: then its own HRESULT (S_OK) is kept; otherwise it was never called.
    const requested = record.named('RequestAbort').length;
    expect(result.abortHresult).toBe(requested === 1 ? 0 : null);
    const [completed] = await record
      .waitFor((e) => e.some((x) => x.event === 'Completed'))
      .then((e) => e.filter((x) => x.event === 'Completed'));
    expect(completed).toMatchObject({ job: 'install', resultCode: 2 });
  });

  test('the agent ignores RequestAbort: the install completes and resolves with abortRequested and S_OK', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1), scenarioUpdate(ID2)],
      install: { stepMs: 20, stepsPerUpdate: 5, ignoreAbort: true },
    });
    const controller = new AbortController();
    const result = await s.install(updates, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.percent >= 20 && !controller.signal.aborted) controller.abort();
      },
    });
    expect(result).toMatchObject({ resultCode: 'succeeded', abortRequested: true, abortHresult: 0 });
    expect(result.updates.map((u) => u.resultCode)).toEqual(['succeeded', 'succeeded']);
    expect(record.named('RequestAbort')).toEqual([expect.objectContaining({ job: 'install' })]);
  });

  test("RequestAbort fails: the install completes and resolves with RequestAbort's own HRESULT", async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1)],
      install: { stepMs: 20, stepsPerUpdate: 5, requestAbortHresult: 0x8024001e },
    });
    const controller = new AbortController();
    const result = await s.install(updates, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.percent >= 20 && !controller.signal.aborted) controller.abort();
      },
    });
    expect(result).toMatchObject({ resultCode: 'succeeded', abortRequested: true, abortHresult: 0x8024001e });
    expect(record.named('RequestAbort')).toHaveLength(1);
  });

  test('an OperationResultCode outside the documented values is reported raw with the rest of the result', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1, { install: { resultCode: 7, hresult: 0, rebootRequired: true } }), scenarioUpdate(ID2)],
      install: { stepMs: 2, stepsPerUpdate: 1, resultCode: 42 },
    });
    const result = await s.install(updates);
    expect(result).toMatchObject({ resultCode: 'unknown', rawResultCode: 42, rebootRequired: true });
    expect(result.updates.map((u) => [u.id, u.resultCode, u.rawResultCode])).toEqual([
      [ID1, 'unknown', 7],
      [ID2, 'succeeded', undefined],
    ]);
  });

  test('an already aborted signal rejects without calling WUA', async () => {
    const { session: s, updates } = await openWith({ updates: [scenarioUpdate(ID1)] });
    await expect(s.install(updates, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(record.named('BeginInstall')).toHaveLength(0);
  });

  test('abort during a search: RequestAbort on the search job, AbortError', async () => {
    agent.useScenario({ updates: [scenarioUpdate(ID1)], search: { delayMs: 20_000 } });
    session = createUpdateSession();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(session.search('IsInstalled=0', { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(record.named('RequestAbort')).toEqual([expect.objectContaining({ job: 'search' })]);
  });

  test('an aborted search rejects with AbortError carrying its warnings; every object released', async () => {
    const warnings = [{ hresult: 0x8024402f, message: 'one catalog not read', context: 4 }];
    agent.useScenario({ updates: [scenarioUpdate(ID1)], search: { delayMs: 20_000, warnings } });
    session = createUpdateSession();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = (await session.search('IsInstalled=0', { signal: controller.signal }).catch((e: unknown) => e)) as AbortError & {
      result?: unknown;
    };
    expect(error).toBeInstanceOf(AbortError);
    expect(error.result).toMatchObject({
      resultCode: 'aborted',
      abortRequested: true,
      abortHresult: 0,
      warnings: [{ message: 'one catalog not read', context: 'searchIncomplete' }],
    });
    expect(await closeAndCountLive()).toBe(0);
  });

  test('a search WUA runs to its end despite RequestAbort resolves with abortHresult and its warnings', async () => {
    const warnings = [{ hresult: 0x8024402f, message: 'one catalog not read', context: 4 }];
    for (const requestAbortHresult of [0, 0x80004005]) {
      record = agent.startRecord();
      agent.useScenario({
        updates: [scenarioUpdate(ID1)],
        search: { delayMs: 600, ignoreAbort: true, requestAbortHresult, resultCode: 3, warnings },
      });
      session = createUpdateSession();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const result = await session.search('IsInstalled=0', { signal: controller.signal });
      expect(result).toMatchObject({
        resultCode: 'succeededWithErrors',
        abortRequested: true,
        abortHresult: requestAbortHresult,
        updates: [{ id: ID1 }],
        warnings: [{ hresult: 0x8024402f, message: 'one catalog not read' }],
      });
      expect(await closeAndCountLive()).toBe(0);
    }
  });

  test('a search WUA ends failed after RequestAbort: AbortError for a cancellation, else the typed error', async () => {
    for (const [hresult, name] of [
      [0x8024000b, 'AbortError'], // WU_E_CALL_CANCELLED
      [0x8024402c, 'WindowsUpdateError'], // WU_E_PT_WINHTTP_NAME_NOT_RESOLVED
    ] as const) {
      record = agent.startRecord();
      agent.useScenario({
        updates: [],
        search: { delayMs: 600, ignoreAbort: true, resultCode: 4, warnings: [{ hresult, message: 'stopped', context: 1 }] },
      });
      session = createUpdateSession();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = (await session.search('IsInstalled=0', { signal: controller.signal }).catch((e: unknown) => e)) as Error & {
        result?: unknown;
      };
      expect(error.name).toBe(name);
      expect(error.result).toMatchObject({ resultCode: 'failed', abortRequested: true, warnings: [{ hresult }] });
      expect(record.named('RequestAbort')).toHaveLength(1);
      expect(await closeAndCountLive()).toBe(0);
    }
  });

  test('an onProgress that throws aborts the job and its error comes back', async () => {
    const { session: s, updates } = await openWith({ updates: [scenarioUpdate(ID1)], install: { stepMs: 20, stepsPerUpdate: 10 } });
    const boom = new Error('progress handler failed');
    await expect(
      s.install(updates, {
        onProgress: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(record.named('RequestAbort')).toHaveLength(1);
  });

  test('an onProgress that throws at 100%: the update was installed, so the install resolves with the error', async () => {
    // finishMs: the agent waits (up to 10 s, ended by the abort) before completing, so the
    // abort from the 100% callback reaches it however late JavaScript runs on a loaded machine.
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1)],
      install: { stepMs: 20, stepsPerUpdate: 2, finishMs: 10_000 },
    });
    const boom = new Error('progress handler failed at 100%');
    const result = await s.install(updates, {
      onProgress: (e) => {
        if (e.percent === 100) throw boom;
      },
    });
    expect(result).toMatchObject({ resultCode: 'succeeded', abortRequested: true, abortHresult: 0, progressError: boom });
    expect(record.named('RequestAbort')).toHaveLength(1);
    // The agent's datastore agrees: the update is installed.
    expect((await s.search('IsInstalled=1')).updates.map((u) => [u.id, u.isInstalled])).toEqual([[ID1, true]]);
  });

  test('an abort WUA ignores, then a failing EndInstall: the typed failure, not AbortError', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1)],
      install: { stepMs: 20, stepsPerUpdate: 4, ignoreAbort: true, endHresult: 0x80240022 },
    });
    const controller = new AbortController();
    const error = await s.install(updates, { signal: controller.signal, onProgress: () => controller.abort() }).catch((e: unknown) => e);
    expect(record.named('RequestAbort')).toHaveLength(1);
    expect(error).not.toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ code: 'WU_E_ALL_UPDATES_FAILED', syscall: 'IUpdateInstaller::EndInstall' });
  });

  test('a second concurrent install gets the busy error by name', async () => {
    const { session: s, updates } = await openWith({ updates: [scenarioUpdate(ID1)], install: { stepMs: 20, stepsPerUpdate: 10 } });
    // The second starts once the first reports progress, i.e. while WUA is installing.
    let second: Promise<unknown> | undefined;
    let busyDuring: Promise<boolean> | undefined;
    const first = s.install(updates, {
      onProgress: () => {
        busyDuring ??= s.isInstallerBusy();
        second ??= s.install(updates).catch((e: unknown) => e);
      },
    });
    await first;
    expect(await busyDuring).toBe(true);
    expect(await s.isInstallerBusy()).toBe(false);
    const busy = await second;
    expect(busy).toBeInstanceOf(UpdateInstallerBusyError);
    expect(busy).toMatchObject({ code: 'WU_E_OPERATIONINPROGRESS', syscall: 'IUpdateInstaller::BeginInstall' });
    await expect(first).resolves.toMatchObject({ resultCode: 'succeeded' });
    expect(record.named('BeginInstall').map((e) => e.busy === true)).toEqual([false, true]);
  });

  test('an installer another client keeps busy: IsBusy says so and install gets the busy error', async () => {
    const { session: s, updates } = await openWith({ updates: [scenarioUpdate(ID1)], install: { busy: true } });
    expect(await s.isInstallerBusy()).toBe(true);
    await expect(s.install(updates)).rejects.toBeInstanceOf(UpdateInstallerBusyError);
    expect(record.named('BeginInstall')[0]).toMatchObject({ busy: true, hresult: 0x80240009 });
  });

  test('close() right after isInstallerBusy() waits for it: the query answers, never E_ABORT', async () => {
    // Before the fix close() did not wait, released the session first, and the query rejected
    // with E_ABORT (an AbortError nobody asked for): 1 run in 5 under Wine.
    const outcomes: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      const { session: s } = await openWith({ updates: [scenarioUpdate(ID1)] });
      const busy = s.isInstallerBusy().catch((e: unknown) => e);
      await s.close();
      outcomes.push(await busy);
    }
    expect(outcomes).toEqual(new Array(10).fill(false));
  });

  test('every COM object is released at the end', async () => {
    const { session: s, updates } = await openWith({
      updates: [scenarioUpdate(ID1), scenarioUpdate(ID2)],
      download: { stepMs: 2, stepsPerUpdate: 2 },
      install: { stepMs: 2, stepsPerUpdate: 2 },
    });
    await s.download(updates, { onProgress: () => undefined });
    await s.install(updates, { onProgress: () => undefined });
    // The session still holds the session object and the updates its search found.
    const held = await record.waitFor(
      (e) => e.some((x) => x.event === 'Completed') && e[e.length - 1]!.liveByKind === 'Update:2,UpdateSession:1',
    );
    expect(held[held.length - 1]!.liveByKind).toBe('Update:2,UpdateSession:1');

    expect(await closeAndCountLive()).toBe(0);
    const events = record.events();
    expect(events[events.length - 1]).toMatchObject({ event: 'allReleased', live: 0, liveByKind: '' });
  });

  test('updates not found by this session are refused before any native call', async () => {
    const { session: s } = await openWith({ updates: [scenarioUpdate(ID1)] });
    await expect(s.install([ID3])).rejects.toThrow(TypeError);
    await expect(s.install([ID3])).rejects.toThrow(/"updates".*no search of this session/);
    expect(record.named('BeginInstall')).toHaveLength(0);
  });
});
