// Windows Update beyond search and install (issue 15), field by field through the scripted
// agent (test/agent), and against Wine's own stub wuapi.dll.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AccessDeniedError, NotImplementedError, MsiLuaError, SignatureError } from '../../lib/errors';
import {
  MICROSOFT_UPDATE_SERVICE_ID,
  addScanPackageService,
  addService,
  createUpdateSession,
  getAgentInfo,
  getAutomaticUpdatesResults,
  getAutomaticUpdatesSettings,
  getRebootStatus,
  listServices,
  removeService,
  type UpdateSession,
} from '../../lib/wua';
import * as agent from '../agent/harness';

jest.setTimeout(60_000);

const describeWindows = process.platform === 'win32' && (agent.isWine() || agent.agentBuilt()) ? describe : describe.skip;
const describeWine = agent.isWine() ? describe : describe.skip;

const ID1 = '7a1b2c3d-0001-4a5b-9c8d-0123456789ab';
const ID2 = '7a1b2c3d-0002-4a5b-9c8d-0123456789ab';
// 2024-03-12T10:30:00Z as an OLE Automation DATE: 45363 days + 10.5 h.
const MARCH_12 = 45363 + 10.5 / 24;

function update(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    title: `Update ${id.slice(9, 13)}`,
    installationBehavior: { canRequestUserInput: false, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
    ...extra,
  };
}

let session: UpdateSession | undefined;
let record: agent.AgentRecord;

describeWindows('issue 15 calls through the scripted agent', () => {
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

  test('getAgentInfo: IWindowsUpdateAgentInfo::GetInfo, each field', async () => {
    agent.useScenario({ agentInfo: { apiMajorVersion: 8, apiMinorVersion: 2, productVersionString: '10.0.19041.3570' } });
    await expect(getAgentInfo()).resolves.toEqual({ apiMajorVersion: 8, apiMinorVersion: 2, productVersionString: '10.0.19041.3570' });
    expect(record.named('GetInfo').map((e) => e.name)).toEqual(['ApiMajorVersion', 'ApiMinorVersion', 'ProductVersionString']);
  });

  test('getAgentInfo: an agent failure is a typed error', async () => {
    agent.useScenario({ agentInfo: { hresult: 0x80070422 } });
    await expect(getAgentInfo()).rejects.toMatchObject({ code: 'ERROR_SERVICE_DISABLED', syscall: 'IWindowsUpdateAgentInfo::GetInfo' });
  });

  test.each([true, false])(
    'getRebootStatus: ISystemInformation::RebootRequired %s, and each registry signal with its source',
    async (required) => {
      agent.useScenario({ reboot: { required } });
      const status = await getRebootStatus();
      expect(status.rebootRequired).toBe(required);
      expect(status.signals.map((s) => [s.name, s.source])).toEqual([
        ['wua', 'ISystemInformation::RebootRequired'],
        ['windowsUpdateKey', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired'],
        ['componentBasedServicing', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending'],
        ['pendingFileRenameOperations', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\PendingFileRenameOperations'],
      ]);
      expect(status.signals[0]!.pending).toBe(required);
      // The Wine prefix holds none of the registry signals: each was read and is false.
      expect(status.signals.slice(1).map((s) => s.pending)).toEqual([false, false, false]);
      expect(status.anyPending).toBe(required);
    },
  );

  test('listServices, addService (AddService2 flags) and removeService change what the agent lists', async () => {
    agent.useScenario({
      services: [
        {
          name: 'Windows Update',
          serviceId: '9482F4B4-E343-43B6-B170-9A65BC822C77',
          isManaged: false,
          isRegisteredWithAU: true,
          offersWindowsUpdates: true,
          isScanPackageService: false,
          canRegisterWithAU: true,
          serviceUrl: 'https://update.example/v6/',
          issueDate: MARCH_12,
          isDefaultAUService: true,
        },
      ],
      serviceManager: { name: 'Microsoft Update' },
    });
    const before = await listServices();
    expect(before).toEqual([
      {
        name: 'Windows Update',
        serviceId: '9482f4b4-e343-43b6-b170-9a65bc822c77',
        isDefaultAUService: true,
        isManaged: false,
        isRegisteredWithAU: true,
        offersWindowsUpdates: true,
        isScanPackageService: false,
        canRegisterWithAU: true,
        serviceUrl: 'https://update.example/v6/',
        issueDate: new Date('2024-03-12T10:30:00Z'),
      },
    ]);

    const added = await addService(MICROSOFT_UPDATE_SERVICE_ID, { allowPendingRegistration: true, registerWithAutomaticUpdates: true });
    expect(added).toMatchObject({
      registrationState: 'registered',
      serviceId: MICROSOFT_UPDATE_SERVICE_ID,
      isPendingRegistrationWithAU: false,
    });
    expect(added.service).toMatchObject({ name: 'Microsoft Update', serviceId: MICROSOFT_UPDATE_SERVICE_ID, isRegisteredWithAU: true });
    expect(record.named('AddService2')[0]).toMatchObject({ serviceId: MICROSOFT_UPDATE_SERVICE_ID, flags: 5, cab: '' });
    expect((await listServices()).map((s) => s.serviceId)).toEqual(['9482f4b4-e343-43b6-b170-9a65bc822c77', MICROSOFT_UPDATE_SERVICE_ID]);

    await removeService(`{${MICROSOFT_UPDATE_SERVICE_ID.toUpperCase()}}`);
    expect(record.named('RemoveService')[0]).toMatchObject({ serviceId: MICROSOFT_UPDATE_SERVICE_ID });
    expect((await listServices()).map((s) => s.serviceId)).toEqual(['9482f4b4-e343-43b6-b170-9a65bc822c77']);
    // Removing it again: the agent's WU_E_DS_UNKNOWNSERVICE, typed.
    await expect(removeService(MICROSOFT_UPDATE_SERVICE_ID)).rejects.toMatchObject({
      hresult: 0x80248014,
      syscall: 'IUpdateServiceManager::RemoveService',
    });
  });

  test('addService: access denied is typed; bad ids and options are TypeErrors before any native call', async () => {
    agent.useScenario({ serviceManager: { addHresult: 0x80070005 } });
    await expect(addService(MICROSOFT_UPDATE_SERVICE_ID)).rejects.toMatchObject({
      code: 'E_ACCESSDENIED',
      syscall: 'IUpdateServiceManager2::AddService2',
    });
    await expect(addService('microsoft-update')).rejects.toThrow(TypeError);
    await expect(addService(MICROSOFT_UPDATE_SERVICE_ID, { allowOnlineRegistration: 'yes' as never })).rejects.toThrow(
      /"allowOnlineRegistration"/,
    );
    expect(record.named('AddService2')).toHaveLength(1);
  });

  test('getAutomaticUpdatesSettings: every setting named, read-only, with the policy values type-checked', async () => {
    agent.useScenario({
      automaticUpdates: {
        serviceEnabled: true,
        notificationLevel: 3,
        readOnly: true,
        required: false,
        includeRecommendedUpdates: true,
        nonAdministratorsElevated: false,
        featuredUpdatesEnabled: true,
      },
    });
    const settings = await getAutomaticUpdatesSettings();
    expect(settings).toMatchObject({
      serviceEnabled: true,
      notificationLevel: 'notifyBeforeInstallation',
      notificationLevelValue: 3,
      readOnly: true,
      required: false,
      includeRecommendedUpdates: true,
      nonAdministratorsElevated: false,
      featuredUpdatesEnabled: true,
    });
    expect(settings.policy.wuServer).toEqual({
      value: null,
      state: 'absent',
      registryType: null,
      source: 'HKLM\\Software\\Policies\\Microsoft\\Windows\\WindowsUpdate\\WUServer',
    });
    expect(settings.policy.auOptions.source).toBe('HKLM\\Software\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU\\AUOptions');
    // Nothing was written.
    expect(record.events().filter((e) => /^(put_|Save|EnableService|DetectNow|Pause|Resume)/.test(String(e.event)))).toEqual([]);
  });

  test('getAutomaticUpdatesSettings on an agent with IAutomaticUpdatesSettings only: the newer fields are null', async () => {
    agent.useScenario({ automaticUpdates: { notificationLevel: 9, settingsVersion: 1 } });
    await expect(getAutomaticUpdatesSettings()).resolves.toMatchObject({
      notificationLevel: 'unknown',
      notificationLevelValue: 9,
      includeRecommendedUpdates: null,
      nonAdministratorsElevated: null,
      featuredUpdatesEnabled: null,
    });
  });

  describe('scan package services (AddScanPackageService) for an offline scan', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-scan-'));
    // The agent does not read the cab: WUA's own check of it is scripted (scanHresult).
    const cab = path.join(dir, 'wsusscn2.cab');
    fs.writeFileSync(cab, 'MSCF');
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const SCAN_ID = 'a1b2c3d4-0000-4e5f-8a9b-0123456789ab';
    const windowsUpdate = {
      name: 'Windows Update',
      serviceId: '9482f4b4-e343-43b6-b170-9a65bc822c77',
      isRegisteredWithAU: true,
      offersWindowsUpdates: true,
    };

    test('added, listed, searched with serverSelection others and its id, removed; every COM object released', async () => {
      agent.useScenario({
        services: [windowsUpdate],
        serviceManager: { scanServiceId: SCAN_ID.toUpperCase(), scanIssueDate: MARCH_12 },
        updates: [update(ID1)],
      });
      const service = await addScanPackageService('Offline Sync Service', cab);
      const expected = {
        name: 'Offline Sync Service',
        serviceId: SCAN_ID,
        isDefaultAUService: false,
        isManaged: false,
        isRegisteredWithAU: false,
        offersWindowsUpdates: true,
        isScanPackageService: true,
        canRegisterWithAU: false,
        serviceUrl: '',
        issueDate: new Date('2024-03-12T10:30:00Z'),
      };
      expect(service).toEqual(expected);
      // usoNonVolatileService by default, and the path as given (absolute already).
      expect(record.named('AddScanPackageService')).toEqual([
        expect.objectContaining({ name: 'Offline Sync Service', cab, flags: 1, hresult: 0 }),
      ]);
      // The same shape as listServices gives it.
      const listed = await listServices();
      expect(listed.map((s) => s.serviceId)).toEqual([windowsUpdate.serviceId, SCAN_ID]);
      expect(listed[1]).toEqual(expected);

      session = createUpdateSession();
      await session.search('IsInstalled=0', { serviceId: service.serviceId });
      expect(record.named('BeginSearch')[0]).toMatchObject({ serverSelection: 3, serviceId: SCAN_ID });
      await session.close();
      session = undefined;

      await removeService(service.serviceId);
      expect(record.named('RemoveService')).toEqual([expect.objectContaining({ serviceId: SCAN_ID, hresult: 0 })]);
      expect((await listServices()).map((s) => s.serviceId)).toEqual([windowsUpdate.serviceId]);
      const events = await record.waitFor((e) => e.length > 0 && e[e.length - 1]!.event === 'allReleased');
      expect(events[events.length - 1]).toMatchObject({ event: 'allReleased', live: 0 });
      expect(record.named('VolatileServiceRemoved')).toEqual([]);
    });

    test('nonVolatile: false passes flags 0, and WUA drops the registration when msi-lua releases the service', async () => {
      agent.useScenario({ services: [windowsUpdate], serviceManager: { scanServiceId: SCAN_ID } });
      const service = await addScanPackageService('Volatile', cab, { nonVolatile: false });
      expect(service.isScanPackageService).toBe(true);
      expect(record.named('AddScanPackageService')[0]).toMatchObject({ flags: 0 });
      expect(record.named('VolatileServiceRemoved')).toEqual([expect.objectContaining({ serviceId: SCAN_ID })]);
      expect((await listServices()).map((s) => s.serviceId)).toEqual([windowsUpdate.serviceId]);
    });

    test.each([
      // WinVerifyTrust's answer for a cab that is not a signed scan package.
      ['TRUST_E_NOSIGNATURE', 0x800b0100, SignatureError],
      ['E_ACCESSDENIED', 0x80070005, AccessDeniedError],
    ])('a scripted AddScanPackageService failure is the typed error %s', async (code, hresult, type) => {
      agent.useScenario({ services: [windowsUpdate], serviceManager: { scanHresult: hresult } });
      const failure = addScanPackageService('Offline Sync Service', cab);
      await expect(failure).rejects.toBeInstanceOf(type);
      await expect(failure).rejects.toMatchObject({ code, hresult, syscall: 'IUpdateServiceManager::AddScanPackageService' });
      expect((await listServices()).map((s) => s.serviceId)).toEqual([windowsUpdate.serviceId]);
      const events = await record.waitFor((e) => e.length > 0 && e[e.length - 1]!.event === 'allReleased');
      expect(events[events.length - 1]).toMatchObject({ event: 'allReleased', live: 0 });
    });

    test('bad arguments are TypeErrors naming the argument, before any native call', async () => {
      agent.useScenario({ services: [windowsUpdate] });
      await expect(addScanPackageService('', cab)).rejects.toThrow(/"serviceName"/);
      await expect(addScanPackageService('Name\0x', cab)).rejects.toThrow(/"serviceName" argument must not contain a NUL/);
      await expect(addScanPackageService('Name', `${cab}\0.txt`)).rejects.toThrow(/"scanFileLocation" argument must not contain a NUL/);
      await expect(addScanPackageService('Name', path.join(dir, 'missing.cab'))).rejects.toThrow(/"scanFileLocation".*existing file/);
      await expect(addScanPackageService('Name', dir)).rejects.toThrow(/"scanFileLocation".*existing file/);
      await expect(addScanPackageService('Name', cab, { nonVolatile: 'yes' as never })).rejects.toThrow(/"nonVolatile"/);
      expect(record.named('AddScanPackageService')).toEqual([]);
    });
  });

  describe('getAutomaticUpdatesResults (IAutomaticUpdates2::get_Results)', () => {
    test('VT_DATE dates are UTC Dates; VT_EMPTY is null "never" (reason null); every COM object released', async () => {
      agent.useScenario({ automaticUpdates: { results: { lastSearchSuccessDate: MARCH_12, lastInstallationSuccessDate: null } } });
      await expect(getAutomaticUpdatesResults()).resolves.toEqual({
        lastSearchSuccessDate: new Date('2024-03-12T10:30:00Z'),
        lastInstallationSuccessDate: null,
        reason: null,
      });
      const events = await record.waitFor((e) => e.length > 0 && e[e.length - 1]!.event === 'allReleased');
      expect(events[events.length - 1]).toMatchObject({ event: 'allReleased', live: 0 });
      expect(record.events().filter((e) => /^(put_|Save|EnableService|DetectNow|Pause|Resume)/.test(String(e.event)))).toEqual([]);
    });

    test('an agent without IAutomaticUpdates2: both null with the reason, never a made-up date', async () => {
      agent.useScenario({ automaticUpdates: { version: 1, results: { lastSearchSuccessDate: MARCH_12 } } });
      await expect(getAutomaticUpdatesResults()).resolves.toEqual({
        lastSearchSuccessDate: null,
        lastInstallationSuccessDate: null,
        reason: expect.stringMatching(/no IAutomaticUpdates2/),
      });
    });

    test('a VARIANT of another type is unknown, not "never"', async () => {
      agent.useScenario({
        automaticUpdates: { results: { lastSearchSuccessDate: 'yesterday', lastInstallationSuccessDate: MARCH_12 - 1 } },
      });
      await expect(getAutomaticUpdatesResults()).resolves.toEqual({
        lastSearchSuccessDate: null,
        lastInstallationSuccessDate: new Date('2024-03-11T10:30:00Z'),
        reason: 'LastSearchSuccessDate is a VARIANT of type 8, neither VT_DATE nor VT_EMPTY',
      });
    });

    test('a scripted get_Results failure is the typed error', async () => {
      agent.useScenario({ automaticUpdates: { results: { hresult: 0x80070422 } } });
      await expect(getAutomaticUpdatesResults()).rejects.toMatchObject({
        code: 'ERROR_SERVICE_DISABLED',
        hresult: 0x80070422,
        syscall: 'IAutomaticUpdates2::get_Results',
      });
      const events = await record.waitFor((e) => e.length > 0 && e[e.length - 1]!.event === 'allReleased');
      expect(events[events.length - 1]).toMatchObject({ event: 'allReleased', live: 0 });
    });
  });

  describe('history and hiding on a session', () => {
    const history = Array.from({ length: 5 }, (_, i) => ({
      operation: i === 3 ? 2 : 1,
      resultCode: i === 1 ? 4 : 2,
      hresult: i === 1 ? 0x80240016 : 0,
      date: MARCH_12 - i,
      updateId: `00000000-0000-0000-0000-00000000000${i}`,
      revision: 200 + i,
      title: `History ${i}`,
      description: `Entry ${i}`,
      unmappedResultCode: i === 1 ? 0x643 : 0,
      clientApplicationId: i === 4 ? 'UpdateOrchestrator' : 'msi-lua',
      serverSelection: i === 2 ? 2 : 0,
      serviceId: '9482f4b4-e343-43b6-b170-9a65bc822c77',
      supportUrl: 'https://support.example/help',
      categories: i === 0 ? null : [{ id: 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83', name: 'Updates', type: 'UpdateClassification' }],
    }));

    test('history: every field of a page, the total, and paging by start/count', async () => {
      agent.useScenario({ history });
      session = createUpdateSession();
      const page = await session.history({ start: 0, count: 2 });
      expect(page.total).toBe(5);
      expect(page.start).toBe(0);
      expect(page.entries).toHaveLength(2);
      expect(page.entries[0]).toEqual({
        date: new Date('2024-03-12T10:30:00Z'),
        operation: 'installation',
        resultCode: 'succeeded',
        hresult: 0,
        unmappedResultCode: 0,
        updateId: '00000000-0000-0000-0000-000000000000',
        revision: 200,
        title: 'History 0',
        description: 'Entry 0',
        clientApplicationId: 'msi-lua',
        serverSelection: 'default',
        serviceId: '9482f4b4-e343-43b6-b170-9a65bc822c77',
        supportUrl: 'https://support.example/help',
        categories: null,
      });
      const failed = page.entries[1]!;
      expect(failed).toMatchObject({
        resultCode: 'failed',
        hresult: 0x80240016,
        unmappedResultCode: 0x643,
        date: new Date('2024-03-11T10:30:00Z'),
      });
      expect(failed.error).toBeInstanceOf(MsiLuaError);
      expect(failed.error).toMatchObject({ code: 'WU_E_INSTALL_NOT_ALLOWED', syscall: 'IUpdateHistoryEntry::get_HResult' });
      expect(failed.categories).toEqual([{ id: 'cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83', name: 'Updates', type: 'UpdateClassification' }]);

      const rest = await session.history({ start: 2, count: 10 });
      expect(rest.entries.map((e) => [e.title, e.operation, e.serverSelection, e.clientApplicationId])).toEqual([
        ['History 2', 'installation', 'windowsUpdate', 'msi-lua'],
        ['History 3', 'uninstallation', 'default', 'msi-lua'],
        ['History 4', 'installation', 'default', 'UpdateOrchestrator'],
      ]);
      // Only what exists is asked for.
      expect(record.named('QueryHistory').map((e) => [e.start, e.count])).toEqual([
        [0, 2],
        [2, 3],
      ]);
      await expect(session.history({ start: 9 })).resolves.toEqual({ total: 5, start: 9, entries: [] });
    });

    test('historyEntries pages through the whole history', async () => {
      agent.useScenario({ history });
      session = createUpdateSession();
      const titles: string[] = [];
      for await (const entry of session.historyEntries({ pageSize: 2 })) titles.push(entry.title);
      expect(titles).toEqual(['History 0', 'History 1', 'History 2', 'History 3', 'History 4']);
      expect(record.named('QueryHistory').map((e) => e.start)).toEqual([0, 2, 4]);
    });

    test('history: an agent failure is typed', async () => {
      agent.useScenario({ historyHresult: 0x8024001e });
      session = createUpdateSession();
      await expect(session.history()).rejects.toMatchObject({ hresult: 0x8024001e, syscall: 'IUpdateSearcher::GetTotalHistoryCount' });
    });

    test("setHidden: put_IsHidden per update, read back; a refusal is that update's error", async () => {
      agent.useScenario({ updates: [update(ID1), update(ID2, { hideHresult: 0x80070005 })] });
      session = createUpdateSession();
      const { updates } = await session.search('IsInstalled=0');
      const outcomes = await session.setHidden(updates, true);
      expect(outcomes.map((o) => [o.id, o.hresult, o.isHidden])).toEqual([
        [ID1, 0, true],
        [ID2, 0x80070005, false],
      ]);
      expect(outcomes[0]!.error).toBeUndefined();
      expect(outcomes[1]!.error).toMatchObject({ code: 'E_ACCESSDENIED', syscall: 'IUpdate::put_IsHidden' });
      expect(record.named('put_IsHidden').map((e) => [e.update, e.value])).toEqual([
        [ID1, true],
        [ID2, true],
      ]);
      // A later search sees the new state, as WUA's datastore would.
      const again = await session.search('IsInstalled=0');
      expect(again.updates.map((u) => u.isHidden)).toEqual([true, false]);
      const shown = await session.setHidden([ID1], false);
      expect(shown).toEqual([{ id: ID1, title: 'Update 0001', hresult: 0, isHidden: false }]);
    });

    test('setHidden and history validate before any native call', async () => {
      agent.useScenario({ updates: [update(ID1)] });
      session = createUpdateSession();
      await session.search('IsInstalled=0');
      await expect(session.setHidden([ID1], 'yes' as never)).rejects.toThrow(/"hidden"/);
      await expect(session.setHidden([ID2], true)).rejects.toThrow(/no search of this session/);
      await expect(session.history({ count: -1 })).rejects.toThrow(/"count"/);
      await expect(session.history({ start: 1.5 })).rejects.toThrow(/"start"/);
      expect(record.named('put_IsHidden')).toHaveLength(0);
      expect(record.named('QueryHistory')).toHaveLength(0);
    });
  });
});

describeWine("issue 15 calls against Wine's own stub wuapi.dll", () => {
  beforeAll(() => {
    agent.useWineStub();
  });

  // What Wine 8's wuapi.dll answers, measured: it has no WindowsUpdateAgentInfo or
  // UpdateServiceManager class (its class factory answers CLASS_E_CLASSNOTAVAILABLE for the
  // CLSIDs the harness points at it), stubs IAutomaticUpdates and history with E_NOTIMPL, has no
  // IAutomaticUpdates2, and implements ISystemInformation::RebootRequired as FALSE. Every call
  // settles, typed.
  test('getAgentInfo rejects with CLASS_E_CLASSNOTAVAILABLE (Wine has no WindowsUpdateAgentInfo class)', async () => {
    await expect(getAgentInfo()).rejects.toMatchObject({
      code: 'CLASS_E_CLASSNOTAVAILABLE',
      syscall: 'CoCreateInstance(WindowsUpdateAgentInfo)',
    });
  });

  test('listServices, addService and removeService reject with CLASS_E_CLASSNOTAVAILABLE', async () => {
    for (const call of [
      () => listServices(),
      () => addService(MICROSOFT_UPDATE_SERVICE_ID),
      () => removeService(MICROSOFT_UPDATE_SERVICE_ID),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'CLASS_E_CLASSNOTAVAILABLE', syscall: 'CoCreateInstance(UpdateServiceManager)' });
    }
  });

  // Measured: Wine's AutomaticUpdates object answers E_NOINTERFACE for IAutomaticUpdates2, so
  // the last results are unknown, said so, and no date is invented.
  test('getAutomaticUpdatesResults: Wine has no IAutomaticUpdates2, so both dates are unknown with the reason', async () => {
    await expect(getAutomaticUpdatesResults()).resolves.toEqual({
      lastSearchSuccessDate: null,
      lastInstallationSuccessDate: null,
      reason: expect.stringMatching(/no IAutomaticUpdates2/),
    });
  });

  test('addScanPackageService rejects with CLASS_E_CLASSNOTAVAILABLE (Wine has no UpdateServiceManager class)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-scan-stub-'));
    try {
      const cab = path.join(dir, 'wsusscn2.cab');
      fs.writeFileSync(cab, 'MSCF');
      await expect(addScanPackageService('Offline Sync Service', cab)).rejects.toMatchObject({
        code: 'CLASS_E_CLASSNOTAVAILABLE',
        syscall: 'CoCreateInstance(UpdateServiceManager)',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('getAutomaticUpdatesSettings rejects with NotImplementedError', async () => {
    await expect(getAutomaticUpdatesSettings()).rejects.toBeInstanceOf(NotImplementedError);
  });

  test("getRebootStatus: Wine's ISystemInformation answers false", async () => {
    const status = await getRebootStatus();
    expect(status.rebootRequired).toBe(false);
    expect(status.signals[0]).toEqual({ name: 'wua', source: 'ISystemInformation::RebootRequired', pending: false });
  });

  test('history rejects with NotImplementedError; setHidden has nothing to hide (search is a stub)', async () => {
    const s = createUpdateSession();
    try {
      await expect(s.history()).rejects.toBeInstanceOf(NotImplementedError);
      await expect(s.setHidden([ID1], true)).rejects.toThrow(TypeError);
    } finally {
      await s.close();
    }
  });
});
