// The groups of codes, as the generated table names them.
import type { ErrorGroup } from './codes.generated';

export { GROUPS as ERROR_GROUPS } from './codes.generated';
export type { ErrorGroup };

/** A group name from the table, or 'unknown' for a code that is in no table. */
export type CodeGroup = ErrorGroup | 'unknown';
