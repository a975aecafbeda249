#!/usr/bin/env node
'use strict';
// installProduct of the installer fixture vs `msiexec /i ... /qn` of the same package, each
// uninstalled between runs, measured side by side in one run (target: at most 1.1x); and the
// largest event-loop delay during an install with progress beside the same span idle, idle
// beside a CPU-bound process, and while msiexec installs from another process (target:
// under 20 ms). Prints; asserts nothing.
//   node bench/installer.js [rounds]   on Linux: builds what it needs, reruns itself under Wine
//   node bench/installer.js [rounds]   on Windows: measures (after `npm run build`)
const { spawnSync } = require('node:child_process'); // the Linux side's tsc only
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const rounds = Number(process.argv[2] ?? 5);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(manifest) {
  const { monitorEventLoopDelay } = require('node:perf_hooks');
  const msiLua = require(path.join(root, 'dist'));
  const code = manifest.productCode;
  const msi = manifest.actionsMsi;
  const { spawn } = require('node:child_process');
  // Asynchronous, so the event loop keeps turning (and is measured) while msiexec runs.
  const msiexec = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn('msiexec', [...args, '/qn'], { stdio: 'ignore', windowsHide: true });
      child.on('error', reject);
      child.on('exit', (status) => resolve(status));
    });
  if ((await msiLua.getProductState(code)) === 'default') await msiLua.uninstallProduct(code);
  // Warm both paths once (first loads of msi.dll, the addon, msiexec's image).
  await msiLua.installProduct(msi);
  await msiLua.uninstallProduct(code);
  await msiexec(['/i', msi]);
  await msiexec(['/x', code]);

  // A CPU-bound Wine/Windows process and no msi-lua at all: what the scheduler alone does to
  // this loop on a busy machine. The child touches a file once it spins (Windows node under
  // Wine cannot write to a pipe) and is killed at the end of the span.
  const fs = require('node:fs');
  const os = require('node:os');
  const spinDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-bench-'));
  const withSpinner = async (ms) => {
    const flag = path.join(spinDir, `spin-${Date.now()}`);
    const source = `require('fs').writeFileSync(${JSON.stringify(flag)}, ''); for (;;) {}`;
    const child = spawn(process.execPath, ['-e', source], { stdio: 'ignore', windowsHide: true });
    try {
      for (let waited = 0; !fs.existsSync(flag); waited += 20) {
        if (waited > 30000) throw new Error('the spinning process did not start');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      await new Promise((resolve) => setTimeout(resolve, ms));
      histogram.disable();
      return histogram.max / 1e6;
    } finally {
      child.kill();
    }
  };

  const ours = [];
  const theirs = [];
  const delays = [];
  const idle = [];
  const spinning = [];
  const duringMsiexec = [];
  for (let r = 0; r < rounds; r++) {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let events = 0;
    histogram.enable();
    const t0 = process.hrtime.bigint();
    await msiLua.installProduct(msi, { onProgress: () => events++ });
    const ns = Number(process.hrtime.bigint() - t0);
    histogram.disable();
    ours.push(ns / 1e6);
    delays.push(histogram.max / 1e6);
    if (events === 0) throw new Error('no progress event arrived');
    await msiLua.uninstallProduct(code);

    // The same span with nothing running, for the event-loop delay the machine itself shows.
    const quiet = monitorEventLoopDelay({ resolution: 1 });
    quiet.enable();
    await new Promise((resolve) => setTimeout(resolve, ns / 1e6));
    quiet.disable();
    idle.push(quiet.max / 1e6);
    spinning.push(await withSpinner(ns / 1e6));

    // The same install by another process: what this process's event loop sees then.
    const other = monitorEventLoopDelay({ resolution: 1 });
    other.enable();
    const t1 = process.hrtime.bigint();
    const status = await msiexec(['/i', msi]);
    theirs.push(Number(process.hrtime.bigint() - t1) / 1e6);
    other.disable();
    duringMsiexec.push(other.max / 1e6);
    if (status !== 0) throw new Error(`msiexec /i exited ${status}`);
    if ((await msiexec(['/x', code])) !== 0) throw new Error('msiexec /x failed');
  }
  const result = {
    rounds,
    installProductMs: median(ours),
    msiexecMs: median(theirs),
    ratio: median(ours) / median(theirs),
    maxEventLoopDelayMs: Math.max(...delays),
    idleMaxEventLoopDelayMs: Math.max(...idle),
    spinningMaxEventLoopDelayMs: Math.max(...spinning),
    msiexecMaxEventLoopDelayMs: Math.max(...duringMsiexec),
    // Each round's largest delay, median over the rounds: less at the mercy of one stall.
    medianRoundMaxMs: { installProduct: median(delays), idle: median(idle), spinning: median(spinning), msiexec: median(duringMsiexec) },
  };
  fs.rmSync(spinDir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
  console.log(
    `installProduct ${result.installProductMs.toFixed(0)} ms vs msiexec /i /qn ${result.msiexecMs.toFixed(0)} ms (median of ${rounds}): ` +
      `ratio ${result.ratio.toFixed(2)}x (target <= 1.1x)`,
  );
  console.log(
    `max event-loop delay during installProduct with progress ${result.maxEventLoopDelayMs.toFixed(1)} ms ` +
      `(target < 20 ms); the same span idle ${result.idleMaxEventLoopDelayMs.toFixed(1)} ms; ` +
      `idle beside a CPU-bound process ${result.spinningMaxEventLoopDelayMs.toFixed(1)} ms; ` +
      `while msiexec installs in another process ${result.msiexecMaxEventLoopDelayMs.toFixed(1)} ms`,
  );
  const m = result.medianRoundMaxMs;
  console.log(
    `median of the rounds' largest delays: installProduct ${m.installProduct.toFixed(1)} ms, idle ${m.idle.toFixed(1)} ms, ` +
      `beside a CPU-bound process ${m.spinning.toFixed(1)} ms, while msiexec installs ${m.msiexec.toFixed(1)} ms`,
  );
}

async function main() {
  if (process.platform === 'win32') {
    const manifestPath = process.env.MSI_LUA_INSTALLER_BENCH;
    if (!manifestPath) throw new Error('MSI_LUA_INSTALLER_BENCH (the installer fixtures manifest) is not set');
    await measure(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
    return;
  }
  const wine = require('../scripts/wine-env');
  const { prepareInstallerFixtures } = require('../scripts/fixtures');
  const built = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('tsc failed');
  wine.prepare();
  const manifest = await prepareInstallerFixtures();
  const manifestPath = path.join(wine.cacheDir, 'fixtures', 'installer', 'bench.json');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  const run = wine.runInWine([wine.nodeExe, wine.toWindowsPath(__filename), String(rounds)], {
    env: { MSI_LUA_INSTALLER_BENCH: wine.toWindowsPath(manifestPath) },
  });
  process.exit(run.status ?? 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
