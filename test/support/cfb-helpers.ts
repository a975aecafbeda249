// Shared by the compound-file layer tests: a typed way to expect a refusal.

import { MsiFormatError } from '../../lib/errors';

export function formatErrorOf(fn: () => unknown): MsiFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MsiFormatError) return error;
    throw new Error(`expected MsiFormatError, got ${(error as Error)?.stack ?? String(error)}`);
  }
  throw new Error('expected MsiFormatError, but the input was accepted');
}
