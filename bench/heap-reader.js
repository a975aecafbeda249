#!/usr/bin/env node
'use strict';
// Heap figures of the package reader that decide what the garbage collector
// does while many packages are opened or checked at once (what
// bench/event-loop-reader.js measures as event-loop delay, a figure the
// machine's load blurs). These are counts of bytes, the same from run to
// run within a few percent:
//
//   retained    heap kept per open package (openPackage(small.msi)) and per
//               checkLuaPatching(lua-machine.msi) and evaluateLuaPatching
//               report (on bench/support/machine.js's scripted machine,
//               whose cached package is lua-machine.msi): heapUsed after
//               gc() with 1,000 kept, minus before, over 1,000;
//   waiting     heap per call while 1,000 calls started at once wait for
//               their turn (the gates of lib/package/scheduler.ts);
//   allocated   heap allocated per call, 200 calls in sequence, in a child
//               whose young generation is large enough that none is collected;
//   scavenges   during 1,000 concurrent calls, from --trace-gc-nvp in a
//               child: count, bytes promoted (in all and the most in one),
//               bytes copied within the young generation (the most in one)
//               and the longest pause (wall time: the load blurs it).
//
//   npx tsc -p tsconfig.json && node bench/heap-reader.js [--root DIR]
//
// --root loads dist/ of another checkout (e.g. the code before a change),
// with this checkout's fixtures. Each figure runs in its own child process
// (flags: --expose-gc, --trace-gc-nvp, semi-space size), so the figures do
// not disturb each other. Fixtures: as bench/event-loop-reader.js
// (run `npm run test:unit` once).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = path.resolve(__dirname, '..');

const { cachedFixture: cached } = require('./support/fixtures');
const { scriptedMachine } = require('./support/machine');

/**
 * The call a figure repeats: openPackage, checkLuaPatching or
 * evaluateLuaPatching (on the scripted machine); or, for
 * bench/event-loop-reader.js's control-kept row, 'report-copy': a
 * JSON.parse copy of a checkLuaPatching report (the row's unit of heap
 * traffic, made with no reader code).
 */
async function caller(root, lib, what) {
  if (what === 'open') return () => lib.openPackage(cached('small'));
  if (what === 'check') return () => lib.checkLuaPatching(cached('lua-machine'));
  if (what === 'report-copy') {
    const json = JSON.stringify(await lib.checkLuaPatching(cached('lua-machine')));
    return async () => JSON.parse(json);
  }
  const productCode = await scriptedMachine(root, lib, cached('lua-machine'));
  return () => lib.evaluateLuaPatching({ productCode });
}

const children = {
  async retained(call) {
    await call();
    await call();
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const kept = await Promise.all(Array.from({ length: 1000 }, () => call()));
    global.gc();
    const after = process.memoryUsage().heapUsed;
    return { bytes: (after - before) / kept.length };
  },
  async waiting(call) {
    await call();
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const started = Array.from({ length: 1000 }, () => call());
    global.gc();
    const after = process.memoryUsage().heapUsed;
    await Promise.all(started);
    return { bytes: (after - before) / started.length };
  },
  async allocated(call) {
    const { PerformanceObserver } = require('node:perf_hooks');
    let collections = 0;
    let since = Infinity;
    // Entries arrive later than the collection: count those that started after `since`.
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.startTime >= since) collections++;
    });
    observer.observe({ entryTypes: ['gc'] });
    for (let i = 0; i < 5; i++) await call();
    global.gc();
    since = performance.now();
    const before = process.memoryUsage().heapUsed;
    const calls = 200;
    for (let i = 0; i < calls; i++) await call();
    const after = process.memoryUsage().heapUsed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    return { bytes: (after - before) / calls, collections };
  },
  async concurrent(call) {
    await call();
    console.log('=== start');
    await Promise.all(Array.from({ length: 1000 }, () => call()));
    console.log('=== end');
    return {};
  },
};

const FLAGS = {
  retained: ['--expose-gc'],
  waiting: ['--expose-gc'],
  allocated: ['--expose-gc', '--min-semi-space-size=256', '--max-semi-space-size=256'],
  concurrent: ['--trace-gc-nvp'],
};

/**
 * One figure of `what` (see caller), measured in a child process of its own
 * with the figure's flags: 'retained', 'waiting' and 'allocated' as
 * { bytes } per call (allocated also with `collections`, when any ran
 * during it), 'concurrent' as the scavenges' figures. `root`: the checkout
 * whose dist/ is loaded.
 */
function child(root, figure, what) {
  const out = execFileSync(process.execPath, [...FLAGS[figure], __filename, '--child', figure, what, '--root', root], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (figure !== 'concurrent') return JSON.parse(out.trim().split('\n').pop());
  // --trace-gc-nvp: one line of name=value pairs per collection.
  const lines = out.split('\n');
  const scavenges = lines
    .slice(lines.indexOf('=== start'), lines.indexOf('=== end'))
    .filter((line) => / gc=s /.test(line))
    .map((line) =>
      Object.fromEntries(
        line
          .split(/\s+/)
          .map((pair) => pair.split('='))
          .filter((kv) => kv.length === 2),
      ),
    );
  const max = (key) => Math.max(0, ...scavenges.map((s) => Number(s[key])));
  return {
    count: scavenges.length,
    promoted: scavenges.reduce((sum, s) => sum + Number(s.promoted), 0),
    maxPromoted: max('promoted'),
    maxCopied: max('new_space_survived'),
    maxPause: max('pause'),
  };
}

const KiB = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const MB = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

function main(argv) {
  let root = here;
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--root') root = path.resolve(argv[++i]);
  if (!fs.existsSync(path.join(root, 'dist', 'index.js')))
    throw new Error(`no ${path.join(root, 'dist')}: build first (npx tsc -p tsconfig.json)`);
  if (!cached('small') || !cached('lua-machine')) throw new Error('no fixtures: run the unit tests once (.cache/fixtures/package/)');
  console.log(`package reader heap (dist of ${root})`);
  for (const [what, label] of [
    ['open', 'openPackage(small.msi)'],
    ['check', 'checkLuaPatching(lua-machine.msi)'],
    ['evaluate', 'evaluateLuaPatching(lua-machine.msi), scripted machine'],
  ]) {
    const retained = child(root, 'retained', what);
    const waiting = child(root, 'waiting', what);
    const allocated = child(root, 'allocated', what);
    const gc = child(root, 'concurrent', what);
    console.log(`  ${label}`);
    console.log(`    retained per result ${KiB(retained.bytes)}; per waiting call ${waiting.bytes.toFixed(0)} bytes`);
    console.log(
      `    allocated per call ${KiB(allocated.bytes)}${allocated.collections ? ` (${allocated.collections} collections during: not exact)` : ''}`,
    );
    console.log(
      `    1,000 concurrent: ${gc.count} scavenges, promoted ${MB(gc.promoted)} (most in one ${MB(gc.maxPromoted)}), most copied in one ${MB(gc.maxCopied)}, longest pause ${gc.maxPause.toFixed(1)} ms`,
    );
  }
}

module.exports = { child };

if (process.argv[2] === '--child') {
  const [, , , figure, what, , root] = process.argv;
  const lib = require(path.join(root, 'dist'));
  caller(root, lib, what)
    .then((call) => children[figure](call))
    .then((result) => console.log(JSON.stringify(result)));
} else if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`bench/heap-reader.js: ${error.message}`);
    process.exitCode = 1;
  }
}
