// scripts/install.js never fails `npm install`. Simulated Windows machines (a preload that
// makes os.platform()/os.arch() answer win32 and the chosen arch) run the real script in a
// copy of the package; npm_config_node_gyp (how npm hands lifecycle scripts its node-gyp)
// points at a stand-in that records the call and fails as node-gyp does without Visual Studio.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
let tmp: string;
let pkg: string;
let marker: string;
let fakeGyp: string;
let preload: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-install-'));
  pkg = path.join(tmp, 'node_modules', 'msi-lua');
  fs.mkdirSync(path.join(pkg, 'scripts'), { recursive: true });
  fs.copyFileSync(path.join(root, 'scripts', 'install.js'), path.join(pkg, 'scripts', 'install.js'));
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'msi-lua', version: '0.0.0' }));
  for (const tuple of ['win32-x64', 'win32-ia32']) {
    fs.mkdirSync(path.join(pkg, 'prebuilds', tuple), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'prebuilds', tuple, 'node.napi.node'), 'not loaded by the install step');
  }
  marker = path.join(tmp, 'node-gyp-called');
  fakeGyp = path.join(tmp, 'fake-node-gyp.js');
  fs.writeFileSync(
    fakeGyp,
    `require('fs').writeFileSync(${JSON.stringify(marker)}, process.argv.slice(2).join(' '));\n` +
      `console.error('gyp ERR! find VS could not find a version of Visual Studio 2017 or newer to use');\nprocess.exit(1);\n`,
  );
  preload = path.join(tmp, 'simulate.js');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function runInstall(platform: string, arch: string): { status: number | null; output: string } {
  fs.writeFileSync(
    preload,
    `const os = require('os');\nos.platform = () => ${JSON.stringify(platform)};\nos.arch = () => ${JSON.stringify(arch)};\n`,
  );
  const result = spawnSync(process.execPath, ['--require', preload, path.join(pkg, 'scripts', 'install.js')], {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(root, 'node_modules'), npm_config_node_gyp: fakeGyp, npm_config_arch: '' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('win32-arm64 with no prebuild and no compiler: install succeeds and says what works', () => {
  const { status, output } = runInstall('win32', 'arm64');
  expect(status).toBe(0);
  expect(fs.readFileSync(marker, 'utf8')).toBe('rebuild');
  expect(output).toContain('no native addon for win32-arm64');
  expect(output).toContain('prebuilds in this package: win32-ia32, win32-x64');
  expect(output).toContain('node-gyp exited 1');
  expect(output).toContain('NativeBindingNotFoundError');
});

test('win32-ia32 with its prebuild: nothing is compiled', () => {
  const { status, output } = runInstall('win32', 'ia32');
  expect(status).toBe(0);
  expect(fs.existsSync(marker)).toBe(false);
  expect(output).toContain(path.join('prebuilds', 'win32-ia32', 'node.napi.node'));
});

test('off Windows: nothing is compiled', () => {
  const { status } = runInstall('linux', 'x64');
  expect(status).toBe(0);
  expect(fs.existsSync(marker)).toBe(false);
});
