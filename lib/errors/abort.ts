// The AbortError of a call its AbortSignal stopped, for every facade that takes a signal.
import { AbortError } from './classes';

/**
 * `: message` of an abort reason that is an Error other than AbortError, '' otherwise. The
 * reason is the caller's value: a getter that throws or a revoked Proxy must not turn the
 * AbortError into its own error.
 */
function abortReasonText(reason: unknown): string {
  try {
    if (!(reason instanceof Error) || reason.name === 'AbortError') return '';
    return `: ${String(reason.message)}`;
  } catch {
    return '';
  }
}

/**
 * AbortError saying `<what> was aborted by its AbortSignal[: reason's message].`, with the
 * signal's reason as `cause` (internal: lib/wua/session.ts, lib/package/package.ts).
 */
export function abortErrorFromSignal(what: string, signal: AbortSignal, syscall?: string): AbortError {
  const reason: unknown = signal.reason;
  return new AbortError({
    ...(syscall !== undefined ? { syscall } : {}),
    explanation: `${what} was aborted by its AbortSignal${abortReasonText(reason)}.`,
    cause: reason,
  });
}
