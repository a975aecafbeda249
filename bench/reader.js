#!/usr/bin/env node
'use strict';
// Package reader benchmark: export every table of the 20,000-file fixture
// to IDT files, msi-lua against msitools' msidump on the same file, side by
// side in one run, plus msi-lua's peak memory against the file size.
// Targets: at most 0.05x msidump's time (issue 11), at most 4x the file
// size in memory.
// Reports figures; asserts nothing about them.
//
//   npm run build && node bench/reader.js [--runs N] [--file package.msi]
//
// msi-lua runs in a fresh node process per run (like msidump, which is a
// script starting msiinfo once per table), so its peak RSS is its own. Two
// times are given for msi-lua: wall clock including node's start-up (the
// like-for-like figure with msidump) and in-process (open + export + write).
// `node -e 0` is timed beside them. Where NODE_EXTRA_CA_CERTS is set (this
// sandbox sets it), node parses that certificate bundle at every start, a
// cost of the environment, not of msi-lua (which opens no TLS connection):
// the main figure is measured without it, and a second one with it.

// The child stands for an msi-lua process: it loads only node:fs, node:path
// and msi-lua. What the parent needs (child_process, crypto, the fixture
// generator) is loaded where the parent uses it, so that the child's
// start-up is msi-lua's own, as the wall-clock ratio assumes.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const spawnSync = (...args) => require('node:child_process').spawnSync(...args);

function which(tool) {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0 || !found.stdout.trim()) throw new Error(`${tool} is needed by bench/reader.js (install msitools)`);
  return found.stdout.trim();
}

/** The 20,000-file package: the one the unit tests cached, or built here the same way. */
function largeFixture() {
  const crypto = require('node:crypto');
  const { generateLargeWxs, LARGE_FILE_COUNT } = require('../test/fixtures/package/large-wxs.js');
  const cache = path.join(root, '.cache', 'fixtures', 'package');
  if (fs.existsSync(cache)) {
    const candidates = fs
      .readdirSync(cache)
      .filter((d) => d.startsWith(`large${LARGE_FILE_COUNT}-`))
      .map((d) => path.join(cache, d, `large${LARGE_FILE_COUNT}.msi`))
      .filter((f) => fs.existsSync(f))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    if (candidates.length > 0) return candidates[0];
  }
  const { wxs, files } = generateLargeWxs(LARGE_FILE_COUNT);
  const key = crypto.createHash('sha256').update(wxs).digest('hex').slice(0, 16);
  const dir = path.join(root, '.cache', 'bench', `reader-${key}`);
  const output = path.join(dir, `large${LARGE_FILE_COUNT}.msi`);
  if (fs.existsSync(output)) return output;
  const src = path.join(dir, 'src');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    fs.writeFileSync(path.join(src, name), content);
  }
  fs.writeFileSync(path.join(src, 'large.wxs'), wxs);
  console.log(`building the ${LARGE_FILE_COUNT}-file fixture with wixl (once)...`);
  const built = spawnSync(which('wixl'), ['-o', output, 'large.wxs'], { cwd: src, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`wixl failed: ${built.stderr}`);
  fs.rmSync(src, { recursive: true, force: true });
  return output;
}

/** Child mode: open the package, export every table to `outDir`, report figures as JSON. */
async function child(file, outDir) {
  const lib = require(path.join(root, 'dist', 'package'));
  const before = process.resourceUsage().maxRSS; // KiB, after modules are loaded
  const usage = () => {
    const u = process.memoryUsage();
    return u.heapUsed + u.external;
  };
  const heldBefore = usage();
  const started = process.hrtime.bigint();
  // Opened from the path, read on demand, as the CLI does.
  const pkg = await lib.readPackageFile(file);
  const tables = ['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames];
  for (const table of tables) {
    const fd = fs.openSync(path.join(outDir, `${table}.idt`), 'w');
    try {
      pkg.exportIdtTo(table, (chunk) => fs.writeSync(fd, chunk));
    } finally {
      fs.closeSync(fd);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = process.resourceUsage().maxRSS;
  const held = usage() - heldBefore;
  void pkg.byteLength; // keep the package alive until measured
  // fs.writeSync, not process.stdout: setting up the stdout stream of a
  // pipe (node:net, node:stream) costs 7 ms, a cost of this report, not of
  // the export (msidump's runs report nothing).
  fs.writeSync(1, JSON.stringify({ seconds, tables: tables.length, maxRssBeforeKiB: before, maxRssAfterKiB: after, heldBytes: held }));
}

/**
 * Runs a command under /usr/bin/time, which adds the CPU time (user +
 * system, children included: msidump's msiinfo processes) to the result:
 * a figure the shared machine's load moves much less than wall time.
 */
function spawnCounted(command, args, env = process.env) {
  const result = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env });
  const lines = result.stderr.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  const match = /^CPU ([\d.]+) ([\d.]+)$/.exec(last);
  return { ...result, stderr: lines.join('\n'), cpu: match ? Number(match[1]) + Number(match[2]) : NaN };
}

function timed(fn) {
  const started = process.hrtime.bigint();
  const value = fn();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function compareDirs(a, b) {
  const names = fs
    .readdirSync(a)
    .filter((n) => n.endsWith('.idt'))
    .sort();
  const other = new Set(fs.readdirSync(b).filter((n) => n.endsWith('.idt')));
  let identical = 0;
  const differing = [];
  for (const name of names) {
    if (other.has(name) && fs.readFileSync(path.join(a, name)).equals(fs.readFileSync(path.join(b, name)))) identical++;
    else differing.push(name);
  }
  return { identical, total: Math.max(names.length, other.size), differing };
}

/**
 * Runs the benchmark; prints and returns the figures.
 * options: { runs = 3, file = the 20,000-file fixture, log = console.log }
 */
function runReaderBench(options = {}) {
  const runs = options.runs ?? 3;
  const log = options.log ?? console.log;
  if (!fs.existsSync(path.join(root, 'dist', 'package', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const msidump = which('msidump');
  const file = options.file ?? largeFixture();
  const size = fs.statSync(file).size;
  const os = require('node:os');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-bench-reader-'));
  try {
    const msidumpTimes = [];
    const luaWall = [];
    const msidumpCpu = [];
    const luaCpu = [];
    const luaInProcess = [];
    const memoryDeltas = [];
    const held = [];
    const nodeStart = [];
    // NODE_EXTRA_CA_CERTS makes node parse that certificate bundle at every
    // start (this sandbox sets it to the system bundle: 40 ms of a 60 ms
    // start). msi-lua opens no TLS connection and a user's machine does not
    // normally set it, so the msi-lua figure is measured without it, and,
    // where it is set, also with it, side by side.
    const extraCa = process.env.NODE_EXTRA_CA_CERTS ? process.env : null;
    const bareEnv = { ...process.env };
    delete bareEnv.NODE_EXTRA_CA_CERTS;
    const withCaWall = [];
    const withCaStart = [];
    let tables = 0;
    let comparison = null;
    for (let run = 0; run < runs; run++) {
      // Alternate the order so neither always runs on a warmer cache.
      const order = ['msidump', 'msi-lua', ...(extraCa ? ['msi-lua-ca'] : [])];
      if (run % 2 === 1) order.reverse();
      for (const which of order) {
        const out = path.join(work, `${which}-${run}`);
        fs.mkdirSync(out);
        if (which === 'msidump') {
          const t = timed(() => spawnCounted(msidump, ['-t', '-d', out, file]));
          if (t.value.status !== 0) throw new Error(`msidump failed: ${t.value.stderr}`);
          msidumpTimes.push(t.seconds);
          msidumpCpu.push(t.value.cpu);
        } else if (which === 'msi-lua-ca') {
          const t = timed(() => spawnCounted(process.execPath, [__filename, '--child', file, out], extraCa));
          if (t.value.status !== 0) throw new Error(`msi-lua child failed: ${t.value.stderr}`);
          withCaWall.push(t.seconds);
          withCaStart.push(timed(() => spawnCounted(process.execPath, ['-e', '0'], extraCa)).seconds);
        } else {
          const t = timed(() => spawnCounted(process.execPath, [__filename, '--child', file, out], bareEnv));
          if (t.value.status !== 0) throw new Error(`msi-lua child failed: ${t.value.stderr}`);
          const figures = JSON.parse(t.value.stdout);
          luaWall.push(t.seconds);
          luaCpu.push(t.value.cpu);
          luaInProcess.push(figures.seconds);
          memoryDeltas.push((figures.maxRssAfterKiB - figures.maxRssBeforeKiB) * 1024);
          held.push(figures.heldBytes);
          tables = figures.tables;
          nodeStart.push(timed(() => spawnCounted(process.execPath, ['-e', '0'], bareEnv)).seconds);
        }
      }
      if (run === 0) comparison = compareDirs(path.join(work, 'msi-lua-0'), path.join(work, 'msidump-0'));
    }
    const figures = {
      file,
      fileBytes: size,
      tables,
      runs,
      msidumpSeconds: median(msidumpTimes),
      msiLuaWallSeconds: median(luaWall),
      msiLuaInProcessSeconds: median(luaInProcess),
      nodeStartSeconds: median(nodeStart),
      withExtraCaSeconds: extraCa ? median(withCaWall) : null,
      withExtraCaRatio: extraCa ? median(withCaWall) / median(msidumpTimes) : null,
      withExtraCaNodeStartSeconds: extraCa ? median(withCaStart) : null,
      timeRatio: median(luaWall) / median(msidumpTimes),
      inProcessTimeRatio: median(luaInProcess) / median(msidumpTimes),
      msidumpCpuSeconds: median(msidumpCpu),
      msiLuaCpuSeconds: median(luaCpu),
      cpuRatio: median(luaCpu) / median(msidumpCpu),
      // Each run's peak moves by a few MiB with V8's background compiler threads and
      // heap sizing, so both the median run and the worst run are reported.
      peakMemoryBytes: median(memoryDeltas),
      memoryRatio: median(memoryDeltas) / size,
      worstPeakMemoryBytes: Math.max(...memoryDeltas),
      worstMemoryRatio: Math.max(...memoryDeltas) / size,
      heldBytes: Math.max(...held),
      heldRatio: Math.max(...held) / size,
      identicalTables: comparison.identical,
      comparedTables: comparison.total,
      differingTables: comparison.differing,
    };
    const mb = (n) => `${(n / 1048576).toFixed(1)} MiB`;
    log(`reader: export every table of ${path.basename(file)} (${mb(size)}, ${tables} tables), median of ${runs} runs`);
    log(`  msidump                   ${figures.msidumpSeconds.toFixed(3)} s`);
    log(
      `  msi-lua (with node start) ${figures.msiLuaWallSeconds.toFixed(3)} s   ratio ${figures.timeRatio.toFixed(3)}x   (target <= 0.05x)`,
    );
    log(`  msi-lua (in-process)      ${figures.msiLuaInProcessSeconds.toFixed(3)} s   ratio ${figures.inProcessTimeRatio.toFixed(3)}x`);
    log(`  node start alone          ${figures.nodeStartSeconds.toFixed(3)} s   (node -e 0)`);
    if (extraCa) {
      log(
        `  with NODE_EXTRA_CA_CERTS  ${figures.withExtraCaSeconds.toFixed(3)} s   ratio ${figures.withExtraCaRatio.toFixed(3)}x   (as this environment sets it; node -e 0 alone ${figures.withExtraCaNodeStartSeconds.toFixed(3)} s)`,
      );
    }
    log(
      `  CPU time (user + system)  msidump ${figures.msidumpCpuSeconds.toFixed(2)} s, msi-lua with node start ${figures.msiLuaCpuSeconds.toFixed(2)} s   ratio ${figures.cpuRatio.toFixed(3)}x`,
    );
    log(
      `  msi-lua peak memory       ${mb(figures.peakMemoryBytes)} maxRSS growth = ${figures.memoryRatio.toFixed(1)}x file size, median run   (target <= 4x)`,
    );
    log(
      `                            ${mb(figures.worstPeakMemoryBytes)} = ${figures.worstMemoryRatio.toFixed(1)}x in the worst of ${runs} runs`,
    );
    log(
      `  msi-lua memory held       ${mb(figures.heldBytes)} heap + external growth at the end = ${figures.heldRatio.toFixed(1)}x file size`,
    );
    log(
      `  output                    ${figures.identicalTables}/${figures.comparedTables} tables byte-identical to msidump${figures.differingTables.length ? ` (differ: ${figures.differingTables.join(', ')})` : ''}`,
    );
    return figures;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runReaderBench };

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    child(argv[1], argv[2]).catch((error) => {
      console.error(error.stack);
      process.exitCode = 1;
    });
  } else {
    const options = {};
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--runs') options.runs = Number(argv[++i]);
      else if (argv[i] === '--file') options.file = argv[++i];
    }
    try {
      runReaderBench(options);
    } catch (error) {
      console.error(`bench/reader.js: ${error.message}`);
      process.exitCode = 1;
    }
  }
}
