#!/usr/bin/env node
'use strict';
// Event-loop benchmark of the package reader: the maximum event-loop delay
// (perf_hooks.monitorEventLoopDelay, default 10 ms resolution) while 1,000
// concurrent openPackage calls run, and while 1,000 concurrent
// checkLuaPatching calls run, each against the same span with the loop
// idle, side by side in one run. Target: at most 1.2x idle.
// A control row does the same span of 1 ms busy slices with no reader work:
// its ratio is what the machine adds to any busy process (preemption by
// other processes), not the reader. Reports figures; asserts nothing.
//
//   npx tsc -p tsconfig.json && node bench/event-loop-reader.js [--calls N] [--file a.msi] [--trace]
//
// --trace adds, for each span, the delay's 50th and 99th percentiles and the
// garbage collector's pauses in it (count, longest, total, by kind) from
// perf_hooks 'gc' entries: where a long delay came from. The figures of the
// ratio line are measured the same way with or without it (the observer only
// records entries, after each collection).
//
// Fixtures: the small and LUA packages the unit tests cache under
// .cache/fixtures/package/ (run `npm run test:unit` once), or --file.

const path = require('node:path');
const { monitorEventLoopDelay, PerformanceObserver, constants } = require('node:perf_hooks');

const root = path.resolve(__dirname, '..');

const { cachedFixture: cached } = require('./support/fixtures');

const GC_KINDS = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'scavenge'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'mark-compact'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
]);

/** Collects 'gc' entries while on (--trace only). */
function gcRecorder(enabled) {
  const entries = [];
  if (!enabled) return { stop: async () => null };
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // Entries are delivered after the collection, in a later turn.
      await new Promise((resolve) => setImmediate(resolve));
      observer.disconnect();
      const byKind = new Map();
      for (const entry of entries) {
        const kind = GC_KINDS.get(entry.detail?.kind) ?? 'other';
        const k = byKind.get(kind) ?? { count: 0, max: 0, total: 0 };
        k.count++;
        k.max = Math.max(k.max, entry.duration);
        k.total += entry.duration;
        byKind.set(kind, k);
      }
      return byKind;
    },
  };
}

function percentiles(histogram) {
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6 };
}

async function measure(label, work, trace = false) {
  const histogram = monitorEventLoopDelay();
  const gc = gcRecorder(trace);
  histogram.enable();
  const started = process.hrtime.bigint();
  const result = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  histogram.disable();
  const loaded = histogram.max / 1e6;
  const loadedGc = await gc.stop();
  // The same span with nothing to do.
  const idle = monitorEventLoopDelay();
  const idleGcRecorder = gcRecorder(trace);
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Math.max(ms, 50)));
  idle.disable();
  const idleGc = await idleGcRecorder.stop();
  const idleMax = idle.max / 1e6;
  const traced = trace ? { loaded: { ...percentiles(histogram), gc: loadedGc }, idle: { ...percentiles(idle), gc: idleGc } } : null;
  return { label, ms, loaded, idleMax, ratio: loaded / idleMax, result, trace: traced };
}

function describeTrace(span) {
  const gc = [...span.gc].map(([kind, k]) => `${kind} ${k.count}x max ${k.max.toFixed(1)} total ${k.total.toFixed(0)} ms`);
  return `delay p50 ${span.p50.toFixed(2)} p99 ${span.p99.toFixed(2)} ms; gc: ${gc.length ? gc.join(', ') : 'none'}`;
}

async function main(argv) {
  let calls = 1000;
  let file = null;
  let trace = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--calls') calls = Number(argv[++i]);
    else if (argv[i] === '--file') file = argv[++i];
    else if (argv[i] === '--trace') trace = true;
  }
  file ??= cached('small');
  const lua = cached('lua-machine');
  if (!file) throw new Error('no fixture: run the unit tests once (.cache/fixtures/package/) or pass --file');
  const lib = require(path.join(root, 'dist'));
  // Warm up (module loading, JIT) outside the measured spans.
  await lib.openPackage(file);
  if (lua) await lib.checkLuaPatching(lua);

  const rows = [];
  rows.push(
    await measure(
      `${calls} x openPackage(${path.basename(file)})`,
      async () => {
        const packages = await Promise.all(Array.from({ length: calls }, () => lib.openPackage(file)));
        return packages.length;
      },
      trace,
    ),
  );
  if (lua) {
    rows.push(
      await measure(
        `${calls} x checkLuaPatching(${path.basename(lua)})`,
        async () => {
          const reports = await Promise.all(Array.from({ length: calls }, () => lib.checkLuaPatching(lua)));
          return reports.length;
        },
        trace,
      ),
    );
  } else {
    console.log('(no LUA fixture cached: checkLuaPatching not measured)');
  }
  // Control row: the same span of CPU-bound work in 1 ms slices that do no
  // reader work and keep nothing (their only garbage is the timer and
  // time-stamp objects of each turn, a few short scavenges): what the machine
  // itself adds to the delay of a process that is busy, e.g. when other
  // processes compete for the cores and the busy process is preempted.
  const span = rows[0].ms;
  rows.push(
    await measure(
      'control: 1 ms busy slices, no reader work',
      () =>
        new Promise((resolve) => {
          const until = performance.now() + span;
          let turns = 0;
          const turn = () => {
            const end = performance.now() + 1;
            while (performance.now() < end);
            turns++;
            if (performance.now() < until) setImmediate(turn);
            else resolve(turns);
          };
          setImmediate(turn);
        }),
      trace,
    ),
  );
  console.log('event loop: maximum delay under load vs the same span idle (monitorEventLoopDelay, 10 ms resolution)');
  for (const row of rows) {
    console.log(
      `  ${row.label.padEnd(44)} span ${row.ms.toFixed(0).padStart(5)} ms   max delay ${row.loaded.toFixed(2)} ms vs idle ${row.idleMax.toFixed(2)} ms   ratio ${row.ratio.toFixed(2)}x (target <= 1.2x)`,
    );
    if (row.trace) {
      console.log(`      loaded: ${describeTrace(row.trace.loaded)}`);
      console.log(`      idle:   ${describeTrace(row.trace.idle)}`);
    }
  }
  return rows;
}

module.exports = { main };

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`bench/event-loop-reader.js: ${error.message}`);
    process.exitCode = 1;
  });
}
