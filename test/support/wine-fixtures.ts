// Helpers for the native suite: the installed fixture products (scripts/fixtures.js)
// and registry edits in the Wine prefix (or a Windows CI machine) through reg.exe.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface ProductFixture {
  name: string;
  wxs: string;
  msi: string;
  productCode: string;
  scope: 'perMachine' | 'perUser';
  packageCode: string;
}

export function loadProductFixtures(): ProductFixture[] {
  const manifestPath = process.env.MSI_LUA_FIXTURES;
  if (!manifestPath) throw new Error('MSI_LUA_FIXTURES is not set: run the native suite through `npm run test:wine`');
  return (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { products: ProductFixture[] }).products;
}

export function fixture(name: string): ProductFixture {
  const found = loadProductFixtures().find((p) => p.name === name);
  if (!found) throw new Error(`no fixture named ${name}`);
  return found;
}

/** An attribute of the first <element> in the fixture's WiX source. */
export function wxsAttribute(fixtureEntry: ProductFixture, element: string, name: string): string {
  const xml = fs.readFileSync(fixtureEntry.wxs, 'utf8');
  const tag = xml.match(new RegExp(`<${element}\\b[^>]*>`, 's'));
  const value = tag?.[0].match(new RegExp(`\\b${name}="([^"]*)"`));
  if (!value) throw new Error(`${fixtureEntry.name}.wxs has no ${element}@${name}`);
  return value[1] as string;
}

/** The Value of <Property Id="..."> in the fixture's WiX source, or null. */
export function wxsProperty(fixtureEntry: ProductFixture, id: string): string | null {
  const xml = fs.readFileSync(fixtureEntry.wxs, 'utf8');
  const match = xml.match(new RegExp(`<Property\\s+Id="${id}"\\s+Value="([^"]*)"`));
  return match ? (match[1] as string) : null;
}

/** Windows Installer's "squashed" form of a GUID, used in its registry key names. */
export function squashGuid(guid: string): string {
  const hex = guid.replace(/[{}-]/g, '').toUpperCase();
  const reverse = (s: string) => s.split('').reverse().join('');
  let out = reverse(hex.slice(0, 8)) + reverse(hex.slice(8, 12)) + reverse(hex.slice(12, 16));
  for (let i = 16; i < 32; i += 2) out += (hex[i + 1] as string) + (hex[i] as string);
  return out;
}

/** The product's key, where Windows Installer keeps AuthorizedLUAApp. */
export function productKey(fixtureEntry: ProductFixture): string {
  const squashed = squashGuid(fixtureEntry.productCode);
  return fixtureEntry.scope === 'perMachine'
    ? `HKLM\\Software\\Classes\\Installer\\Products\\${squashed}`
    : `HKCU\\Software\\Microsoft\\Installer\\Products\\${squashed}`;
}

/**
 * reg.exe's exit status. Under Wine on a loaded machine the process itself now and then fails
 * to start or is ended before it reports (status null: seen once in a fresh-clone run): that
 * is tried again, up to 3 times; an exit status reg.exe gives is returned as it is.
 */
function reg(args: string[]): number {
  let result = spawnSync('reg', args, { stdio: 'ignore', windowsHide: true });
  for (let attempt = 1; attempt < 3 && result.status === null; attempt++) {
    result = spawnSync('reg', args, { stdio: 'ignore', windowsHide: true });
  }
  if (result.status === null)
    throw new Error(`reg ${args.join(' ')} did not run: ${result.error?.message ?? `ended by ${String(result.signal)}`}`);
  return result.status;
}

export function regSet(key: string, name: string, type: 'REG_DWORD' | 'REG_SZ' | 'REG_BINARY', data: string): void {
  const status = reg(['add', key, '/v', name, '/t', type, '/d', data, '/f']);
  if (status !== 0) throw new Error(`reg add ${key} /v ${name} failed (${status})`);
}

export function regDelete(key: string, name: string): void {
  reg(['delete', key, '/v', name, '/f']);
}

export interface LuaMachineFixtures {
  productCode: string;
  perUserProductCode: string;
  trustedCaThumbprint: string;
  signerDerHex: string;
  /** The CA the prefix trusts (root store), and a signer under a CA it does not. */
  caDerHex: string;
  /** A listed signer under the trusted CA whose certificate that CA's CRL revokes. */
  revokedSignerDerHex: string;
  otherSignerDerHex: string;
  otherCaDerHex: string;
  signedPatch: string;
  revokedSignerPatch: string;
  otherSignerPatch: string;
  unsignedPatch: string;
  tamperedPatch: string;
  /** Installed without MsiPatchCertificate; an applied patch added it (scripts/fixtures.js). */
  laterProductCode: string;
  /** Signed by the certificate that patch listed. */
  laterSignedPatch: string;
}

export function loadLuaFixtures(): LuaMachineFixtures {
  const manifestPath = process.env.MSI_LUA_FIXTURES;
  if (!manifestPath) throw new Error('MSI_LUA_FIXTURES is not set: run the native suite through `npm run test:wine`');
  return (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { lua: LuaMachineFixtures }).lua;
}

/** The product key of an installed product by code and scope. */
export function productKeyFor(productCode: string, scope: 'perMachine' | 'perUser'): string {
  return productKey({ name: '', wxs: '', msi: '', productCode, scope, packageCode: '' });
}

/** One transform cross-check case as scripts/transform-crosscheck.js left it (Windows paths). */
export interface TransformCrossCheckCase {
  name: string;
  description: string;
  base: string;
  transforms: string[];
  /** The copy of the base msi.dll transformed and committed, and its JSON dump of every table. */
  wineDatabase: string;
  wineDump: string;
}

export function loadTransformCrossCheck(): TransformCrossCheckCase[] {
  const manifestPath = process.env.MSI_LUA_FIXTURES;
  if (!manifestPath) throw new Error('MSI_LUA_FIXTURES is not set: run the native suite through `npm run test:wine`');
  const cases = (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { transforms?: TransformCrossCheckCase[] }).transforms;
  if (!cases || cases.length === 0)
    throw new Error(`${manifestPath} has no transform cross-check cases: scripts/fixtures.js did not run them`);
  return cases;
}

/** One corpus file msitools cannot read (whole or in part), as scripts/corpus-crosscheck.js left it (Windows paths). */
export interface CorpusCrossCheckEntry {
  name: string;
  file: string;
  msitoolsOpens: boolean;
  /** Tables msitools lists but cannot export. */
  msitoolsFailedTables: string[];
  /** Wine's msi.dll dump: {"open": code, "tables": {name: {columns, keys, rows} | {error: code}}}. */
  wineDump: string;
}

/** The corpus entries, or null when the manifest has none (../shared/corpus was absent when it was built). */
export function loadCorpusCrossCheck(): CorpusCrossCheckEntry[] | null {
  const manifestPath = process.env.MSI_LUA_FIXTURES;
  if (!manifestPath) throw new Error('MSI_LUA_FIXTURES is not set: run the native suite through `npm run test:wine`');
  const entries = (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { corpus?: CorpusCrossCheckEntry[] }).corpus;
  return entries && entries.length > 0 ? entries : null;
}
