#!/usr/bin/env node
'use strict';
// npm run bench: every benchmark, each measured side by side in one run and printed
// as a ratio against its target. Nothing here asserts timings; it only reports.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const wine = require('../scripts/wine-env');

const root = wine.root;
const benchDir = path.join(wine.cacheDir, 'bench');
const PRODUCT_COUNT = 50;

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout || ''}${result.stderr || ''}`);
  return result.stdout;
}

function productCode(index) {
  const hex = crypto.createHash('sha1').update(`msi-lua bench product ${index}`).digest('hex').toUpperCase();
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}}`;
}

function productWxs(index, code) {
  const component = productCode(1000 + index);
  return `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="${code}" Name="msi-lua Bench Product ${index}" Language="1033" Version="1.0.${index}" Manufacturer="msi-lua bench" UpgradeCode="${productCode(2000 + index)}">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Description="bench ${index}" />
    <Media Id="1" Cabinet="b.cab" EmbedCab="yes" />
    <Property Id="ARPHELPLINK" Value="https://help.example.invalid/${index}" />
    <Property Id="ARPURLINFOABOUT" Value="https://about.example.invalid/${index}" />
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="MsiLuaBench${index}">
      <Component Id="C" Guid="${component}"><File Id="F" Name="readme.txt" Source="readme.txt" KeyPath="yes" /></Component>
    </Directory></Directory></Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="C" /></Feature>
  </Product>
</Wix>
`;
}

function installBenchProducts() {
  fs.mkdirSync(benchDir, { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'readme.txt'), 'bench payload\n');
  const codes = [];
  const marker = path.join(benchDir, 'installed.txt');
  const installed = new Set(fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').split('\n') : []);
  for (let i = 0; i < PRODUCT_COUNT; i++) {
    const code = productCode(i);
    codes.push(code);
    if (installed.has(code)) continue;
    const wxs = path.join(benchDir, `bench${i}.wxs`);
    const msi = path.join(benchDir, `bench${i}.msi`);
    fs.writeFileSync(wxs, productWxs(i, code));
    sh('wixl', ['-o', msi, wxs], { cwd: benchDir });
    const r = wine.runInWine(['msiexec', '/i', wine.toWindowsPath(msi), '/qn'], { echo: false });
    if (r.status !== 0) throw new Error(`msiexec /i ${msi} exited ${r.status}`);
    fs.appendFileSync(marker, `${code}\n`);
  }
  const codesFile = path.join(benchDir, 'codes.txt');
  fs.writeFileSync(codesFile, codes.join('\n'));
  return codesFile;
}

function buildBaseline() {
  const exe = path.join(benchDir, 'baseline.exe');
  sh('x86_64-w64-mingw32-gcc-posix', ['-O2', '-municode', '-o', exe, path.join(__dirname, 'baseline.c'), '-lmsi']);
  return exe;
}

function ensureBuilt() {
  sh(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
  const addon = path.join(root, 'build', 'Release', 'msi_lua.node');
  if (!fs.existsSync(addon)) sh(process.execPath, [path.join(root, 'scripts', 'build-native.js')], { stdio: 'inherit' });
}

async function main() {
  wine.prepare();
  fs.mkdirSync(benchDir, { recursive: true });
  ensureBuilt();
  const codesFile = installBenchProducts();
  const baselineExe = buildBaseline();
  const run = wine.runInWine(
    [wine.nodeExe, path.join(__dirname, 'in-wine.js'), wine.toWindowsPath(baselineExe), wine.toWindowsPath(codesFile)],
    { echo: false },
  );
  if (run.status !== 0) throw new Error(`bench under Wine failed:\n${run.stdout}${run.stderr}`);
  const figures = JSON.parse(run.stdout.trim().split('\n').pop());
  const { products, policy, eventLoop } = figures;
  console.log('msi-lua benchmarks (Wine tier; ratios measured side by side in one run)');
  console.log(
    `(a) 10 properties x ${PRODUCT_COUNT} products x 5 rounds: C baseline ${products.baselineMs.toFixed(1)} ms; msi-lua one getProductInfo per product ${products.msiLuaMs.toFixed(1)} ms → ${products.ratio.toFixed(2)}x; msi-lua listProducts (one call per round) ${products.batchedMs.toFixed(1)} ms → ${products.batchedRatio.toFixed(2)}x (target ≤ 1.5x)`,
  );
  console.log(
    `(b) DisableLUAPatching x 20: msi-lua ${policy.msiLuaMs.toFixed(1)} ms, winreg (reg.exe) ${policy.winregMs.toFixed(1)} ms → msi-lua ${policy.speedup.toFixed(1)}x faster (target ≥ 20x)`,
  );
  console.log(
    `(c) ${eventLoop.calls} concurrent product queries: max event-loop delay ${eventLoop.maxDelayMs.toFixed(2)} ms, mean ${eventLoop.meanDelayMs.toFixed(2)} ms (target < 10 ms); issuing the 1000 calls took ${eventLoop.dispatchMs.toFixed(1)} ms of one tick`,
  );
  for (const extra of ['reader.js', 'wua.js']) {
    const file = path.join(__dirname, extra);
    if (!fs.existsSync(file)) continue;
    const mod = require(file);
    const fn = mod.runReaderBench || mod.runWuaBench;
    if (typeof fn === 'function') await fn();
  }
  // The package reader's payload cost and event-loop benches (each prints its own ratios).
  for (const extra of ['big-package.js', 'event-loop-reader.js']) {
    const file = path.join(__dirname, extra);
    if (fs.existsSync(file)) await require(file).main([]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
