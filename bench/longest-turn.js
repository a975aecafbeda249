#!/usr/bin/env node
'use strict';
// Longest synchronous stretch of msi-lua's JavaScript: for each public async
// call of lib/index.ts that does work in JavaScript, run on a large but valid
// input, the longest time the event loop went without turning while the call
// ran (and its share of the call's own first synchronous part).
//
// How: a setImmediate ping loop runs alongside the call. A setImmediate
// callback runs once per turn of the loop (the check phase; with one pending
// the poll phase does not wait), so the gap between two pings is exactly one
// turn: everything that ran in it, the call's synchronous code and the
// microtasks it queued included. The longest gap is the longest a timer, an
// I/O callback or a signal handler of the caller would have waited.
// monitorEventLoopDelay gives the same figure only to its resolution (a
// timer sampling at >= 1 ms) and mixes in the timer's own lateness; the
// pings measure each turn to the nanosecond (process.hrtime.bigint) for the
// cost of one empty callback per turn. The call is started from inside a
// ping's turn, so its synchronous prefix is counted in a gap too.
//
// Each row runs in a fresh process (its warm-up call, then --rounds
// measured calls; the longest and the median of the rounds' longest turns
// are printed), so no row measures what an earlier one left in the heap.
// Each row also gives the median of the rounds' longest garbage-collector
// pause (perf_hooks 'gc' entries): a turn that a pause fills is the heap's
// (the result being kept), not the code's.
// Reports figures; asserts nothing. The machine is shared: figures move by
// a few ms between runs; read the longest turn against the call's span.
//
//   npx tsc -p tsconfig.json && node bench/longest-turn.js [--rounds N] [--row name] [--before DIR]
//
// --before DIR measures each row also against DIR/dist (another commit's
// build, e.g. a `git worktree` of main compiled with tsc), in the same run,
// the two processes of a row one after the other, and prints both figures
// and their ratio side by side.
//
// A row's `setup` (when it has one) runs before each call, outside the
// measured span: what it gives is the call's third argument.
//
// Inputs:
// - packages: the 20,000-file fixture the unit tests cache
//   (.cache/fixtures/package/large20000-*/large20000.msi: run
//   `npm run test:unit` once), ../shared/cases/long-string-64k.msi and the
//   corpus's psmsi-Example.msi/.msp (rows skipped, with a line saying so,
//   when a file is absent); a transform of large20000.msi's File table
//   written with the tests' transform writer (test/support, through esbuild);
// - Windows Update Agent and Windows Installer queries: the records the
//   native layer returns (lib/native/binding.ts, lib/native/wua-binding.ts),
//   made here and handed over through the binding the unit tests inject
//   (setNativeBinding), so the rows measure the TypeScript shaping on Linux.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const { PerformanceObserver } = require('node:perf_hooks');

const root = path.resolve(__dirname, '..');
const shared = path.resolve(root, '..', 'shared');
const { cachedFixture } = require('./support/fixtures');

/** Runs `start()` alongside a setImmediate ping loop: { span, longest, turns } in ms. */
function longestTurn(start) {
  return new Promise((resolve, reject) => {
    let last = process.hrtime.bigint();
    let longest = 0n;
    let turns = 0;
    let done = false;
    let began = 0n;
    let outcome;
    const ping = () => {
      const now = process.hrtime.bigint();
      if (now - last > longest) longest = now - last;
      last = now;
      turns++;
      if (!done) setImmediate(ping);
      else {
        const span = Number(now - began) / 1e6;
        if (outcome.error) reject(outcome.error);
        else resolve({ span, longest: Number(longest) / 1e6, turns, value: outcome.value });
      }
    };
    setImmediate(() => {
      last = process.hrtime.bigint();
      began = last;
      longest = 0n;
      // Started inside this turn: its synchronous part counts in this gap.
      Promise.resolve()
        .then(start)
        .then(
          (value) => (outcome = { value }),
          (error) => (outcome = { error }),
        )
        .finally(() => (done = true));
      setImmediate(ping);
    });
  });
}

// --- inputs for the shaping rows ------------------------------------------------------------

const guid = (i) => `${(0x10000000 + i).toString(16)}-0000-4000-8000-${String(i).padStart(12, '0')}`;

function nativeUpdate(i) {
  return {
    id: guid(i),
    revision: 200 + (i % 7),
    title: `Cumulative update ${i} for a product (KB${5000000 + i})`,
    description: 'Install this update to resolve issues in the product. '.repeat(4),
    kbArticleIds: [String(5000000 + i)],
    securityBulletinIds: [],
    categories: [
      { id: 'e6cf1350-c01b-414d-a61f-263d14d133b4', name: 'Critical Updates', type: 'UpdateClassification' },
      { id: 'a105a108-7c9b-4518-bbbe-73f0fe30012b', name: 'Windows Server 2019', type: 'Product' },
    ],
    msrcSeverity: i % 3 ? 'Important' : '',
    minDownloadSize: 1000 + i,
    maxDownloadSize: 2000 + i,
    isDownloaded: false,
    isInstalled: false,
    isMandatory: false,
    isHidden: false,
    isBeta: false,
    isUninstallable: true,
    eulaAccepted: true,
    type: 1,
    installationBehavior: { canRequestUserInput: false, rebootBehavior: 2, impact: 0, requiresNetworkConnectivity: false },
    uninstallationBehavior: null,
  };
}

function nativeHistoryEntry(i, failing) {
  return {
    operation: 1,
    resultCode: failing ? 4 : 2,
    hresult: failing ? 0x80240022 : 0,
    date: 45000 + i / 24,
    updateId: guid(i),
    revision: 200,
    title: `Security Intelligence Update (Version 1.${400000 + i}.0)`,
    description: 'Install this update to revise the files that are used to detect viruses.',
    unmappedResultCode: failing ? 0x80240022 : 0,
    clientApplicationId: 'AutomaticUpdates',
    serverSelection: 1,
    serviceId: '',
    supportUrl: 'https://go.microsoft.com/fwlink/?LinkId=52661',
    categories: [{ id: 'e0789628-ce08-4437-be74-2495b842f43b', name: 'Definition Updates', type: 'UpdateClassification' }],
  };
}

/**
 * A scripted WUA binding answering at once with what `answer` holds (the records native/wua_*.cc
 * returns), as the unit tests' FakeWua does (test/support/wua-fake-binding.ts).
 */
function wuaBinding(answer) {
  const handle = { __brand: 'msi-lua.wua.session' };
  const job = (value) => ({ promise: Promise.resolve(value), abort: () => {} });
  return {
    wuaOpenSession: () => handle,
    wuaCloseSession: async () => {},
    wuaSearch: () =>
      job({
        resultCode: answer.warnings?.length ? 3 : 2,
        abortRequested: false,
        updates: answer.updates ?? [],
        warnings: answer.warnings ?? [],
      }),
    wuaHistory: (_session, start, count) => job({ total: answer.history.length, entries: answer.history.slice(start, start + count) }),
    wuaDownload: (_session, ids) =>
      job({
        resultCode: 3,
        hresult: 0,
        abortRequested: false,
        updates: ids.map((id) => ({ id, resultCode: 4, hresult: 0x80246008 })),
      }),
    wuaSetHidden: (_session, ids) => job(ids.map((id) => ({ id, hresult: 0x80070005, isHidden: false }))),
  };
}

/** MsiEnumProductsExW + MsiGetProductInfoExW records (native/products.cc). */
function productRecords(count, properties) {
  return Array.from({ length: count }, (_, i) => ({
    productCode: `{${guid(i).toUpperCase()}}`,
    context: 4,
    userSid: null,
    values: properties.map((p) =>
      p === 'PackageCode'
        ? { status: 0, value: 'D6F3A1B2C4E5F60718293A4B5C6D7E8F' }
        : i % 2
          ? { status: 0, value: `${p} of product ${i}` }
          : { status: 1608 },
    ),
  }));
}

// --- rows -----------------------------------------------------------------------------------

const WARNINGS = 10_000;
const UPDATES = 5_000;
const HISTORY = 10_000;
const PRODUCTS = 5_000;
const PATCHES = 16;
/** Rows the large transform inserts into large20000.msi's File table, besides updating each of its rows. */
const INSERTED_FILES = 2_000;

let largeTransformBytes = null;

/**
 * A transform of large20000.msi as a service pack of every file would be: each File row's
 * Version and FileSize updated, INSERTED_FILES rows added (about 0.5 MB). Written by the
 * tests' transform writer (test/support/transform-writer.ts, compiled here with esbuild:
 * no tool on the machine writes transforms), once per process.
 */
function largeTransform(lib, large) {
  if (largeTransformBytes) return largeTransformBytes;
  const { outputFiles } = require('esbuild').buildSync({
    entryPoints: [path.join(root, 'test', 'support', 'transform-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    logLevel: 'error',
  });
  const writer = new module.constructor(path.join(root, 'test', 'support', 'transform-writer.js'));
  writer.paths = module.paths;
  writer._compile(outputFiles[0].text, writer.id);
  const table = lib.readPackage(fs.readFileSync(large)).readTable('File');
  const records = table.rows.map((row) => ({ op: 'update', key: [row.File], set: { Version: '2.0.0.0', FileSize: 4096 } }));
  for (let i = 0; i < INSERTED_FILES; i++) {
    const values = table.columns.map((c) => {
      if (c.name === 'File') return `added${i}`;
      if (c.name === 'Component_') return table.rows[i % table.rows.length].Component_;
      if (c.name === 'FileName') return `added${i}.txt`;
      return c.kind === 'integer' ? i + 1 : c.nullable ? null : `v${i}`;
    });
    records.push({ op: 'insert', values });
  }
  const code = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}';
  largeTransformBytes = writer.exports.writeTransformFile({
    summary: { targetProductCode: code, targetVersion: '1.0.0', upgradedProductCode: code, upgradedVersion: '1.0.1', upgradeCode: code },
    changes: [{ table: 'File', columns: table.columns.map((c) => ({ name: c.name, type: c.idtType, key: c.primaryKey })), records }],
  });
  return largeTransformBytes;
}

/** large20000.msi opened and the large transform read, fresh for each call. */
async function largeTransformSetup(lib, f) {
  const bytes = largeTransform(lib, f.large);
  return { base: await lib.openPackage(f.large), transform: lib.readTransformFile(bytes) };
}

/** psmsi-Example.msi and PATCHES opens of its .msp, fresh for each call. */
async function patchesSetup(lib, f) {
  const base = await lib.openPackage(f.example);
  const patches = [];
  for (let i = 0; i < PATCHES; i++) patches.push(await lib.openPackage(f.examplePatch));
  return { base, patches };
}

function files() {
  const corpus = path.join(shared, 'corpus');
  const exists = (file) => (file && fs.existsSync(file) ? file : null);
  return {
    large: cachedFixture('large20000'),
    longString: exists(path.join(shared, 'cases', 'long-string-64k.msi')),
    example: exists(path.join(corpus, 'psmsi-Example.msi')),
    examplePatch: exists(path.join(corpus, 'psmsi-Example.msp')),
  };
}

/** Each row: what it needs (a reason when it cannot run), its set-up and the call. */
const ROWS = {
  'open-large': {
    label: 'openPackage(large20000.msi)',
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    call: (lib, f) => lib.openPackage(f.large),
  },
  'check-large': {
    label: 'checkLuaPatching(large20000.msi)',
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    call: (lib, f) => lib.checkLuaPatching(f.large),
  },
  // The methods of an opened package: each call on a package of its own, opened (and not
  // measured) before the call, so that no table read before is reused. The sync rows run
  // in one turn by contract: they stand beside the async ones for comparison.
  'read-table-large': {
    label: "pkg.readTable('File'), large20000.msi",
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    setup: (lib, f) => lib.openPackage(f.large),
    call: (lib, f, pkg) => pkg.readTable('File'),
  },
  'read-table-async-large': {
    label: "pkg.readTableAsync('File'), large20000.msi",
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    setup: (lib, f) => lib.openPackage(f.large),
    call: (lib, f, pkg) => pkg.readTableAsync('File'),
  },
  'export-idt-large': {
    label: "pkg.exportIdt('File'), large20000.msi",
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    setup: (lib, f) => lib.openPackage(f.large),
    call: (lib, f, pkg) => pkg.exportIdt('File'),
  },
  'export-idt-async-large': {
    label: "pkg.exportIdtAsync('File'), large20000.msi",
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    setup: (lib, f) => lib.openPackage(f.large),
    call: (lib, f, pkg) => pkg.exportIdtAsync('File'),
  },
  'open-long-string': {
    label: 'openPackage(long-string-64k.msi)',
    needs: (f) => (f.longString ? null : 'no ../shared/cases/long-string-64k.msi'),
    call: (lib, f) => lib.openPackage(f.longString),
  },
  'check-patches': {
    label: `checkLuaPatching(psmsi-Example.msi, ${PATCHES} x .msp)`,
    needs: (f) => (f.example && f.examplePatch ? null : 'no ../shared/corpus/psmsi-Example.msi and .msp'),
    call: (lib, f) =>
      lib.checkLuaPatching(
        f.example,
        Array.from({ length: PATCHES }, () => f.examplePatch),
      ),
  },
  // The base and patches (or transform) opened before each call, not measured: a package's
  // tables and a patch's transform list are read on first use, which the call then pays for.
  'apply-patches': {
    label: `applyPatches(psmsi-Example.msi, ${PATCHES} x .msp)`,
    needs: (f) => (f.example && f.examplePatch ? null : 'no ../shared/corpus/psmsi-Example.msi and .msp'),
    setup: patchesSetup,
    call: (lib, f, { base, patches }) => lib.applyPatches(base, patches),
  },
  'apply-patches-async': {
    label: `applyPatchesAsync(psmsi-Example.msi, ${PATCHES} x .msp)`,
    needs: (f) => (f.example && f.examplePatch ? null : 'no ../shared/corpus/psmsi-Example.msi and .msp'),
    setup: patchesSetup,
    call: (lib, f, { base, patches }) => lib.applyPatchesAsync(base, patches),
  },
  'apply-transform-large': {
    label: `applyTransforms(large20000.msi, File: 20000 updates, ${INSERTED_FILES} inserts)`,
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    setup: largeTransformSetup,
    call: (lib, f, { base, transform }) => lib.applyTransforms(base, [transform]),
  },
  'apply-transform-async-large': {
    label: `applyTransformsAsync(large20000.msi, File: 20000 updates, ${INSERTED_FILES} inserts)`,
    needs: (f) => (f.large ? null : 'no large20000 fixture cached (run npm run test:unit once)'),
    setup: largeTransformSetup,
    call: (lib, f, { base, transform }) => lib.applyTransformsAsync(base, [transform]),
  },
  'search-warnings': {
    label: `session.search: ${WARNINGS} failing warnings`,
    binding: () =>
      wuaBinding({
        warnings: Array.from({ length: WARNINGS }, (_, i) => ({ hresult: 0x8024402f, message: `catalog ${i} not read`, context: 4 })),
      }),
    call: (lib) => lib.createUpdateSession().search('IsInstalled=0'),
  },
  'search-updates': {
    label: `session.search: ${UPDATES} updates`,
    binding: () => wuaBinding({ updates: Array.from({ length: UPDATES }, (_, i) => nativeUpdate(i)) }),
    call: (lib) => lib.createUpdateSession().search('IsInstalled=0'),
  },
  'history-failing': {
    label: `session.history: ${HISTORY} failed entries`,
    binding: () => wuaBinding({ history: Array.from({ length: HISTORY }, (_, i) => nativeHistoryEntry(i, true)) }),
    call: (lib) => lib.createUpdateSession().history({ count: HISTORY }),
  },
  'history-succeeded': {
    label: `session.history: ${HISTORY} succeeded entries`,
    binding: () => wuaBinding({ history: Array.from({ length: HISTORY }, (_, i) => nativeHistoryEntry(i, false)) }),
    call: (lib) => lib.createUpdateSession().history({ count: HISTORY }),
  },
  'download-failing': {
    label: `session.download: ${UPDATES} failed updates`,
    binding: () => wuaBinding({ updates: Array.from({ length: UPDATES }, (_, i) => nativeUpdate(i)) }),
    call: async (lib) => {
      const session = lib.createUpdateSession();
      const found = await session.search('IsInstalled=0');
      return session.download(found.updates);
    },
  },
  'list-products': {
    label: `listProducts: ${PRODUCTS} products, every property`,
    binding: (lib) => {
      const properties = [...lib.PRODUCT_PROPERTIES];
      const records = productRecords(PRODUCTS, properties);
      return { enumProducts: async () => records };
    },
    call: (lib) => lib.listProducts({ properties: [...lib.PRODUCT_PROPERTIES] }),
  },
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One row in this process: a warm-up call, then `rounds` measured ones. */
async function measureRow(name, rounds, dist) {
  const row = ROWS[name];
  const lib = require(dist);
  const f = files();
  if (row.binding) require(path.join(dist, 'native', 'load')).setNativeBinding(row.binding(lib));
  const prepare = async () => (row.setup ? row.setup(lib, f) : undefined);
  await row.call(lib, f, await prepare());
  const measured = [];
  for (let i = 0; i < rounds; i++) {
    const prepared = await prepare();
    // The collector's pauses in the span: what of the longest turn is the heap's, not the code's.
    const pauses = [];
    const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ entryTypes: ['gc'] });
    const { span, longest, turns } = await longestTurn(() => row.call(lib, f, prepared));
    // Entries are delivered after the collection, in a later turn.
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    measured.push({ span, longest, turns, gc: Math.max(0, ...pauses) });
  }
  return measured;
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rounds: { type: 'string' },
      row: { type: 'string', multiple: true },
      before: { type: 'string' },
      // Internal: a row's process.
      child: { type: 'string' },
      dist: { type: 'string' },
    },
  });
  const rounds = values.rounds === undefined ? 5 : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be an integer of at least 1; received ${values.rounds}`);
  if (values.child) {
    fs.writeSync(3, JSON.stringify(await measureRow(values.child, rounds, values.dist)));
    return;
  }
  const dists = [path.join(root, 'dist')];
  if (values.before) dists.unshift(path.resolve(values.before, 'dist'));
  for (const dist of dists)
    if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error(`no ${dist}: build first (npx tsc -p tsconfig.json)`);
  const names = values.row ?? Object.keys(ROWS);
  for (const name of names) if (!ROWS[name]) throw new Error(`unknown row ${name}; rows: ${Object.keys(ROWS).join(', ')}`);
  const f = files();
  console.log(
    `longest synchronous turn while one call runs (setImmediate pings; warm-up call, then ${rounds} measured, each row in a fresh process)`,
  );
  if (values.before) console.log(`  before: ${dists[0]}\n  after:  ${dists[1]}`);
  for (const name of names) {
    const row = ROWS[name];
    const missing = row.needs?.(f);
    if (missing) {
      console.log(`  ${row.label.padEnd(52)} not measured: ${missing}`);
      continue;
    }
    const figures = dists.map((dist) => summary(runRow(name, rounds, dist)));
    const describe = (x) =>
      `span ${x.span.toFixed(1).padStart(6)} ms, longest turn median ${x.median.toFixed(1).padStart(6)} ms (max ${x.max.toFixed(1).padStart(6)}, ${x.turns} turns; longest GC pause median ${x.gc.toFixed(1).padStart(5)} ms)`;
    if (figures.length === 1) console.log(`  ${row.label.padEnd(52)} ${describe(figures[0])}`);
    else {
      const [before, after] = figures;
      console.log(`  ${row.label}`);
      console.log(`      before: ${describe(before)}`);
      console.log(`      after:  ${describe(after)}   longest turn after/before ${(after.median / before.median).toFixed(2)}x`);
    }
  }
}

/** One row measured in a fresh process against `dist`: each round's { span, longest, turns }. */
function runRow(name, rounds, dist) {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, __filename, '--child', name, '--rounds', String(rounds), '--dist', dist],
    { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe', 'pipe'] },
  );
  if (child.status !== 0) throw new Error(`row ${name} failed (exit ${child.status}): ${child.stderr.trim()}`);
  return JSON.parse(child.output[3]);
}

function summary(results) {
  const longest = results.map((r) => r.longest);
  return {
    span: median(results.map((r) => r.span)),
    median: median(longest),
    max: Math.max(...longest),
    turns: median(results.map((r) => r.turns)),
    gc: median(results.map((r) => r.gc)),
  };
}

module.exports = { longestTurn, main };

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`bench/longest-turn.js: ${error.message}`);
    process.exitCode = 1;
  });
}
