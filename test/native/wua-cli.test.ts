// `msi-lua updates ...` through the scripted agent: each subcommand's text and JSON output
// and its exit code, run in-process (runCli) under Windows node.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli as runCommand } from '../support/run-cli';
import { UpdatesExitCode } from '../../lib/cli/exit-codes';
import { getBinding, setNativeBinding } from '../../lib/native/load';
import type { NativeTokenFacts } from '../../lib/native/binding';
import * as agent from '../agent/harness';

jest.setTimeout(60_000);

const describeWindows = process.platform === 'win32' && (agent.isWine() || agent.agentBuilt()) ? describe : describe.skip;

const ID1 = '8b1c2d3e-0001-4a5b-9c8d-0123456789ab';
const ID2 = '8b1c2d3e-0002-4a5b-9c8d-0123456789ab';
const UI = '8b1c2d3e-0003-4a5b-9c8d-0123456789ab';

function update(id: string, kb: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    title: `Cumulative Update KB${kb}`,
    kbArticleIds: [kb],
    maxDownloadSize: 2 * 1048576,
    installationBehavior: { canRequestUserInput: false, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
    ...extra,
  };
}

/** `msi-lua updates ...argv`, in-process: exit code, standard output as text, standard error. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await runCommand('updates', ...argv);
  return { code: run.code, stdout: run.text, stderr: run.stderr };
}

const tokenFacts = (groups: string[], runAs: boolean): NativeTokenFacts => ({
  sessionId: 1,
  elevated: false,
  elevationType: 1,
  userSid: 'S-1-5-21-1-2-3-1005',
  logonSid: 'S-1-5-5-0-999',
  groupSids: groups,
  windowStation: 'WinSta0',
  windowStationUserSid: runAs ? 'S-1-5-5-0-123' : 'S-1-5-5-0-999',
  inputDesktopUserSid: runAs ? 'S-1-5-5-0-123' : 'S-1-5-5-0-999',
  shellProcessId: 4242,
  shellUserSid: runAs ? 'S-1-5-21-1-2-3-1001' : 'S-1-5-21-1-2-3-1005',
  failures: {},
});

describeWindows('msi-lua updates through the scripted agent', () => {
  beforeAll(() => {
    agent.useAgent();
  });
  let record: agent.AgentRecord;
  beforeEach(() => {
    record = agent.startRecord({ releases: false });
  });

  test('search: aligned text, and one JSON document with --json', async () => {
    agent.useScenario({
      updates: [
        update(ID1, '5034441', { isDownloaded: true }),
        update(ID2, '5034123', { installationBehavior: { canRequestUserInput: true } }),
      ],
    });
    const text = await cli('search');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^KB\s+Update id\s+Size\s+Flags\s+Title$/);
    expect(lines[2]).toMatch(new RegExp(`^KB5034441\\s+${ID1}\\s+2\\.0 MB\\s+D\\s+Cumulative Update KB5034441$`));
    expect(lines[3]).toMatch(new RegExp(`^KB5034123\\s+${ID2}\\s+2\\.0 MB\\s+U\\s+Cumulative Update KB5034123$`));
    expect(record.named('BeginSearch')[0]).toMatchObject({ criteria: 'IsInstalled=0 and IsHidden=0' });

    const json = await cli('search', 'IsInstalled=0', '--offline', '--json');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { resultCode: string; updates: Array<{ id: string }> };
    expect(doc.resultCode).toBe('succeeded');
    expect(doc.updates.map((u) => u.id)).toEqual([ID1, ID2]);
    expect(record.named('BeginSearch')[1]).toMatchObject({ criteria: 'IsInstalled=0', online: false, onlineSet: true });
  });

  test('install by KB: progress as JSON lines on stderr, the result on stdout, exit 20 when a reboot is required', async () => {
    agent.useScenario({
      updates: [update(ID1, '5034441', { install: { resultCode: 2, rebootRequired: true } }), update(ID2, '5034123')],
      install: { stepMs: 2, stepsPerUpdate: 2 },
    });
    const run = await cli('install', 'KB5034441', '--json', '--force-quiet');
    expect(run.code).toBe(UpdatesExitCode.REBOOT_REQUIRED);
    const doc = JSON.parse(run.stdout) as { resultCode: string; rebootRequired: boolean; updates: Array<{ id: string }> };
    expect(doc).toMatchObject({ resultCode: 'succeeded', rebootRequired: true });
    expect(doc.updates.map((u) => u.id)).toEqual([ID1]);
    const progress = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; percent: number; operation: string });
    expect(progress.map((p) => [p.event, p.operation, p.percent])).toEqual([
      ['progress', 'install', 50],
      ['progress', 'install', 100],
    ]);
    expect(record.named('BeginInstall')[0]).toMatchObject({ updates: [ID1], forceQuiet: true });
  });

  test('install: text output and exit 21 when an update fails; 0 when all succeed without reboot', async () => {
    agent.useScenario({
      updates: [update(ID1, '5034441'), update(ID2, '5034123', { install: { resultCode: 4, hresult: 0x80240016 } })],
      install: { stepMs: 1, stepsPerUpdate: 1 },
    });
    const failed = await cli('install', ID1, 'KB5034123');
    expect(failed.code).toBe(UpdatesExitCode.SOME_FAILED);
    expect(failed.stdout).toMatch(/Cumulative Update KB5034441\s+succeeded/);
    expect(failed.stdout).toMatch(/Cumulative Update KB5034123\s+failed\s+0x80240016/);
    expect(failed.stdout).toMatch(/^Overall: succeededWithErrors$/m);

    agent.useScenario({ updates: [update(ID1, '5034441')], install: { stepMs: 1, stepsPerUpdate: 1 } });
    await expect(cli('install', ID1)).resolves.toMatchObject({ code: 0 });
  });

  test('a search WUA ended "aborted" by itself: exit 25 and nothing installed, with its warnings first', async () => {
    agent.useScenario({
      updates: [update(ID1, '5034441')],
      search: { resultCode: 5, warnings: [{ hresult: 0x8024001e, message: 'service stopping', context: 1 }] },
    });
    const run = await cli('install', 'KB5034441');
    expect(run.code).toBe(UpdatesExitCode.WUA_ERROR);
    expect(run.stderr.split('\n')).toEqual([
      'msi-lua updates install: search warning (general): service stopping [0x8024001E WU_E_SERVICE_STOP]',
      'msi-lua updates install: Windows Update ended the search as "aborted" without being asked to stop: its list of updates is incomplete',
      '',
    ]);
    expect(record.named('BeginInstall')).toHaveLength(0);
  });

  test('an id or KB no search found: exit 24, nothing installed', async () => {
    agent.useScenario({ updates: [update(ID1, '5034441')] });
    const run = await cli('install', 'KB999999', '--json');
    expect(run.code).toBe(UpdatesExitCode.NO_MATCH);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { name: 'NoMatch', missing: ['KB999999'] } });
    expect(record.named('BeginInstall')).toHaveLength(0);
    await expect(cli('install', 'not-an-update')).resolves.toMatchObject({ code: 2 });
  });

  test('WUA failing as a whole: exit 25 with the typed error as JSON', async () => {
    agent.useScenario({ search: { beginHresult: 0x80070422 } });
    const run = await cli('search', '--json');
    expect(run.code).toBe(UpdatesExitCode.WUA_ERROR);
    expect(JSON.parse(run.stdout)).toEqual({
      error: expect.objectContaining({
        code: 'ERROR_SERVICE_DISABLED',
        hresult: 0x80070422,
        hresultHex: '0x80070422',
        syscall: 'IUpdateSearcher::BeginSearch',
      }),
    });
    const text = await cli('search');
    expect(text.code).toBe(UpdatesExitCode.WUA_ERROR);
    expect(text.stderr).toMatch(/^msi-lua updates search: ERROR_SERVICE_DISABLED/);
  });

  describe('with injected token facts', () => {
    let previous: ReturnType<typeof getBinding>;
    function inject(facts: NativeTokenFacts): void {
      setNativeBinding({ ...(previous as unknown as Record<string, unknown>), tokenContextFacts: async () => facts } as never);
    }
    beforeEach(() => {
      previous = getBinding();
    });
    afterEach(() => {
      setNativeBinding(previous);
    });

    test('Run As: exit 22 before WUA is called; --skip-interactive installs the others', async () => {
      inject(tokenFacts(['S-1-1-0', 'S-1-5-4', 'S-1-5-11'], true));
      agent.useScenario({
        updates: [update(ID1, '5034441'), update(UI, '5030000', { installationBehavior: { canRequestUserInput: true } })],
        install: { stepMs: 1, stepsPerUpdate: 1 },
      });
      const refused = await cli('install', 'KB5034441', 'KB5030000');
      expect(refused.code).toBe(UpdatesExitCode.RUN_AS_REFUSED);
      expect(refused.stderr).toMatch(/refused by the Run As rule .*Cumulative Update KB5030000.*--skip-interactive/);
      expect(record.named('BeginInstall')).toHaveLength(0);

      const skipped = await cli('install', 'KB5034441', 'KB5030000', '--skip-interactive', '--json');
      expect(skipped.code).toBe(0);
      const doc = JSON.parse(skipped.stdout) as { updates: Array<{ id: string; resultCode: string }> };
      expect(doc.updates.map((u) => [u.id, u.resultCode])).toEqual([
        [ID1, 'succeeded'],
        [UI, 'skipped'],
      ]);
    });

    test('E_ACCESSDENIED in a network logon: exit 23 naming the scheduled-task workaround; elsewhere 25', async () => {
      agent.useScenario({ updates: [update(ID1, '5034441')], install: { beginHresult: 0x80070005 } });
      inject(tokenFacts(['S-1-1-0', 'S-1-5-2', 'S-1-5-11'], false));
      const remote = await cli('install', 'KB5034441');
      expect(remote.code).toBe(UpdatesExitCode.REMOTE_ACCESS_DENIED);
      expect(remote.stderr).toMatch(/remote \(network logon\) session.*scheduled task/s);

      inject(tokenFacts(['S-1-1-0', 'S-1-5-4', 'S-1-5-11'], false));
      await expect(cli('install', 'KB5034441')).resolves.toMatchObject({ code: UpdatesExitCode.WUA_ERROR });
    });
  });

  test('history: table and JSON page', async () => {
    agent.useScenario({
      history: [
        { operation: 1, resultCode: 2, date: 45363.4375, title: 'First', updateId: ID1 },
        { operation: 2, resultCode: 4, hresult: 0x80240016, date: 45362.5, title: 'Second', updateId: ID2 },
      ],
    });
    const text = await cli('history');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^2024-03-12T10:30:00Z\s+installation\s+succeeded\s+First$/m);
    expect(text.stdout).toMatch(/^2024-03-11T12:00:00Z\s+uninstallation\s+failed\s+0x80240016\s+Second$/m);
    expect(text.stdout).toMatch(/^2 of 2 entries$/m);
    const json = await cli('history', '--count', '1', '--json');
    const doc = JSON.parse(json.stdout) as { total: number; entries: Array<{ title: string; date: string }> };
    expect(doc.total).toBe(2);
    expect(doc.entries).toEqual([expect.objectContaining({ title: 'First', date: '2024-03-12T10:30:00.000Z' })]);
    await expect(cli('history', '--count', 'many')).resolves.toMatchObject({ code: 2 });
  });

  test('reboot-status: exit 20 when WUA says a reboot is required, 0 otherwise', async () => {
    agent.useScenario({ reboot: { required: true } });
    const pending = await cli('reboot-status');
    expect(pending.code).toBe(UpdatesExitCode.REBOOT_REQUIRED);
    expect(pending.stdout).toMatch(/^wua\s+yes\s+ISystemInformation::RebootRequired$/m);
    agent.useScenario({ reboot: { required: false } });
    const clean = await cli('reboot-status', '--json');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ rebootRequired: false, anyPending: false });
  });

  test('hide and unhide', async () => {
    agent.useScenario({ updates: [update(ID1, '5034441')] });
    const hidden = await cli('hide', 'KB5034441', '--json');
    expect(hidden.code).toBe(0);
    expect(JSON.parse(hidden.stdout)).toEqual([{ id: ID1, title: 'Cumulative Update KB5034441', hresult: 0, isHidden: true }]);
    expect(record.named('put_IsHidden')).toEqual([expect.objectContaining({ update: ID1, value: true })]);
  });

  test('services, settings and agent', async () => {
    agent.useScenario({
      services: [
        { name: 'Microsoft Update', serviceId: '7971f918-a847-4430-9279-4a52d1efe18d', isRegisteredWithAU: true, isDefaultAUService: true },
      ],
      automaticUpdates: { serviceEnabled: true, notificationLevel: 4 },
      agentInfo: { apiMajorVersion: 8, apiMinorVersion: 2, productVersionString: '10.0.19041.3570' },
    });
    const services = await cli('services');
    expect(services.code).toBe(0);
    expect(services.stdout).toMatch(/^Microsoft Update\s+7971f918-a847-4430-9279-4a52d1efe18d\s+yes\s+yes\s+no\s+no$/m);
    const settings = await cli('settings');
    expect(settings.stdout).toMatch(/^Notification level\s+scheduledInstallation$/m);
    expect(settings.stdout).toMatch(/^Policy WUServer\s+not set$/m);
    const info = await cli('agent', '--json');
    expect(JSON.parse(info.stdout)).toEqual({ apiMajorVersion: 8, apiMinorVersion: 2, productVersionString: '10.0.19041.3570' });
    const text = await cli('agent');
    expect(text.stdout).toMatch(/^API version\s+8\.2$/m);
  });

  test('offline scan: services add-scan-package, search --service-id, services remove; last-results', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-cli-scan-'));
    try {
      const cab = path.join(dir, 'wsusscn2.cab');
      fs.writeFileSync(cab, 'MSCF');
      const SCAN = 'a1b2c3d4-0000-4e5f-8a9b-0123456789ab';
      agent.useScenario({
        updates: [update(ID1, '5034441')],
        serviceManager: { scanServiceId: SCAN },
        automaticUpdates: { results: { lastSearchSuccessDate: 45363.4375 } },
      });
      const added = await cli('services', 'add-scan-package', 'Offline Sync Service', cab, '--json');
      expect(added.code).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ name: 'Offline Sync Service', serviceId: SCAN, isScanPackageService: true });
      expect(record.named('AddScanPackageService')).toEqual([expect.objectContaining({ cab, flags: 1 })]);
      const listed = await cli('services');
      expect(listed.stdout).toMatch(new RegExp(`^Offline Sync Service\\s+${SCAN}\\s+no\\s+no\\s+no\\s+yes$`, 'm'));
      const search = await cli('search', '--service-id', SCAN);
      expect(search.code).toBe(0);
      expect(record.named('BeginSearch')[0]).toMatchObject({ serverSelection: 3, serviceId: SCAN });
      await expect(cli('services', 'remove', SCAN)).resolves.toMatchObject({ code: 0, stdout: `removed ${SCAN}\n` });
      const again = await cli('services', 'remove', SCAN, '--json');
      expect(again.code).toBe(UpdatesExitCode.WUA_ERROR);
      expect(JSON.parse(again.stdout)).toMatchObject({ error: { hresult: 0x80248014, syscall: 'IUpdateServiceManager::RemoveService' } });

      const results = await cli('last-results');
      expect(results.code).toBe(0);
      expect(results.stdout).toMatch(/^Last search success \(UTC\)\s+2024-03-12T10:30:00Z$/m);
      expect(results.stdout).toMatch(/^Last installation success \(UTC\)\s+never$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
