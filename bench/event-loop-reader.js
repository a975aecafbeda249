#!/usr/bin/env node
'use strict';
// Event-loop benchmark of the package reader: the maximum event-loop delay
// (perf_hooks.monitorEventLoopDelay, default 10 ms resolution) while 1,000
// concurrent calls run, against the same span with the loop idle, side by
// side in one run. Target: at most 1.2x idle. Each row runs in a fresh
// child process (its warm-up, then the span), so no row measures what an
// earlier row left in the heap. Rows:
// - 1,000 openPackage, 1,000 checkLuaPatching and 1,000
//   evaluateLuaPatching calls (the last against a scripted machine where
//   the product is installed from the LUA fixture: the native calls answer
//   at once, and the row measures the JavaScript side), each kept by the
//   caller (Promise.all);
// - the same three with each result dropped as soon as it is made: the
//   reader's own share, without the cost of keeping 1,000 results;
// - control: the same span of 1 ms busy slices with no reader work: what
//   the machine adds to any busy process (preemption), not the reader;
// - control-kept: the check row's span of 1 ms busy slices that allocate
//   and keep what 1,000 kept checks do (copies of a real report, parsed
//   with the built-in JSON.parse; the check's and a copy's heap figures
//   measured first by bench/heap-reader.js, each in a process of its own),
//   with no reader code: what the collector and a growing heap add on this
//   machine, not the reader.
// Reports figures; asserts nothing. One maximum is noisy (the idle span's
// own maximum moves by a fifth between runs): --rounds N repeats every row
// N times, interleaved, and prints each row's min, median and max ratio.
// --warm N makes N calls before the span instead of one (the JIT's work
// then falls outside it). Node options given to this script (e.g. --no-opt)
// are passed to the rows' processes.
//
//   npx tsc -p tsconfig.json && node bench/event-loop-reader.js [--calls N] [--file a.msi] [--lua lua.msi] [--rounds N] [--warm N] [--trace]
//
// --trace adds, for each span, the delay's 50th and 99th percentiles, the
// garbage collector's pauses in it (count, longest, total, by kind) from
// perf_hooks 'gc' entries and, on Linux (where /proc/self/task/<tid>/schedstat
// can be read), how long the main thread ran and waited for a CPU while the
// process's other threads ran, and the minor page faults each side took:
// where a long delay came from. It also prints, once, what a page fault
// costs this machine. The figures of the ratio line are measured the same
// way with or without it (the observer only records entries, after each
// collection).
//
// Fixtures: the small and LUA packages the unit tests cache under
// .cache/fixtures/package/ (run `npm run test:unit` once), or --file (the
// open rows' package) and --lua (the check and evaluate rows'; the
// control-kept row runs only with the LUA fixture, lua-machine.msi).

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const { monitorEventLoopDelay, PerformanceObserver, constants } = require('node:perf_hooks');

const root = path.resolve(__dirname, '..');

const { cachedFixture: cached } = require('./support/fixtures');
const { scriptedMachine } = require('./support/machine');

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

/**
 * A thread's minor page faults so far (field 10 of /proc/<pid>/task/<tid>/stat,
 * counted after the command name, which may hold spaces), or null.
 */
function minorFaults(statPath) {
  try {
    const stat = fs.readFileSync(statPath, 'utf8');
    // No ")": not a stat line (its fields would be counted from the wrong place).
    const nameEnd = stat.lastIndexOf(')');
    if (nameEnd < 0) return null;
    const n = Number(stat.slice(nameEnd + 2).split(' ')[7]);
    return Number.isInteger(n) && n >= 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * What one minor page fault costs this machine, in microseconds: the first
 * touch of each page of a fresh 16 MiB buffer, timed, over the faults it
 * took (--trace only; null where the count cannot be read). A virtual
 * machine may pay many times what bare metal does, and every page the
 * process touches for the first time (a young generation that grows, a
 * compiler's zone memory) pays it.
 */
function pageFaultCost(statPath = '/proc/thread-self/stat') {
  const before = minorFaults(statPath);
  if (before === null) return null;
  const started = process.hrtime.bigint();
  const pages = Buffer.allocUnsafeSlow(16 << 20);
  for (let i = 0; i < pages.length; i += 4096) pages[i] = 1;
  const ns = Number(process.hrtime.bigint() - started);
  const faults = minorFaults(statPath) - before;
  return faults > 0 ? { us: ns / 1e3 / faults, faults } : null;
}

/**
 * Per-thread CPU of this process (--trace only, Linux): from
 * /proc/self/task/<tid>/schedstat, the time each thread ran and the time it
 * waited, runnable, for a CPU (ns). A snapshot's `diff` gives, for a span,
 * the main thread's run and wait times and the other threads' run time (V8's
 * compiler and collector threads, libuv's thread pool): on a machine with
 * few cores, the main thread's wait is what they took from it.
 */
function threadClock(enabled, tasks = '/proc/self/task') {
  if (!enabled) return null;
  const main = String(process.pid);
  // null when the main thread's times cannot be read (no /proc, a task list
  // that cannot be listed, a kernel without schedstats): no figures, not a
  // failed row.
  const snapshot = () => {
    let tids;
    try {
      tids = fs.readdirSync(tasks);
    } catch {
      return null;
    }
    const times = new Map();
    for (const tid of tids) {
      try {
        const [run, wait] = fs.readFileSync(`${tasks}/${tid}/schedstat`, 'utf8').split(' ').map(Number);
        if (Number.isFinite(run) && Number.isFinite(wait)) times.set(tid, { run, wait, faults: minorFaults(`${tasks}/${tid}/stat`) });
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return times.has(main) ? times : null;
  };
  const before = snapshot();
  if (!before) return null;
  return {
    diff() {
      const after = snapshot();
      if (!after) return null;
      let others = 0;
      // Faults: null as soon as one thread's count cannot be read, rather
      // than a sum that leaves it out.
      let othersFaults = 0;
      for (const [tid, { run, faults }] of after) {
        if (tid === main) continue;
        others += run - (before.get(tid)?.run ?? 0);
        const earlier = before.get(tid)?.faults ?? 0;
        othersFaults = othersFaults === null || faults === null || earlier === null ? null : othersFaults + faults - earlier;
      }
      const m = after.get(main);
      const m0 = before.get(main);
      return {
        mainRun: (m.run - m0.run) / 1e6,
        mainWait: (m.wait - m0.wait) / 1e6,
        othersRun: others / 1e6,
        mainFaults: m.faults === null || m0.faults === null ? null : m.faults - m0.faults,
        othersFaults,
      };
    },
  };
}

function percentiles(histogram) {
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6 };
}

async function measure(label, work, trace = false) {
  const histogram = monitorEventLoopDelay();
  const gc = gcRecorder(trace);
  const clock = threadClock(trace);
  histogram.enable();
  const started = process.hrtime.bigint();
  const result = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  histogram.disable();
  const loadedThreads = clock?.diff() ?? null;
  const loaded = histogram.max / 1e6;
  const loadedGc = await gc.stop();
  // The same span with nothing to do.
  const idle = monitorEventLoopDelay();
  const idleGcRecorder = gcRecorder(trace);
  const idleClock = threadClock(trace);
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Math.max(ms, 50)));
  idle.disable();
  const idleThreads = idleClock?.diff() ?? null;
  const idleGc = await idleGcRecorder.stop();
  const idleMax = idle.max / 1e6;
  const traced = trace
    ? {
        loaded: { ...percentiles(histogram), gc: loadedGc, threads: loadedThreads },
        idle: { ...percentiles(idle), gc: idleGc, threads: idleThreads },
      }
    : null;
  // A span shorter than the monitor's resolution records no delay at all
  // (max 0): no figure rather than a ratio of 0.
  const ratio = histogram.count > 0 ? loaded / idleMax : null;
  return { label, ms, loaded, idleMax, ratio, result, trace: traced };
}

function describeTrace(span) {
  const gc = [...span.gc].map(([kind, k]) => `${kind} ${k.count}x max ${k.max.toFixed(1)} total ${k.total.toFixed(0)} ms`);
  const t = span.threads;
  const faults = (n) => (n === null ? '' : `, ${n} page faults`);
  const threads = t
    ? `; main thread ran ${t.mainRun.toFixed(0)} ms, waited for a CPU ${t.mainWait.toFixed(0)} ms${faults(t.mainFaults)}; other threads ran ${t.othersRun.toFixed(0)} ms${faults(t.othersFaults)}`
    : '';
  return `delay p50 ${span.p50.toFixed(2)} p99 ${span.p99.toFixed(2)} ms; gc: ${gc.length ? gc.join(', ') : 'none'}${threads}`;
}

/** The reader rows: what one call does, and its label. */
const READER_ROWS = {
  open: {
    label: ({ file }) => `openPackage(${path.basename(file)})`,
    setUp: async () => null,
    call: (lib, { file }) => lib.openPackage(file),
  },
  check: {
    label: ({ lua }) => `checkLuaPatching(${path.basename(lua)})`,
    setUp: async () => null,
    call: (lib, { lua }) => lib.checkLuaPatching(lua),
  },
  evaluate: {
    label: ({ lua }) => `evaluateLuaPatching(${path.basename(lua)})`,
    setUp: (lib, { lua }) => scriptedMachine(root, lib, lua),
    call: (lib, _options, productCode) => lib.evaluateLuaPatching({ productCode }),
  },
};

/** The rows, each measured in a child process of its own (see the header). */
const ROWS = ['open', 'check', 'evaluate', 'open-dropped', 'check-dropped', 'evaluate-dropped', 'control', 'control-kept'];

/**
 * The heap figures the control-kept row reproduces, in bytes, measured by
 * bench/heap-reader.js's own measures (each in a process of its own, with
 * gc()): what a checkLuaPatching call of the LUA fixture allocates and what
 * its report keeps, and the same for one JSON.parse copy of that report.
 */
function controlKeptHeap() {
  const { child } = require('./heap-reader');
  const figures = (what) => ({ allocated: child(root, 'allocated', what).bytes, kept: child(root, 'retained', what).bytes });
  return { check: figures('check'), copy: figures('report-copy') };
}

/** Whether `heap` holds the four figures control-kept needs, each a positive finite number of bytes. */
function isControlKeptHeap(heap) {
  const positive = (n) => typeof n === 'number' && Number.isFinite(n) && n > 0;
  return [heap?.check, heap?.copy].every((f) => positive(f?.allocated) && positive(f?.kept));
}

function busyFor(ns) {
  const end = process.hrtime.bigint() + ns;
  while (process.hrtime.bigint() < end);
}

/** Measures one row in this process and returns it (run by the child). */
async function measureRow(row, options) {
  const { calls, trace, span, warm } = options;
  if (row === 'control') {
    // CPU-bound work in 1 ms slices that does no reader work and keeps
    // nothing (its only garbage is the timer and time-stamp objects of each
    // turn): what the machine itself adds to the delay of a busy process.
    return measure(
      'control: 1 ms busy slices, no reader work',
      () =>
        new Promise((resolve) => {
          const until = process.hrtime.bigint() + BigInt(Math.round(span * 1e6));
          let turns = 0;
          const turn = () => {
            busyFor(1_000_000n);
            turns++;
            if (process.hrtime.bigint() < until) setImmediate(turn);
            else resolve(turns);
          };
          setImmediate(turn);
        }),
      trace,
    );
  }
  const lib = require(path.join(root, 'dist'));
  if (row === 'control-kept') {
    // The heap traffic of the check rows without their code: during the
    // same span, 1 ms busy slices parse copies of a real report
    // (JSON.parse: built-in, nothing for the optimizing compiler) at the
    // rate that spreads `calls` checks' allocation over the span, keeping
    // as many bytes of them per call as the kept row's caller keeps. What
    // the collector and a growing heap cost on this machine for what 1,000
    // kept checks allocate and keep, not the reader.
    const report = JSON.stringify(await lib.checkLuaPatching(options.lua));
    const { heap } = options;
    // A figure of 0 or less would keep every copy, or make Infinity copies per call: a row that never ends.
    if (!isControlKeptHeap(heap))
      throw new Error(
        `the control-kept row needs positive heap figures (--heap, as controlKeptHeap gives); received ${JSON.stringify(heap)}`,
      );
    const { check, copy } = heap;
    const copiesPerCall = Math.max(1, Math.round(check.allocated / copy.allocated));
    const total = calls * copiesPerCall;
    return measure(
      `control-kept: ${calls} checks' heap traffic, no reader`,
      () =>
        new Promise((resolve) => {
          const started = process.hrtime.bigint();
          const spanNs = span * 1e6;
          const kept = [];
          let parsed = 0;
          const turn = () => {
            const now = process.hrtime.bigint();
            const end = now + 1_000_000n;
            const due = Math.min(total, Math.ceil((total * Number(now - started)) / spanNs));
            while (parsed < due && process.hrtime.bigint() < end) {
              const parsedCopy = JSON.parse(report);
              parsed++;
              if ((kept.length + 1) * copy.kept <= (parsed / copiesPerCall) * check.kept) kept.push(parsedCopy);
            }
            while (process.hrtime.bigint() < end);
            // Until the span is over and every call's share is parsed.
            if (process.hrtime.bigint() - started < spanNs || parsed < total) setImmediate(turn);
            else resolve(kept.length);
          };
          setImmediate(turn);
        }),
      trace,
    ).then((measured) => ({ ...measured, heap: { check, copy, perCall: copiesPerCall } }));
  }
  // A -dropped row makes the same calls but keeps no result (each promise
  // settles to undefined as soon as its result is made): the reader's own
  // share of the delay, without the cost of keeping 1,000 results.
  const drop = row.endsWith('-dropped');
  const reader = READER_ROWS[drop ? row.slice(0, -'-dropped'.length) : row];
  if (!reader) throw new Error(`unknown row ${row}`);
  const context = await reader.setUp(lib, options);
  // Warm up (module loading, JIT) outside the measured span: by default one
  // call, as a program that has just started would have made (--warm N).
  for (let i = 0; i < warm; i++) await reader.call(lib, options, context);
  const keep = drop ? () => undefined : (value) => value;
  return measure(
    `${calls} x ${reader.label(options)}${drop ? ', dropped' : ''}`,
    async () => (await Promise.all(Array.from({ length: calls }, () => reader.call(lib, options, context).then(keep)))).length,
    trace,
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Node options for a row's process: `options` without a script given on
 * the command line (-e, -p, --eval, --print and their argument). A caller
 * run with `node -e` that calls runChild would otherwise have each row run
 * its script again instead of the row, and a script that calls runChild
 * start processes without end.
 */
function rowNodeOptions(options) {
  const kept = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i];
    if (/^(-[a-z]*[ep]|--eval|--print)$/.test(option)) i++;
    else if (!/^--(eval|print)=/.test(option)) kept.push(option);
  }
  return kept;
}

/**
 * Runs one row in a fresh process with `nodeOptions` (this process's by
 * default, less any script given with -e or -p) and returns its result.
 * The child sends its result on fd 3, not on stdout: a Node option may
 * print there (--trace-gc, --trace-opt), and what it prints goes to this
 * process's stdout, as it would without the bench.
 */
function runChild(row, options, nodeOptions = process.execArgv) {
  nodeOptions = rowNodeOptions(nodeOptions);
  // The control-kept row's heap figures are measured in processes of their
  // own (controlKeptHeap), unless given.
  if (row === 'control-kept' && !options.heap) options = { ...options, heap: controlKeptHeap() };
  const args = [
    ...nodeOptions,
    __filename,
    '--row',
    row,
    '--calls',
    String(options.calls),
    '--file',
    options.file,
    '--span',
    String(options.span),
  ];
  if (options.lua) args.push('--lua', options.lua);
  if (options.heap) args.push(`--heap=${JSON.stringify(options.heap)}`);
  if (options.trace) args.push('--trace');
  args.push('--warm', String(options.warm));
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'inherit', 'pipe', 'pipe'] });
  if (child.status !== 0) {
    throw new Error(`row ${row} failed (${child.error ? child.error.message : `exit ${child.status}`}): ${child.stderr.trim()}`);
  }
  const result = JSON.parse(child.output[3]);
  if (result.trace) {
    for (const span of [result.trace.loaded, result.trace.idle]) span.gc = new Map(span.gc);
  }
  return result;
}

function printRow(row) {
  console.log(
    row.ratio === null
      ? `  ${row.label.padEnd(54)} span ${row.ms.toFixed(0).padStart(5)} ms   no figure: the span is shorter than the monitor's 10 ms resolution (more --calls)`
      : `  ${row.label.padEnd(54)} span ${row.ms.toFixed(0).padStart(5)} ms   max delay ${row.loaded.toFixed(2)} ms vs idle ${row.idleMax.toFixed(2)} ms   ratio ${row.ratio.toFixed(2)}x${row.label.startsWith('control') ? '' : ' (target <= 1.2x)'}`,
  );
  if (row.heap) {
    const KiB = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
    const { check, copy, perCall } = row.heap;
    console.log(
      `      ${perCall} copies of a report per call, each ${KiB(copy.allocated)} allocated and ${KiB(copy.kept)} kept; a check: ${KiB(check.allocated)} and ${KiB(check.kept)} (bench/heap-reader.js)`,
    );
  }
  if (row.trace) {
    console.log(`      loaded: ${describeTrace(row.trace.loaded)}`);
    console.log(`      idle:   ${describeTrace(row.trace.idle)}`);
  }
}

/**
 * The internal --span option: milliseconds, a finite number of at least 0.
 * NaN or a negative span would make the control-kept row's pace negative or
 * NaN, so that it never parses its share and never ends.
 */
function spanOption(values) {
  if (values.span === undefined) return 0;
  const ms = Number(values.span);
  if (values.span.trim() === '' || !Number.isFinite(ms) || ms < 0)
    throw new Error(`--span must be a number of milliseconds of at least 0; received ${JSON.stringify(values.span)}`);
  return ms;
}

/** A count option: an integer of at least `min` (a typo would otherwise measure NaN calls). */
function count(values, name, fallback, min) {
  if (values[name] === undefined) return fallback;
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer of at least ${min}; received ${JSON.stringify(values[name])}`);
  return n;
}

async function main(argv) {
  // Strict: an unknown or misspelt option (--round) is an error, not ignored.
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      calls: { type: 'string' },
      file: { type: 'string' },
      lua: { type: 'string' },
      trace: { type: 'boolean' },
      rounds: { type: 'string' },
      warm: { type: 'string' },
      // Internal: the parent passes these to a row's process.
      row: { type: 'string' },
      span: { type: 'string' },
      heap: { type: 'string' },
    },
  });
  const options = {
    calls: count(values, 'calls', 1000, 1),
    file: values.file ?? null,
    lua: values.lua ?? null,
    trace: values.trace ?? false,
    span: spanOption(values),
    rounds: count(values, 'rounds', 1, 1),
    warm: count(values, 'warm', 1, 0),
    heap: values.heap === undefined ? null : JSON.parse(values.heap),
  };
  const row = values.row ?? null;
  if (row !== null) {
    // Child: one row, its result as JSON on fd 3 (see runChild).
    const result = await measureRow(row, options);
    if (result.trace) {
      for (const span of [result.trace.loaded, result.trace.idle]) span.gc = [...span.gc];
    }
    // What the span returned, where it is a count (calls settled, reports kept).
    fs.writeSync(3, JSON.stringify({ ...result, result: typeof result.result === 'number' ? result.result : null }));
    return [result];
  }
  if (!fs.existsSync(path.join(root, 'dist', 'index.js')))
    throw new Error(`no ${path.join(root, 'dist')}: build first (npx tsc -p tsconfig.json)`);
  options.file ??= cached('small');
  options.lua ??= cached('lua-machine');
  if (!options.file) throw new Error('no fixture: run the unit tests once (.cache/fixtures/package/) or pass --file');
  // control-kept makes the heap traffic bench/heap-reader.js measures for
  // the LUA fixture (controlKeptHeap), not that of another package's check
  // (large20000.msi's allocates 46 KiB, not 193): no row for another --lua.
  const controlKept = options.lua !== null && path.basename(options.lua) === 'lua-machine.msi';
  const rows = options.lua
    ? ROWS.filter((r) => r !== 'control-kept' || controlKept)
    : ROWS.filter((r) => r === 'control' || r.startsWith('open'));
  if (!options.lua) console.log('(no LUA fixture cached: checkLuaPatching, evaluateLuaPatching and control-kept not measured)');
  else if (!controlKept)
    console.log(
      `(control-kept not measured: it makes the heap traffic of a check of the LUA fixture, lua-machine.msi, not of ${path.basename(options.lua)})`,
    );
  // Measured once for all rounds: the same code and fixture each time.
  if (rows.includes('control-kept')) options.heap = controlKeptHeap();
  if (options.trace) {
    const cost = pageFaultCost();
    if (cost) console.log(`this machine: a minor page fault costs ${cost.us.toFixed(2)} us (first touch of 16 MiB, ${cost.faults} faults)`);
  }
  const all = new Map(rows.map((r) => [r, []]));
  for (let round = 1; round <= options.rounds; round++) {
    const measured = [];
    for (const r of rows) {
      // The control row lasts as long as this round's open row, the
      // control-kept row as long as its check row.
      const spanOf = measured[rows.indexOf(r === 'control-kept' ? 'check' : 'open')];
      const result = runChild(r, { ...options, span: spanOf?.ms ?? 1000 });
      measured.push(result);
      all.get(r).push(result);
    }
    console.log(
      `event loop${options.rounds > 1 ? `, round ${round} of ${options.rounds}` : ''}: maximum delay under load vs the same span idle (monitorEventLoopDelay, 10 ms resolution; each row in a fresh process)`,
    );
    for (const result of measured) printRow(result);
  }
  if (options.rounds > 1) {
    console.log(`over ${options.rounds} rounds, ratio min / median / max:`);
    for (const results of all.values()) {
      const ratios = results.map((x) => x.ratio).filter((ratio) => ratio !== null);
      if (ratios.length === 0) {
        console.log(`  ${results[0].label.padEnd(54)} no figure (every span shorter than the monitor's resolution)`);
        continue;
      }
      console.log(
        `  ${results[0].label.padEnd(54)} ${Math.min(...ratios).toFixed(2)}x / ${median(ratios).toFixed(2)}x / ${Math.max(...ratios).toFixed(2)}x`,
      );
    }
  }
  return [...all.values()].flat();
}

module.exports = { main, runChild, threadClock, pageFaultCost };

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`bench/event-loop-reader.js: ${error.message}`);
    process.exitCode = 1;
  });
}
