// applyTransformsAsync and applyPatchesAsync give what applyTransforms and applyPatches give
// (every table's rows, the streams, conflicts, patches and transforms used; the same error
// class and message) for the transform cases and patches the tests write, the real packages,
// patches and transforms of ../shared/corpus and the damaged packages of ../shared/cases
// (read from there; skipped with a message where ../shared is absent). And they give the
// event loop back while they work, stop at an aborted signal and leave the base as it was.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AbortError, MsiFormatError } from '../../../lib/errors';
import {
  applyPatches,
  applyPatchesAsync,
  applyTransforms,
  applyTransformsAsync,
  describeTransformStorage,
  openPackage,
  patchTransformsFor,
  readPackage,
  readTransformFile,
  TransformedDatabase,
  type MsiPackage,
  type MsiStorage,
} from '../../../lib/package';
import { runSteps } from '../../../lib/package/scheduler';
import { buildLargeMsi, buildPatch } from '../../support/package-fixtures';
import { buildTransformBase, COLUMNS, TRANSFORM_SUMMARY, transformSpecs } from '../../support/transform-cases';
import {
  transformStreams,
  writeTransformFile,
  type TransformSpec,
  type WriterColumn,
  type WriterRecord,
} from '../../support/transform-writer';

jest.setTimeout(600_000);

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');
const summary = TRANSFORM_SUMMARY;
const specs = transformSpecs();
const mst = (spec: TransformSpec): MsiStorage => readTransformFile(writeTransformFile(spec));
const caseStorages = (name: string): MsiStorage[] => specs[name].transforms.map(mst);

type Outcome = { value: unknown } | { error: { class: string; message: string } };

function describeError(error: unknown): { class: string; message: string } {
  return error instanceof Error
    ? { class: error.constructor.name, message: error.message }
    : { class: typeof error, message: String(error) };
}

function outcomeOf(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** Everything a TransformedDatabase answers: tables (catalogs included), streams, conflicts, patches, transforms. */
function snapshot(db: TransformedDatabase): unknown {
  const streamNames = new Set<string>();
  for (const t of db.transforms) for (const name of t.streams) streamNames.add(name);
  const tables = ['_Tables', '_Columns', ...db.tableNames].map((name) =>
    outcomeOf(() => {
      const table = db.readTable(name);
      for (const row of table.rows)
        for (const column of table.columns) {
          const value = row[column.name];
          if (column.kind === 'binary' && typeof value === 'string') streamNames.add(value);
        }
      return table;
    }),
  );
  const streams = [...streamNames].sort().map((name) => ({
    name,
    source: outcomeOf(() => db.streamSource(name)),
    data: outcomeOf(() => db.readStream(name).toString('hex')),
  }));
  return { tableNames: db.tableNames, tables, streams, conflicts: db.conflicts, patches: db.patches, transforms: db.transforms };
}

async function compareTransforms(base: MsiPackage, storages: () => MsiStorage[]): Promise<Outcome> {
  const sync = outcomeOf(() => snapshot(applyTransforms(base, storages())));
  let async: Outcome;
  try {
    async = { value: snapshot(await applyTransformsAsync(base, storages())) };
  } catch (error) {
    async = { error: describeError(error) };
  }
  expect(async).toEqual(sync);
  return sync;
}

async function comparePatches(base: MsiPackage, patches: MsiPackage[]): Promise<Outcome> {
  const sync = outcomeOf(() => snapshot(applyPatches(base, patches)));
  let async: Outcome;
  try {
    async = { value: snapshot(await applyPatchesAsync(base, patches)) };
  } catch (error) {
    async = { error: describeError(error) };
  }
  expect(async).toEqual(sync);
  return sync;
}

/** Every table of a package, as readTable gives it (what "the base was not changed" compares). */
function packageTables(pkg: MsiPackage): unknown {
  return pkg.tableNames.map((name) => outcomeOf(() => pkg.readTable(name)));
}

let baseFile: string;
let base: MsiPackage;
let patchA: MsiPackage;
let patchB: MsiPackage;

const fields = () => ({
  targetProductCode: summary.targetProductCode,
  targetVersion: summary.targetVersion,
  upgradedProductCode: summary.upgradedProductCode,
  upgradedVersion: summary.upgradedVersion,
  upgradeCode: summary.upgradeCode,
});

beforeAll(async () => {
  baseFile = await buildTransformBase();
  base = readPackage(fs.readFileSync(baseFile));
  const patch = async (code: string, name: string, first: TransformSpec, second: TransformSpec) =>
    readPackage(
      fs.readFileSync(
        await buildPatch({
          patchCode: code,
          targetProductCodes: [summary.targetProductCode],
          transforms: [
            { name, ...fields(), streams: transformStreams(first) },
            { name: `#${name}`, ...fields(), streams: transformStreams(second) },
          ],
        }),
      ),
    );
  patchA = await patch('{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EA1}', 'RTM.1', specs['row-changes'].transforms[0], {
    summary,
    changes: [{ table: 'Property', columns: COLUMNS.Property, records: [{ op: 'insert', values: ['PATCHED', 'A'] }] }],
  });
  patchB = await patch('{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EA2}', 'SP1.1', specs['certificate-tables'].transforms[0], {
    summary,
    changes: [{ table: 'Property', columns: COLUMNS.Property, records: [{ op: 'insert', values: ['PATCHED', 'B'] }] }],
  });
});

describe('the same database as the synchronous functions', () => {
  test.each(Object.keys(specs))('transform case %s', async (name) => {
    await compareTransforms(base, () => caseStorages(name));
  });

  test('every transform case applied one after the other', async () => {
    await compareTransforms(base, () => Object.keys(specs).flatMap(caseStorages));
  });

  test('patches written by the tests, alone, in order, repeated', async () => {
    for (const patches of [[patchA], [patchB], [patchA, patchB], [patchB, patchA, patchB], Array.from({ length: 16 }, () => patchA)]) {
      const outcome = await comparePatches(base, patches);
      expect('value' in outcome).toBe(true);
    }
    const db = await applyPatchesAsync(base, [patchA, patchB]);
    expect(db.patches.map((p) => p.transforms)).toEqual([
      ['RTM.1', '#RTM.1'],
      ['SP1.1', '#SP1.1'],
    ]);
    expect(db.rows('Property').find((r) => r.Property === 'PATCHED')?.Value).toBe('B');
  });

  test('a transform of 700 records to a table of 400 rows', async () => {
    const large = readPackage(fs.readFileSync(await buildLargeMsi(400)));
    await compareTransforms(large, () => [bigFileTransform(large, 2)]);
  });

  const corpus = path.join(SHARED, 'corpus');
  const corpusFiles = fs.existsSync(corpus) ? fs.readdirSync(corpus).sort() : [];
  if (corpusFiles.length === 0) console.warn(`apply-async corpus tests skipped: no ${corpus} (the repository's sibling ../shared/corpus)`);

  (corpusFiles.length ? test : test.skip)('every patch and transform of ../shared/corpus, applied to the package it targets', async () => {
    const packages: Array<{ file: string; pkg: MsiPackage; productCode: string | null }> = [];
    for (const file of corpusFiles.filter((f) => /\.msi$/i.test(f))) {
      try {
        const pkg = await openPackage(path.join(corpus, file));
        const row = pkg.hasTable('Property') ? pkg.readTable('Property').rows.find((r) => r.Property === 'ProductCode') : undefined;
        packages.push({ file, pkg, productCode: typeof row?.Value === 'string' ? row.Value.toUpperCase() : null });
      } catch {
        // A package the reader refuses has nothing to patch: async-table.test.ts compares its errors.
      }
    }
    const fallback = packages.find((p) => p.file === 'psmsi-Example.msi') ?? packages[0];
    const applied: string[] = [];
    for (const file of corpusFiles.filter((f) => /\.msp$/i.test(f))) {
      const patch = await openPackage(path.join(corpus, file));
      const codes = (patch.patch?.targetProductCodes ?? []).map((c) => c.toUpperCase());
      const targets = packages.filter((p) => p.productCode !== null && codes.includes(p.productCode));
      for (const target of targets.length ? targets : [fallback]) {
        const outcome = await comparePatches(target.pkg, [patch]);
        const used = 'value' in outcome ? (outcome.value as { patches: Array<{ transforms: string[] }> }).patches[0].transforms : [];
        if (used.length) applied.push(`${file} -> ${target.file}`);
      }
    }
    for (const file of corpusFiles.filter((f) => /\.mst$/i.test(f))) {
      const bytes = fs.readFileSync(path.join(corpus, file));
      const code = describeTransformStorage(readTransformFile(bytes)).info.targetProductCode;
      const targets = packages.filter((p) => p.productCode !== null && p.productCode === code?.toUpperCase());
      for (const target of targets.length ? targets : [fallback]) {
        const outcome = await compareTransforms(target.pkg, () => [readTransformFile(bytes)]);
        if ('value' in outcome) applied.push(`${file} -> ${target.file}`);
      }
    }
    // The corpus holds patches for packages it also holds (its .mst files target none of its
    // packages: applied to psmsi-Example.msi they fail alike, which is compared above).
    expect(applied).toEqual(
      expect.arrayContaining(['psmsi-Example.msp -> psmsi-Example.msi', 'wix3-GDR1-gdr1.msp -> wix3-RtmProduct-product.msi']),
    );
  });

  const cases = path.join(SHARED, 'cases');
  const caseFiles = fs.existsSync(cases)
    ? fs
        .readdirSync(cases)
        .filter((f) => /\.msi$/i.test(f))
        .sort()
    : [];
  if (caseFiles.length === 0) console.warn(`apply-async cases tests skipped: no ${cases} (the repository's sibling ../shared/cases)`);

  (caseFiles.length ? test : test.skip)('the damaged packages of ../shared/cases as bases', async () => {
    let compared = 0;
    for (const file of caseFiles) {
      let pkg: MsiPackage;
      try {
        pkg = await openPackage(path.join(cases, file));
      } catch {
        continue; // refused at open: nothing to apply to
      }
      await compareTransforms(pkg, () => []);
      await compareTransforms(pkg, () => Object.keys(specs).flatMap(caseStorages));
      await comparePatches(pkg, [patchA, patchB]);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});

/** A transform updating every row of the File table of `pkg` and inserting `extra` times as many rows as it has / 2. */
function bigFileTransform(pkg: MsiPackage, extra: number): MsiStorage {
  const table = pkg.readTable('File');
  const columns: WriterColumn[] = table.columns.map((c) => ({ name: c.name, type: c.idtType, key: c.primaryKey }));
  const records: WriterRecord[] = table.rows.map((row) => ({ op: 'update', key: [row.File], set: { Version: '2.0.0.0', FileSize: 1234 } }));
  const inserts = Math.floor((table.rows.length * extra) / 4);
  for (let i = 0; i < inserts; i++) {
    records.push({
      op: 'insert',
      values: table.columns.map((c) =>
        c.name === 'File'
          ? `added${i}`
          : c.name === 'Component_'
            ? table.rows[0].Component_
            : c.kind === 'integer'
              ? c.nullable
                ? null
                : i + 1
              : c.nullable
                ? null
                : `v${i}`,
      ),
    });
  }
  return mst({ summary, changes: [{ table: 'File', columns, records }] });
}

describe('steps', () => {
  test('a transform of a big table is cut every 128 records decoded, rows copied and indexed and changes applied', async () => {
    const bytes = fs.readFileSync(await buildLargeMsi(400));
    // The transform is written from another copy, so that the base has read no table yet.
    const large = readPackage(bytes);
    const db = new TransformedDatabase(large);
    const steps = db.applySteps(bigFileTransform(readPackage(bytes), 2));
    let count = 0;
    let ends = 0;
    let readsAhead = 0;
    for (;;) {
      const next = steps.next();
      if (next.done) break;
      count++;
      if (next.value === 'end-slice') ends++;
      if (typeof next.value === 'object') readsAhead++;
    }
    // 400 updates and 200 inserts, 128 a step: the string pool read and built (2), the File stream
    // read (1), the base File table read ahead for its columns (1), its 600 records decoded, the
    // step before its copy (1: no read ahead, the table is in memory by then), the 400 base rows
    // copied and indexed, the 600 changes applied, the table done (1), the transform done (1,
    // 'end-slice').
    const per = (n: number) => Math.floor(n / 128);
    expect(count).toBe(2 + 1 + 1 + per(600) + 1 + per(400) + per(400) + per(600) + 1 + 1);
    expect(ends).toBe(1);
    expect(readsAhead).toBe(1);
    expect(db.rows('File')).toHaveLength(600);
    expect(db.transforms).toHaveLength(1);
  });

  test('a base opened from a path: the async twin reads the changed table with callback reads, never readSync', async () => {
    const file = await buildLargeMsi(400);
    const nodeFs = require('node:fs') as typeof fs;
    const transform = bigFileTransform(readPackage(fs.readFileSync(file)), 2);
    const expected = applyTransforms(await openPackage(file), [transform]).rows('File');
    const base = await openPackage(file);
    const readSync = jest.spyOn(nodeFs, 'readSync');
    const read = jest.spyOn(nodeFs, 'read');
    try {
      const db = await applyTransformsAsync(base, [transform]);
      // The File stream (400 rows) is read before the step that copies it, asynchronously.
      expect(read).toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
      expect(db.rows('File')).toEqual(expected);
    } finally {
      readSync.mockRestore();
      read.mockRestore();
    }
  });

  test('a patch opened from a path: its transforms, their summaries and its tables are read with callback reads, never readSync', async () => {
    // A transform inside a patch reads its streams from the patch's file: synchronously, a
    // step waited on the disk (or a share) for each of them.
    const patchFile = await buildPatch({
      patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EB1}',
      targetProductCodes: [summary.targetProductCode],
      transforms: [
        { name: 'RTM.2', ...fields(), streams: transformStreams(specs['row-changes'].transforms[0]) },
        { name: '#RTM.2', ...fields(), streams: transformStreams(specs['certificate-tables'].transforms[0]) },
      ],
    });
    const expected = snapshot(applyPatches(readPackage(fs.readFileSync(baseFile)), [readPackage(fs.readFileSync(patchFile))]));
    const nodeFs = require('node:fs') as typeof fs;
    const [pathBase, pathPatch] = [await openPackage(baseFile), await openPackage(patchFile)];
    const readSync = jest.spyOn(nodeFs, 'readSync');
    const read = jest.spyOn(nodeFs, 'read');
    try {
      const db = await applyPatchesAsync(pathBase, [pathPatch]);
      expect(read).toHaveBeenCalled();
      expect(readSync).not.toHaveBeenCalled();
      expect(db.patches).toEqual([
        { patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EB1}', productCode: summary.targetProductCode, transforms: ['RTM.2', '#RTM.2'] },
      ]);
      expect(snapshot(db)).toEqual(expected);
    } finally {
      readSync.mockRestore();
      read.mockRestore();
    }
  });

  test('an abort while a read ahead hangs settles the apply at once (a share that stopped answering)', async () => {
    const { holdReads, settledWithin } = await import('../../support/hold-reads');
    const patchFile = await buildPatch({
      patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EB2}',
      targetProductCodes: [summary.targetProductCode],
      transforms: [{ name: 'RTM.3', ...fields(), streams: transformStreams(specs['row-changes'].transforms[0]) }],
    });
    const [pathBase, pathPatch] = [await openPackage(baseFile), await openPackage(patchFile)];
    const reads = holdReads();
    try {
      const controller = new AbortController();
      const applying = applyPatchesAsync(pathBase, [pathPatch], { signal: controller.signal });
      await reads.untilHeld(1);
      expect(reads.held()).toBeGreaterThan(0);
      controller.abort();
      const outcome = await settledWithin(applying, 500);
      expect(outcome).not.toBe('pending');
      expect((outcome as { error?: unknown }).error).toBeInstanceOf(AbortError);
    } finally {
      reads.release();
      jest.restoreAllMocks();
    }
    // The packages are unharmed: the same apply without a signal still works.
    expect((await applyPatchesAsync(pathBase, [pathPatch])).patches[0]?.transforms).toEqual(['RTM.3']);
  });

  test("a patch's transform list is read a sub-storage a step, not all of them in one", async () => {
    // Each sub-storage's summary is parsed to choose the pair (0.2 ms each): a patch with
    // hundreds of them held the loop in one step (80 ms for 400 in the corpus psmsi-Example.msp
    // with its storages copied).
    const count = 300;
    const many = readPackage(
      fs.readFileSync(
        await buildPatch({
          patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EA9}',
          targetProductCodes: [summary.targetProductCode],
          transforms: Array.from({ length: count }, (_, i) => ({ name: `T${i}`, ...fields() })),
        }),
      ),
    );
    const steps = new TransformedDatabase(base).applyPatchSteps(many);
    let taken = 0;
    for (let next = steps.next(); !next.done; next = steps.next()) taken++;
    expect(taken).toBeGreaterThanOrEqual(count);
    expect(many.patch?.transforms).toHaveLength(count);
    expect(new TransformedDatabase(base).applyPatch(many)).toEqual({
      patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EA9}',
      productCode: summary.targetProductCode,
      transforms: ['T0'],
    });
  });

  test("a transform's catalog (_Tables, _Columns) is cut every 128 records as well", () => {
    // A transform adding 1,000 tables of 5 columns: its 6,000 catalog records were decoded and
    // checked in one step (75-400 ms for 2,000 tables here).
    const tables = 1000;
    const columns: WriterColumn[] = [
      { name: 'K', type: 's72', key: true },
      { name: 'A', type: 'i2' },
      { name: 'B', type: 'S255' },
      { name: 'C', type: 'i4' },
      { name: 'D', type: 'L0' },
    ];
    const transform = mst({ summary, addTables: Array.from({ length: tables }, (_, i) => ({ name: `Added${i}`, columns })) });
    const steps = new TransformedDatabase(base).applySteps(transform);
    let taken = 0;
    for (let next = steps.next(); !next.done; next = steps.next()) taken++;
    const records = tables + tables * columns.length;
    expect(taken).toBeGreaterThanOrEqual(Math.floor(records / 128));
    const db = applyTransforms(base, [transform]);
    expect(db.tableNames.filter((name) => name.startsWith('Added'))).toHaveLength(tables);
    expect(db.columns('Added999').map((c) => c.name)).toEqual(['K', 'A', 'B', 'C', 'D']);
  });

  test('the synchronous functions run the same steps', () => {
    const viaSteps = runSteps(new TransformedDatabase(base).applySteps(caseStorages('row-changes')[0]));
    const db = new TransformedDatabase(base);
    expect(db.apply(caseStorages('row-changes')[0])).toEqual(viaSteps);
  });
});

describe('the event loop', () => {
  test.each([
    ['applyTransformsAsync', () => applyTransformsAsync(base, caseStorages('transform-sequence'))],
    ['applyPatchesAsync', () => applyPatchesAsync(base, [patchA, patchB])],
  ])('%s gives the loop back before it settles, and works over more than one turn', async (_name, call) => {
    let before = false;
    setImmediate(() => {
      before = true;
    });
    let settled = false;
    let turns = 0;
    const ping = (): void => {
      turns++;
      if (!settled) setImmediate(ping);
    };
    const promise = call().finally(() => {
      settled = true;
    });
    setImmediate(ping);
    expect(before).toBe(false);
    await promise;
    expect(before).toBe(true);
    expect(turns).toBeGreaterThan(1);
  });
});

describe('abort', () => {
  test('an aborted signal rejects with AbortError before any work', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the user closed the window'));
    const apply = jest.spyOn(TransformedDatabase.prototype, 'applySteps');
    try {
      const error = await applyPatchesAsync(base, [patchA], { signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as Error).message).toMatch(/applyPatchesAsync\(\) was aborted by its AbortSignal: the user closed the window/);
      const other = await applyTransformsAsync(base, caseStorages('row-changes'), { signal: controller.signal }).catch((e: unknown) => e);
      expect(other).toBeInstanceOf(AbortError);
      expect((other as Error).message).toMatch(/applyTransformsAsync\(\) was aborted/);
      expect(apply).not.toHaveBeenCalled();
    } finally {
      apply.mockRestore();
    }
  });

  test.each([
    ['applyTransformsAsync', (signal?: AbortSignal) => applyTransformsAsync(base, caseStorages('transform-sequence'), { signal })],
    ['applyPatchesAsync', (signal?: AbortSignal) => applyPatchesAsync(base, [patchA, patchB, patchA], { signal })],
  ])('%s aborted while it works rejects with AbortError at the next slice; the base is unchanged', async (_name, call) => {
    const before = packageTables(base);
    const spy = jest.spyOn(TransformedDatabase.prototype, 'applySteps');
    let whole: number;
    try {
      await call();
      whole = spy.mock.calls.length;
      spy.mockClear();
      const controller = new AbortController();
      const promise = call(controller.signal);
      // The first slice runs in the next turn; abort right after it.
      setImmediate(() => controller.abort());
      await expect(promise).rejects.toBeInstanceOf(AbortError);
      // Stopped part way: fewer transforms started than a whole run applies.
      expect(whole).toBeGreaterThan(1);
      expect(spy.mock.calls.length).toBeLessThan(whole);
    } finally {
      spy.mockRestore();
    }
    expect(packageTables(base)).toEqual(before);
    // Without an abort, the same call completes.
    await expect(call(new AbortController().signal)).resolves.toBeInstanceOf(TransformedDatabase);
  });
});

describe('arguments', () => {
  const notPackage = { tableNames: [] };
  test.each([
    ['applyTransformsAsync base', () => applyTransformsAsync(notPackage as never, []), '"base"'],
    ['applyTransformsAsync transforms', () => applyTransformsAsync(base, 42 as never), '"transforms"'],
    [
      'applyTransformsAsync transforms[1]',
      () => applyTransformsAsync(base, [caseStorages('row-changes')[0], {}] as never),
      '"transforms[1]"',
    ],
    ['applyTransformsAsync options', () => applyTransformsAsync(base, [], 'x' as never), '"options"'],
    ['applyTransformsAsync signal', () => applyTransformsAsync(base, [], { signal: {} as never }), '"signal"'],
    ['applyPatchesAsync base', () => applyPatchesAsync(null as never, []), '"base"'],
    ['applyPatchesAsync patches', () => applyPatchesAsync(base, 'x.msp' as never), '"patches"'],
    ['applyPatchesAsync patches[1]', () => applyPatchesAsync(base, [patchA, 'x.msp'] as never), '"patches[1]"'],
    ['applyPatchesAsync options', () => applyPatchesAsync(base, [], [] as never), '"options"'],
    ['applyPatchesAsync signal', () => applyPatchesAsync(base, [], { signal: 'stop' as never }), '"signal"'],
  ])('%s: a rejected TypeError naming it, not a throw', async (_label, call, name) => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = call();
    }).not.toThrow();
    const error = await promise!.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(name);
  });

  test('a package that is not a patch is refused by name, by each function that takes a patch', async () => {
    // It reached the middle of the work and threw "patchTransformsFor expects a patch package".
    const expectRefused = (error: unknown, name: string) => {
      expect(error).toBeInstanceOf(TypeError);
      expect((error as { code?: unknown }).code).toBe('ERR_MSI_LUA_INVALID_ARGUMENT');
      expect((error as Error).message).toContain(`"${name}" argument must be a patch package (.msp); received an installation package`);
    };
    const thrown = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expectRefused(
      thrown(() => applyPatches(base, [patchA, base])),
      'patches[1]',
    );
    expectRefused(await applyPatchesAsync(base, [base]).catch((e: unknown) => e), 'patches[0]');
    expectRefused(
      thrown(() => new TransformedDatabase(base).applyPatch(base)),
      'patch',
    );
    expectRefused(
      thrown(() => patchTransformsFor(base, { productCode: summary.targetProductCode })),
      'patch',
    );
  });

  test('a bad argument is named even when the signal is aborted', async () => {
    const signal = AbortSignal.abort();
    await expect(applyPatchesAsync(base, [42] as never, { signal })).rejects.toThrow(/"patches\[0\]"/);
  });
});

describe('damaged transforms', () => {
  test('reject the MsiFormatError the synchronous functions throw', async () => {
    const damaged = () => [
      mst({ summary, changes: [{ table: 'Widget', columns: COLUMNS.Widget, records: [{ op: 'raw', bytes: Buffer.from([0x01, 0x04]) }] }] }),
    ];
    let sync: unknown;
    try {
      applyTransforms(base, damaged());
    } catch (error) {
      sync = error;
    }
    expect(sync).toBeInstanceOf(MsiFormatError);
    const async = await applyTransformsAsync(base, damaged()).catch((e: unknown) => e);
    expect(async).toBeInstanceOf(MsiFormatError);
    expect(describeError(async)).toEqual(describeError(sync));
    expect((async as MsiFormatError).where).toBe((sync as MsiFormatError).where);
    expect((async as MsiFormatError).offset).toBe((sync as MsiFormatError).offset);
  });

  test('in a patch: rejected as applyPatches throws', async () => {
    const broken = readPackage(
      fs.readFileSync(
        await buildPatch({
          patchCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4EA3}',
          targetProductCodes: [summary.targetProductCode],
          transforms: [
            {
              name: 'Bad.1',
              ...fields(),
              streams: transformStreams({
                summary,
                changes: [{ table: 'Widget', columns: COLUMNS.Widget, records: [{ op: 'raw', bytes: Buffer.from([0x01, 0x03, 0x00]) }] }],
              }),
            },
          ],
        }),
      ),
    );
    const outcome = await comparePatches(base, [patchA, broken]);
    expect(outcome).toEqual({ error: { class: 'MsiFormatError', message: expect.stringMatching(/needs 8 bytes/) } });
  });
});
