// Read-only smoke test against the machine's real Windows Update Agent: the Windows
// workflow runs it alone (MSI_LUA_REAL_WUA=1, in a process where the scripted agent was never
// registered). It changes nothing: agent info, history, reboot status, services, settings and
// an offline search of installed updates with a time limit.
import { createUpdateSession, getAgentInfo, getAutomaticUpdatesSettings, getRebootStatus, listServices } from '../../lib/wua';
import * as agent from '../agent/harness';

const SEARCH_LIMIT_MS = 180_000;
jest.setTimeout(SEARCH_LIMIT_MS + 60_000);

const requested = process.env.MSI_LUA_REAL_WUA === '1';
const enabled = process.platform === 'win32' && !agent.isWine() && requested;
const describeReal = enabled ? describe : describe.skip;

// The workflow step that asks for this suite must not go green on a run that skipped it.
if (requested && !enabled) {
  test('MSI_LUA_REAL_WUA=1 asks for the real Windows Update Agent, which this process does not have', () => {
    throw new Error(
      `MSI_LUA_REAL_WUA=1 but ${process.platform === 'win32' ? 'this is Wine' : `the platform is ${process.platform}`}, not Windows`,
    );
  });
}

describeReal("the runner's real Windows Update Agent (read-only)", () => {
  test('getAgentInfo: API version 2 or later and a dotted product version', async () => {
    const info = await getAgentInfo();
    expect(info.apiMajorVersion).toBeGreaterThanOrEqual(2);
    expect(info.productVersionString).toMatch(/^\d+(\.\d+)+$/);
  });

  test('getRebootStatus: WUA answers, and every signal has a source', async () => {
    const status = await getRebootStatus();
    expect(typeof status.rebootRequired).toBe('boolean');
    expect(status.signals).toHaveLength(4);
    for (const signal of status.signals) expect(signal.source.length).toBeGreaterThan(0);
  });

  test('listServices: at least one service, with GUID ids', async () => {
    const services = await listServices();
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) expect(service.serviceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test('getAutomaticUpdatesSettings: a named notification level and the policy values read', async () => {
    const settings = await getAutomaticUpdatesSettings();
    expect(typeof settings.serviceEnabled).toBe('boolean');
    expect(settings.notificationLevel).not.toBe('unknown');
    expect(['absent', 'present', 'wrong-type']).toContain(settings.policy.auOptions.state);
  });

  test('history and an offline search of installed updates', async () => {
    const session = createUpdateSession({ clientApplicationId: 'msi-lua smoke test' });
    try {
      const page = await session.history({ count: 5 });
      expect(page.total).toBeGreaterThanOrEqual(page.entries.length);
      for (const entry of page.entries) expect(['installation', 'uninstallation', 'unknown']).toContain(entry.operation);
      const found = await session.search('IsInstalled=1', { online: false, signal: AbortSignal.timeout(SEARCH_LIMIT_MS) });
      expect(['succeeded', 'succeededWithErrors']).toContain(found.resultCode);
      for (const update of found.updates) expect(update.isInstalled).toBe(true);
      // Windows answers ISearchResult::Warnings (Wine's stub does not get this far).
      expect(Array.isArray(found.warnings)).toBe(true);
      for (const warning of found.warnings ?? []) expect(warning.context).not.toBe('unknown');
    } finally {
      await session.close();
    }
  });
});
