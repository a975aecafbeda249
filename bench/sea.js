#!/usr/bin/env node
'use strict';
// msi-lua.exe (the SEA, scripts/sea.js) against `node.exe bin/msi-lua.js`, both under Wine,
// measured side by side in one run (alternating, so Wine's own warm-up affects both alike):
// the size a fleet copies, and start-to-exit time for `--version` and for a command that
// loads the addon (`lua-status <unknown product> --json`). Prints medians and ratios; asserts
// nothing. The first run of each is reported apart: it is the coldest (addon extraction for
// the SEA, the first read of node_modules for Node).
//   node bench/sea.js [--runs=7]        (build the exe first: node scripts/sea.js)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { nodeExe, prepare, root, runInWine, toWindowsPath, runWineServerWait } = require('../scripts/wine-env');

const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const RUNS = runsArg ? Number(runsArg.slice(7)) : 7;
const exe = path.join(root, 'build', 'sea', 'msi-lua.exe');
const UNKNOWN_PRODUCT = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E5F}';

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function folderBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
}

function main() {
  if (!fs.existsSync(exe)) throw new Error(`no ${exe}: run node scripts/sea.js first`);
  prepare();
  const addonDir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-bench-sea-'));
  const variants = {
    sea: (args) => [exe, ...args],
    node: (args) => [nodeExe, path.join(root, 'bin', 'msi-lua.js'), ...args],
  };
  const commands = { '--version': ['--version'], 'lua-status': ['lua-status', UNKNOWN_PRODUCT, '--json'] };
  // Wine's server and prefix are started once before measuring anything.
  runInWine([nodeExe, '-e', '0'], { echo: false });
  const times = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [label, argv] of Object.entries(commands)) {
      for (const [variant, make] of Object.entries(variants)) {
        const t0 = process.hrtime.bigint();
        const r = runInWine(make(argv), { echo: false, env: { MSI_LUA_ADDON_DIR: toWindowsPath(addonDir) } });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (label === '--version' && r.status !== 0) throw new Error(`${variant} ${label} exited ${r.status}: ${r.stderr}`);
        (times[`${variant} ${label}`] ??= []).push(ms);
      }
    }
  }
  runWineServerWait();
  fs.rmSync(addonDir, { recursive: true, force: true });

  const sizeSea = fs.statSync(exe).size;
  const sizeNode = fs.statSync(nodeExe).size;
  const packageBytes = ['dist', 'bin', 'prebuilds/win32-x64', 'node_modules/asn1js', 'node_modules/pkijs', 'node_modules/node-gyp-build']
    .map((d) => path.join(root, d))
    .filter((d) => fs.existsSync(d))
    .reduce((sum, d) => sum + folderBytes(d), 0);
  const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
  console.log(
    `size: msi-lua.exe ${mib(sizeSea)} | node.exe ${mib(sizeNode)} + msi-lua with runtime dependencies ~${mib(packageBytes)} = ${mib(sizeNode + packageBytes)} (ratio ${(sizeSea / (sizeNode + packageBytes)).toFixed(2)})`,
  );
  console.log(`start-to-exit under Wine, ${RUNS} alternating runs each (median; first run):`);
  for (const label of Object.keys(commands)) {
    const s = times[`sea ${label}`];
    const n = times[`node ${label}`];
    console.log(
      `  ${label.padEnd(10)} msi-lua.exe ${median(s).toFixed(0)} ms (first ${s[0].toFixed(0)}) | node bin/msi-lua.js ${median(n).toFixed(0)} ms (first ${n[0].toFixed(0)}) | ratio ${(median(s) / median(n)).toFixed(2)}`,
    );
  }
}

main();
