// readTableAsync and exportIdtAsync give what readTable and exportIdt give (the same rows,
// bytes, error class and message) for every table of every package at hand: the fixtures
// the unit tests cache, the real packages of ../shared/corpus and the damaged files of
// ../shared/cases (read from there; skipped with a message where ../shared is absent). And
// they give the event loop back while they work, which the synchronous methods never do.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AbortError } from '../../../lib/errors';
import { encodeStreamName, openPackage, type MsiPackage, type TableReadOptions } from '../../../lib/package';
import { ENTRY, layoutOf } from '../../support/cfb-layout';
import { buildLargeMsi, buildSmallMsi, FIXTURE_CACHE, scratchDir } from '../../support/package-fixtures';

jest.setTimeout(600_000);

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');

type Outcome = { value: unknown } | { error: { class: string; message: string } };

function outcomeOf(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return { error: describeError(error) };
  }
}

async function outcomeOfAsync(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: describeError(error) };
  }
}

function describeError(error: unknown): { class: string; message: string } {
  return error instanceof Error
    ? { class: error.constructor.name, message: error.message }
    : { class: typeof error, message: String(error) };
}

/** Files of `dir` that openPackage may read (transforms and merge modules included: they fail or read alike). */
function packagesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(msi|msp|msm|mst)$/i.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function cachedFixtures(): string[] {
  if (!fs.existsSync(FIXTURE_CACHE)) return [];
  return fs
    .readdirSync(FIXTURE_CACHE)
    .sort()
    .flatMap((sub) => packagesIn(path.join(FIXTURE_CACHE, sub)));
}

interface Comparison {
  /** Tables (and pseudo tables) compared, over both methods. */
  compared: number;
  /** Of them, the ones both sides failed (same class and message). */
  failed: number;
  /** Differences: what was asked and the two outcomes. */
  differences: Array<{ file: string; what: string; sync: Outcome; async: Outcome }>;
}

/**
 * Compares, for every table of `file` (plus _Tables, _Columns, the two IDT pseudo tables and a
 * name the package does not have): readTable against readTableAsync on a package opened from
 * the path (its streams read with node:fs callback reads), exportIdt against exportIdtAsync on
 * one opened from the bytes. Each side has its own MsiPackage, so no table read by one is
 * reused by the other. Null when the file does not open.
 */
async function compareFile(file: string): Promise<Comparison | null> {
  let opened: MsiPackage[];
  try {
    const bytes = fs.readFileSync(file);
    opened = await Promise.all([openPackage(file), openPackage(file), openPackage(bytes), openPackage(bytes)]);
  } catch {
    return null;
  }
  const [syncPath, asyncPath, syncBytes, asyncBytes] = opened;
  const names = [...syncPath.tableNames, '_Tables', '_Columns', 'NoSuchTable'];
  const result: Comparison = { compared: 0, failed: 0, differences: [] };
  const compare = (what: string, sync: Outcome, async: Outcome) => {
    result.compared++;
    if ('error' in sync && 'error' in async) result.failed++;
    try {
      expect(async).toEqual(sync);
    } catch {
      result.differences.push({ file: path.basename(file), what, sync, async });
    }
  };
  for (const name of names) {
    compare(
      `readTable(${name})`,
      outcomeOf(() => syncPath.readTable(name)),
      await outcomeOfAsync(() => asyncPath.readTableAsync(name)),
    );
  }
  for (const name of [...names, '_SummaryInformation', '_ForceCodepage']) {
    compare(
      `exportIdt(${name})`,
      outcomeOf(() => syncBytes.exportIdt(name)),
      await outcomeOfAsync(() => asyncBytes.exportIdtAsync(name)),
    );
  }
  return result;
}

async function compareAll(files: string[]): Promise<{ opened: number; compared: number; failed: number }> {
  let opened = 0;
  let compared = 0;
  let failed = 0;
  const differences: Comparison['differences'] = [];
  for (const file of files) {
    const comparison = await compareFile(file);
    if (!comparison) continue;
    opened++;
    compared += comparison.compared;
    failed += comparison.failed;
    differences.push(...comparison.differences);
  }
  expect(differences).toEqual([]);
  return { opened, compared, failed };
}

describe('the asynchronous table reads give what the synchronous ones give', () => {
  beforeAll(async () => {
    // The fixtures compared below: built (and cached) here when no other test has.
    await buildSmallMsi();
    await buildLargeMsi();
  });

  test('every table of the cached fixtures', async () => {
    const files = cachedFixtures();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const { opened, compared } = await compareAll(files);
    expect(opened).toBe(files.length);
    console.log(`cached fixtures: ${opened} packages, ${compared} tables compared, every one alike`);
  });

  const corpus = packagesIn(path.join(SHARED, 'corpus'));
  (corpus.length > 0 ? test : test.skip)('every table of every package of ../shared/corpus', async () => {
    const { opened, compared, failed } = await compareAll(corpus);
    expect(opened).toBeGreaterThan(corpus.length / 2);
    console.log(
      `../shared/corpus: ${opened} of ${corpus.length} files open, ${compared} tables compared (${failed} failing alike), every one alike`,
    );
  });
  if (corpus.length === 0) console.log(`no ${path.join(SHARED, 'corpus')}: the corpus comparison is skipped`);

  const cases = packagesIn(path.join(SHARED, 'cases'));
  (cases.length > 0 ? test : test.skip)('every table of the damaged files of ../shared/cases', async () => {
    const { opened, compared, failed } = await compareAll(cases);
    expect(opened).toBeGreaterThan(0);
    // Some of them damage a table: the comparison covers errors, not only values.
    expect(failed).toBeGreaterThan(0);
    console.log(`../shared/cases: ${opened} of ${cases.length} files open, ${compared} tables compared (${failed} failing alike)`);
  });
  if (cases.length === 0) console.log(`no ${path.join(SHARED, 'cases')}: the damaged-cases comparison is skipped`);

  test('damaged table chains (a link outside the file, a chain too short for the size) fail alike', async () => {
    const layout = layoutOf(fs.readFileSync(await buildLargeMsi()));
    const entryOf = (table: string) => layout.entries.find((e) => e.name === encodeStreamName(table, true))!;
    const file = entryOf('File');
    const component = entryOf('Component');
    expect(file.size).toBeGreaterThanOrEqual(4096);
    expect(component.size).toBeGreaterThanOrEqual(4096);
    layout.buf.writeUInt32LE(0x7ffffff0, file.offset + ENTRY.start);
    layout.buf.writeUInt32LE(component.size + 64 * layout.sectorSize, component.offset + ENTRY.size);
    const damaged = path.join(scratchDir('async-table'), 'damaged-chains.msi');
    fs.writeFileSync(damaged, layout.buf);
    const comparison = await compareFile(damaged);
    expect(comparison).not.toBeNull();
    expect(comparison!.differences).toEqual([]);
    // File and Component, each read and exported.
    expect(comparison!.failed).toBeGreaterThanOrEqual(4);
  });

  test('a file that changed after the open fails alike', async () => {
    const file = path.join(scratchDir('async-table'), 'changed.msi');
    fs.copyFileSync(await buildSmallMsi(), file);
    const [syncPkg, asyncPkg] = await Promise.all([openPackage(file), openPackage(file)]);
    fs.appendFileSync(file, Buffer.alloc(512));
    const sync = outcomeOf(() => syncPkg.readTable('File'));
    expect(sync).toEqual({ error: { class: 'MsiFormatError', message: expect.stringContaining('the file changed') } });
    expect(await outcomeOfAsync(() => asyncPkg.readTableAsync('File'))).toEqual(sync);
  });
});

describe('readTableAsync and exportIdtAsync give the event loop back', () => {
  /** Turns of the loop (setImmediate callbacks, one per turn) that ran between the call and its settling. */
  async function turnsDuring(call: () => Promise<unknown>): Promise<number> {
    let turns = 0;
    let settled = false;
    const tick = () => {
      if (settled) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await call();
    settled = true;
    return turns;
  }

  test('reading the File table of the 20,000-file fixture takes more than one turn', async () => {
    const file = await buildLargeMsi();
    const pkg = await openPackage(file);
    let rows = 0;
    const turns = await turnsDuring(async () => (rows = (await pkg.readTableAsync('File')).rows.length));
    expect(rows).toBe(20_000);
    // The first callback, queued as the call started, ran before it settled, and more after it.
    expect(turns).toBeGreaterThan(1);
    const again = await openPackage(file);
    expect(await turnsDuring(() => again.exportIdtAsync('File'))).toBeGreaterThan(1);
  });

  test('the synchronous readTable, for contrast, takes none', async () => {
    const pkg = await openPackage(await buildLargeMsi());
    expect(await turnsDuring(async () => pkg.readTable('File'))).toBe(0);
  });
});

describe('options.signal', () => {
  test('an aborted signal rejects with AbortError, before or during the read', async () => {
    const file = await buildLargeMsi();
    const pkg = await openPackage(file);
    const before = new AbortController();
    before.abort();
    await expect(pkg.readTableAsync('File', { signal: before.signal })).rejects.toBeInstanceOf(AbortError);
    await expect(pkg.exportIdtAsync('File', { signal: before.signal })).rejects.toBeInstanceOf(AbortError);
    // Aborted after a few turns: the call stops at its next slice, without decoding the rest.
    for (const call of [
      (signal: AbortSignal) => pkg.readTableAsync('File', { signal }),
      (signal: AbortSignal) => pkg.exportIdtAsync('File', { signal }),
    ]) {
      const during = new AbortController();
      const pending = call(during.signal);
      await new Promise((resolve) => setImmediate(resolve));
      during.abort(new Error('the window closed'));
      const error = await pending.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AbortError);
      expect((error as Error).message).toContain('was aborted by its AbortSignal: the window closed');
      expect((error as Error & { cause?: unknown }).cause).toBe(during.signal.reason);
    }
    // An unaborted signal changes nothing.
    const open = new AbortController();
    expect(await pkg.readTableAsync('File', { signal: open.signal })).toEqual(pkg.readTable('File'));
  });

  test('an abort reason whose name or message cannot be read still gives AbortError', async () => {
    const pkg = await openPackage(await buildSmallMsi());
    const throwing = (field: 'name' | 'message'): Error => {
      const error = new Error('unused');
      Object.defineProperty(error, field, {
        get() {
          throw new Error(`the ${field} getter threw`);
        },
      });
      return error;
    };
    const revoked = Proxy.revocable(new Error('revoked'), {});
    revoked.revoke();
    const hostile: unknown[] = [throwing('name'), throwing('message'), revoked.proxy, 'a string', Symbol('why'), undefined];
    for (const reason of hostile) {
      for (const call of [
        (signal: AbortSignal) => pkg.readTableAsync('File', { signal }),
        (signal: AbortSignal) => pkg.exportIdtAsync('File', { signal }),
      ]) {
        const controller = new AbortController();
        controller.abort(reason);
        const error = await call(controller.signal).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(AbortError);
        expect((error as Error).message).toContain('was aborted by its AbortSignal');
      }
    }
  });

  test('a name that is not a string rejects with TypeError even with an aborted signal', async () => {
    const pkg = await openPackage(await buildSmallMsi());
    const aborted = new AbortController();
    aborted.abort();
    for (const name of [7, null, undefined, Symbol('File'), { toString: () => 'File' }]) {
      const expected = outcomeOf(() => pkg.readTable(name as unknown as string));
      expect(expected).toEqual({ error: expect.objectContaining({ class: 'TypeError' }) });
      for (const options of [{ signal: aborted.signal }, 'not options']) {
        const call = options as TableReadOptions;
        expect(await outcomeOfAsync(() => pkg.readTableAsync(name as unknown as string, call))).toEqual(expected);
        expect(await outcomeOfAsync(() => pkg.exportIdtAsync(name as unknown as string, call))).toEqual(expected);
      }
    }
  });

  test('options that are not { signal?: AbortSignal } reject with TypeError', async () => {
    const pkg = await openPackage(await buildSmallMsi());
    await expect(pkg.readTableAsync('File', { signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(TypeError);
    await expect(pkg.exportIdtAsync('File', 42 as never)).rejects.toThrow(TypeError);
    await expect(pkg.readTableAsync(7 as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('many reads at once', () => {
  const procFd = '/proc/self/fd';
  const testOnProc = fs.existsSync(procFd) ? test : test.skip;
  if (!fs.existsSync(procFd)) console.warn(`skipped: ${procFd} is needed to count open descriptors`);

  testOnProc('hold a bounded number of file descriptors, so they do not fail with EMFILE', async () => {
    const file = fs.realpathSync(await buildSmallMsi());
    const pkg = await openPackage(file);
    const names = pkg.tableNames.filter((name) => name !== '_Tables' && name !== '_Columns');
    const openOnFile = (): number =>
      fs.readdirSync(procFd).filter((fd) => {
        try {
          return fs.readlinkSync(path.join(procFd, fd)) === file;
        } catch {
          return false; // closed meanwhile
        }
      }).length;
    let peak = 0;
    let sampling = true;
    const sample = (): void => {
      peak = Math.max(peak, openOnFile());
      if (sampling) setImmediate(sample);
    };
    sample();
    // A careless caller: every table, 20 times over, all at once (as many
    // packages would be scanned with Promise.all).
    const calls = Array.from({ length: 20 }, () => names.map((name) => pkg.readTableAsync(name))).flat();
    const results = await Promise.all(calls).finally(() => (sampling = false));
    expect(calls.length).toBeGreaterThan(100);
    results.forEach((result, i) => expect(result).toEqual(pkg.readTable(names[i % names.length])));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(16);
    expect(openOnFile()).toBe(0);
  });
});

describe('an abort while waiting for a descriptor', () => {
  test('rejects at once, behind 16 reads that never answer (a hung network share)', async () => {
    const pkg = await openPackage(await buildSmallMsi());
    const held: Array<() => void> = [];
    const nodeFs = require('node:fs') as typeof fs;
    const realRead = nodeFs.read;
    // Every callback read of the file is held until the end of the test: the
    // 16 places of the descriptor gate stay taken, as on a share that stopped answering.
    const spy = jest.spyOn(nodeFs, 'read').mockImplementation(((...args: unknown[]) => {
      held.push(() => (realRead as (...a: unknown[]) => void)(...args));
    }) as unknown as typeof fs.read);
    try {
      const blockers = Array.from({ length: 16 }, () => pkg.readTableAsync('File'));
      while (held.length < 16) await new Promise((resolve) => setImmediate(resolve));
      const controller = new AbortController();
      let outcome: unknown = 'pending';
      const waiting = pkg.readTableAsync('Property', { signal: controller.signal }).then(
        () => (outcome = 'resolved'),
        (error: unknown) => (outcome = error),
      );
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(outcome).toBe('pending');
      expect(held).toHaveLength(16);
      controller.abort();
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(outcome).toBeInstanceOf(AbortError);
      expect((outcome as Error).message).toContain('MsiPackage.readTableAsync("Property") was aborted by its AbortSignal');
      // It never took a place: no read of its own was started.
      expect(held).toHaveLength(16);
      spy.mockRestore();
      held.splice(0).forEach((release) => release());
      const rows = await Promise.all(blockers);
      rows.forEach((result) => expect(result).toEqual(pkg.readTable('File')));
      await waiting;
    } finally {
      spy.mockRestore();
      held.splice(0).forEach((release) => release());
    }
  });
});
