// getInteractiveContext(): what the token and desktop facts mean, and what they do not.
import { getInteractiveContext, interpretContextFacts } from '../../../lib/process';
import { AccessDeniedError } from '../../../lib/errors';
import { setNativeBinding } from '../../../lib/native/load';
import { interactiveRefusal } from '../../../lib/wua';
import type { NativeTokenFacts } from '../../../lib/native/binding';
import { nativeFailure, runAsFacts, wineLikeFacts } from '../../support/wua-fake-binding';

const interactiveFacts = (): NativeTokenFacts => ({
  ...runAsFacts(),
  userSid: 'S-1-5-21-7-7-7-1001',
  logonSid: 'S-1-5-5-0-123',
  shellUserSid: 'S-1-5-21-7-7-7-1001',
});

afterEach(() => setNativeBinding(undefined));

describe('interpretContextFacts', () => {
  test('Wine: no UOI_USER_SID and no shell window, so Run As and the interactive user are unknown', () => {
    const context = interpretContextFacts(wineLikeFacts());
    expect(context).toMatchObject({
      sessionId: 1,
      isService: false,
      isSecondaryLogon: null,
      elevated: true,
      userSid: 'S-1-5-21-0-0-0-1000',
      interactiveUserSid: null,
    });
    expect(context.facts.windowStationUserSid).toEqual({
      value: null,
      reason: 'GetUserObjectInformationW(window station, UOI_USER_SID) (0x80070057): Invalid parameter',
    });
    expect(context.facts.shellUserSid).toEqual({ value: null, reason: 'GetShellWindow: there is no shell window on this desktop' });
    expect(context.facts.elevationType.value).toBe('full');
    expect(context.facts.reasoning.isSecondaryLogon).toMatch(
      /^unknown: windowStationUserSid \(GetUserObjectInformationW.*; inputDesktopUserSid \(.*; shellUserSid \(GetShellWindow: there is no shell window on this desktop\)$/,
    );
    expect(context.facts.reasoning.interactiveUserSid).toMatch(/^unknown: shellUserSid \(GetShellWindow/);
    expect(interactiveRefusal(context)).toBeNull();
  });

  test('Run As: the logon SID differs from the window station owner', () => {
    const context = interpretContextFacts(runAsFacts());
    expect(context.isSecondaryLogon).toBe(true);
    expect(context.isService).toBe(false);
    expect(context.interactiveUserSid).toBe('S-1-5-21-7-7-7-1001');
    expect(context.facts.reasoning.isSecondaryLogon).toBe(
      "the token's logon SID S-1-5-5-0-777 differs from the window station's S-1-5-5-0-123",
    );
    expect(interactiveRefusal(context)).toMatch(/^this process runs under a secondary logon \(Run As\)/);
  });

  test('Run As seen only through the shell user (desktop owner unknown)', () => {
    const context = interpretContextFacts({ ...runAsFacts(), windowStationUserSid: null, inputDesktopUserSid: null });
    expect(context.isSecondaryLogon).toBe(true);
    expect(context.facts.reasoning.isSecondaryLogon).toMatch(/differs from the shell's user S-1-5-21-7-7-7-1001/);
  });

  test('the input desktop owner is used when the window station has none', () => {
    const context = interpretContextFacts({ ...runAsFacts(), windowStationUserSid: null, shellUserSid: null });
    expect(context.isSecondaryLogon).toBe(true);
    expect(context.facts.reasoning.isSecondaryLogon).toMatch(/input desktop's S-1-5-5-0-123/);
  });

  test('the interactive user in their own session', () => {
    const context = interpretContextFacts(interactiveFacts());
    expect(context.isSecondaryLogon).toBe(false);
    expect(context.interactiveUserSid).toBe('S-1-5-21-7-7-7-1001');
    expect(interactiveRefusal(context)).toBeNull();
  });

  test('same logon session but no shell: the process user is the interactive user', () => {
    const context = interpretContextFacts({ ...interactiveFacts(), shellUserSid: null, shellProcessId: null });
    expect(context.interactiveUserSid).toBe('S-1-5-21-7-7-7-1001');
    expect(context.facts.reasoning.interactiveUserSid).toMatch(/shares the interactive logon session/);
  });

  test('a shell user equal to the process user does not by itself rule out Run As', () => {
    const context = interpretContextFacts({ ...interactiveFacts(), windowStationUserSid: null, inputDesktopUserSid: null });
    expect(context.isSecondaryLogon).toBeNull();
    expect(context.interactiveUserSid).toBe('S-1-5-21-7-7-7-1001');
  });

  test.each<[string, Partial<NativeTokenFacts>, RegExp]>([
    ['session 0', { sessionId: 0 }, /session 0/],
    ['the SERVICE group', { groupSids: ['S-1-1-0', 'S-1-5-6'] }, /SERVICE group/],
    ['LocalSystem', { userSid: 'S-1-5-18' }, /LocalSystem/],
    ['a service window station', { windowStation: 'Service-0x0-3e7$' }, /Service-0x0-3e7\$/],
  ])('a service: %s', (_label, change, reason) => {
    const context = interpretContextFacts({ ...interactiveFacts(), ...change });
    expect(context.isService).toBe(true);
    expect(context.isSecondaryLogon).toBe(false);
    expect(context.facts.reasoning.isService).toMatch(reason);
    expect(interactiveRefusal(context)).toMatch(/^this process has no interactive user/);
  });

  test('no token at all: everything unknown, with the reason', () => {
    const failure = { syscall: 'OpenProcessToken', hresult: 0x80070005, message: 'Access denied' };
    const context = interpretContextFacts({
      ...wineLikeFacts(),
      sessionId: null,
      elevated: null,
      elevationType: null,
      userSid: null,
      logonSid: null,
      groupSids: null,
      failures: {
        ...wineLikeFacts().failures,
        sessionId: failure,
        elevated: failure,
        userSid: failure,
        logonSid: failure,
        groupSids: failure,
      },
    });
    expect(context).toMatchObject({ sessionId: null, isService: null, isSecondaryLogon: null, elevated: null, userSid: null });
    expect(context.facts.userSid.reason).toBe('OpenProcessToken (0x80070005): Access denied');
    expect(context.facts.reasoning.isService).toMatch(/^unknown: sessionId \(OpenProcessToken/);
    expect(interactiveRefusal(context)).toBeNull();
  });
});

describe('getInteractiveContext', () => {
  test('reads the facts through the binding', async () => {
    setNativeBinding({ tokenContextFacts: async () => runAsFacts() } as never);
    await expect(getInteractiveContext()).resolves.toMatchObject({ isSecondaryLogon: true, userSid: 'S-1-5-21-7-7-7-1105' });
  });

  test('native failures are typed', async () => {
    setNativeBinding({ tokenContextFacts: () => Promise.reject(nativeFailure(0x80070005, 'OpenProcessToken')) } as never);
    await expect(getInteractiveContext()).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
