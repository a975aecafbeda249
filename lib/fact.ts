// One shape for "a fact, or why it is unknown", for every fact msi-lua reads from Windows or
// from a file: the UAC-patching facts (lib/lua) and the facts of the process's interactive
// context (lib/process). A fact that cannot be read is never guessed: it is unknown, with
// the failing call or what is missing as its reason.

/** A fact that was read (with where from, when that helps), or why it could not be. */
export type Fact<T> = { known: true; value: T; source?: string } | { known: false; reason: string };

export const known = <T>(value: T, source?: string): Fact<T> =>
  source === undefined ? { known: true, value } : { known: true, value, source };
export const unknown = <T = never>(reason: string): Fact<T> => ({ known: false, reason });

/**
 * A Fact as InteractiveContextFacts reports it (docs/wua.md): `{ value }` when known,
 * `{ value: null, reason }` when not.
 */
export interface ContextFact<T> {
  value: T | null;
  /** Why value is null: the call that failed and the system's text, or what is missing. */
  reason?: string;
}

/** The ContextFact form of a fact. */
export function asContextFact<T>(fact: Fact<T>): ContextFact<T> {
  return fact.known ? { value: fact.value } : { value: null, reason: fact.reason };
}
