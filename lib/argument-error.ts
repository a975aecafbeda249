// The one way msi-lua makes the TypeError or RangeError of a bad argument, so that a caller
// (and the command line, which exits 2 for them and 70 for anything it cannot explain) can
// tell "you called it wrong" from a bug that happens to throw a TypeError ("Cannot read
// properties of undefined"). Node's own argument errors do the same with their `code`
// (ERR_INVALID_ARG_TYPE); msi-lua's have their own, so that one of Node's, thrown because
// msi-lua passed Node a bad value, is not taken for the caller's mistake.

/** The `code` of every TypeError and RangeError msi-lua throws for a bad argument or option. */
export const INVALID_ARGUMENT = 'ERR_MSI_LUA_INVALID_ARGUMENT';

/** An error of a bad argument: `code` is INVALID_ARGUMENT. */
export type ArgumentError = (TypeError | RangeError) & { readonly code: typeof INVALID_ARGUMENT };

function tagged<E extends Error>(error: E, from: (...args: never[]) => unknown): E & { readonly code: typeof INVALID_ARGUMENT } {
  Object.defineProperty(error, 'code', { value: INVALID_ARGUMENT, enumerable: true, configurable: true, writable: true });
  // The stack starts where the argument was refused, not here.
  Error.captureStackTrace?.(error, from);
  return error as E & { readonly code: typeof INVALID_ARGUMENT };
}

/** A TypeError for a bad argument (the wrong type, or a value of the right type that names nothing valid). */
export function argumentTypeError(message: string, options?: { cause?: unknown }): TypeError {
  return tagged(new TypeError(message, options), argumentTypeError);
}

/** A RangeError for a number of the right type outside what the argument allows. */
export function argumentRangeError(message: string): RangeError {
  return tagged(new RangeError(message), argumentRangeError);
}

/** Whether `error` is msi-lua's error for a bad argument (see INVALID_ARGUMENT). */
export function isArgumentError(error: unknown): error is ArgumentError {
  return (error instanceof TypeError || error instanceof RangeError) && (error as { code?: unknown }).code === INVALID_ARGUMENT;
}
