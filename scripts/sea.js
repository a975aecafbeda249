#!/usr/bin/env node
'use strict';
// Builds msi-lua.exe, a Node single executable application (SEA) for fleets (Intune,
// ConfigMgr, Ansible win_command): one file, no Node install, JSON on stdout.
//   node scripts/sea.js [--out=build/sea/msi-lua.exe] [--addon=prebuilds/win32-x64/node.napi.node]
// Steps, all on Linux: bundle scripts/sea-entry.js with dist/ (esbuild: a SEA's main script
// can require only Node's built-in modules); write the preparation blob with the addon as
// the asset "msi_lua.node" (node --experimental-sea-config; the blob must come from the same
// Node version as the target node.exe: Linux node is used when its version is the Windows
// node's, else the Windows node.exe runs under Wine); copy the Windows node.exe with its
// Authenticode signature removed (osslsigncode; injecting would invalidate it anyway) and
// inject the blob with postject.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { NODE_WIN_VERSION, nodeExe, prepare, prepareNodeWin, root, runInWine, toWindowsPath } = require('./wine-env');

// The fuse postject flips so node.exe looks for its SEA blob (Node's documented value).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function argValue(name, fallback) {
  const found = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`sea: ${command} ${args.join(' ')} exited with ${result.status}`);
}

function bundle(workDir) {
  const esbuild = require('esbuild');
  const outfile = path.join(workDir, 'msi-lua-sea.js');
  esbuild.buildSync({
    entryPoints: [path.join(root, 'scripts', 'sea-entry.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${NODE_WIN_VERSION.split('.')[0]}`,
    outfile,
    // lib/native/load.ts's fallback lookup; never reached in the SEA (the binding is injected).
    external: ['node-gyp-build'],
    define: { __MSI_LUA_VERSION__: JSON.stringify(require('../package.json').version) },
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

function makeBlob(workDir, mainScript, addon) {
  const blob = path.join(workDir, 'sea-prep.blob');
  const sameNode = process.versions.node === NODE_WIN_VERSION;
  const p = sameNode ? (x) => x : toWindowsPath;
  const config = {
    main: p(mainScript),
    output: p(blob),
    disableExperimentalSEAWarning: true,
    // V8's code cache and snapshots are tied to the platform that made them: none.
    useCodeCache: false,
    useSnapshot: false,
    assets: { 'msi_lua.node': p(addon) },
  };
  const configFile = path.join(workDir, 'sea-config.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  if (sameNode) {
    run(process.execPath, ['--experimental-sea-config', configFile]);
  } else {
    prepare();
    const r = runInWine([nodeExe, '--experimental-sea-config', toWindowsPath(configFile)]);
    if (r.status !== 0) throw new Error(`sea: the Windows node.exe could not write the blob (${r.status})`);
  }
  return blob;
}

function build() {
  const out = path.resolve(root, argValue('out', path.join('build', 'sea', 'msi-lua.exe')));
  const addon = path.resolve(root, argValue('addon', path.join('prebuilds', 'win32-x64', 'node.napi.node')));
  if (!fs.existsSync(addon)) throw new Error(`sea: no addon at ${addon}: run node scripts/build-native.js --prebuild first`);
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('sea: no dist/: run npm run build first');
  // Only the Windows node.exe (from the npm registry); Wine is needed only for a blob
  // when this Node's version differs.
  prepareNodeWin();
  const workDir = path.join(path.dirname(out), 'work');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });

  const mainScript = bundle(workDir);
  const blob = makeBlob(workDir, mainScript, addon);
  fs.rmSync(out, { force: true });
  run('osslsigncode', ['remove-signature', '-in', nodeExe, '-out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  run(process.execPath, [require.resolve('postject/dist/cli.js'), out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`sea: ${path.relative(root, out)} (${(fs.statSync(out).size / 1048576).toFixed(1)} MiB, Node ${NODE_WIN_VERSION})`);
  return out;
}

if (require.main === module) {
  try {
    build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

module.exports = { build, SEA_FUSE };
