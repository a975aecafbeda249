'use strict';
// Run with the current folder an app that installed msi-lua from its tarball (the ship tier
// under Wine, the Windows workflow's tarball job): loads the installed package as a user
// would and prints one JSON line: which addon node-gyp-build picked, and native calls' results.
// Usage: node installed-smoke.js [package.msi]
const path = require('node:path');

async function main() {
  const entry = require.resolve('msi-lua', { paths: [process.cwd()] });
  const pkgDir = path.dirname(path.dirname(entry));
  const msiLua = require(entry);
  const out = { packageDir: pkgDir, platform: process.platform, arch: process.arch, node: process.version };
  out.addon = path.relative(pkgDir, require(require.resolve('node-gyp-build', { paths: [pkgDir] })).path(pkgDir));
  const products = await msiLua.listProducts();
  out.listProducts = { ok: Array.isArray(products), count: products.length };
  const policy = await msiLua.getLuaPatchingPolicy();
  out.policyKeys = Object.keys(policy).sort();
  if (process.argv[2]) {
    const opened = await msiLua.openPackage(process.argv[2]);
    out.tables = opened.tableNames.length;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
  process.stdout.write(
    `${JSON.stringify({ error: { name: error && error.name, code: error && error.code, message: error && error.message } })}\n`,
  );
  process.exitCode = 1;
});
