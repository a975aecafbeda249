#!/usr/bin/env node
'use strict';
// Event-loop benchmark of the package reader: the maximum event-loop delay
// (perf_hooks.monitorEventLoopDelay, default 10 ms resolution) while 1,000
// concurrent openPackage calls run, and while 1,000 concurrent
// checkLuaPatching calls run, each against the same span with the loop
// idle, side by side in one run. Target: at most 1.2x idle.
// Reports figures; asserts nothing about them.
//
//   npx tsc -p tsconfig.json && node bench/event-loop-reader.js [--calls N] [--file a.msi]
//
// Fixtures: the small and LUA packages the unit tests cache under
// .cache/fixtures/package/ (run `npm run test:unit` once), or --file.

const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const root = path.resolve(__dirname, '..');

function cached(prefix) {
  const dir = path.join(root, '.cache', 'fixtures', 'package');
  if (!fs.existsSync(dir)) return null;
  for (const sub of fs.readdirSync(dir).filter((d) => d.startsWith(`${prefix}-`))) {
    const file = path.join(dir, sub, `${prefix}.msi`);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

async function measure(label, work) {
  const histogram = monitorEventLoopDelay();
  histogram.enable();
  const started = process.hrtime.bigint();
  const result = await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  histogram.disable();
  const loaded = histogram.max / 1e6;
  // The same span with nothing to do.
  const idle = monitorEventLoopDelay();
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Math.max(ms, 50)));
  idle.disable();
  const idleMax = idle.max / 1e6;
  return { label, ms, loaded, idleMax, ratio: loaded / idleMax, result };
}

async function main(argv) {
  let calls = 1000;
  let file = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--calls') calls = Number(argv[++i]);
    else if (argv[i] === '--file') file = argv[++i];
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
    await measure(`${calls} x openPackage(${path.basename(file)})`, async () => {
      const packages = await Promise.all(Array.from({ length: calls }, () => lib.openPackage(file)));
      return packages.length;
    }),
  );
  if (lua) {
    rows.push(
      await measure(`${calls} x checkLuaPatching(${path.basename(lua)})`, async () => {
        const reports = await Promise.all(Array.from({ length: calls }, () => lib.checkLuaPatching(lua)));
        return reports.length;
      }),
    );
  } else {
    console.log('(no LUA fixture cached: checkLuaPatching not measured)');
  }
  console.log('event loop: maximum delay under load vs the same span idle (monitorEventLoopDelay, 10 ms resolution)');
  for (const row of rows) {
    console.log(
      `  ${row.label.padEnd(44)} span ${row.ms.toFixed(0).padStart(5)} ms   max delay ${row.loaded.toFixed(2)} ms vs idle ${row.idleMax.toFixed(2)} ms   ratio ${row.ratio.toFixed(2)}x (target <= 1.2x)`,
    );
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
