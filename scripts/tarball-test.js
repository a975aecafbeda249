#!/usr/bin/env node
'use strict';
// The package as users get it: `npm pack` (which runs prepack), then the tarball installed
// into empty folders outside the repository and used as a user would —
//   Linux: require, import with named ESM imports, a strict TypeScript consumer compiled
//          against the shipped types with TypeScript 4.9 and the current one, npx msi-lua --help;
//   Wine:  Windows node.exe runs npm (the same npm CLI, pure JavaScript) to install the
//          tarball offline, from the npm cache the Linux install filled, into a folder whose
//          path has spaces and non-ASCII characters, then loads the addon from there.
// Run by scripts/wine-tier.js after the cross-build; alone: node scripts/tarball-test.js.
// Its last line is `tarball: N passed, N failed`.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function sh(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  return { status: r.status, out: `${r.stdout || ''}${r.stderr || ''}`, stdout: r.stdout || '' };
}

const npmCli = (() => {
  const found = sh('sh', ['-c', 'command -v npm']).stdout.trim();
  return found ? fs.realpathSync(found) : null;
})();

function writeJson(file, value) {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

const CJS = `
const assert = require('node:assert');
const m = require('msi-lua');
assert.strictEqual(typeof m.openPackage, 'function');
assert.strictEqual(m.describeHResult(0x80240020).code, 'WU_E_NO_INTERACTIVE_USER');
assert.ok(new m.UnknownProductError() instanceof m.MsiLuaError);
assert.strictEqual(m.StringPool, undefined, 'internals stay out of the public surface');
console.log('cjs ok', Object.keys(m).length);
`;

const ESM = `
import assert from 'node:assert';
import { describeHResult, errorFromHResult, MsiLuaError, openPackage, LUA_CHECK_IDS } from 'msi-lua';
assert.strictEqual(typeof openPackage, 'function');
assert.ok(errorFromHResult(0x80070645) instanceof MsiLuaError);
assert.strictEqual(describeHResult(0x80070645).code, 'ERROR_UNKNOWN_PRODUCT');
assert.ok(LUA_CHECK_IDS.includes('patch-signed'));
console.log('esm ok');
`;

const TS = `
import { describeHResult, openPackage, MsiLuaError, createUpdateSession, checkLuaPatching } from 'msi-lua';
import type { HResultDescription, MsiPackage, OfflineLuaReport, SearchResult, InstalledProduct } from 'msi-lua';

const d: HResultDescription = describeHResult(0x80240020);
const name: string = d.code;
async function use(file: string): Promise<number> {
  const pkg: MsiPackage = await openPackage(file);
  const report: OfflineLuaReport = await checkLuaPatching(file);
  return pkg.tableNames.length + report.checks.length;
}
let found: SearchResult | undefined;
let product: InstalledProduct | undefined;
const session = createUpdateSession({ clientApplicationId: 'consumer' });
export { name, use, found, product, session, MsiLuaError };
`;

async function main() {
  const results = [];
  const check = (label, ok, detail = '') => {
    results.push(ok);
    console.log(`tarball: ${ok ? 'ok  ' : 'FAIL'} ${label}${!ok && detail ? `\n${detail.trim().split('\n').slice(-25).join('\n')}` : ''}`);
    return ok;
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-tarball-'));
  try {
    // 1. pack (prepack builds dist/ and checks the prebuild)
    const packed = sh(process.execPath, [npmCli, 'pack', '--json', '--pack-destination', work], { cwd: root });
    let tarball = null;
    try {
      const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
      tarball = path.join(work, info[0].filename);
      const files = info[0].files.map((f) => f.path);
      const need = ['dist/index.js', 'dist/index.d.ts', 'LICENSE', 'CHANGELOG.md', 'README.md', 'docs/package-reader.md', 'bin/msi-lua.js'];
      const missing = need.filter((f) => !files.includes(f));
      check('npm pack holds dist, docs, LICENSE, CHANGELOG', missing.length === 0, `missing: ${missing.join(', ')}`);
      check(
        'npm pack holds prebuilds/win32-x64/*.node',
        files.some((f) => /^prebuilds\/win32-x64\/.+\.node$/.test(f)),
        files.join('\n'),
      );
      check('npm pack ships no source maps', !files.some((f) => f.endsWith('.map')));
      console.log(
        `tarball: ${info[0].filename}: ${files.length} files, ${(info[0].size / 1024).toFixed(0)} KB packed, ${(info[0].unpackedSize / 1024).toFixed(0)} KB unpacked`,
      );
    } catch (error) {
      check('npm pack', false, `${packed.out}\n${error.message}`);
    }
    if (!tarball || !fs.existsSync(tarball)) return results;

    // 2. Linux consumer
    const consumer = path.join(work, 'linux consumer');
    fs.mkdirSync(consumer);
    writeJson(path.join(consumer, 'package.json'), { name: 'consumer', version: '1.0.0', private: true });
    const t0 = Date.now();
    const installed = sh(process.execPath, [npmCli, 'install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: consumer });
    if (check(`npm install of the tarball on Linux (${((Date.now() - t0) / 1000).toFixed(1)} s)`, installed.status === 0, installed.out)) {
      fs.writeFileSync(path.join(consumer, 'use.cjs'), CJS);
      fs.writeFileSync(path.join(consumer, 'use.mjs'), ESM);
      const cjs = sh(process.execPath, ['use.cjs'], { cwd: consumer });
      check('require(msi-lua)', cjs.status === 0, cjs.out);
      const esm = sh(process.execPath, ['use.mjs'], { cwd: consumer });
      check('import { ... } from msi-lua (named ESM imports)', esm.status === 0, esm.out);
      fs.writeFileSync(path.join(consumer, 'consumer.ts'), TS);
      writeJson(path.join(consumer, 'tsconfig.json'), {
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2020',
          module: 'commonjs',
          moduleResolution: 'node',
          skipLibCheck: false,
          typeRoots: [path.join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      });
      for (const [label, pkg] of [
        ['TypeScript 4.9', 'typescript-4.9'],
        ['the current TypeScript', 'typescript'],
      ]) {
        const tscPath = path.join(root, 'node_modules', pkg, 'bin', 'tsc');
        const version = sh(process.execPath, [tscPath, '-v']).stdout.trim();
        const tsc = sh(process.execPath, [tscPath, '-p', 'tsconfig.json'], { cwd: consumer });
        check(`strict consumer compiles against the shipped types with ${label} (${version})`, tsc.status === 0, tsc.out);
      }
      const npx = sh(process.execPath, [path.join(path.dirname(npmCli), 'npx-cli.js'), '--no-install', 'msi-lua', '--help'], {
        cwd: consumer,
      });
      check('npx msi-lua --help', npx.status === 0 && /msi-lua/.test(npx.stdout) && /info/.test(npx.stdout), npx.out);
    }

    // 3. Windows node.exe under Wine
    if (process.argv.includes('--no-wine')) return results;
    const { nodeExe, prepare, runInWine, toWindowsPath } = require('./wine-env');
    prepare();
    const winDir = path.join(work, 'wïn consumer ü 日本');
    fs.mkdirSync(winDir);
    writeJson(path.join(winDir, 'package.json'), { name: 'consumer', version: '1.0.0', private: true });
    const cache = sh(process.execPath, [npmCli, 'config', 'get', 'cache']).stdout.trim();
    const t1 = Date.now();
    const winInstall = runInWine(
      [nodeExe, npmCli, 'install', '--offline', '--no-audit', '--no-fund', `--cache=${toWindowsPath(cache)}`, toWindowsPath(tarball)],
      // npm runs the install script as `node scripts/install.js` through cmd.exe: WINEPATH puts
      // Windows node.exe on the Windows PATH.
      { cwd: winDir, echo: false, env: { WINEPATH: toWindowsPath(path.dirname(nodeExe)) } },
    );
    const winSeconds = ((Date.now() - t1) / 1000).toFixed(1);
    if (
      check(
        `Windows npm install --offline under Wine into "${path.basename(winDir)}" (${winSeconds} s)`,
        winInstall.status === 0,
        winInstall.stdout + winInstall.stderr,
      )
    ) {
      fs.writeFileSync(
        path.join(winDir, 'load.js'),
        `const path = require('node:path');
const pkg = path.dirname(require.resolve('msi-lua/package.json'));
const binding = require(path.join(pkg, 'dist', 'native', 'load.js')).getBinding();
const msiLua = require('msi-lua');
msiLua.getLuaPatchingPolicy().then((policy) => {
  console.log(JSON.stringify({ pkg, napiVersion: binding.napiVersion, state: policy.state }));
}, (error) => { console.error(error); process.exitCode = 1; });
`,
      );
      const loaded = runInWine([nodeExe, 'load.js'], { cwd: winDir, echo: false });
      let facts = null;
      try {
        facts = JSON.parse(loaded.stdout.trim().split('\n').pop());
      } catch {
        // reported below
      }
      check(
        'Windows node.exe loads the addon from the installed package',
        loaded.status === 0 && facts !== null && facts.napiVersion >= 8 && facts.pkg.includes('日本') && typeof facts.state === 'string',
        loaded.stdout + loaded.stderr,
      );
      if (facts) console.log(`tarball: addon loaded from ${facts.pkg} (Node-API ${facts.napiVersion}, policy ${facts.state})`);
    }
    return results;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (results) => {
      const passed = results.filter(Boolean).length;
      console.log(`tarball: ${passed} passed, ${results.length - passed} failed`);
      process.exit(passed === results.length && passed > 0 ? 0 : 1);
    },
    (error) => {
      console.error(error);
      console.log('tarball: 0 passed, 1 failed');
      process.exit(1);
    },
  );
}

module.exports = { main };
