// Builders for Windows Installer test fixtures, made at test time from
// sources (no .msi/.msp/.cab is committed): wixl packages, packages altered
// with msibuild, packages signed with osslsigncode by a throwaway CA made
// with openssl, and a patch-shaped .msp written with cfb.
//
// wixl builds are the slow part (the 20,000-file package takes seconds), so
// they are cached under .cache/fixtures/package/<name>-<hash>/ where the hash
// covers the WiX source, every source file and the wixl version: a rerun or
// a second test file reuses them, a change to any input rebuilds.
// Everything else is quick and goes to a fresh temporary directory.
//
// Every builder fails loudly when the tool it needs is missing.

import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as CFB from 'cfb';

import { encodeStreamName } from '../../lib/package/stream-names';
import { scratchDir } from './scratch';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_SOURCES = path.join(REPO_ROOT, 'test', 'fixtures', 'package');
export const FIXTURE_CACHE = path.join(REPO_ROOT, '.cache', 'fixtures', 'package');
/** Bump to invalidate every cached build when the builders change. */
const BUILDER_VERSION = 1;

export const CLSID = {
  installer: '84100c0000000000c000000000000046',
  patch: '86100c0000000000c000000000000046',
  transform: '82100c0000000000c000000000000046',
} as const;

// ---------------------------------------------------------------- tools

const toolCache = new Map<string, string>();

/** Path of a required tool; throws with what to install when it is missing. */
export function requireTool(name: 'wixl' | 'msibuild' | 'msiinfo' | 'msidump' | 'osslsigncode' | 'openssl'): string {
  const cached = toolCache.get(name);
  if (cached) return cached;
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const location = found.status === 0 ? found.stdout.trim() : '';
  if (!location) {
    const pkg = name === 'osslsigncode' ? 'osslsigncode' : name === 'openssl' ? 'openssl' : 'msitools';
    throw new Error(`${name} is required by the package reader tests but is not on PATH (install the ${pkg} package)`);
  }
  toolCache.set(name, location);
  return location;
}

function toolVersion(name: 'wixl'): string {
  const out = spawnSync(requireTool(name), ['--version'], { encoding: 'utf8' });
  return `${out.stdout}${out.stderr}`.trim();
}

async function run(tool: Parameters<typeof requireTool>[0], args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(requireTool(tool), args, { cwd, maxBuffer: 1 << 28, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed in ${cwd}: ${e.stderr || e.message}`);
  }
}

function runSync(tool: Parameters<typeof requireTool>[0], args: string[], cwd: string): Buffer {
  const result = spawnSync(requireTool(tool), args, { cwd, maxBuffer: 1 << 28 });
  if (result.status !== 0) {
    throw new Error(`${tool} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr?.toString()}`);
  }
  return result.stdout;
}

export { scratchDir } from './scratch';

// ---------------------------------------------------------------- wixl builds

export type SourceFiles = Record<string, string | Buffer>;

export interface BuildResult {
  /** Path of the built package. */
  path: string;
  /** Seconds wixl took, or null when the package came from the cache. */
  buildSeconds: number | null;
}

function hashSources(parts: unknown[], files: SourceFiles): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(parts));
  for (const name of Object.keys(files).sort()) {
    hash.update(name);
    hash.update('\0');
    hash.update(createHash('sha256').update(files[name]).digest());
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds `<name>.msi` from WiX source and the files it references (relative
 * paths), or returns the cached build of the same inputs.
 */
export async function buildMsiWithTiming(name: string, wxsSource: string, files: SourceFiles = {}): Promise<BuildResult> {
  const key = hashSources([BUILDER_VERSION, name, wxsSource, toolVersion('wixl')], files);
  const dir = path.join(FIXTURE_CACHE, `${name}-${key}`);
  const output = path.join(dir, `${name}.msi`);
  if (fs.existsSync(output)) return { path: output, buildSeconds: null };
  fs.mkdirSync(FIXTURE_CACHE, { recursive: true });
  // Build in a private directory and rename it into place, so concurrent
  // test workers never see a half-written fixture.
  const work = fs.mkdtempSync(path.join(FIXTURE_CACHE, `.build-${name}-`));
  try {
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(src, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
    fs.writeFileSync(path.join(src, `${name}.wxs`), wxsSource);
    const started = process.hrtime.bigint();
    await run('wixl', ['-o', path.join(work, `${name}.msi`), `${name}.wxs`], src);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    fs.rmSync(src, { recursive: true, force: true });
    fs.writeFileSync(path.join(work, 'build.json'), JSON.stringify({ name, key, wixlSeconds: seconds }, null, 2));
    try {
      fs.renameSync(work, dir);
    } catch (error) {
      // Another worker finished the same build first; use theirs.
      if (!fs.existsSync(output)) throw error;
      fs.rmSync(work, { recursive: true, force: true });
    }
    return { path: output, buildSeconds: seconds };
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

export async function buildMsi(name: string, wxsSource: string, files: SourceFiles = {}): Promise<string> {
  return (await buildMsiWithTiming(name, wxsSource, files)).path;
}

/** Deterministic pseudo-random bytes (for icons and binaries). */
export function deterministicBytes(seed: string, length: number): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < length; at += block.length) {
    block.copy(out, at, 0, Math.min(block.length, length - at));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The small package: test/fixtures/package/small.wxs. */
export async function buildSmallMsi(): Promise<string> {
  const wxs = fs.readFileSync(path.join(FIXTURE_SOURCES, 'small.wxs'), 'utf8');
  return buildMsi('small', wxs, {
    'readme.txt': 'msi-lua small fixture\r\n',
    'data.bin': deterministicBytes('data.bin', 10000),
    'icon.ico': deterministicBytes('icon.ico', 766),
    'helper.bin': deterministicBytes('helper.bin', 5000),
  });
}

export interface LargeWxs {
  wxs: string;
  files: SourceFiles;
}

// Shared with bench/reader.js, hence plain JS.
const largeWxs = require('../fixtures/package/large-wxs.js') as {
  generateLargeWxs(fileCount: number, filesPerComponent?: number): LargeWxs;
  LARGE_FILE_COUNT: number;
};

/**
 * WiX source for a package of `fileCount` files, `filesPerComponent` to a
 * component, each component in its own directory, all in one feature.
 */
export const generateLargeWxs = largeWxs.generateLargeWxs;

export const LARGE_FILE_COUNT = largeWxs.LARGE_FILE_COUNT;

/** The 20,000-file package (cached; the first build takes several seconds). */
export async function buildLargeMsiWithTiming(fileCount = LARGE_FILE_COUNT): Promise<BuildResult> {
  const { wxs, files } = generateLargeWxs(fileCount);
  return buildMsiWithTiming(`large${fileCount}`, wxs, files);
}

export async function buildLargeMsi(fileCount = LARGE_FILE_COUNT): Promise<string> {
  return (await buildLargeMsiWithTiming(fileCount)).path;
}

// ---------------------------------------------------------------- msibuild alterations

function idtLine(values: string[]): string {
  return values.join('\t') + '\r\n';
}

export interface CertificateEntry {
  /** DigitalCertificate key, e.g. "signer". */
  id: string;
  /** DER-encoded certificate, stored as the CertData stream. */
  der: Buffer;
}

export interface CertificateTableOptions {
  /** MsiPatchCertificate rows: [PatchCertificate key, DigitalCertificate_]. */
  patchCertificates?: Array<[string, string]>;
  /** Extra Property rows to insert. */
  properties?: Record<string, string>;
  /** Output path; defaults to a new file in a scratch directory. */
  output?: string;
}

/**
 * A copy of `msiPath` with MsiDigitalCertificate (certificates as streams)
 * and MsiPatchCertificate tables and extra properties, added by msibuild.
 */
export async function addCertificateTables(
  msiPath: string,
  certs: CertificateEntry[],
  options: CertificateTableOptions = {},
): Promise<string> {
  const work = scratchDir('certs');
  const output = options.output ?? path.join(work, `${path.basename(msiPath, path.extname(msiPath))}-certs.msi`);
  fs.copyFileSync(msiPath, output);
  const idtDir = path.join(work, 'idt');
  fs.mkdirSync(path.join(idtDir, 'MsiDigitalCertificate'), { recursive: true });
  let certIdt =
    idtLine(['DigitalCertificate', 'CertData']) + idtLine(['s72', 'v0']) + idtLine(['MsiDigitalCertificate', 'DigitalCertificate']);
  for (const cert of certs) {
    fs.writeFileSync(path.join(idtDir, 'MsiDigitalCertificate', `${cert.id}.cer`), cert.der);
    certIdt += idtLine([cert.id, `${cert.id}.cer`]);
  }
  fs.writeFileSync(path.join(idtDir, 'MsiDigitalCertificate.idt'), certIdt);
  const args = [output, '-i', 'MsiDigitalCertificate.idt'];
  const patchCerts = options.patchCertificates ?? certs.map((c, i): [string, string] => [`patchcert${i + 1}`, c.id]);
  let patchIdt =
    idtLine(['PatchCertificate', 'DigitalCertificate_']) + idtLine(['s72', 's72']) + idtLine(['MsiPatchCertificate', 'PatchCertificate']);
  for (const [key, cert] of patchCerts) patchIdt += idtLine([key, cert]);
  fs.writeFileSync(path.join(idtDir, 'MsiPatchCertificate.idt'), patchIdt);
  args.push('-i', 'MsiPatchCertificate.idt');
  for (const [property, value] of Object.entries(options.properties ?? {})) {
    args.push('-q', `INSERT INTO \`Property\` (\`Property\`, \`Value\`) VALUES ('${property}', '${value.replace(/'/g, "''")}')`);
  }
  await run('msibuild', args, idtDir);
  return output;
}

/**
 * A copy of `msiPath` with tables replaced or added from IDT text
 * (name -> content), imported by msibuild.
 */
export async function importIdtTables(msiPath: string, tables: Record<string, string | Buffer>, output?: string): Promise<string> {
  const work = scratchDir('idt');
  const target = output ?? path.join(work, path.basename(msiPath));
  fs.copyFileSync(msiPath, target);
  const args = [target];
  for (const [name, content] of Object.entries(tables)) {
    fs.writeFileSync(path.join(work, `${name}.idt`), content);
    args.push('-i', `${name}.idt`);
  }
  await run('msibuild', args, work);
  return target;
}

// ---------------------------------------------------------------- signing

export interface TestCa {
  dir: string;
  caCertPath: string;
  caKeyPath: string;
  caDer: Buffer;
  /** Code signing certificate issued by the CA. */
  signerCertPath: string;
  signerKeyPath: string;
  signerDer: Buffer;
  /** Signer then CA, PEM, as osslsigncode takes it with -certs. */
  chainPath: string;
  signerSerial: string;
  /** With `revokedSignerName`: a second signer, revoked in the CA's CRL. */
  revoked?: { signerDer: Buffer; signerKeyPath: string; chainPath: string };
  /** With `crlDistributionPoint`: the CA's CRL (DER), to be published at that URL. */
  crlPath?: string;
  /** The same revocations in a CRL whose nextUpdate has passed (see scripts/fixtures.js). */
  lapsedCrlPath?: string;
}

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[signer_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

export interface TestCaOptions {
  /** Key type of the signer: RSA (default) or ECDSA P-256. */
  signerKey?: 'rsa' | 'ec';
  caName?: string;
  signerName?: string;
  /** URL written into the signers' CRL distribution points; the CA also writes its CRL. */
  crlDistributionPoint?: string;
  /** Also issue a signer of this name and revoke it in the CRL. */
  revokedSignerName?: string;
}

/** A throwaway CA and code signing certificate made with openssl. */
export async function makeTestCa(options: TestCaOptions = {}): Promise<TestCa> {
  const dir = scratchDir('ca');
  const config = path.join(dir, 'openssl.cnf');
  const crlExtension = options.crlDistributionPoint ? `crlDistributionPoints = URI:${options.crlDistributionPoint}\n` : '';
  // `openssl ca` keeps its revocation list in index.txt.
  fs.writeFileSync(
    config,
    `${OPENSSL_CONFIG}${crlExtension}[ca]\ndefault_ca = test_ca\n[test_ca]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 3650\n`,
  );
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'crlnumber'), '01\n');
  const caName = options.caName ?? 'msi-lua Test CA';
  const signerName = options.signerName ?? 'msi-lua Test Signer';
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      `/CN=${caName}/O=msi-lua tests`,
      '-config',
      config,
      '-extensions',
      'ca_ext',
    ],
    dir,
  );
  await run('openssl', ['x509', '-in', 'ca.pem', '-outform', 'der', '-out', 'ca.der'], dir);
  const caPem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');

  const issue = async (base: string, name: string) => {
    const keyArgs = options.signerKey === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    await run(
      'openssl',
      [
        'req',
        ...keyArgs,
        '-nodes',
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.csr`,
        '-subj',
        `/CN=${name}/O=msi-lua tests`,
        '-config',
        config,
      ],
      dir,
    );
    // First byte 0x10-0x6F: positive, no leading zero, so every tool prints
    // the serial as these same 16 hex digits.
    const serialBytes = randomBytes(8);
    serialBytes[0] = (serialBytes[0] % 0x60) + 0x10;
    const serial = serialBytes.toString('hex').toUpperCase();
    await run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        `0x${serial}`,
        '-days',
        '825',
        '-out',
        `${base}.pem`,
        '-extfile',
        config,
        '-extensions',
        'signer_ext',
      ],
      dir,
    );
    await run('openssl', ['x509', '-in', `${base}.pem`, '-outform', 'der', '-out', `${base}.der`], dir);
    const chainPath = path.join(dir, `${base}-chain.pem`);
    fs.writeFileSync(chainPath, fs.readFileSync(path.join(dir, `${base}.pem`), 'utf8') + caPem);
    return { serial, chainPath, signerDer: fs.readFileSync(path.join(dir, `${base}.der`)), signerKeyPath: path.join(dir, `${base}.key`) };
  };

  const signer = await issue('signer', signerName);
  const revoked = options.revokedSignerName ? await issue('revoked', options.revokedSignerName) : undefined;
  let crlPath: string | undefined;
  if (options.crlDistributionPoint || revoked) {
    if (revoked) await run('openssl', ['ca', '-config', config, '-keyfile', 'ca.key', '-cert', 'ca.pem', '-revoke', 'revoked.pem'], dir);
    await run('openssl', ['ca', '-config', config, '-keyfile', 'ca.key', '-cert', 'ca.pem', '-gencrl', '-out', 'ca-crl.pem'], dir);
    await run('openssl', ['crl', '-in', 'ca-crl.pem', '-outform', 'der', '-out', 'ca.crl'], dir);
    const utc = (offsetHours: number) =>
      new Date(Date.now() + offsetHours * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
    await run(
      'openssl',
      [
        'ca',
        '-config',
        config,
        '-keyfile',
        'ca.key',
        '-cert',
        'ca.pem',
        '-gencrl',
        '-crl_lastupdate',
        utc(-48),
        '-crl_nextupdate',
        utc(-24),
        '-out',
        'ca-lapsed-crl.pem',
      ],
      dir,
    );
    await run('openssl', ['crl', '-in', 'ca-lapsed-crl.pem', '-outform', 'der', '-out', 'ca-lapsed.crl'], dir);
    crlPath = path.join(dir, 'ca.crl');
  }
  return {
    dir,
    caCertPath: path.join(dir, 'ca.pem'),
    caKeyPath: path.join(dir, 'ca.key'),
    caDer: fs.readFileSync(path.join(dir, 'ca.der')),
    signerCertPath: path.join(dir, 'signer.pem'),
    signerKeyPath: signer.signerKeyPath,
    signerDer: signer.signerDer,
    chainPath: signer.chainPath,
    signerSerial: signer.serial,
    ...(revoked ? { revoked: { signerDer: revoked.signerDer, signerKeyPath: revoked.signerKeyPath, chainPath: revoked.chainPath } } : {}),
    ...(crlPath ? { crlPath, lapsedCrlPath: path.join(dir, 'ca-lapsed.crl') } : {}),
  };
}

export interface SignOptions {
  output?: string;
  /** Digest algorithm, default sha256. */
  hash?: 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** Also write MsiDigitalSignatureEx (metadata signed too). */
  msiDse?: boolean;
  /** Description (-n). */
  description?: string;
}

/**
 * Signs with osslsigncode. `cert` is a PEM file with the signer first (a
 * chain file works), `key` its private key. Returns the signed file path.
 */
export async function signFile(file: string, cert: string, key: string, options: SignOptions = {}): Promise<string> {
  const output = options.output ?? path.join(scratchDir('signed'), path.basename(file));
  const args = ['sign', '-certs', cert, '-key', key, '-h', options.hash ?? 'sha256'];
  if (options.msiDse) args.push('-add-msi-dse');
  if (options.description) args.push('-n', options.description);
  args.push('-in', file, '-out', output);
  await run('osslsigncode', args, path.dirname(output));
  return output;
}

/** osslsigncode's own verdict on a signed file (CA given so the chain is trusted). */
export function osslsigncodeVerify(file: string, caCertPath: string): { ok: boolean; output: string } {
  const result = spawnSync(requireTool('osslsigncode'), ['verify', '-CAfile', caCertPath, '-in', file], { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * A copy of `file` with the first occurrence of `marker` (ASCII, found in
 * the raw bytes, e.g. a string in _StringData) replaced by `replacement` of
 * the same length: the compound structure stays valid, the content changes.
 */
export function patchBytes(file: string, marker: string | Buffer, replacement: string | Buffer, output?: string): string {
  const data = fs.readFileSync(file);
  const from = Buffer.isBuffer(marker) ? marker : Buffer.from(marker, 'latin1');
  const to = Buffer.isBuffer(replacement) ? replacement : Buffer.from(replacement, 'latin1');
  if (from.length !== to.length) throw new Error('patchBytes: marker and replacement must have the same length');
  const at = data.indexOf(from);
  if (at < 0) throw new Error(`patchBytes: ${JSON.stringify(marker.toString())} not found in ${file}`);
  to.copy(data, at);
  const target = output ?? path.join(scratchDir('patched'), path.basename(file));
  fs.writeFileSync(target, data);
  return target;
}

// ---------------------------------------------------------------- summary information writer

export type SummaryPropertyValue =
  | { id: number; type: 'i2' | 'i4'; value: number }
  | { id: number; type: 'string'; value: string }
  | { id: number; type: 'filetime'; value: Date };

/** A "\u0005SummaryInformation" property set stream (strings in windows-1252/ASCII). */
export function summaryInformationStream(properties: SummaryPropertyValue[]): Buffer {
  const values: Buffer[] = [];
  for (const p of properties) {
    let body: Buffer;
    if (p.type === 'i2') {
      body = Buffer.alloc(8);
      body.writeUInt32LE(2, 0);
      body.writeInt16LE(p.value, 4);
    } else if (p.type === 'i4') {
      body = Buffer.alloc(8);
      body.writeUInt32LE(3, 0);
      body.writeInt32LE(p.value, 4);
    } else if (p.type === 'filetime') {
      body = Buffer.alloc(12);
      body.writeUInt32LE(64, 0);
      body.writeBigUInt64LE((BigInt(p.value.getTime()) + 11644473600000n) * 10000n, 4);
    } else {
      const text = Buffer.from(p.value + '\0', 'latin1');
      const padded = (text.length + 3) & ~3;
      body = Buffer.alloc(8 + padded);
      body.writeUInt32LE(30, 0);
      body.writeUInt32LE(text.length, 4);
      text.copy(body, 8);
    }
    values.push(body);
  }
  const headerSize = 8 + properties.length * 8;
  const sectionSize = headerSize + values.reduce((n, v) => n + v.length, 0);
  const section = Buffer.alloc(sectionSize);
  section.writeUInt32LE(sectionSize, 0);
  section.writeUInt32LE(properties.length, 4);
  let offset = headerSize;
  properties.forEach((p, i) => {
    section.writeUInt32LE(p.id, 8 + i * 8);
    section.writeUInt32LE(offset, 12 + i * 8);
    values[i].copy(section, offset);
    offset += values[i].length;
  });
  const header = Buffer.alloc(48);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt16LE(0, 2);
  header.writeUInt32LE(0x00020006, 4); // written on Windows NT
  header.writeUInt32LE(1, 24);
  Buffer.from('e0859ff2f94f6810ab9108002b27b3d9', 'hex').copy(header, 28);
  header.writeUInt32LE(48, 44);
  return Buffer.concat([header, section]);
}

// ---------------------------------------------------------------- patch-shaped file

export interface PatchTransform {
  /** Sub-storage name, e.g. "RTM.1"; a patch usually also has "#RTM.1". */
  name: string;
  targetProductCode: string;
  targetVersion: string;
  upgradedProductCode: string;
  upgradedVersion: string;
  upgradeCode: string;
  /**
   * The storage's streams as [stored name, content] (e.g. transformStreams()
   * of test/support/transform-writer.ts, summary included). Without it the
   * storage is an empty transform: a string pool and the summary.
   */
  streams?: Array<[string, Buffer]>;
}

export interface PatchOptions {
  patchCode: string;
  obsoletedPatchCodes?: string[];
  targetProductCodes: string[];
  transforms: PatchTransform[];
  /** MsiPatchMetadata rows: [Company or null, Property, Value]. */
  metadata?: Array<[string | null, string, string]>;
  /** MsiPatchSequence rows. */
  sequence?: Array<{ patchFamily: string; productCode: string | null; sequence: string; attributes: number | null }>;
  title?: string;
  output?: string;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A patch-shaped .msp: a database (made by msibuild) holding MsiPatchMetadata
 * and MsiPatchSequence, rewrapped with cfb under the patch CLSID with a patch
 * summary (patch code and obsoleted codes, target products, transform list)
 * and one transform sub-storage per transform, each with its own summary and
 * string pool. The transforms carry the given streams (a transform written by
 * test/support/transform-writer.ts), or no table changes at all.
 */
export async function buildPatch(options: PatchOptions): Promise<string> {
  const work = scratchDir('patch');
  const database = path.join(work, 'database.msi');
  const queries = [
    'CREATE TABLE `MsiPatchMetadata` (`Company` CHAR(72), `Property` CHAR(72) NOT NULL, `Value` LONGCHAR NOT NULL PRIMARY KEY `Company`, `Property`)',
    'CREATE TABLE `MsiPatchSequence` (`PatchFamily` CHAR(72) NOT NULL, `ProductCode` CHAR(38), `Sequence` CHAR(72) NOT NULL, `Attributes` INT PRIMARY KEY `PatchFamily`, `ProductCode`)',
  ];
  for (const [company, property, value] of options.metadata ?? []) {
    queries.push(
      company === null
        ? `INSERT INTO \`MsiPatchMetadata\` (\`Property\`, \`Value\`) VALUES (${sqlString(property)}, ${sqlString(value)})`
        : `INSERT INTO \`MsiPatchMetadata\` (\`Company\`, \`Property\`, \`Value\`) VALUES (${sqlString(company)}, ${sqlString(property)}, ${sqlString(value)})`,
    );
  }
  for (const row of options.sequence ?? []) {
    const columns = ['`PatchFamily`', '`Sequence`'];
    const values = [sqlString(row.patchFamily), sqlString(row.sequence)];
    if (row.productCode !== null) {
      columns.push('`ProductCode`');
      values.push(sqlString(row.productCode));
    }
    if (row.attributes !== null) {
      columns.push('`Attributes`');
      values.push(String(row.attributes));
    }
    queries.push(`INSERT INTO \`MsiPatchSequence\` (${columns.join(', ')}) VALUES (${values.join(', ')})`);
  }
  await run('msibuild', [database, ...queries.flatMap((q) => ['-q', q])], work);

  const source = CFB.read(fs.readFileSync(database), { type: 'buffer' });
  const out = CFB.utils.cfb_new({ root: 'Root Entry' });
  for (const entry of source.FileIndex) {
    if (entry.type !== 2 || entry.name === '\u0005SummaryInformation') continue;
    const content = Buffer.from(entry.content as Uint8Array);
    CFB.utils.cfb_add(out, `/${entry.name}`, content);
  }
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  CFB.utils.cfb_add(
    out,
    '/\u0005SummaryInformation',
    summaryInformationStream([
      { id: 1, type: 'i2', value: 1252 },
      { id: 2, type: 'string', value: options.title ?? 'Patch' },
      { id: 3, type: 'string', value: 'msi-lua patch fixture' },
      { id: 4, type: 'string', value: 'msi-lua tests' },
      { id: 5, type: 'string', value: 'Installer,Patch,PCP' },
      { id: 6, type: 'string', value: 'Patch-shaped file for the reader tests' },
      { id: 7, type: 'string', value: options.targetProductCodes.join(';') },
      { id: 8, type: 'string', value: options.transforms.map((t) => `:${t.name}`).join(';') },
      { id: 9, type: 'string', value: [options.patchCode, ...(options.obsoletedPatchCodes ?? [])].join('') },
      { id: 12, type: 'filetime', value: now },
      { id: 13, type: 'filetime', value: now },
      { id: 14, type: 'i4', value: 300 },
      { id: 15, type: 'i4', value: 3 },
      { id: 18, type: 'string', value: 'msi-lua test builder' },
      { id: 19, type: 'i4', value: 4 },
    ]),
  );
  // A transform storage holds its own string pool and the table changes;
  // without given content it is a transform that changes nothing.
  for (const transform of options.transforms) {
    if (transform.streams) {
      for (const [name, content] of transform.streams) CFB.utils.cfb_add(out, `/${transform.name}/${name}`, content);
      continue;
    }
    const poolHeader = Buffer.alloc(4);
    poolHeader.writeUInt32LE(1252, 0);
    CFB.utils.cfb_add(out, `/${transform.name}/${encodeStreamName('_StringPool', true)}`, poolHeader);
    CFB.utils.cfb_add(out, `/${transform.name}/${encodeStreamName('_StringData', true)}`, Buffer.alloc(0));
    CFB.utils.cfb_add(
      out,
      `/${transform.name}/\u0005SummaryInformation`,
      summaryInformationStream([
        { id: 1, type: 'i2', value: 1252 },
        { id: 7, type: 'string', value: 'Intel;1033' },
        { id: 8, type: 'string', value: 'Intel;1033' },
        {
          id: 9,
          type: 'string',
          value: `${transform.targetProductCode}${transform.targetVersion};${transform.upgradedProductCode}${transform.upgradedVersion};${transform.upgradeCode}`,
        },
        { id: 14, type: 'i4', value: 200 },
        { id: 16, type: 'i4', value: 0x0001001f },
      ]),
    );
  }
  CFB.utils.cfb_gc(out);
  out.FileIndex[0].clsid = CLSID.patch;
  for (const transform of options.transforms) {
    const index = out.FullPaths.findIndex((p) => p.endsWith(`/${transform.name}/`));
    if (index < 0) throw new Error(`buildPatch: storage ${transform.name} missing after cfb_gc`);
    out.FileIndex[index].clsid = CLSID.transform;
  }
  const output = options.output ?? path.join(work, 'patch.msp');
  fs.writeFileSync(output, CFB.write(out, { type: 'buffer' }) as Buffer);
  return output;
}

// ---------------------------------------------------------------- msitools oracles

/** `msiinfo export` of one table, run in a scratch directory (it writes stream files there). */
export function msiinfoExport(file: string, table: string, cwd: string): Buffer {
  return runSync('msiinfo', ['export', path.resolve(file), table], cwd);
}

/** `msiinfo tables`: the pseudo tables then _Tables. */
export function msiinfoTables(file: string): string[] {
  return runSync('msiinfo', ['tables', path.resolve(file)], REPO_ROOT)
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
}

/** `msiinfo suminfo` as label -> value. */
export function msiinfoSuminfo(file: string): Map<string, string> {
  const text = runSync('msiinfo', ['suminfo', path.resolve(file)], REPO_ROOT).toString('latin1');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) out.set(line.slice(0, at), line.slice(at + 2));
  }
  return out;
}

/** `msiinfo streams`. */
export function msiinfoStreams(file: string): string[] {
  return runSync('msiinfo', ['streams', path.resolve(file)], REPO_ROOT)
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
}
