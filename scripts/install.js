#!/usr/bin/env node
'use strict';
// Install step. It never fails `npm install`: the package's pure-TypeScript parts (the
// .msi/.msp/.mst reader, the CLI, the error model) work without the addon.
//   - Off Windows: nothing to do; the Windows functions reject with PlatformNotSupportedError.
//   - On Windows with a prebuild for this arch (prebuilds/win32-<arch>/): nothing to do.
//   - On Windows without one (e.g. a Node for an arch we ship no prebuild for): try a source
//     build with node-gyp (needs Visual Studio's C++ tools and Python). If that fails, say what
//     that means and exit 0: native calls then reject with NativeBindingNotFoundError, which
//     names the platform, the arch and the prebuilds present.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function prebuildsPresent() {
  const dir = path.join(root, 'prebuilds');
  let tuples = [];
  try {
    tuples = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return tuples
    .filter((t) => {
      try {
        return fs.readdirSync(path.join(dir, t)).some((f) => f.endsWith('.node'));
      } catch {
        return false;
      }
    })
    .sort();
}

function nodeGypCommand() {
  // npm tells lifecycle scripts where its own node-gyp is; else whatever is on PATH.
  const bundled = process.env.npm_config_node_gyp;
  if (bundled) return { command: process.execPath, args: [bundled, 'rebuild'], shell: false };
  return { command: os.platform() === 'win32' ? 'node-gyp.cmd' : 'node-gyp', args: ['rebuild'], shell: os.platform() === 'win32' };
}

function main() {
  if (os.platform() !== 'win32') return 0;
  const target = `${os.platform()}-${process.env.npm_config_arch || os.arch()}`;
  try {
    const found = require('node-gyp-build').path(root);
    console.log(`msi-lua: using ${path.relative(root, found)}`);
    return 0;
  } catch {
    // no build and no prebuild for this process: try the compiler below
  }
  console.log(`msi-lua: no prebuild for ${target}; trying a source build with node-gyp`);
  const { command, args, shell } = nodeGypCommand();
  const built = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell });
  if (!built.error && built.status === 0) return 0;
  const present = prebuildsPresent();
  console.warn(
    `msi-lua: WARNING: no native addon for ${target} (prebuilds in this package: ${present.join(', ') || 'none'}) ` +
      `and the source build failed (${built.error ? built.error.message : `node-gyp exited ${built.status}`}).\n` +
      'msi-lua: the package is installed: its .msi/.msp/.mst reader, CLI and error model work; ' +
      'Windows Installer and Windows Update calls will reject with NativeBindingNotFoundError. ' +
      "Install Visual Studio's C++ build tools and run `npm rebuild msi-lua` to build the addon.",
  );
  return 0;
}

process.exit(main());
