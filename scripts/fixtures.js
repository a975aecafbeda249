'use strict';
// Builds the installable fixture products from test/fixtures/products/*.wxs with wixl
// and installs them into the Wine prefix with Wine's msiexec. Writes a manifest the
// native suite reads (MSI_LUA_FIXTURES) with what the build produced.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { cacheDir, prefix, root, runInWine, toWindowsPath } = require('./wine-env');
const { prepareTransformCrossCheck } = require('./transform-crosscheck');
const { prepareCorpusCrossCheck } = require('./corpus-crosscheck');

const sourceDir = path.join(root, 'test', 'fixtures', 'products');
const outDir = path.join(cacheDir, 'fixtures', 'products');

function attribute(xml, element, name) {
  const tag = xml.match(new RegExp(`<${element}\\b[^>]*>`, 's'));
  if (!tag) return null;
  const value = tag[0].match(new RegExp(`\\b${name}="([^"]*)"`));
  return value ? value[1] : null;
}

function summaryRevision(msiPath) {
  const info = spawnSync('msiinfo', ['suminfo', msiPath], { encoding: 'utf8' });
  if (info.status !== 0) throw new Error(`msiinfo suminfo ${msiPath} failed: ${info.stderr}`);
  const match = info.stdout.match(/^Revision number \(UUID\): (\{[0-9A-F-]+\})$/im);
  if (!match) throw new Error(`no revision number in ${msiPath}`);
  return match[1];
}

function buildMsi(wxsPath, msiPath) {
  const built = spawnSync('wixl', ['-o', msiPath, path.basename(wxsPath)], { cwd: path.dirname(wxsPath), encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`wixl ${wxsPath} failed: ${built.stderr}`);
}

function msiexec(args) {
  const result = runInWine(['msiexec', ...args, '/qn'], { echo: false });
  return result.status;
}

// Builds and installs the product fixtures; returns their manifest entries.
function prepareProductFixtures() {
  fs.mkdirSync(outDir, { recursive: true });
  const products = [];
  for (const file of fs
    .readdirSync(sourceDir)
    .filter((f) => f.endsWith('.wxs'))
    .sort()) {
    const wxsPath = path.join(sourceDir, file);
    const xml = fs.readFileSync(wxsPath, 'utf8');
    const productCode = attribute(xml, 'Product', 'Id');
    const scope = attribute(xml, 'Package', 'InstallScope');
    const msiPath = path.join(outDir, file.replace(/\.wxs$/, '.msi'));
    buildMsi(wxsPath, msiPath);
    // A product left from an earlier run would keep its old package code.
    msiexec(['/x', productCode]);
    const status = msiexec(['/i', toWindowsPath(msiPath)]);
    if (status !== 0) throw new Error(`msiexec /i ${msiPath} exited with ${status}`);
    products.push({
      name: file.replace(/\.wxs$/, ''),
      wxs: toWindowsPath(wxsPath),
      msi: toWindowsPath(msiPath),
      productCode,
      scope,
      packageCode: summaryRevision(msiPath),
    });
  }
  return products;
}

// The test support code that builds signed packages is TypeScript; load it with a
// transpile-only require hook instead of keeping a second copy in JavaScript.
function requireTypeScript(file) {
  const ts = require('typescript');
  const Module = require('node:module');
  const previous = Module._extensions['.ts'];
  Module._extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: filename,
    });
    module._compile(outputText, filename);
  };
  try {
    return require(file);
  } finally {
    if (previous) Module._extensions['.ts'] = previous;
    else delete Module._extensions['.ts'];
  }
}

// Serialized certificate-store element as the registry stores it: one property,
// CERT_CERT_PROP_ID (32), holding the DER certificate.
function rootStoreBlob(der) {
  const header = Buffer.alloc(12);
  header.writeUInt32LE(32, 0);
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(der.length, 8);
  return Buffer.concat([header, der]);
}

function loadLuaFixtureBuilder() {
  return requireTypeScript(path.join(root, 'test', 'support', 'lua-fixtures.ts'));
}

/** The native suite's `lua` manifest section; `place` turns a built file into the path the suite opens. */
function luaManifest(fx, later, codes, place) {
  return {
    productCode: codes.LUA_PRODUCT_CODE,
    perUserProductCode: codes.LUA_PER_USER_PRODUCT_CODE,
    trustedCaThumbprint: require('node:crypto').createHash('sha1').update(fx.ca.caDer).digest('hex').toUpperCase(),
    signerDerHex: fx.ca.signerDer.toString('hex'),
    caDerHex: fx.ca.caDer.toString('hex'),
    revokedSignerDerHex: fx.ca.revoked.signerDer.toString('hex'),
    otherSignerDerHex: fx.otherCa.signerDer.toString('hex'),
    otherCaDerHex: fx.otherCa.caDer.toString('hex'),
    signedPatch: place(fx.signedPatch, 'signed.msp'),
    revokedSignerPatch: place(fx.revokedSignerPatch, 'revoked-signer.msp'),
    otherSignerPatch: place(fx.otherSignerPatch, 'other-signer.msp'),
    unsignedPatch: place(fx.unsignedPatch, 'unsigned.msp'),
    tamperedPatch: place(fx.tamperedPatch, 'tampered.msp'),
    laterProductCode: later.productCode,
    laterSignedPatch: place(later.signedPatch, 'later-signed.msp'),
  };
}

// Builds the UAC-patching fixtures, installs the ready package per-machine and its
// per-user twin, and trusts the test CA in the prefix's root store (the other CA stays
// untrusted, as a certificate from an unknown issuer would be).
async function prepareLuaFixtures() {
  const builder = loadLuaFixtureBuilder();
  const fx = await builder.buildLuaFixtures();
  const later = await builder.buildLaterProductFixtures(fx.ca);
  for (const [code, msi] of [
    [builder.LUA_PRODUCT_CODE, fx.ready],
    [builder.LUA_PER_USER_PRODUCT_CODE, fx.perUser],
  ]) {
    msiexec(['/x', code]);
    const status = msiexec(['/i', toWindowsPath(msi)]);
    if (status !== 0) throw new Error(`msiexec /i ${msi} exited with ${status}`);
  }
  // Installed without certificate tables; a patch applied by the administrator adds them.
  msiexec(['/x', later.productCode]);
  const installed = msiexec(['/i', toWindowsPath(later.msi)]);
  if (installed !== 0) throw new Error(`msiexec /i ${later.msi} exited with ${installed}`);
  const patched = msiexec(['/p', toWindowsPath(later.certificatePatch)]);
  if (patched !== 0) throw new Error(`msiexec /p ${later.certificatePatch} exited with ${patched}`);
  const manifest = luaManifest(fx, later, builder, (file) => toWindowsPath(file));
  // The LUA CA's signers name this file as their CRL distribution point. Wine 8.0's
  // cryptnet caches every CRL verdict as "good" (a revoked one too) until the CRL's
  // nextUpdate, so the prefix gets a CRL whose nextUpdate has passed: Wine then reads
  // it afresh on every check. (msi-lua itself never takes "not revoked" from Wine.)
  const crlTarget = path.join(prefix, 'drive_c', ...builder.LUA_CRL_WINDOWS_PATH.slice(3).split('\\'));
  fs.mkdirSync(path.dirname(crlTarget), { recursive: true });
  fs.copyFileSync(fx.ca.lapsedCrlPath, crlTarget);
  const key = `HKLM\\Software\\Microsoft\\SystemCertificates\\Root\\Certificates\\${manifest.trustedCaThumbprint}`;
  const added = runInWine(['reg', 'add', key, '/v', 'Blob', '/t', 'REG_BINARY', '/d', rootStoreBlob(fx.ca.caDer).toString('hex'), '/f'], {
    echo: false,
  });
  if (added.status !== 0) throw new Error('could not add the test CA to the prefix root store');
  return manifest;
}

// For the Windows workflow, which has no msitools or osslsigncode: builds the UAC-patching
// fixtures here and copies them, with a manifest of file names, into `dir`.
async function exportLuaFixtures(dir) {
  const builder = loadLuaFixtureBuilder();
  const fx = await builder.buildLuaFixtures();
  const later = await builder.buildLaterProductFixtures(fx.ca);
  fs.mkdirSync(dir, { recursive: true });
  const copy = (file, name) => {
    fs.copyFileSync(file, path.join(dir, name));
    return name;
  };
  const manifest = {
    ...luaManifest(fx, later, builder, copy),
    readyMsi: copy(fx.ready, 'ready.msi'),
    perUserMsi: copy(fx.perUser, 'per-user.msi'),
    laterMsi: copy(later.msi, 'later.msi'),
    laterCertificatePatch: copy(later.certificatePatch, 'later-certificates.msp'),
    trustedCa: copy(path.join(fx.ca.dir, 'ca.der'), 'trusted-ca.cer'),
    crl: copy(fx.ca.crlPath, 'lua-ca.crl'),
    crlWindowsPath: builder.LUA_CRL_WINDOWS_PATH,
  };
  fs.writeFileSync(path.join(dir, 'lua.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

// The installer-action fixtures (test/support/installer-fixtures.ts): built, not installed;
// a product left installed by an earlier run is removed so the tests start clean.
async function prepareInstallerFixtures() {
  const builder = requireTypeScript(path.join(root, 'test', 'support', 'installer-fixtures.ts'));
  const built = await builder.buildInstallerFixtures(path.join(cacheDir, 'fixtures', 'installer'));
  for (const code of [builder.ACTIONS_PRODUCT_CODE, builder.FAILING_PRODUCT_CODE, builder.BUSY_PRODUCT_CODE]) msiexec(['/x', code]);
  const manifest = {
    productCode: builder.ACTIONS_PRODUCT_CODE,
    upgradeCode: builder.ACTIONS_UPGRADE_CODE,
    failingProductCode: builder.FAILING_PRODUCT_CODE,
    busyProductCode: builder.BUSY_PRODUCT_CODE,
  };
  manifest.patchCodes = { one: builder.PATCH_ONE_CODE, two: builder.PATCH_TWO_CODE, foreign: builder.FOREIGN_PATCH_CODE };
  for (const [key, file] of Object.entries(built)) manifest[key] = toWindowsPath(file);
  return manifest;
}

// For the Windows workflow: the installer-action fixtures built here into `dir`, with
// installer.json naming them (file names relative to `dir`).
async function exportInstallerFixtures(dir) {
  const builder = requireTypeScript(path.join(root, 'test', 'support', 'installer-fixtures.ts'));
  const built = await builder.buildInstallerFixtures(dir);
  const manifest = {
    productCode: builder.ACTIONS_PRODUCT_CODE,
    upgradeCode: builder.ACTIONS_UPGRADE_CODE,
    failingProductCode: builder.FAILING_PRODUCT_CODE,
    busyProductCode: builder.BUSY_PRODUCT_CODE,
  };
  manifest.patchCodes = { one: builder.PATCH_ONE_CODE, two: builder.PATCH_TWO_CODE, foreign: builder.FOREIGN_PATCH_CODE };
  for (const [key, file] of Object.entries(built)) manifest[key] = path.basename(file);
  fs.writeFileSync(path.join(dir, 'installer.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}

// Every fixture the native suite needs; writes the manifest it reads.
async function prepareFixtures() {
  const manifest = {
    products: prepareProductFixtures(),
    lua: await prepareLuaFixtures(),
    transforms: await prepareTransformCrossCheck({ requireTypeScript }),
    corpus: await prepareCorpusCrossCheck(),
    installer: await prepareInstallerFixtures(),
  };
  const manifestPath = path.join(outDir, 'manifest.json');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return { manifest, manifestPath };
}

module.exports = { prepareFixtures, prepareInstallerFixtures, exportInstallerFixtures, exportLuaFixtures, attribute, requireTypeScript };

//   node scripts/fixtures.js                    build and install into the Wine prefix
//   node scripts/fixtures.js --export-lua DIR   only build the UAC-patching fixtures into DIR
//   node scripts/fixtures.js --export-installer DIR   only build the installer-action fixtures into DIR
if (require.main === module && process.argv.includes('--export-installer')) {
  const dir = path.resolve(process.argv[process.argv.indexOf('--export-installer') + 1] ?? 'installer-fixtures');
  exportInstallerFixtures(dir).then(
    () => console.log(dir),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  const exportAt = process.argv.indexOf('--export-lua');
  const work =
    exportAt > 0
      ? exportLuaFixtures(path.resolve(process.argv[exportAt + 1] ?? 'lua-fixtures')).then(() => process.argv[exportAt + 1])
      : prepareFixtures().then(({ manifestPath }) => manifestPath);
  work.then(
    (where) => console.log(where),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
