'use strict';
// Every WUA promise settles (issue 12): starts many WUA jobs that fail at once on one
// session, waits for every promise, then close(), and lets the process end by itself (no
// process.exit: a job thread lost with its thread-safe function would keep it alive).
// Runs under Windows node (the Wine tier's test/native/wua-stress.test.ts spawns it, one
// process per run). Writes one JSON document to --out:
//   { jobs, settled, resolved, rejected, byName: { ['<error name>:<code>']: n }, closeSettled, ms }
//
//   node.exe test/agent/stress.js --out <file> [--jobs 10000] [--wine-stub] [--addon <msi_lua.node>]
// --addon loads another build of the addon (e.g. an older one, to compare side by side).
// Default: the scripted agent answering BeginSearch with ERROR_SERVICE_DISABLED (0x80070422,
// what WUA answers when its service is disabled). --wine-stub: Wine's own wuapi.dll.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const out = option('--out');
const jobs = Number(option('--jobs', '10000'));
const wineStub = process.argv.includes('--wine-stub');
if (!out || !Number.isInteger(jobs) || jobs < 1) {
  console.error('usage: node stress.js --out <file> [--jobs N] [--wine-stub] [--addon <file>]');
  process.exitCode = 2;
} else {
  const agent = require('./harness.js');
  const addon = option('--addon');
  if (addon) {
    const m = { exports: {} };
    process.dlopen(m, addon);
    require(path.join(root, 'dist', 'native', 'load.js')).setNativeBinding(m.exports);
  }
  const { createUpdateSession } = require(path.join(root, 'dist', 'wua'));
  if (wineStub) {
    agent.useWineStub();
  } else {
    agent.useAgent();
    agent.useScenario({ updates: [], search: { beginHresult: 0x80070422 } });
    agent.startRecord({ releases: false });
  }
  const report = { jobs, wineStub, settled: 0, resolved: 0, rejected: 0, byName: {}, closeSettled: false, ms: 0 };
  const write = () => fs.writeFileSync(out, JSON.stringify(report));
  const started = Date.now();
  const session = createUpdateSession({ clientApplicationId: 'msi-lua stress' });
  const promises = [];
  for (let i = 0; i < jobs; i += 1) {
    promises.push(
      session
        .search('IsInstalled=0')
        .then(
          () => {
            report.resolved += 1;
          },
          (error) => {
            report.rejected += 1;
            const name = error && error.name ? `${error.name}:${error.code}` : typeof error;
            report.byName[name] = (report.byName[name] || 0) + 1;
          },
        )
        .finally(() => {
          report.settled += 1;
        }),
    );
  }
  // Written as it goes, so a run that hangs still says how far it got.
  const progress = setInterval(write, 1000);
  Promise.all(promises)
    .then(() => session.close())
    .then(
      () => {
        report.closeSettled = true;
      },
      (error) => {
        report.closeSettled = true;
        report.closeError = String(error && error.message);
      },
    )
    .finally(() => {
      clearInterval(progress);
      report.ms = Date.now() - started;
      write();
    });
}
