// openPackage parses in slices of the shared scheduler (lib/package/scheduler.ts)
// whether it is given a path or bytes: never the whole package in one turn of
// the event loop. Counted, not timed: each structure of the compound file
// (header, allocation, directory, mini allocation) and the catalog is its own
// slice, so an open that parses in one piece makes one slice.

import * as fs from 'node:fs';
import * as scheduler from '../../../lib/package/scheduler';
import { openPackage, readPackage } from '../../../lib/package';
import { buildSmallMsi } from '../../support/package-fixtures';

jest.setTimeout(120_000);

let small: string;
beforeAll(async () => {
  small = await buildSmallMsi();
});

afterEach(() => jest.restoreAllMocks());

const realSlice = scheduler.slice;

/** Runs `open` and returns how many slices the scheduler ran for it, and its package. */
async function slicesOf<T>(open: () => Promise<T>): Promise<{ slices: number; result: T }> {
  let slices = 0;
  const spy = jest.spyOn(scheduler, 'slice').mockImplementation(<R>(fn: () => R) => {
    slices++;
    return realSlice(fn);
  });
  try {
    return { result: await open(), slices };
  } finally {
    spy.mockRestore();
  }
}

/** What a package says, for comparing two opens of the same bytes. */
function contents(pkg: Awaited<ReturnType<typeof openPackage>>) {
  return {
    tables: pkg.tableNames,
    property: [...pkg.table('Property').rows()],
    summary: pkg.summary,
  };
}

test('an open from a path parses in several slices', async () => {
  const { slices } = await slicesOf(() => openPackage(small));
  expect(slices).toBeGreaterThanOrEqual(5);
});

test('an open from bytes parses in several slices too, not in one piece, and reads what readPackage reads', async () => {
  const bytes = fs.readFileSync(small);
  const fromBytes = await slicesOf(() => openPackage(bytes));
  // One per structure and one for the catalog (a path adds the slices of its read-ahead).
  expect(fromBytes.slices).toBeGreaterThanOrEqual(5);
  expect(contents(fromBytes.result)).toEqual(contents(readPackage(bytes)));
});

test('bytes that are not a package reject with MsiFormatError, in a later turn', async () => {
  const bytes = fs.readFileSync(small);
  const damaged = Buffer.from(bytes);
  damaged.writeUInt16LE(0x0010, 30); // sector shift 16: 64 KiB sectors are not MS-CFB's
  let settled = false;
  const opening = openPackage(damaged).finally(() => (settled = true));
  expect(settled).toBe(false);
  const error = await opening.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).toMatchObject({ name: 'MsiFormatError' });
  // The same refusal, with the same words, as the synchronous reader's.
  expect(() => readPackage(damaged)).toThrow(error?.message);
});
