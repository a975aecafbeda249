// The process's interactive context: who this process runs as, and whether an interactive
// user is behind it, decided from the facts native/token_context.cc reads from the process
// token and the interactive desktop (read.ts fetches them). A conclusion the facts do not
// support is reported as null (unknown) with the reason, never guessed. Not to be confused
// with a product's install context (MSIINSTALLCONTEXT, lib/products/).
import { asContextFact, known, unknown as unknownFact, type ContextFact } from '../fact';
import type { NativeTokenFacts } from '../native/binding';
import { assertPlainObject } from '../validate';

export type { ContextFact };

export interface InteractiveContextFacts {
  sessionId: ContextFact<number>;
  elevated: ContextFact<boolean>;
  /** 'default' (no split token), 'full' (elevated) or 'limited' (filtered UAC token). */
  elevationType: ContextFact<'default' | 'full' | 'limited'>;
  userSid: ContextFact<string>;
  /** The token's logon SID (S-1-5-5-X-Y): identifies the logon session it belongs to. */
  logonSid: ContextFact<string>;
  groupSids: ContextFact<string[]>;
  /** Name of the process's window station ('WinSta0' is the interactive one). */
  windowStation: ContextFact<string>;
  /** UOI_USER_SID of the window station: the logon SID of the interactive logon. */
  windowStationUserSid: ContextFact<string>;
  /** UOI_USER_SID of the input desktop. */
  inputDesktopUserSid: ContextFact<string>;
  shellProcessId: ContextFact<number>;
  /** The user of the shell process (GetShellWindow → process → token). */
  shellUserSid: ContextFact<string>;
  /** How each conclusion in InteractiveContext was reached (or why it is unknown). */
  reasoning: {
    isService: string;
    isSecondaryLogon: string;
    interactiveUserSid: string;
    isRemoteSession: string;
  };
}

/** What getInteractiveContext resolves; null where the facts do not decide (docs/wua.md, "The interactive-user rule"). */
export interface InteractiveContext {
  sessionId: number | null;
  /** True for a service (session 0, the SERVICE group, a service account or a non-interactive window station). */
  isService: boolean | null;
  /**
   * True when the process runs under the Secondary Logon (Run As) service or otherwise in
   * another logon session than the interactive user's: its logon SID differs from the
   * interactive window station's, or its user differs from the shell's user.
   */
  isSecondaryLogon: boolean | null;
  elevated: boolean | null;
  userSid: string | null;
  /** The interactive user's SID when it is known. */
  interactiveUserSid: string | null;
  /**
   * True for a network logon (the token has the NETWORK group S-1-5-2: WinRM, PowerShell
   * remoting, OpenSSH): no interactive desktop, and WUA answers E_ACCESSDENIED when such a
   * process creates an update downloader or installer. False for an interactive (S-1-5-4),
   * Remote Desktop or service logon; null when the token's groups cannot be read.
   */
  isRemoteSession: boolean | null;
  facts: InteractiveContextFacts;
}

const SERVICE_GROUP = 'S-1-5-6';
const NETWORK_GROUP = 'S-1-5-2';
const INTERACTIVE_GROUP = 'S-1-5-4';
const SERVICE_ACCOUNTS: Record<string, string> = {
  'S-1-5-18': 'LocalSystem',
  'S-1-5-19': 'LocalService',
  'S-1-5-20': 'NetworkService',
};
const ELEVATION_TYPES = { 1: 'default', 2: 'full', 3: 'limited' } as const;

function fact<T>(raw: NativeTokenFacts, name: keyof NativeTokenFacts & string, value: T | null): ContextFact<T> {
  if (value !== null) return asContextFact(known(value));
  const failure = raw.failures[name];
  if (!failure) return asContextFact(unknownFact('not reported'));
  const code = failure.hresult ? ` (0x${(failure.hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')})` : '';
  return asContextFact(unknownFact(`${failure.syscall}${code}: ${failure.message}`));
}

function unknown(facts: Array<[string, ContextFact<unknown>]>): string {
  const missing = facts.filter(([, f]) => f.value === null).map(([name, f]) => `${name} (${f.reason ?? 'unknown'})`);
  return missing.join('; ');
}

/**
 * Derives the context from the native facts. Exported for tests and for callers that
 * gather facts elsewhere; getInteractiveContext() is the usual entry point.
 */
export function interpretContextFacts(raw: NativeTokenFacts): InteractiveContext {
  assertPlainObject(raw, 'raw');
  assertPlainObject(raw.failures, 'raw.failures');
  const elevationName =
    raw.elevationType === null ? null : ((ELEVATION_TYPES as Record<number, 'default' | 'full' | 'limited'>)[raw.elevationType] ?? null);
  const base = {
    sessionId: fact(raw, 'sessionId', raw.sessionId),
    elevated: fact(raw, 'elevated', raw.elevated),
    elevationType: fact(raw, 'elevationType', elevationName),
    userSid: fact(raw, 'userSid', raw.userSid),
    logonSid: fact(raw, 'logonSid', raw.logonSid),
    groupSids: fact(raw, 'groupSids', raw.groupSids),
    windowStation: fact(raw, 'windowStation', raw.windowStation),
    windowStationUserSid: fact(raw, 'windowStationUserSid', raw.windowStationUserSid),
    inputDesktopUserSid: fact(raw, 'inputDesktopUserSid', raw.inputDesktopUserSid),
    shellProcessId: fact(raw, 'shellProcessId', raw.shellProcessId),
    shellUserSid: fact(raw, 'shellUserSid', raw.shellUserSid),
  };

  // --- isService --------------------------------------------------------------------------
  let isService: boolean | null;
  let serviceReason: string;
  const station = raw.windowStation;
  if (raw.groupSids?.includes(SERVICE_GROUP)) {
    isService = true;
    serviceReason = 'the token has the SERVICE group (S-1-5-6)';
  } else if (raw.userSid !== null && SERVICE_ACCOUNTS[raw.userSid]) {
    isService = true;
    serviceReason = `the process runs as ${SERVICE_ACCOUNTS[raw.userSid]} (${raw.userSid})`;
  } else if (raw.sessionId === 0) {
    isService = true;
    serviceReason = 'the process runs in session 0, where only services run';
  } else if (station !== null && station.toLowerCase() !== 'winsta0') {
    isService = true;
    serviceReason = `the process's window station is ${station}, not the interactive WinSta0`;
  } else if (raw.sessionId !== null && raw.groupSids !== null && raw.userSid !== null) {
    isService = false;
    serviceReason = `session ${raw.sessionId}, no SERVICE group, not a service account`;
  } else {
    isService = null;
    serviceReason = `unknown: ${unknown([
      ['sessionId', base.sessionId],
      ['groupSids', base.groupSids],
      ['userSid', base.userSid],
    ])}`;
  }

  // --- isSecondaryLogon ----------------------------------------------------------------------
  const interactiveLogonSid = raw.windowStationUserSid ?? raw.inputDesktopUserSid;
  const interactiveLogonSource = raw.windowStationUserSid !== null ? 'window station' : 'input desktop';
  let isSecondaryLogon: boolean | null;
  let secondaryReason: string;
  if (isService === true) {
    isSecondaryLogon = false;
    secondaryReason = 'a service, not a secondary logon (and it has no interactive user)';
  } else if (raw.logonSid !== null && interactiveLogonSid !== null && raw.logonSid !== interactiveLogonSid) {
    isSecondaryLogon = true;
    secondaryReason = `the token's logon SID ${raw.logonSid} differs from the ${interactiveLogonSource}'s ${interactiveLogonSid}`;
  } else if (raw.userSid !== null && raw.shellUserSid !== null && raw.userSid !== raw.shellUserSid) {
    isSecondaryLogon = true;
    secondaryReason = `the process user ${raw.userSid} differs from the shell's user ${raw.shellUserSid}`;
  } else if (raw.logonSid !== null && interactiveLogonSid !== null) {
    isSecondaryLogon = false;
    secondaryReason = `the token's logon SID is the ${interactiveLogonSource}'s (${interactiveLogonSid})`;
  } else {
    isSecondaryLogon = null;
    secondaryReason = `unknown: ${unknown([
      ['logonSid', base.logonSid],
      ['windowStationUserSid', base.windowStationUserSid],
      ['inputDesktopUserSid', base.inputDesktopUserSid],
      ['shellUserSid', base.shellUserSid],
    ])}${raw.shellUserSid !== null ? '; the shell user equals the process user, which does not rule out Run As as the same user' : ''}`;
  }

  // --- interactiveUserSid ---------------------------------------------------------------------
  let interactiveUserSid: string | null;
  let interactiveReason: string;
  if (raw.shellUserSid !== null) {
    interactiveUserSid = raw.shellUserSid;
    interactiveReason = 'the user of the shell process';
  } else if (isSecondaryLogon === false && isService === false && raw.userSid !== null && interactiveLogonSid !== null) {
    interactiveUserSid = raw.userSid;
    interactiveReason = `the process shares the interactive logon session (${interactiveLogonSid}), so its user is the interactive user`;
  } else {
    interactiveUserSid = null;
    interactiveReason = `unknown: ${unknown([['shellUserSid', base.shellUserSid]])}`;
  }

  // --- isRemoteSession --------------------------------------------------------------------------
  let isRemoteSession: boolean | null;
  let remoteReason: string;
  if (raw.groupSids === null) {
    isRemoteSession = null;
    remoteReason = `unknown: ${unknown([['groupSids', base.groupSids]])}`;
  } else if (raw.groupSids.includes(NETWORK_GROUP)) {
    isRemoteSession = true;
    remoteReason = 'the token has the NETWORK group (S-1-5-2): a network logon (WinRM, PowerShell remoting, SSH)';
  } else if (raw.groupSids.includes(INTERACTIVE_GROUP)) {
    isRemoteSession = false;
    remoteReason = 'the token has the INTERACTIVE group (S-1-5-4) and not NETWORK';
  } else {
    isRemoteSession = false;
    remoteReason = 'the token has no NETWORK group (S-1-5-2)';
  }

  return {
    sessionId: raw.sessionId,
    isService,
    isSecondaryLogon,
    elevated: raw.elevated,
    userSid: raw.userSid,
    interactiveUserSid,
    isRemoteSession,
    facts: {
      ...base,
      reasoning: {
        isService: serviceReason,
        isSecondaryLogon: secondaryReason,
        interactiveUserSid: interactiveReason,
        isRemoteSession: remoteReason,
      },
    },
  };
}
