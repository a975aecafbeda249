#!/usr/bin/env node
'use strict';
// Cost of the payload: a package with a 400 MiB embedded cabinet against a
// small package written from the same source by the same writer (the big
// one only adds a zero-filled, sparse "BigCabinet.cab" stream), for
// `tables`, `info --json` and `lua-check --json`, msiinfo beside it; then a
// package over 2 GiB (version 4, sparse) that must open and list its
// tables; then cold start: `msi-lua tables` on the small package against
// `node -e 0` plus `msiinfo tables`. Side by side in one run, medians of
// --runs runs (small and big interleaved); wall time, CPU time and peak RSS
// from /usr/bin/time; and the bytes the compound-file layer reads at open.
// Targets: big/small at most 1.5x time and 1.3x peak RSS; cold start at
// most 2x.
// Reports figures; asserts nothing about them.
//
//   npx tsc -p tsconfig.json && node bench/big-package.js [--runs N] [--source a.msi]

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { writeSparsePackage } = require('./support/sparse-cfb');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'msi-lua.js');

const { cachedFixture } = require('./support/fixtures');

/** Runs a command under /usr/bin/time; returns wall seconds, CPU seconds (user + system) and peak RSS in KiB. */
function measure(command, args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = result.stderr.trim().split('\n').pop();
  const [seconds, user, system, kib] = line.split(' ').map(Number);
  return { seconds, cpu: user + system, kib, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Bytes the compound-file layer reads to open `file` (header, DIFAT,
 * directory, mini FAT and the FAT sectors their chains need), counted
 * through a ByteSource: a figure that does not depend on the machine's load.
 */
function bytesReadAtOpen(lib, file) {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  let bytes = 0;
  let reads = 0;
  const source = {
    size,
    inMemory: false,
    hold: (fn) => fn(),
    read(position, length) {
      const out = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const got = out.length > 0 ? fs.readSync(fd, out, 0, out.length, position) : 0;
      bytes += got;
      reads++;
      return out.subarray(0, got);
    },
  };
  try {
    lib.openCompoundFile(source);
    return { bytes, reads };
  } finally {
    fs.closeSync(fd);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function summarise(samples) {
  const last = samples[samples.length - 1];
  return {
    seconds: median(samples.map((x) => x.seconds)),
    cpu: median(samples.map((x) => x.cpu)),
    kib: median(samples.map((x) => x.kib)),
    status: last.status,
    stderr: last.stderr,
  };
}

/**
 * Runs of two commands interleaved (a, b, a, b, ...), so that a change in
 * the machine's load (it is shared) falls on both alike.
 */
function pairedSeries(runs, command, argsA, argsB) {
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(measure(command, argsA));
    b.push(measure(command, argsB));
  }
  return [summarise(a), summarise(b)];
}

function main(argv) {
  let runs = 3;
  let source = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--source') source = argv[++i];
  }
  source ??= cachedFixture('lua-machine') ?? cachedFixture('small');
  if (!source) throw new Error('no source package: run the unit tests once (.cache/fixtures/package/) or pass --source');
  const lib = require(path.join(root, 'dist', 'package'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-bench-big-'));
  const log = console.log;
  try {
    const bytes = fs.readFileSync(source);
    const small = path.join(work, 'small.msi');
    const big = path.join(work, 'big.msi');
    const huge = path.join(work, 'huge.msi');
    writeSparsePackage({ lib, source: bytes, output: small });
    const bigInfo = writeSparsePackage({ lib, source: bytes, output: big, extra: [{ name: 'BigCabinet.cab', size: 400 * 1048576 }] });
    const hugeInfo = writeSparsePackage({
      lib,
      source: bytes,
      output: huge,
      extra: [{ name: 'BigCabinet.cab', size: 2300 * 1048576 }],
      sectorShift: 12,
    });
    const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
    log(
      `payload cost: ${path.basename(source)} rewritten small (${mib(fs.statSync(small).size)}) and with a 400 MiB cabinet (${mib(bigInfo.fileSize)}), median of ${runs} runs`,
    );
    log(`  ${'command'.padEnd(28)} ${'small'.padStart(16)} ${'big'.padStart(16)}   time ratio   RSS ratio   CPU time small, big, ratio`);
    const rows = [];
    const commands = [
      ['msi-lua tables', process.execPath, (f) => [cli, 'tables', f]],
      ['msi-lua info --json', process.execPath, (f) => [cli, 'info', f, '--json']],
      ['msi-lua lua-check --json', process.execPath, (f) => [cli, 'lua-check', f, '--json']],
      ['msiinfo tables', 'msiinfo', (f) => ['tables', f]],
    ];
    for (const [label, command, args] of commands) {
      const [a, b] = pairedSeries(runs, command, args(small), args(big));
      const row = { label, small: a, big: b, timeRatio: b.seconds / a.seconds, rssRatio: b.kib / a.kib, cpuRatio: b.cpu / a.cpu };
      rows.push(row);
      const cell = (x) => `${x.seconds.toFixed(2)} s ${(x.kib / 1024).toFixed(0).padStart(4)} MB`;
      const status = a.status === b.status ? '' : `   (exit ${a.status} vs ${b.status})`;
      log(
        `  ${label.padEnd(28)} ${cell(a).padStart(16)} ${cell(b).padStart(16)}   ${row.timeRatio.toFixed(2)}x${' '.repeat(7)}${row.rssRatio.toFixed(2)}x${' '.repeat(7)}${a.cpu.toFixed(2)} s, ${b.cpu.toFixed(2)} s, ${row.cpuRatio.toFixed(2)}x${status}`,
      );
    }
    log(
      '  targets (msi-lua rows): time <= 1.5x, peak RSS <= 1.3x (runs of small and big interleaved; CPU time is less moved by other load than wall time)',
    );
    const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
    const openSmall = bytesReadAtOpen(lib, small);
    const openBig = bytesReadAtOpen(lib, big);
    const openHuge = bytesReadAtOpen(lib, huge);
    log(
      `read at open (openCompoundFile, counted through the source): small ${kib(openSmall.bytes)} in ${openSmall.reads} reads; big ${kib(openBig.bytes)} in ${openBig.reads} reads (its FAT: ${kib(bigInfo.fatSectors * bigInfo.sectorSize)}, DIFAT: ${kib(bigInfo.difatSectors * bigInfo.sectorSize)}); over 2 GiB ${kib(openHuge.bytes)} in ${openHuge.reads} reads (FAT: ${kib(hugeInfo.fatSectors * hugeInfo.sectorSize)})`,
    );

    const hugeRun = measure(process.execPath, [cli, 'tables', huge, '--json']);
    let hugeTables = null;
    try {
      hugeTables = JSON.parse(hugeRun.stdout).length;
    } catch {
      hugeTables = null;
    }
    const hugeRef = measure('msiinfo', ['tables', huge]);
    log(
      `over 2 GiB: ${mib(hugeInfo.fileSize)} (version 4, ${hugeInfo.difatSectors} DIFAT sectors): msi-lua tables exit ${hugeRun.status}, ${hugeTables ?? '?'} tables, ${hugeRun.seconds.toFixed(2)} s, ${(hugeRun.kib / 1024).toFixed(0)} MB; msiinfo exit ${hugeRef.status}, ${hugeRef.stdout.split('\n').filter(Boolean).length} names, ${hugeRef.seconds.toFixed(2)} s`,
    );
    if (hugeRun.status !== 0) log(`  msi-lua: ${hugeRun.stderr.trim().split('\n')[0]}`);

    // Interleaved, as above.
    const samples = { nodeZero: [], msiinfo: [], ours: [] };
    for (let i = 0; i < runs * 2 + 1; i++) {
      samples.nodeZero.push(measure(process.execPath, ['-e', '0']));
      samples.msiinfo.push(measure('msiinfo', ['tables', small]));
      samples.ours.push(measure(process.execPath, [cli, 'tables', small]));
    }
    const nodeZero = summarise(samples.nodeZero);
    const msiinfo = summarise(samples.msiinfo);
    const ours = summarise(samples.ours);
    const budget = nodeZero.seconds + msiinfo.seconds;
    log(
      `cold start: msi-lua tables ${ours.seconds.toFixed(3)} s vs node -e 0 ${nodeZero.seconds.toFixed(3)} s + msiinfo tables ${msiinfo.seconds.toFixed(3)} s = ${budget.toFixed(3)} s: ratio ${(ours.seconds / budget).toFixed(2)}x (target <= 2x)`,
    );
    return rows;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { main };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`bench/big-package.js: ${error.message}`);
    process.exitCode = 1;
  }
}
