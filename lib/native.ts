// Loads the compiled addon (Windows only) and is the one path by which a native
// failure becomes a typed error.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { MsiLuaError, PlatformNotSupportedError, errorFromHResult, hresultFromWin32 } from './errors';
import { ERROR_MOD_NOT_FOUND } from './errors/table.generated';
import type { NativeBinding, NativeFailureShape } from './native-binding';

const packageRoot = path.resolve(__dirname, '..');

let injected: Partial<NativeBinding> | undefined;
let loaded: NativeBinding | undefined;

/** Raised when no compiled addon matches this Windows machine; lists where it looked. */
export class NativeBindingNotFoundError extends MsiLuaError {
  readonly searchedPaths: string[];
  constructor(searchedPaths: string[], cause: unknown) {
    super({
      code: 'MSI_LUA_BINDING_NOT_FOUND',
      hresult: hresultFromWin32(ERROR_MOD_NOT_FOUND),
      message:
        `No msi-lua native addon was found for ${process.platform}-${process.arch}. Looked in:\n  ` +
        searchedPaths.join('\n  ') +
        '\nReinstall the package, or build it with `npm run build:native`.',
      cause,
    });
    this.searchedPaths = searchedPaths;
  }
}

function candidatePaths(): string[] {
  const prebuildDir = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
  const prebuilds = fs.existsSync(prebuildDir)
    ? fs.readdirSync(prebuildDir).filter((f) => f.endsWith('.node')).map((f) => path.join(prebuildDir, f))
    : [path.join(prebuildDir, '*.napi.node')];
  return [
    path.join(packageRoot, 'build', 'Release', 'msi_lua.node'),
    path.join(packageRoot, 'build', 'Debug', 'msi_lua.node'),
    ...prebuilds,
  ];
}

function loadCompiledAddon(): NativeBinding {
  // node-gyp-build picks build/Release, build/Debug, then prebuilds/<platform>-<arch>.
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  try {
    return nodeGypBuild(packageRoot);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('No native build was found')) throw new NativeBindingNotFoundError(candidatePaths(), error);
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
    throw new PlatformNotSupportedError({ feature: "msi-lua's Windows Installer and Windows Update functions" });
  }
  loaded ??= loadCompiledAddon();
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
