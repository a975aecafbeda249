// Query shaping against a scripted binding: names for states and contexts, null for
// absent values, typed errors for failing ones, and checks before any native call.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { UnknownProductError } from '../../../lib/errors';
import { findRelatedProducts, getApplicablePatches, getProductState, listPatches } from '../../../lib/installer';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';

const CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
const PATCH = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5BA1}';
const calls: string[] = [];
const ok = (value: string) => ({ status: 0, value });

function bind(binding: Partial<NativeBinding>) {
  setNativeBinding(binding);
}
afterEach(() => {
  setNativeBinding(undefined);
  calls.length = 0;
});

test('listPatches names the state and context, reads absent values as null', async () => {
  bind({
    async enumPatches(productCode, userSid, contexts, filter, properties) {
      calls.push(`${productCode} ${userSid} ${contexts} ${filter} ${properties.join(',')}`);
      return [
        {
          patchCode: PATCH,
          targetProductCode: CODE,
          context: 4,
          userSid: null,
          values: [ok('1'), ok('C:\\Windows\\Installer\\1.msp'), ok(''), { status: 1608 }, ok('1'), ok('20261129'), ok(':RTM.1;:#RTM.1')],
        },
      ];
    },
  });
  expect(await listPatches(CODE, { state: ['applied', 'obsoleted'], context: 'machine' })).toEqual([
    {
      patchCode: PATCH,
      targetProductCode: CODE,
      context: 'machine',
      userSid: null,
      state: 'applied',
      localPackage: 'C:\\Windows\\Installer\\1.msp',
      displayName: null,
      moreInfoUrl: null,
      uninstallable: true,
      installDate: '20261129',
      transforms: ':RTM.1;:#RTM.1',
    },
  ]);
  expect(calls).toEqual([`${CODE} null 4 5 State,LocalPackage,DisplayName,MoreInfoURL,Uninstallable,InstallDate,Transforms`]);
});

test('a patch in a context Windows Installer does not document is not reported as per-machine', async () => {
  bind({
    async enumPatches() {
      return [{ patchCode: PATCH, targetProductCode: CODE, context: 8, userSid: null, values: [ok('1')] }];
    },
  });
  // The same error getInstalledProduct and listProducts give for such a context, never a guess.
  await expect(listPatches(CODE)).rejects.toMatchObject({ code: 'MSI_LUA_UNEXPECTED_CONTEXT', message: expect.stringMatching(/8/) });
});

test('a failing MsiGetPatchInfoExW value is a typed error naming the patch and property', async () => {
  bind({
    async enumPatches() {
      return [{ patchCode: PATCH, targetProductCode: CODE, context: 4, userSid: null, values: [{ status: 1605 }] }];
    },
  });
  const error = await listPatches(CODE).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownProductError);
  expect((error as UnknownProductError).syscall).toBe(`MsiGetPatchInfoExW(${PATCH}, State)`);
});

test('listPatches without a product code asks each product in turn', async () => {
  bind({
    async enumProducts() {
      return [CODE, '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B01}'].map((productCode) => ({
        productCode,
        context: 4,
        userSid: null,
        values: [],
      }));
    },
    async enumPatches(productCode) {
      calls.push(productCode as string);
      return [];
    },
  });
  expect(await listPatches()).toEqual([]);
  expect(calls).toEqual([CODE, '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B01}']);
});

test.each([
  [5, 'default'],
  [-1, 'unknown'],
  [1, 'advertised'],
  [2, 'absent'],
  [-2, 'invalidArgument'],
])('product state %i is %s', async (state, name) => {
  bind({ productState: async () => state });
  expect(await getProductState(CODE)).toBe(name);
});

test('checks come before any native call', async () => {
  bind({
    productState: async () => {
      calls.push('productState');
      return 5;
    },
    relatedProducts: async () => {
      calls.push('relatedProducts');
      return [];
    },
  });
  await expect(getProductState('nope')).rejects.toThrow(/"productCode" argument must be a braced GUID/);
  await expect(findRelatedProducts('{nope}')).rejects.toThrow(/"upgradeCode" argument must be a braced GUID/);
  await expect(listPatches(CODE, { state: 'gone' as never })).rejects.toThrow(/unknown state/);
  await expect(getApplicablePatches(CODE, [])).rejects.toThrow(TypeError);
  expect(calls).toEqual([]);
});

test.each([{ context: 'toString' }, { context: '__proto__' }, { state: 'constructor' }, { state: ['applied', 'hasOwnProperty'] }])(
  'listPatches refuses the inherited name in %j before any native call',
  async (options) => {
    bind({
      enumPatches: async () => {
        calls.push('enumPatches');
        return [];
      },
    });
    await expect(listPatches(CODE, options as never)).rejects.toThrow(TypeError);
    expect(calls).toEqual([]);
  },
);

test("getApplicablePatches: a product code goes through the product's context, a path through the package", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-applicable-'));
  try {
    const a = path.join(dir, 'a.msp');
    const b = path.join(dir, 'b.msp');
    const msi = path.join(dir, 'p.msi');
    for (const f of [a, b, msi]) fs.writeFileSync(f, '');
    bind({
      async productInfo(productCode) {
        return { productCode, context: 2, userSid: 'S-1-5-21-1-2-3-1001', values: [] };
      },
      async applicablePatches(target, paths, context, userSid) {
        calls.push(`${target} ${context} ${userSid}`);
        return {
          status: 0,
          patches: [
            { order: 0, status: 0 },
            { order: -1, status: 1642, systemMessage: 'The upgrade cannot be installed' },
          ],
        };
      },
    });
    expect(await getApplicablePatches(CODE, [a, b])).toEqual([
      { path: a, order: 0, applies: true, status: 0, reason: null },
      { path: b, order: null, applies: false, status: 1642, reason: 'The upgrade cannot be installed' },
    ]);
    await getApplicablePatches(msi, [a, b]);
    expect(calls).toEqual([`${CODE} 2 S-1-5-21-1-2-3-1001`, `${msi} 0 null`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('listFeatures names states and passes the named features on', async () => {
  const { listFeatures } = await import('../../../lib/installer');
  bind({
    async features(productCode, names) {
      calls.push(`${productCode} ${names.join(',')}`);
      return [
        { feature: 'Main', parent: null, state: 3, enumerated: true },
        { feature: 'Docs', parent: null, state: -1, enumerated: false },
      ];
    },
  });
  expect(await listFeatures(CODE, { features: ['Docs'] })).toEqual([
    { feature: 'Main', parent: null, state: 'local', enumerated: true },
    { feature: 'Docs', parent: null, state: 'unknown', enumerated: false },
  ]);
  await expect(listFeatures(CODE, { features: ['has space'] })).rejects.toThrow(/"options\.features\[0\]" option must be a feature name/);
  await expect(listFeatures(CODE, { features: 'Main' as never })).rejects.toThrow(TypeError);
  // A hole in a sparse array is no feature name (forEach skips it; the copy made it undefined).
  const holey = new Array<string>(2);
  holey[0] = 'Main';
  await expect(listFeatures(CODE, { features: holey })).rejects.toThrow(/"options\.features\[1\]" option must be a feature name/);
  expect(calls).toEqual([`${CODE} Docs`]);
});
