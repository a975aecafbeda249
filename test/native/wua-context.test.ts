// getInteractiveContext() on the real token and desktop.
import { getInteractiveContext } from '../../lib/process';
import * as agent from '../agent/harness';

jest.setTimeout(60_000);

const describeWindows = process.platform === 'win32' ? describe : describe.skip;
const SID = /^S-1-\d+(-\d+)+$/;

describeWindows('getInteractiveContext', () => {
  test('reports the token facts it can read', async () => {
    const context = await getInteractiveContext();
    expect(context.userSid).toMatch(SID);
    expect(context.facts.userSid.value).toBe(context.userSid);
    expect(typeof context.sessionId).toBe('number');
    expect(typeof context.elevated).toBe('boolean');
    expect(context.facts.logonSid.value).toMatch(/^S-1-5-5-\d+-\d+$/);
    expect(context.facts.groupSids.value).toEqual(expect.arrayContaining([context.facts.logonSid.value]));
    for (const name of ['isService', 'isSecondaryLogon', 'interactiveUserSid'] as const) {
      expect(context.facts.reasoning[name].length).toBeGreaterThan(0);
    }
  });

  (agent.isWine() ? test : test.skip)(
    'under Wine: UOI_USER_SID and the shell are unavailable, so Run As is unknown, not guessed',
    async () => {
      const context = await getInteractiveContext();
      expect(context.isService).toBe(false);
      expect(context.facts.windowStation.value).toBe('WinSta0');
      expect(context.facts.windowStationUserSid).toEqual({ value: null, reason: expect.stringContaining('UOI_USER_SID') });
      expect(context.facts.shellUserSid).toEqual({ value: null, reason: expect.stringContaining('GetShellWindow') });
      expect(context.isSecondaryLogon).toBeNull();
      expect(context.facts.reasoning.isSecondaryLogon).toMatch(/^unknown: /);
      expect(context.interactiveUserSid).toBeNull();
      expect(context.facts.reasoning.interactiveUserSid).toMatch(/no shell window/);
    },
  );
});
