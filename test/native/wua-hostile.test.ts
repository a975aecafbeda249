// Hostile strings from the scripted agent (test/agent) through the real COM path: one line per
// warning and per row in `msi-lua updates` (U+2028 and U+2029 included), and the lazy `error`
// of a real result printed by util.inspect like a data property, every COM object released.
import { inspect } from 'node:util';
import { cli as runCommand } from '../support/run-cli';
import { createUpdateSession } from '../../lib/wua';
import * as agent from '../agent/harness';

jest.setTimeout(60_000);

const describeWindows = process.platform === 'win32' && (agent.isWine() || agent.agentBuilt()) ? describe : describe.skip;
const ID1 = '8b1c2d3e-0001-4a5b-9c8d-0123456789ab';
const lines = (text: string): string[] => text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).filter((l) => l !== '');

describeWindows('hostile strings from the scripted agent', () => {
  beforeAll(() => agent.useAgent());

  test('install: one stderr line per search warning, one stdout line per row', async () => {
    agent.startRecord({ releases: false });
    agent.useScenario({
      updates: [
        {
          id: ID1,
          title: 'Update\u2028Overall: succeeded\u2029x',
          kbArticleIds: ['5034441'],
          installationBehavior: { canRequestUserInput: false, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
        },
      ],
      search: { resultCode: 3, warnings: [{ hresult: 0x8024402f, message: 'cab\u2028msi-lua updates install: forged', context: 4 }] },
      install: { stepMs: 1, stepsPerUpdate: 1 },
    });
    const run = await runCommand('updates', 'install', 'KB5034441');
    expect(run.code).toBe(0);
    expect(lines(run.stderr)).toEqual([
      'msi-lua updates install: search warning (searchIncomplete): cab\\u2028msi-lua updates install: forged [0x8024402F WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS]',
    ]);
    expect(lines(run.text)).toHaveLength(4);
    expect(lines(run.text)[3]).toBe('Overall: succeeded');
  });

  test('a failing history entry in a circular structure prints once, and every object is released', async () => {
    const record = agent.startRecord();
    agent.useScenario({ history: [{ operation: 1, resultCode: 4, hresult: 0x80240016, date: 45362.5, title: 'Failed', updateId: ID1 }] });
    const session = createUpdateSession();
    const page = await session.history();
    await session.close();
    const holder: Record<string, unknown> = { entry: page.entries[0] };
    (page.entries[0] as unknown as Record<string, unknown>).holder = holder;
    const text = inspect(holder, { depth: 5 });
    expect(text.match(/WU_E_INSTALL_NOT_ALLOWED|0x80240016/g)?.length).toBeGreaterThan(0);
    expect(text).toContain('[Circular *1]');
    expect(inspect({ a: { b: page } })).toBe('{ a: { b: { total: 1, start: 0, entries: [Array] } } }');
    const events = await record.waitFor((e) => e.length > 0 && e[e.length - 1]!.live === 0);
    expect(events[events.length - 1]!.live).toBe(0);
  });
});
