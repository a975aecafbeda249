// Loads the compiled addon (Windows only) and is the one path by which a native
// failure becomes a typed error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { MsiLuaError, PlatformNotSupportedError, errorFromHResult, hresultFromWin32 } from '../errors';
import { ERROR_MOD_NOT_FOUND } from '../errors/codes.generated';
import type { NativeBinding, NativeFailureShape } from './binding';

// dist/native/load.js in the package. A bundler (esbuild, webpack) puts this code into the
// bundle's own file, whose folder's parent is the app's folder: look there, as before the move.
const packageRoot = path.basename(__dirname) === 'native' ? path.resolve(__dirname, '..', '..') : path.resolve(__dirname, '..');

let injected: Partial<NativeBinding> | undefined;
let loaded: NativeBinding | undefined;

/** What was looked for and found when no addon could be loaded. */
export interface BindingLookupFacts {
  /** The platform and architecture the addon was looked for (node-gyp-build's terms: win32, x64/ia32/arm64). */
  platform: string;
  arch: string;
  /** The folder searched: the msi-lua package folder, or the bundle's parent when bundled. */
  root: string;
  /** Every path tried, in order. */
  searchedPaths: string[];
  /** The `<platform>-<arch>` folders under prebuilds/ that hold an addon, e.g. ['win32-ia32', 'win32-x64']. */
  prebuildsPresent: string[];
  /** True when `root` is not a msi-lua package folder: the code runs from a bundle. */
  bundled: boolean;
}

/**
 * Raised (as the rejection of every native call) when no compiled addon matches this Windows
 * machine. Names the platform, architecture and the prebuilds the package holds; when the
 * code runs from a bundle (the lookup folder is not a msi-lua package folder) it says to mark
 * msi-lua external in the bundler instead of advising a rebuild. HRESULT 0x8007007E
 * (ERROR_MOD_NOT_FOUND).
 */
export class NativeBindingNotFoundError extends MsiLuaError {
  declare readonly searchedPaths: string[];
  declare readonly platform: string;
  declare readonly arch: string;
  declare readonly prebuildsPresent: string[];
  declare readonly bundled: boolean;
  constructor(facts: BindingLookupFacts, cause?: unknown) {
    const present = facts.prebuildsPresent.length ? facts.prebuildsPresent.join(', ') : 'none';
    const advice = facts.bundled
      ? `msi-lua is running from a bundle (${facts.root} is not a msi-lua package folder), so its native addon is not beside it: ` +
        'mark msi-lua external in your bundler (esbuild --external:msi-lua, webpack `externals`, Vite/Rollup `external`) ' +
        'so it loads from node_modules, and ship node_modules/msi-lua with the app.'
      : `Install on a supported architecture (prebuilds: ${present}), or build the addon for ${facts.platform}-${facts.arch} ` +
        'with a C++ compiler (`npm rebuild msi-lua` on Windows with Visual Studio).';
    super({
      code: 'MSI_LUA_BINDING_NOT_FOUND',
      hresult: hresultFromWin32(ERROR_MOD_NOT_FOUND),
      message:
        `No msi-lua native addon was found for ${facts.platform}-${facts.arch}; prebuilds present: ${present}. Looked in:\n  ` +
        facts.searchedPaths.join('\n  ') +
        `\n${advice}`,
      cause,
    });
    const define = (key: string, value: unknown): void => {
      Object.defineProperty(this, key, { value, enumerable: true, writable: false, configurable: true });
    };
    define('searchedPaths', facts.searchedPaths);
    define('platform', facts.platform);
    define('arch', facts.arch);
    define('prebuildsPresent', facts.prebuildsPresent);
    define('bundled', facts.bundled);
  }

  protected override extraProperties(): Record<string, unknown> {
    return { platform: this.platform, arch: this.arch, prebuildsPresent: this.prebuildsPresent, bundled: this.bundled };
  }
}

function readDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** True when `dir` holds msi-lua's own package.json (not an app's, as next to a bundle). */
function isMsiLuaPackageFolder(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'msi-lua';
  } catch {
    return false;
  }
}

/** The facts for NativeBindingNotFoundError: what node-gyp-build searched under `root`. */
export function describeBindingLookup(root: string, platform: string, arch: string): BindingLookupFacts {
  const prebuildsRoot = path.join(root, 'prebuilds');
  const prebuildsPresent = readDir(prebuildsRoot)
    .filter((tuple) => readDir(path.join(prebuildsRoot, tuple)).some((f) => f.endsWith('.node')))
    .sort();
  const tupleDir = path.join(prebuildsRoot, `${platform}-${arch}`);
  const inTuple = readDir(tupleDir).filter((f) => f.endsWith('.node'));
  return {
    platform,
    arch,
    root,
    searchedPaths: [
      path.join(root, 'build', 'Release', '*.node'),
      path.join(root, 'build', 'Debug', '*.node'),
      ...(inTuple.length ? inTuple.map((f) => path.join(tupleDir, f)) : [path.join(tupleDir, '*.napi.node')]),
    ],
    prebuildsPresent,
    bundled: !isMsiLuaPackageFolder(root),
  };
}

/**
 * Loads the addon from a package folder the way node-gyp-build does (build/Release,
 * build/Debug, then prebuilds/<platform>-<arch>/ with Node-API tags). Throws
 * NativeBindingNotFoundError when nothing there matches this process.
 */
export function loadBindingFrom(root: string): NativeBinding {
  // node-gyp-build reads the target from npm_config_arch/os.arch() when it is first loaded.

  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  try {
    return nodeGypBuild(root);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('No native build was found')) {
      const arch = process.env.npm_config_arch || os.arch();
      const platform = process.env.npm_config_platform || os.platform();
      throw new NativeBindingNotFoundError(describeBindingLookup(root, platform, arch), error);
    }
    throw error;
  }
}

/**
 * The native binding. Off Windows this throws PlatformNotSupportedError; the facades
 * call it inside async functions, so callers see a rejected promise.
 */
export function getBinding(): NativeBinding {
  if (injected) return injected as NativeBinding;
  if (process.platform !== 'win32') {
    throw new PlatformNotSupportedError({ feature: "msi-lua's native layer (Windows Installer, Windows Update)" });
  }
  loaded ??= loadBindingFrom(packageRoot);
  return loaded;
}

/** Replaces the binding (tests of the facades on any OS); pass undefined to restore. */
export function setNativeBinding(binding: Partial<NativeBinding> | undefined): void {
  injected = binding;
}

function isNativeFailure(error: unknown): error is NativeFailureShape {
  return typeof error === 'object' && error !== null && (error as { nativeFailure?: unknown }).nativeFailure === true;
}

/** Converts a native rejection into the typed error for its HRESULT; anything else passes through. */
export function toTypedError(error: unknown): unknown {
  if (!isNativeFailure(error)) return error;
  return errorFromHResult(error.hresult, {
    syscall: error.syscall,
    systemMessage: error.systemMessage ?? error.detail,
    cause: error,
  });
}

/** Runs one native call and rejects with typed errors only. */
export async function callNative<T>(call: (binding: NativeBinding) => Promise<T>): Promise<T> {
  const binding = getBinding();
  try {
    return await call(binding);
  } catch (error) {
    throw toTypedError(error);
  }
}
