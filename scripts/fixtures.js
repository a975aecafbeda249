'use strict';
// Builds the installable fixture products from test/fixtures/products/*.wxs with wixl
// and installs them into the Wine prefix with Wine's msiexec. Writes a manifest the
// native suite reads (MSI_LUA_FIXTURES) with what the build produced.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { cacheDir, root, runInWine, toWindowsPath } = require('./wine-env');

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

// Builds and installs every fixture; returns the manifest.
function prepareProductFixtures() {
  fs.mkdirSync(outDir, { recursive: true });
  const products = [];
  for (const file of fs.readdirSync(sourceDir).filter((f) => f.endsWith('.wxs')).sort()) {
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
  const manifest = { products };
  const manifestPath = path.join(outDir, 'manifest.json');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return { manifest, manifestPath };
}

module.exports = { prepareProductFixtures, attribute };

if (require.main === module) {
  const { manifestPath } = prepareProductFixtures();
  console.log(manifestPath);
}
