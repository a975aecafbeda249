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
interface FuzzOptions {
  files: string[];
  cases: number;
  seed: number;
  lib: typeof lib;
  isFormatError(error: unknown): boolean;
  timeLimitMs?: number;
  structureShare?: number;
}
interface Outcomes {
  read: string;
  fromBytes: string;
  fromPath: string;
}
// Plain JS shared with the long-running script.
const { runFuzz, runDifferential, openOutcomes } = require('../../../scripts/fuzz-reader.js') as {
  runFuzz(options: FuzzOptions): FuzzResult & { byKind: Record<'bytes' | 'content' | 'structure', number> };
  runDifferential(options: FuzzOptions & { file: string }): Promise<
    FuzzResult & {
      compared: number;
      sizes: { min: number; max: number };
      outcomes: { read: number; refused: number };
      tables: number;
      slowestAsyncMs: number;
      applies: number;
    }
  >;
  openOutcomes(library: typeof lib, bytes: Uint8Array, file: string): Promise<Outcomes>;
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
  // The same engine records each mutated file it hands to readPackage; the sliced open of the
  // same bytes, and the open of them from a path, must end the same way (same tables, or the
  // same error).
  const file = path.join(scratchDir('fuzz-paths'), 'case.msi');
  const result = await runDifferential({
    files: [...files, medium],
    cases: 300,
    seed: SEED + 1,
    lib,
    isFormatError: (error) => error instanceof MsiFormatError,
    timeLimitMs: 2000,
    file,
  });
  expect(result.failures).toEqual([]);
  expect(result.compared).toBeGreaterThan(100);
  expect(result.outcomes.read).toBeGreaterThan(0);
  expect(result.outcomes.refused).toBeGreaterThan(0);
  // Every table of the files that read was read with readTableAsync and exportIdtAsync too.
  expect(result.tables).toBeGreaterThan(result.outcomes.read);
  // The patch fixture applied to each base among the files, mutated or not, both ways.
  expect(result.applies).toBeGreaterThan(0);
  // From a path, the structures come through the read-ahead and the reads
  // past it: cases on both sides of READ_AHEAD, and on its edge.
  expect(result.sizes.min).toBeLessThan(READ_AHEAD);
  expect(result.sizes.max).toBeGreaterThan(READ_AHEAD);
  const edge = await openOutcomes(lib, fs.readFileSync(medium).subarray(0, READ_AHEAD), file);
  expect([edge.fromBytes, edge.fromPath]).toEqual([edge.read, edge.read]);
});

/** runDifferential over `inputs` with a library that lies somewhere: the run must count it. */
function differentialWith(lying: typeof lib, inputs: string[], cases: number, seed: number) {
  return runDifferential({
    files: inputs,
    cases,
    seed,
    lib: lying,
    isFormatError: (error) => error instanceof MsiFormatError,
    file: path.join(scratchDir('fuzz-paths'), 'case.msi'),
  });
}

test('the differential counts an open that ends otherwise than readPackage as a failure', async () => {
  // An openPackage that reports one table too many for a path: each file read three ways must
  // then show up as a failure naming the open that differs.
  const lying = {
    ...lib,
    openPackage: async (input: string | Uint8Array): Promise<lib.MsiPackage> => {
      const pkg = await lib.openPackage(input);
      if (typeof input !== 'string') return pkg;
      return Object.defineProperty(Object.create(pkg) as lib.MsiPackage, 'tableNames', { value: [...pkg.tableNames, 'Extra'] });
    },
  };
  const result = await differentialWith(lying, [files[0]], 20, SEED + 2);
  expect(result.outcomes.read).toBeGreaterThan(0);
  expect(result.failures).toHaveLength(result.outcomes.read);
  expect(result.failures[0].error).toMatch(/openPackage\(path\): ok .*,Extra$/);
});

test('the differential counts a readTableAsync that differs from readTable as a failure', async () => {
  // A readTableAsync that drops the last row of a package opened from a path: every file that
  // reads and has a table with rows then shows up as a failure naming the table.
  const lying = {
    ...lib,
    openPackage: async (input: string | Uint8Array): Promise<lib.MsiPackage> => {
      const pkg = await lib.openPackage(input);
      if (typeof input !== 'string') return pkg;
      const readTableAsync = async (name: string) => {
        const table = await pkg.readTableAsync(name);
        return { ...table, rows: table.rows.slice(0, -1) };
      };
      return Object.defineProperty(Object.create(pkg) as lib.MsiPackage, 'readTableAsync', { value: readTableAsync });
    },
  };
  const result = await differentialWith(lying, [files[0]], 20, SEED + 2);
  expect(result.outcomes.read).toBeGreaterThan(0);
  expect(result.failures.length).toBeGreaterThanOrEqual(result.outcomes.read);
  expect(result.failures[0].error).toMatch(/^readTable\((\w+)\): ok [0-9a-f]{64}\nreadTableAsync\(\1\): ok [0-9a-f]{64}$/);
});

test('the differential counts an applyPatchesAsync that differs from applyPatches as a failure', async () => {
  // An applyPatchesAsync that leaves out the patches: every mutated base or patch that reads
  // then shows up as a failure naming the apply.
  const lying = {
    ...lib,
    applyPatchesAsync: (base: lib.MsiPackage) => lib.applyPatchesAsync(base, []),
  };
  const result = await differentialWith(lying as typeof lib, [files[0], files[2]], 30, SEED + 3);
  expect(result.applies).toBeGreaterThan(0);
  const applyFailures = result.failures.filter((f) => f.description.endsWith('patches'));
  expect(applyFailures.length).toBeGreaterThan(0);
  expect(applyFailures[0].error).toMatch(/^applyPatches, (applied to|with) .*: (ok [0-9a-f]{64}|.+)\napplyPatchesAsync: ok [0-9a-f]{64}$/);
});
