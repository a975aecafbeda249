// A bounded fuzz run in the normal suite: mutated fixture bytes and mutated
// stream contents must give a full read or an MsiFormatError, each within a
// time limit. scripts/fuzz-reader.js runs the same engine for longer.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lib from '../../../lib/package';
import { READ_AHEAD } from '../../../lib/package/compound';
import { scratchDir } from '../../support/scratch';
import { MsiFormatError } from '../../../lib/errors';
import { buildPatchFixture, buildSignedFixtures, buildSmallMsi } from '../../support/package-fixture-set';
import { buildLargeMsi } from '../../support/package-fixtures';

interface FuzzFailure {
  case: number;
  description: string;
  error: string;
}
interface FuzzResult {
  cases: number;
  accepted: number;
  rejected: number;
  failures: FuzzFailure[];
  slowestMs: number;
  rejectedBy: Record<string, number>;
}
// Plain JS shared with the long-running script.
const { runFuzz } = require('../../../scripts/fuzz-reader.js') as {
  runFuzz(options: {
    files: string[];
    cases: number;
    seed: number;
    lib: typeof lib;
    isFormatError(error: unknown): boolean;
    timeLimitMs?: number;
    structureShare?: number;
  }): FuzzResult & { byKind: Record<'bytes' | 'content' | 'structure', number> };
};

jest.setTimeout(180_000);

let files: string[];
/** A package larger than the read-ahead of an open from a path (READ_AHEAD). */
let medium: string;

beforeAll(async () => {
  const small = await buildSmallMsi();
  const signed = await buildSignedFixtures(small);
  files = [small, signed.signedDse, await buildPatchFixture()];
  medium = await buildLargeMsi(400);
});

const CASES = Number(process.env.MSI_LUA_FUZZ_CASES ?? 400);
const SEED = Number(process.env.MSI_LUA_FUZZ_SEED ?? 20261120);

test(`${CASES} mutated packages: read in full or MsiFormatError, never anything else`, () => {
  const result = runFuzz({
    files,
    cases: CASES,
    seed: SEED,
    lib,
    isFormatError: (error) => error instanceof MsiFormatError,
    timeLimitMs: 2000,
    structureShare: 0.4,
  });
  expect(result.failures).toEqual([]);
  // All three mutators ran (structure-aware, bytes, stream content).
  expect(result.byKind.structure).toBeGreaterThan(CASES / 5);
  expect(result.byKind.bytes).toBeGreaterThan(0);
  expect(result.byKind.content).toBeGreaterThan(0);
  expect(result.cases).toBe(CASES);
  // The mutations must actually exercise both outcomes.
  expect(result.rejected).toBeGreaterThan(CASES / 10);
  expect(result.accepted).toBeGreaterThan(0);
  // Errors come from several places, not one catch-all.
  expect(Object.keys(result.rejectedBy).length).toBeGreaterThan(5);
});

test('openPackage of bytes and of a path agree with readPackage on every mutated package', async () => {
  // The same engine records each mutated file it hands to readPackage and what came of it;
  // the sliced open of the same bytes must end the same way (same tables, or the same error).
  const outcome = (run: () => lib.MsiPackage): string => {
    try {
      return `ok ${run().tableNames.join(',')}`;
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  const seen: Array<{ bytes: Buffer; outcome: string }> = [];
  const recording = {
    ...lib,
    readPackage(bytes: Uint8Array): lib.MsiPackage {
      const copy = Buffer.from(bytes);
      seen.push({ bytes: copy, outcome: outcome(() => lib.readPackage(copy)) });
      return lib.readPackage(bytes);
    },
  };
  runFuzz({
    files: [...files, medium],
    cases: 300,
    seed: SEED + 1,
    lib: recording,
    isFormatError: (error) => error instanceof MsiFormatError,
    timeLimitMs: 2000,
  });
  expect(seen.length).toBeGreaterThan(100);
  expect(seen.some((s) => s.outcome.startsWith('ok '))).toBe(true);
  expect(seen.some((s) => s.outcome.startsWith('MsiFormatError'))).toBe(true);
  // From a path, the structures come through the read-ahead and the reads
  // past it: cases on both sides of READ_AHEAD, and on its edge.
  const sizes = seen.map((s) => s.bytes.length);
  expect(Math.min(...sizes)).toBeLessThan(READ_AHEAD);
  expect(Math.max(...sizes)).toBeGreaterThan(READ_AHEAD);
  const edge = seen.find((s) => s.bytes.length > READ_AHEAD)!;
  seen.push({ bytes: edge.bytes.subarray(0, READ_AHEAD), outcome: outcome(() => lib.readPackage(edge.bytes.subarray(0, READ_AHEAD))) });
  const file = path.join(scratchDir('fuzz-paths'), 'case.msi');
  const differing: string[] = [];
  const settle = (opening: Promise<lib.MsiPackage>): Promise<string> =>
    opening.then(
      (pkg) => `ok ${pkg.tableNames.join(',')}`,
      (error: Error) => `${error.name}: ${error.message}`,
    );
  for (const [i, s] of seen.entries()) {
    const sliced = await settle(lib.openPackage(s.bytes));
    if (sliced !== s.outcome) differing.push(`case ${i}: readPackage ${s.outcome} / openPackage(bytes) ${sliced}`);
    fs.writeFileSync(file, s.bytes);
    const fromPath = await settle(lib.openPackage(file));
    if (fromPath !== s.outcome) differing.push(`case ${i}: readPackage ${s.outcome} / openPackage(path) ${fromPath}`);
  }
  expect(differing).toEqual([]);
});
