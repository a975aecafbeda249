#!/usr/bin/env node
'use strict';
// Windows Update Agent benchmark: while a 10-second scripted install (the test agent,
// test/agent) reports progress every 50 ms, how long is the event loop ever blocked?
// Prints the maximum event-loop delay (perf_hooks.monitorEventLoopDelay); target < 20 ms.
//
//   node bench/wua.js                 on Linux: builds what is missing, runs itself in Wine
//   node bench/wua.js --in-wine       under Windows node (what the Linux side runs)
//   require('./bench/wua').runWuaBench()   from bench/run.js (npm run bench)
// Options (either side): --seconds N (default 10), --step-ms N (default 50),
//   --addon <path to msi_lua.node> (a build other than build/Release, e.g. while trying one).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

// --- under Windows node ---------------------------------------------------------------------

async function measureInProcess({ seconds, stepMs, addon }) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const native = require(path.join(root, 'dist', 'native', 'load.js'));
  if (addon) {
    const m = { exports: {} };
    process.dlopen(m, addon);
    native.setNativeBinding(m.exports);
  }
  const { createUpdateSession } = require(path.join(root, 'dist', 'wua'));
  const agent = require(path.join(root, 'test', 'agent', 'harness.js'));
  agent.useAgent();
  const steps = Math.max(1, Math.round((seconds * 1000) / stepMs));
  agent.useScenario({
    updates: [
      {
        id: '0b5e7c2a-0000-4000-8000-00000000be01',
        title: 'Bench update',
        installationBehavior: { canRequestUserInput: false, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
      },
    ],
    install: { stepMs, stepsPerUpdate: steps },
  });
  const record = agent.startRecord({ releases: false });

  const session = createUpdateSession({ clientApplicationId: 'msi-lua bench' });
  const { updates } = await session.search('IsInstalled=0'); // loads COM and the agent outside the measurement

  // The same span with nothing running: the machine's own jitter (Wine's wineserver is
  // shared with every other process in the prefix), to read the figure against.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  idle.disable();

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let events = 0;
  let lastPercent = -1;
  histogram.enable();
  const t0 = process.hrtime.bigint();
  const result = await session.install(updates, {
    onProgress: (e) => {
      events += 1;
      lastPercent = e.percent;
    },
  });
  const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  histogram.disable();
  await session.close();
  const released = await record.waitFor((e) => e.length > 0 && e[e.length - 1].live === 0);

  return {
    seconds,
    stepMs,
    progressEvents: events,
    expectedEvents: steps,
    lastPercent,
    resultCode: result.resultCode,
    installMs: elapsedMs,
    maxDelayMs: histogram.max / 1e6,
    meanDelayMs: histogram.mean / 1e6,
    p99DelayMs: histogram.percentile(99) / 1e6,
    idleMaxDelayMs: idle.max / 1e6,
    idleP99DelayMs: idle.percentile(99) / 1e6,
    agentObjectsLeft: released.length ? released[released.length - 1].live : null,
  };
}

// --- on Linux ------------------------------------------------------------------------------------

function ensureBuilt() {
  const distWua = path.join(root, 'dist', 'wua', 'index.js');
  const source = path.join(root, 'lib', 'wua', 'session.ts');
  if (!fs.existsSync(distWua) || fs.statSync(distWua).mtimeMs < fs.statSync(source).mtimeMs) {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (tsc.status !== 0) throw new Error('tsc -p tsconfig.json failed');
  }
  require(path.join(root, 'test', 'agent', 'build.js')).build();
}

function print(figures) {
  const verdict = figures.maxDelayMs < 20 ? 'within' : 'OVER';
  console.log(
    `(d) Windows Update install, ${figures.seconds} s scripted, progress every ${figures.stepMs} ms: ` +
      `max event-loop delay ${figures.maxDelayMs.toFixed(2)} ms (target < 20 ms, ${verdict}); ` +
      `mean ${figures.meanDelayMs.toFixed(2)} ms, p99 ${figures.p99DelayMs.toFixed(2)} ms; ` +
      `same span idle: max ${figures.idleMaxDelayMs.toFixed(2)} ms, p99 ${figures.idleP99DelayMs.toFixed(2)} ms; ${figures.progressEvents}/${figures.expectedEvents} progress events, ` +
      `last ${figures.lastPercent}%, ${figures.resultCode} in ${(figures.installMs / 1000).toFixed(2)} s; agent objects left ${figures.agentObjectsLeft}`,
  );
}

/** Runs the benchmark (in Wine when called on Linux), prints its line and returns the figures. */
async function runWuaBench(options = {}) {
  const seconds = Number(options.seconds ?? option('--seconds', 10));
  const stepMs = Number(options.stepMs ?? option('--step-ms', 50));
  const addon = options.addon ?? option('--addon', undefined);
  let figures;
  if (process.platform === 'win32') {
    figures = await measureInProcess({ seconds, stepMs, addon });
  } else {
    const wine = require(path.join(root, 'scripts', 'wine-env.js'));
    wine.prepare();
    ensureBuilt();
    const args = [wine.nodeExe, wine.toWindowsPath(__filename), '--in-wine', '--seconds', String(seconds), '--step-ms', String(stepMs)];
    if (addon) args.push('--addon', addon.startsWith('/') ? wine.toWindowsPath(addon) : addon);
    const run = wine.runInWine(args, { echo: false });
    if (run.status !== 0) throw new Error(`the WUA bench failed under Wine (${run.status}):\n${run.stdout}${run.stderr}`);
    figures = JSON.parse(run.stdout.trim().split('\n').pop());
  }
  print(figures);
  return figures;
}

module.exports = { runWuaBench };

if (require.main === module) {
  if (process.argv.includes('--in-wine')) {
    measureInProcess({
      seconds: Number(option('--seconds', 10)),
      stepMs: Number(option('--step-ms', 50)),
      addon: option('--addon', undefined),
    })
      .then((figures) => console.log(JSON.stringify(figures)))
      .catch((error) => {
        console.error(error);
        process.exit(1);
      });
  } else {
    runWuaBench().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  }
}
