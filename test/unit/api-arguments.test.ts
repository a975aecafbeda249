// Every function exported from lib/index.ts, called with a matrix of wrong arguments: each
// call fails with a TypeError (RangeError only for a number of the right type out of range)
// whose message names the argument, before any native call. The injected binding records
// every call, and the test asserts it was never called.
import * as api from '../../lib/index';
import { setNativeBinding } from '../../lib/native/load';
import { toUnsignedHResult } from '../../lib/errors';
import { interactiveRefusal } from '../../lib/wua/session';
import { interpretContextFacts } from '../../lib/process/interactive-context';
import {
  clsidToString,
  computePackageDigest,
  describeCertificate,
  filetimeToDate,
  idtTypeCode,
  inspectStructure,
  openCompoundFile,
  parseSummaryInformation,
} from '../../lib/package';

/** Functions the package uses inside that README does not list: checked all the same. */
const internal = {
  toUnsignedHResult,
  interactiveRefusal,
  interpretContextFacts,
  clsidToString,
  idtTypeCode,
  parseSummaryInformation,
  filetimeToDate,
  computePackageDigest,
  openCompoundFile,
  describeCertificate,
  inspectStructure,
};
import { buildSmallMsi } from '../support/package-fixtures';
import { buildLuaFixtures, type LuaFixtures } from '../support/lua-fixtures';

jest.setTimeout(120_000);

const GUID = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}';
const fn = (): void => undefined;

/** Bad values by what a parameter takes. A value valid for the kind is never listed. */
const BAD = {
  guid: [undefined, null, 42, '', 'x', '{bad}', `${GUID}\0`, `${GUID.slice(0, -1)}\0}`, {}, [], fn, 1n],
  string: [undefined, null, 42, '', 'a\0b', {}, [], fn, 1n],
  path: [undefined, null, 42, '', 'x.msp\0junk', {}, fn, 1n],
  name: [undefined, null, 42, {}, [], fn, 1n],
  options: [null, 42, 'x', [], fn, 1n],
  requiredObject: [undefined, null, 42, 'x', [], fn, 1n],
  array: [null, 42, 'x', {}, fn, 1n, [42], ['a\0b'], [null]],
  pathArray: [null, 42, 'x', {}, fn, 1n, [42], ['x.msp\0junk'], ['']],
  hresult: [undefined, null, '0x1', {}, [], fn, 1n],
  bytes: [undefined, null, 42, 'x', {}, [], fn, 1n],
  buffer: [undefined, null, 42, 'x', {}, [], fn, 1n, new Uint8Array(4)],
  instance: [undefined, null, 42, 'x', {}, [], fn, 1n],
  iterable: [undefined, null, 42, {}, fn, 1n, 'x', [42], [{}]],
  bigint: [undefined, null, 42, '1', {}, fn],
  boolean: [null, 42, 'x', {}, fn, 1n],
  algorithm: [null, 42, 'x', 'SHA-999', 'md4', {}, fn, 1n],
  index: [undefined, null, '0', {}, [], fn, 1n, Symbol('row')],
  callback: [undefined, null, 42, 'x', {}, [], 1n],
} as const;
type Kind = keyof typeof BAD;

interface Param {
  name: string;
  kind: Kind;
  valid: () => unknown;
}
interface Spec {
  call: (...args: unknown[]) => unknown;
  params: Param[];
}

let fx: LuaFixtures;
let pkg: api.MsiPackage;
let patch: api.MsiPackage;
let nativeCalls: string[] = [];

beforeAll(async () => {
  fx = await buildLuaFixtures();
  pkg = await api.openPackage(fx.ready);
  patch = await api.openPackage(fx.signedPatch);
  void buildSmallMsi;
});

beforeEach(() => {
  nativeCalls = [];
  // Every property is a function that records its name: any native call shows up.
  const recorder = new Proxy(
    {},
    {
      get: (_target, key) =>
        typeof key === 'string'
          ? (...args: unknown[]) => {
              nativeCalls.push(key);
              void args;
              return Promise.reject(new Error(`native ${key} called`));
            }
          : undefined,
    },
  );
  setNativeBinding(recorder as never);
});
afterEach(() => setNativeBinding(undefined));

const p = (name: string, kind: Kind, valid: () => unknown): Param => ({ name, kind, valid });
const facts = (): api.LuaFacts => ({
  installerVersion: { known: true, value: { packageMinimum: 500 } },
  windowsXp: { known: true, value: false },
  installedFromRemovableMedia: { known: false, reason: 'x' },
  adminImage: { known: true, value: false },
  perMachine: { known: true, value: true },
  patchCertificateTable: { known: false, reason: 'x' },
  patches: [],
  propertyDisabled: { known: true, value: false },
  policyDisabled: { known: true, value: false },
  authorizedLuaApp: { known: true, value: true },
  callerIsAdministrator: { known: true, value: false },
});

/** Every exported function, its parameters in order, and a valid value for each. */
const SPECS: Record<string, Spec> = {
  getInstalledProduct: {
    call: api.getInstalledProduct as never,
    params: [p('productCode', 'guid', () => GUID), p('properties', 'array', () => []), p('options', 'options', () => ({}))],
  },
  getProductInfo: {
    call: api.getProductInfo as never,
    params: [p('productCode', 'guid', () => GUID), p('property', 'string', () => 'ProductName'), p('options', 'options', () => ({}))],
  },
  isLuaPatchingAuthorized: {
    call: api.isLuaPatchingAuthorized as never,
    params: [p('productCode', 'guid', () => GUID), p('options', 'options', () => ({}))],
  },
  listProducts: { call: api.listProducts as never, params: [p('options', 'options', () => ({}))] },
  getLuaPatchingPolicy: { call: api.getLuaPatchingPolicy as never, params: [] },
  checkLuaPatching: {
    call: api.checkLuaPatching as never,
    params: [p('msiPath', 'path', () => fx.ready), p('mspPaths', 'pathArray', () => []), p('options', 'options', () => ({}))],
  },
  evaluateLuaPatching: { call: api.evaluateLuaPatching as never, params: [p('options', 'requiredObject', () => ({ productCode: GUID }))] },
  evaluateLuaRules: { call: api.evaluateLuaRules as never, params: [p('facts', 'requiredObject', facts)] },
  toUnsignedHResult: { call: internal.toUnsignedHResult as never, params: [p('n', 'hresult', () => 0)] },
  formatHResult: { call: api.formatHResult as never, params: [p('n', 'hresult', () => 0)] },
  hresultFromWin32: { call: api.hresultFromWin32 as never, params: [p('code', 'hresult', () => 5)] },
  describeHResult: { call: api.describeHResult as never, params: [p('hr', 'hresult', () => 0x80070005)] },
  describeWin32: { call: api.describeWin32 as never, params: [p('code', 'hresult', () => 5)] },
  describeCode: { call: api.describeCode as never, params: [p('name', 'name', () => 'E_ACCESSDENIED')] },
  isSuccessCode: { call: api.isSuccessCode as never, params: [p('hr', 'hresult', () => 0)] },
  describeStatus: { call: api.describeStatus as never, params: [p('hr', 'hresult', () => 0)] },
  errorFromHResult: {
    call: api.errorFromHResult as never,
    params: [p('hr', 'hresult', () => 0x80070005), p('options', 'options', () => ({}))],
  },
  errorFromWin32: { call: api.errorFromWin32 as never, params: [p('code', 'hresult', () => 5), p('options', 'options', () => ({}))] },
  createUpdateSession: { call: api.createUpdateSession as never, params: [p('options', 'options', () => ({}))] },
  interactiveRefusal: {
    call: internal.interactiveRefusal as never,
    params: [p('context', 'requiredObject', () => ({ isService: false, isSecondaryLogon: false, facts: { reasoning: {} } }))],
  },
  getInteractiveContext: { call: api.getInteractiveContext as never, params: [] },
  interpretContextFacts: { call: internal.interpretContextFacts as never, params: [p('raw', 'requiredObject', () => ({ failures: {} }))] },
  readPackage: { call: api.readPackage as never, params: [p('data', 'bytes', () => Buffer.alloc(0))] },
  clsidToString: { call: internal.clsidToString as never, params: [p('bytes', 'buffer', () => Buffer.alloc(16))] },
  idtTypeCode: { call: internal.idtTypeCode as never, params: [p('type', 'hresult', () => 0x1d48)] },
  decodeStreamName: { call: api.decodeStreamName as never, params: [p('stored', 'name', () => 'x')] },
  encodeStreamName: { call: api.encodeStreamName as never, params: [p('name', 'name', () => 'x'), p('isTable', 'boolean', () => false)] },
  parseSummaryInformation: { call: internal.parseSummaryInformation as never, params: [p('data', 'buffer', () => Buffer.alloc(0))] },
  filetimeToDate: { call: internal.filetimeToDate as never, params: [p('ticks', 'bigint', () => 0n)] },
  computePackageDigest: {
    call: internal.computePackageDigest as never,
    params: [
      p('cf', 'instance', () => internal.openCompoundFile(pkg.byteLength ? require('node:fs').readFileSync(fx.ready) : Buffer.alloc(0))),
      p('algorithm', 'algorithm', () => 'sha256'),
      p('withMetadata', 'boolean', () => false),
    ],
  },
  describeCertificate: { call: internal.describeCertificate as never, params: [p('der', 'bytes', () => fx.ca.signerDer)] },
  readTransform: {
    call: api.readTransform as never,
    params: [p('storage', 'instance', () => patch.openStorage(patch.storages[0]!.name)), p('target', 'requiredObject', () => pkg)],
  },
  readTransformFile: { call: api.readTransformFile as never, params: [p('data', 'bytes', () => Buffer.alloc(0))] },
  applyTransforms: {
    call: api.applyTransforms as never,
    params: [p('base', 'instance', () => pkg), p('transforms', 'iterable', () => [])],
  },
  applyPatches: { call: api.applyPatches as never, params: [p('base', 'instance', () => pkg), p('patches', 'iterable', () => [])] },
  applyTransformsAsync: {
    call: api.applyTransformsAsync as never,
    params: [p('base', 'instance', () => pkg), p('transforms', 'iterable', () => []), p('options', 'options', () => ({}))],
  },
  applyPatchesAsync: {
    call: api.applyPatchesAsync as never,
    params: [p('base', 'instance', () => pkg), p('patches', 'iterable', () => []), p('options', 'options', () => ({}))],
  },
  patchTransformsFor: {
    call: api.patchTransformsFor as never,
    params: [p('patch', 'instance', () => patch), p('target', 'requiredObject', () => ({ productCode: GUID }))],
  },
  inspectStructure: { call: internal.inspectStructure as never, params: [p('input', 'bytes', () => Buffer.alloc(0))] },
  openCompoundFile: { call: internal.openCompoundFile as never, params: [p('input', 'bytes', () => Buffer.alloc(0))] },
  describeTransformStorage: {
    call: api.describeTransformStorage as never,
    params: [p('storage', 'instance', () => patch.openStorage(patch.storages[0]!.name))],
  },
  getAgentInfo: { call: api.getAgentInfo as never, params: [] },
  getRebootStatus: { call: api.getRebootStatus as never, params: [] },
  listServices: { call: api.listServices as never, params: [] },
  getWindowsUpdatePolicy: { call: api.getWindowsUpdatePolicy as never, params: [] },
  getAutomaticUpdatesSettings: { call: api.getAutomaticUpdatesSettings as never, params: [] },
  addService: {
    call: api.addService as never,
    params: [p('serviceId', 'guid', () => api.MICROSOFT_UPDATE_SERVICE_ID), p('options', 'options', () => ({}))],
  },
  removeService: { call: api.removeService as never, params: [p('serviceId', 'guid', () => api.MICROSOFT_UPDATE_SERVICE_ID)] },
  addScanPackageService: {
    call: api.addScanPackageService as never,
    params: [
      p('serviceName', 'string', () => 'Offline Sync Service'),
      p('scanFileLocation', 'path', () => fx.ready),
      p('options', 'options', () => ({})),
    ],
  },
  getAutomaticUpdatesResults: { call: api.getAutomaticUpdatesResults as never, params: [] },
  installProduct: {
    call: api.installProduct as never,
    params: [p('packagePath', 'path', () => fx.ready), p('options', 'options', () => ({}))],
  },
  applyPatch: {
    call: api.applyPatch as never,
    params: [p('patchPaths', 'path', () => fx.signedPatch), p('options', 'options', () => ({}))],
  },
  removePatches: {
    call: api.removePatches as never,
    params: [p('productCode', 'guid', () => GUID), p('patchCodes', 'guid', () => GUID), p('options', 'options', () => ({}))],
  },
  repairProduct: { call: api.repairProduct as never, params: [p('productCode', 'guid', () => GUID), p('options', 'options', () => ({}))] },
  configureProduct: {
    call: api.configureProduct as never,
    params: [
      p('productCode', 'guid', () => GUID),
      p('request', 'requiredObject', () => ({ state: 'default' })),
      p('options', 'options', () => ({})),
    ],
  },
  uninstallProduct: {
    call: api.uninstallProduct as never,
    params: [p('productCode', 'guid', () => GUID), p('options', 'options', () => ({}))],
  },
  listPatches: { call: api.listPatches as never, params: [p('productCode', 'guid', () => GUID), p('options', 'options', () => ({}))] },
  getProductState: { call: api.getProductState as never, params: [p('productCode', 'guid', () => GUID)] },
  findRelatedProducts: { call: api.findRelatedProducts as never, params: [p('upgradeCode', 'guid', () => GUID)] },
  listFeatures: { call: api.listFeatures as never, params: [p('productCode', 'guid', () => GUID), p('options', 'options', () => ({}))] },
  getComponentPath: {
    call: api.getComponentPath as never,
    params: [p('productCode', 'guid', () => GUID), p('componentCode', 'guid', () => GUID), p('options', 'options', () => ({}))],
  },
  listComponentClients: {
    call: api.listComponentClients as never,
    params: [p('componentCode', 'guid', () => GUID), p('options', 'options', () => ({}))],
  },
  listComponents: { call: api.listComponents as never, params: [p('options', 'options', () => ({}))] },
  getApplicablePatches: {
    call: api.getApplicablePatches as never,
    params: [p('productCodeOrPackage', 'path', () => GUID), p('patchPaths', 'path', () => fx.signedPatch)],
  },
  openPackage: { call: api.openPackage as never, params: [p('source', 'path', () => fx.ready), p('options', 'options', () => ({}))] },
};

/** Methods named by the findings, on instances. */
const METHODS: Record<string, Spec> = {
  'MsiPackage#table': { call: (...a) => pkg.table(...(a as [string])), params: [p('name', 'name', () => 'Property')] },
  'MsiPackage#readTable': { call: (...a) => pkg.readTable(...(a as [string])), params: [p('name', 'name', () => 'Property')] },
  'MsiPackage#exportIdt': { call: (...a) => pkg.exportIdt(...(a as [string])), params: [p('name', 'name', () => 'Property')] },
  'MsiPackage#computeDigest': {
    call: (...a) => pkg.computeDigest(...(a as [string, boolean])),
    params: [p('algorithm', 'algorithm', () => 'sha256'), p('withMetadata', 'boolean', () => false)],
  },
  'MsiPackage#exportIdtTo': {
    call: (...a) => pkg.exportIdtTo(...(a as [string, () => void])),
    params: [p('name', 'name', () => 'Property'), p('sink', 'callback', () => fn)],
  },
  'MsiPackage#readStream': { call: (...a) => pkg.readStream(...(a as [string])), params: [p('name', 'name', () => 'x')] },
  'MsiPackage#hasStream': { call: (...a) => pkg.hasStream(...(a as [string])), params: [p('name', 'name', () => 'x')] },
  'MsiPackage#openStorage': { call: (...a) => patch.openStorage(...(a as [string])), params: [p('name', 'name', () => 'x')] },
  'MsiPackage#hasStorage': { call: (...a) => patch.hasStorage(...(a as [string])), params: [p('name', 'name', () => 'x')] },
  'MsiPackage#hasTable': { call: (...a) => pkg.hasTable(...(a as [string])), params: [p('name', 'name', () => 'Property')] },
  'MsiPackage#readTableStream': {
    call: (...a) => pkg.readTableStream(...(a as [string])),
    params: [p('name', 'name', () => 'Property')],
  },
  'MsiTable#columnIndex': {
    call: (...a) => pkg.table('Property').columnIndex(...(a as [string])),
    params: [p('name', 'name', () => 'Property')],
  },
  'MsiTable#row': { call: (...a) => pkg.table('Property').row(...(a as [number])), params: [p('index', 'index', () => 0)] },
  'MsiTable#rowValues': { call: (...a) => pkg.table('Property').rowValues(...(a as [number])), params: [p('index', 'index', () => 0)] },
  'MsiTable#value': {
    call: (...a) => pkg.table('Property').value(...(a as [number, number])),
    params: [p('row', 'index', () => 0), p('column', 'index', () => 0)],
  },
  'MsiTable#streamName': { call: (...a) => pkg.table('Property').streamName(...(a as [number])), params: [p('row', 'index', () => 0)] },
  'StringPool#get': { call: (...a) => pkg.stringPool.get(...(a as [number])), params: [p('id', 'index', () => 1)] },
  'StringPool#bytes': { call: (...a) => pkg.stringPool.bytes(...(a as [number])), params: [p('id', 'index', () => 1)] },
  'TransformedDatabase#rows': {
    call: (...a) => api.applyTransforms(pkg, []).rows(...(a as [string])),
    params: [p('name', 'name', () => 'x')],
  },
  'TransformedDatabase#columns': {
    call: (...a) => api.applyTransforms(pkg, []).columns(...(a as [string])),
    params: [p('name', 'name', () => 'x')],
  },
  'TransformedDatabase#readStream': {
    call: (...a) => api.applyTransforms(pkg, []).readStream(...(a as [string])),
    params: [p('name', 'name', () => 'x')],
  },
  'TransformedDatabase#streamSource': {
    call: (...a) => api.applyTransforms(pkg, []).streamSource(...(a as [string])),
    params: [p('name', 'name', () => 'x')],
  },
  'UpdateSession#search': {
    call: (...a) => api.createUpdateSession().search(...(a as [string])),
    params: [p('criteria', 'string', () => 'IsInstalled=0'), p('options', 'options', () => ({}))],
  },
  'UpdateSession#download': {
    call: (...a) => api.createUpdateSession().download(...(a as [never])),
    params: [p('updates', 'iterable', () => ['x'])],
  },
  'UpdateSession#install': {
    call: (...a) => api.createUpdateSession().install(...(a as [never])),
    params: [p('updates', 'iterable', () => ['x'])],
  },
};

/** Bad values that a parameter accepts by design (documented in its docstring). */
const ACCEPTED: Record<string, unknown[]> = {
  // A missing property list is the default (no properties).
  'getInstalledProduct.properties': [],
  // No product code: every product's patches (documented on listPatches).
  'listPatches.productCode': [undefined],
  // Zero-length input is a well-typed buffer: the reader answers MsiFormatError for it.
};

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const cases: Array<[string, string, string, unknown, Spec, number]> = [];
for (const [name, spec] of [...Object.entries(SPECS), ...Object.entries(METHODS)]) {
  spec.params.forEach((param, index) => {
    for (const bad of BAD[param.kind]) {
      if ((ACCEPTED[`${name}.${param.name}`] ?? []).some((ok) => Object.is(ok, bad))) continue;
      cases.push([name, param.name, show(bad), bad, spec, index]);
    }
  });
}

test('every function exported from lib/index.ts is in the matrix', () => {
  const exported = Object.entries(api)
    .filter(([, value]) => typeof value === 'function' && !/^class\b/.test(Function.prototype.toString.call(value)))
    .map(([name]) => name);
  expect(exported.filter((name) => !(name in SPECS))).toEqual([]);
});

test.each(cases)('%s: %s = %s is a TypeError naming it, and nothing native is called', async (_name, argName, _shown, bad, spec, index) => {
  const args = spec.params.slice(0, index).map((param) => param.valid());
  args.push(bad);
  const error = await outcome(() => spec.call(...args));
  expect(error).toBeInstanceOf(TypeError);
  expect((error as { code?: unknown }).code).toBe('ERR_MSI_LUA_INVALID_ARGUMENT');
  expect((error as Error).message).toContain(`"${argName}`);
  expect(nativeCalls).toEqual([]);
});

describe('options that index tables: inherited names never match', () => {
  const inherited = ['toString', '__proto__', 'hasOwnProperty', 'constructor', 'valueOf'];
  test.each(inherited)('context %s', async (context) => {
    for (const call of [
      () => api.getProductInfo(GUID, 'ProductName', { context: context as never }),
      () => api.getInstalledProduct(GUID, [], { context: context as never }),
      () => api.listProducts({ context: context as never }),
      () => api.evaluateLuaPatching({ productCode: GUID, context: context as never }),
    ]) {
      const error = await outcome(call);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as { code?: unknown }).code).toBe('ERR_MSI_LUA_INVALID_ARGUMENT');
      expect((error as Error).message).toMatch(/"options\.context"/);
    }
    expect(nativeCalls).toEqual([]);
  });
});

describe('SIDs: bounded length and shape', () => {
  test.each([
    ['a 1 MB string of digits', `S-1-5-${'1'.repeat(1 << 20)}`],
    ['16 sub-authorities', `S-1-5${'-1'.repeat(16)}`],
    ['a sub-authority over 32 bits', 'S-1-5-21-4294967296'],
    ['an authority over 32 bits in decimal', 'S-1-4294967296-1'],
    ['a NUL', 'S-1-5-21-1\0'],
    ['revision 2', 'S-2-5-21'],
    ['no authority', 'S-1-'],
  ])('%s is refused', async (_label, sid) => {
    for (const call of [
      () => api.getProductInfo(GUID, 'ProductName', { userSid: sid }),
      () => api.listProducts({ userSid: sid }),
      () => api.evaluateLuaPatching({ productCode: GUID, userSid: sid }),
    ]) {
      const error = await outcome(call);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as { code?: unknown }).code).toBe('ERR_MSI_LUA_INVALID_ARGUMENT');
      expect((error as Error).message).toMatch(/userSid/);
    }
    expect(nativeCalls).toEqual([]);
  });

  test.each(['S-1-5-18', 'S-1-1-0', `S-1-5${'-4294967295'.repeat(15)}`, 'S-1-0x000000000005-21'])(
    '%s is accepted and reaches the native layer',
    async (sid) => {
      await outcome(() => api.getProductInfo(GUID, 'ProductName', { context: 'userUnmanaged', userSid: sid }));
      expect(nativeCalls).toEqual(['productInfo']);
    },
  );
});

describe('NUL in strings that reach Windows', () => {
  test.each([
    ['getProductInfo property', () => api.getProductInfo(GUID, 'ProductName\0junk'), 'property'],
    ['getProductInfo property list', () => api.getProductInfo(GUID, ['ProductName', 'Version\0x']), 'property[1]'],
    ['getInstalledProduct properties', () => api.getInstalledProduct(GUID, ['LocalPackage\0']), 'properties[0]'],
    ['listProducts properties', () => api.listProducts({ properties: ['x\0'] }), 'options.properties[0]'],
    ['evaluateLuaPatching patch', () => api.evaluateLuaPatching({ productCode: GUID, patch: 'x.msp\0junk' }), 'options.patch'],
    [
      'evaluateLuaPatching patch list',
      () => api.evaluateLuaPatching({ productCode: GUID, patch: ['a.msp', 'x.msp\0junk'] }),
      'options.patch[1]',
    ],
    ['WUA criteria', () => api.createUpdateSession().search('IsInstalled=0\0 or 1=1'), 'criteria'],
    ['WUA client id', () => api.createUpdateSession({ clientApplicationId: 'app\0x' }), 'clientApplicationId'],
    ['WUA update id', () => api.createUpdateSession().install(['a\0b']), 'updates[0]'],
    ['checkLuaPatching package', () => api.checkLuaPatching('a.msi\0x'), 'msiPath'],
    ['openPackage path', () => api.openPackage('a.msi\0x'), 'source'],
  ])('%s', async (_label, call, name) => {
    const error = await outcome(call);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { code?: unknown }).code).toBe('ERR_MSI_LUA_INVALID_ARGUMENT');
    expect((error as Error).message).toContain(`"${name}"`);
    expect((error as Error).message).toMatch(/NUL/);
    expect(nativeCalls).toEqual([]);
  });
});

test('getInstalledProduct(code, null) names "properties"; a function is not a property list', async () => {
  for (const bad of [null, fn, (a: unknown) => a]) {
    const error = await outcome(() => api.getInstalledProduct(GUID, bad as never));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { code?: unknown }).code).toBe('ERR_MSI_LUA_INVALID_ARGUMENT');
    expect((error as Error).message).toContain('"properties"');
  }
  expect(nativeCalls).toEqual([]);
});

test('computeDigest names the algorithms Windows Installer signatures use', () => {
  expect(() => pkg.computeDigest('x')).toThrow(
    /"algorithm" argument must be a package digest algorithm \(md5, sha1, sha224, sha256, sha384, sha512\)/,
  );
  for (const algorithm of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) expect(pkg.computeDigest(algorithm)).toBeInstanceOf(Buffer);
});

test('table(1n) is a TypeError naming the table name', () => {
  expect(() => pkg.table(1n as never)).toThrow(TypeError);
  expect(() => pkg.table(1n as never)).toThrow(/"name"/);
});

test('an iterable that fails while it is read is the argument named, not a bare V8 TypeError', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const bad: unknown[] = [
    { [Symbol.iterator]: () => 1 },
    {
      [Symbol.iterator]: () => ({
        next() {
          throw new Error('boom');
        },
      }),
    },
    revoked.proxy,
  ];
  for (const patches of bad) {
    expect(() => api.applyPatches(pkg, patches as never)).toThrow(
      expect.objectContaining({ code: 'ERR_MSI_LUA_INVALID_ARGUMENT', message: expect.stringContaining('"patches"') }),
    );
  }
});
