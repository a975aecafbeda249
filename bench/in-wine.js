'use strict';
// Runs under Windows node in the Wine prefix (see bench/run.js). Prints one JSON line.
const { spawnSync } = require('node:child_process');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const path = require('node:path');

const msiLua = require(path.join(__dirname, '..', 'dist'));

const PROPERTIES = [
  'ProductName',
  'VersionString',
  'Publisher',
  'Language',
  'HelpLink',
  'URLInfoAbout',
  'PackageCode',
  'LocalPackage',
  'InstallDate',
  'AuthorizedLUAApp',
];

async function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0);
}

async function benchProducts(codes, baselineExe, rounds) {
  // Warm both paths once so neither pays first-load costs inside the measurement.
  for (const code of codes) await msiLua.getProductInfo(code, PROPERTIES, { context: 'machine' });
  spawnSync(baselineExe, ['1', ...codes], { stdio: 'ignore' });
  const ours = await timeIt(async () => {
    for (let r = 0; r < rounds; r++) {
      for (const code of codes) await msiLua.getProductInfo(code, PROPERTIES, { context: 'machine' });
    }
  });
  // The same reads as one native call per round (listProducts reads every per-machine
  // product, the bench products among them).
  const wanted = new Set(codes);
  const batched = await timeIt(async () => {
    for (let r = 0; r < rounds; r++) {
      const products = await msiLua.listProducts({ context: 'machine', properties: PROPERTIES });
      if (products.filter((p) => wanted.has(p.productCode)).length !== codes.length) throw new Error('listProducts missed a bench product');
    }
  });
  const baseline = spawnSync(baselineExe, [String(rounds), ...codes], { encoding: 'utf8' });
  if (baseline.status !== 0) throw new Error(`baseline failed: ${baseline.stderr}`);
  const theirs = Number(baseline.stdout.trim().split(/\s+/)[0]);
  return { msiLuaMs: ours / 1e6, batchedMs: batched / 1e6, baselineMs: theirs / 1e6, ratio: ours / theirs, batchedRatio: batched / theirs };
}

async function benchPolicy(reads) {
  const Registry = require('winreg');
  const key = new Registry({ hive: Registry.HKLM, key: '\\Software\\Policies\\Microsoft\\Windows\\Installer' });
  const viaWinreg = () => new Promise((resolve) => key.get('DisableLUAPatching', (err, item) => resolve(err ? null : item)));
  await msiLua.getLuaPatchingPolicy();
  await viaWinreg();
  const ours = await timeIt(async () => {
    for (let i = 0; i < reads; i++) await msiLua.getLuaPatchingPolicy();
  });
  const theirs = await timeIt(async () => {
    for (let i = 0; i < reads; i++) await viaWinreg();
  });
  return { msiLuaMs: ours / 1e6, winregMs: theirs / 1e6, speedup: theirs / ours };
}

async function benchEventLoop(codes, calls) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const t0 = process.hrtime.bigint();
  const pending = Array.from({ length: calls }, (_, i) =>
    msiLua.getProductInfo(codes[i % codes.length], PROPERTIES, { context: 'machine' }),
  );
  // Issuing the calls is synchronous work of the caller's own tick; report it apart.
  const dispatchMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await Promise.all(pending);
  histogram.disable();
  return { calls, maxDelayMs: histogram.max / 1e6, meanDelayMs: histogram.mean / 1e6, dispatchMs };
}

async function main() {
  const [baselineExe, codesFile] = process.argv.slice(2);
  const codes = require('node:fs').readFileSync(codesFile, 'utf8').trim().split(/\s+/);
  const products = await benchProducts(codes, baselineExe, 5);
  const policy = await benchPolicy(20);
  const eventLoop = await benchEventLoop(codes, 1000);
  console.log(JSON.stringify({ products, policy, eventLoop }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
