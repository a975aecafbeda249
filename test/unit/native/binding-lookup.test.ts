// The addon lookup when nothing matches: an arch with no prebuild (a native arm64 Node on
// a package that holds x64 and ia32 only) and a lookup from a bundle's folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type * as NativeModule from '../../../lib/native/load';

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-lookup-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writePackage(root: string, name: string, prebuilds: string[]): void {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
  for (const tuple of prebuilds) {
    fs.mkdirSync(path.join(root, 'prebuilds', tuple), { recursive: true });
    // Never loaded: the tuple does not match the simulated arch.
    fs.writeFileSync(path.join(root, 'prebuilds', tuple, 'node.napi.node'), 'not a DLL');
  }
}

/** lib/native with node-gyp-build freshly loaded for a simulated Windows machine. */
function nativeFor(platform: string, arch: string): typeof NativeModule {
  // The core module object itself (the namespace import above has read-only getters).

  const coreOs = require('node:os') as typeof os;
  jest.spyOn(coreOs, 'arch').mockReturnValue(arch);
  jest.spyOn(coreOs, 'platform').mockReturnValue(platform as NodeJS.Platform);
  let mod: typeof NativeModule | undefined;
  jest.isolateModules(() => {
    mod = require('../../../lib/native/load') as typeof NativeModule;
  });
  return mod!;
}

function lookupError(native: typeof NativeModule, root: string): NativeModule.NativeBindingNotFoundError {
  try {
    native.loadBindingFrom(root);
  } catch (error) {
    expect(error).toBeInstanceOf(native.NativeBindingNotFoundError);
    return error as NativeModule.NativeBindingNotFoundError;
  }
  throw new Error('the lookup loaded something');
}

test('an arch with no prebuild gets a typed error naming platform, arch and the prebuilds present', () => {
  const root = path.join(tmp, 'node_modules', 'msi-lua');
  writePackage(root, 'msi-lua', ['win32-x64', 'win32-ia32']);
  const native = nativeFor('win32', 'arm64');
  const error = lookupError(native, root);
  expect(error.code).toBe('MSI_LUA_BINDING_NOT_FOUND');
  expect(error.hresult).toBe(0x8007007e);
  expect(error.platform).toBe('win32');
  expect(error.arch).toBe('arm64');
  expect(error.prebuildsPresent).toEqual(['win32-ia32', 'win32-x64']);
  expect(error.bundled).toBe(false);
  expect(error.message).toContain('win32-arm64');
  expect(error.message).toContain('prebuilds present: win32-ia32, win32-x64');
  expect(error.message).not.toMatch(/external/);
  expect(error.searchedPaths).toContain(path.join(root, 'prebuilds', 'win32-arm64', '*.napi.node'));
  expect(error.toJSON()).toMatchObject({ platform: 'win32', arch: 'arm64', prebuildsPresent: ['win32-ia32', 'win32-x64'] });
});

test('a package with no prebuilds at all says so', () => {
  const root = path.join(tmp, 'msi-lua');
  writePackage(root, 'msi-lua', []);
  const error = lookupError(nativeFor('win32', 'x64'), root);
  expect(error.prebuildsPresent).toEqual([]);
  expect(error.message).toContain('prebuilds present: none');
});

test('looked up next to a bundle: advise marking msi-lua external, not a rebuild', () => {
  // esbuild/webpack put lib/native/load.ts into app/dist/main.js: its parent is the app, not msi-lua.
  const appRoot = path.join(tmp, 'app');
  writePackage(appRoot, 'my-electron-app', []);
  const error = lookupError(nativeFor('win32', 'x64'), appRoot);
  expect(error.bundled).toBe(true);
  expect(error.message).toContain('mark msi-lua external in your bundler');
  expect(error.message).not.toContain('npm rebuild');
});

test('a folder with no package.json at all counts as a bundle', () => {
  const error = lookupError(nativeFor('win32', 'x64'), tmp);
  expect(error.bundled).toBe(true);
});
