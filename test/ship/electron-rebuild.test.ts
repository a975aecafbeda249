// @electron/rebuild (what Electron Forge and electron-builder run when they package an app)
// against msi-lua installed from its packed tarball: for Windows targets it must find the
// prebuilt Node-API module and build nothing; for a non-Windows host target it may run
// node-gyp but must compile nothing (binding.gyp's target is type "none" off Windows).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { artifact, REPO_ROOT } from './support';

jest.setTimeout(300_000);

const { prebuildFileName } = require('../../scripts/build-native.js') as { prebuildFileName: (arch: string) => string };

const ELECTRON = '33.0.0';
const driver = path.join(__dirname, 'electron-rebuild-driver.mjs');

interface RebuildRun {
  events: Array<[string, unknown]>;
  error: string | null;
  log: string;
}

function rebuild(app: string, platform: string, arch: string, env: NodeJS.ProcessEnv = {}): Promise<RebuildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, app, platform, arch, ELECTRON], {
      cwd: REPO_ROOT,
      env: { ...process.env, DEBUG: 'electron-rebuild', DEBUG_COLORS: '0', ...env },
    });
    let out = '';
    let log = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve({ ...(JSON.parse(line) as Omit<RebuildRun, 'log'>), log });
      } catch {
        reject(new Error(`the driver exited ${code} without a result:\n${out}\n${log}`));
      }
    });
  });
}

function nodeFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.node'));
}

let app: string;
let pkg: string;
beforeAll(() => {
  app = artifact('MSI_LUA_SHIP_APP');
  pkg = path.join(app, 'node_modules', 'msi-lua');
});
afterEach(() => fs.rmSync(path.join(pkg, 'build'), { recursive: true, force: true }));

test.each(['x64', 'ia32'])('win32-%s: "Found prebuilt Node-API module", nothing built', async (arch) => {
  expect(fs.existsSync(path.join(pkg, 'prebuilds', `win32-${arch}`, prebuildFileName(arch)))).toBe(true);
  const run = await rebuild(app, 'win32', arch);
  expect(run.error).toBeNull();
  expect(run.events).toContainEqual(['module-done', 'msi-lua']);
  expect(run.log).toContain(`Found prebuilt Node-API module in ${path.join(pkg, 'prebuilds', `win32-${arch}`)}`);
  expect(run.log).not.toContain('built via node-gyp');
  expect(nodeFilesUnder(path.join(pkg, 'build'))).toEqual([]);
});

test('win32-arm64: the name @electron/rebuild looks for is the one the release ships', async () => {
  const dir = path.join(pkg, 'prebuilds', 'win32-arm64');
  const shipped = path.join(dir, prebuildFileName('arm64'));
  if (!fs.existsSync(shipped)) {
    // Tarballs packed here have no arm64 prebuild (MSVC on a windows-11-arm runner makes it,
    // in .github/workflows/release.yml). Without one @electron/rebuild would try to compile:
    const without = await rebuild(app, 'win32', 'arm64');
    expect(without.error).toBe('node-gyp does not support cross-compiling native modules from source.');
    // With a file at the release's path (a placeholder: @electron/rebuild checks the name
    // only, it does not load it) it reports the prebuild and builds nothing.
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(shipped, 'placeholder for the MSVC arm64 prebuild');
  }
  try {
    const run = await rebuild(app, 'win32', 'arm64');
    expect(run.error).toBeNull();
    expect(run.log).toContain(`Found prebuilt Node-API module in ${dir}`);
    expect(run.log).not.toContain('built via node-gyp');
  } finally {
    if (fs.readFileSync(shipped, 'utf8').startsWith('placeholder')) fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('linux-x64 (the host): node-gyp runs but compiles and links nothing', async () => {
  // Electron's headers come from the network in real use; here Linux node's own headers
  // stand in, in the dev dir node-gyp checks (installVersion 11 = node-gyp 12's layout).
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-electron-home-'));
  const headers = path.join(home, '.electron-gyp', ELECTRON);
  fs.mkdirSync(path.join(headers, 'include'), { recursive: true });
  const nodeInclude = ['/usr/include/node', path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node')].find((d) =>
    fs.existsSync(path.join(d, 'common.gypi')),
  );
  if (!nodeInclude) throw new Error('no Node headers (include/node/common.gypi) on this machine');
  fs.symlinkSync(nodeInclude, path.join(headers, 'include', 'node'));
  fs.writeFileSync(path.join(headers, 'installVersion'), '11\n');
  // A compiler that records every call and fails: only gyp's preprocessor probe may call it.
  const calls = path.join(home, 'compiler-calls');
  const cc = path.join(home, 'cc');
  fs.writeFileSync(cc, `#!/bin/sh\necho "$*" >> '${calls}'\nexit 1\n`, { mode: 0o755 });
  try {
    const run = await rebuild(app, 'linux', 'x64', { HOME: home, CC: cc, CXX: cc, LINK: cc });
    expect(run.error).toBeNull();
    expect(run.events).toContainEqual(['module-done', 'msi-lua']);
    const invocations = fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : [];
    for (const call of invocations) expect(call).toMatch(/^-dM -E /);
    expect(nodeFilesUnder(path.join(pkg, 'build'))).toEqual([]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('darwin-arm64 from Linux: @electron/rebuild refuses to cross-compile (its rule, not ours)', async () => {
  // No package setting stops this (read in @electron/rebuild 4.x: only a prebuild for the
  // target or the app's ignoreModules/onlyModules do): the README tells apps to leave msi-lua
  // out of rebuilds for non-Windows targets.
  const run = await rebuild(app, 'darwin', 'arm64');
  expect(run.error).toBe('node-gyp does not support cross-compiling native modules from source.');
  expect(nodeFilesUnder(path.join(pkg, 'build'))).toEqual([]);
});
