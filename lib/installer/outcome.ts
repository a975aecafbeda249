// Native installer outcomes as results and typed errors: the success statuses (0, 3010,
// 1641) as an InstallerResult, a failing status as InstallFailedError, AbortError or the
// error of its code, with what the progress decoder gathered. No native calls here.
import { ERROR_FUNCTION_FAILED, ERROR_INSTALL_FAILURE, ERROR_INSTALL_USEREXIT } from '../errors/codes.generated';
import { AbortError, WindowsInstallerError, errorFromWin32, hresultFromWin32, type MsiLuaErrorInit } from '../errors';
import type { NativeInstallerOutcome } from '../native/binding';
import type { InstallerResult } from './actions';
import type { InstallerMessage, ProgressDecoder } from './progress';

/** ERROR_INSTALL_FAILURE (1603), or ERROR_FUNCTION_FAILED (1627, what Wine 8 returns when a custom action fails): carries the failing action and the engine's messages. */
export class InstallFailedError extends WindowsInstallerError {
  /** The action the engine reported as failing (or the last one it started), null when none ran. */
  declare readonly failedAction: string | null;
  /** The error records (with their error numbers, e.g. 1722 for a custom action) and other messages. */
  declare readonly messages: InstallerMessage[];

  constructor(init: MsiLuaErrorInit, failedAction: string | null, messages: InstallerMessage[]) {
    super(init);
    Object.defineProperty(this, 'failedAction', { value: failedAction, enumerable: true, configurable: true });
    Object.defineProperty(this, 'messages', { value: messages, enumerable: true, configurable: true });
  }

  protected override extraProperties(): Record<string, unknown> {
    return { failedAction: this.failedAction, messages: this.messages };
  }
}

const SUCCESS_STATUS: Record<number, InstallerResult['status']> = { 0: 'success', 3010: 'rebootRequired', 1641: 'rebootInitiated' };

/** The AbortError of a cancelled action: ERROR_INSTALL_USEREXIT (1602). */
export function abortError(syscall: string): AbortError {
  return new AbortError({ hresult: hresultFromWin32(ERROR_INSTALL_USEREXIT), syscall });
}

/**
 * The AbortError of an action whose signal aborted before it started: the same code as a
 * cancel (1602), but not its explanation, which says the changes were rolled back.
 */
export function abortedBeforeStart(syscall: string): AbortError {
  return new AbortError({
    hresult: hresultFromWin32(ERROR_INSTALL_USEREXIT),
    syscall,
    explanation: 'The action was aborted before it started: Windows Installer ran nothing, and nothing changed.',
  });
}

function failure(status: number, syscall: string, decoder: ProgressDecoder): Error {
  if (status === ERROR_INSTALL_USEREXIT) return abortError(syscall);
  const base = errorFromWin32(status, { syscall });
  if (status === ERROR_INSTALL_FAILURE || status === ERROR_FUNCTION_FAILED) {
    const action = decoder.failedAction ?? decoder.lastAction;
    const where = action ? ` (failing action: ${action})` : '';
    const errors = decoder.messages.filter((m) => m.severity === 'error' || m.severity === 'fatal');
    const detail = errors.length ? `; ${errors.map((m) => (m.code !== null ? `${m.code}: ` : '') + m.text).join('; ')}` : '';
    return new InstallFailedError(
      { hresult: base.hresult, code: base.code, syscall, message: `${base.message}${where}${detail}` },
      action,
      decoder.messages,
    );
  }
  return base;
}

/** A finished action's outcome as its InstallerResult; a failing status throws its typed error. */
export function shapeOutcome(outcome: NativeInstallerOutcome, syscall: string, decoder: ProgressDecoder): InstallerResult {
  const status = SUCCESS_STATUS[outcome.status];
  if (status === undefined) throw failure(outcome.status, syscall, decoder);
  decoder.finish();
  return {
    status,
    exitCode: outcome.status,
    rebootRequired: outcome.status === 3010 || outcome.status === 1641,
    rebootInitiated: outcome.status === 1641,
    messages: decoder.messages,
    actions: decoder.actions,
    cancelRequested: outcome.cancelRequested,
  };
}
