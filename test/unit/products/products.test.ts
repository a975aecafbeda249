// The product facades with the native binding injected: validation, mapping, options.
import { getInstalledProduct, getProductInfo, isLuaPatchingAuthorized, listProducts, unsquashGuid } from '../../../lib/products';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeProductRecord, ProductsBinding } from '../../../lib/native/binding';
import { PlatformNotSupportedError, UnknownProductError, UnknownPropertyError, WindowsInstallerError } from '../../../lib/errors';

const CODE = '{EDCB74AB-3215-42DD-B976-E0263E207F7E}';

interface Call {
  fn: string;
  args: unknown[];
}

function fakeBinding(answer: (properties: string[]) => NativeProductRecord['values'], context = 4, userSid: string | null = null) {
  const calls: Call[] = [];
  const binding: Pick<ProductsBinding, 'productInfo' | 'enumProducts'> = {
    async productInfo(productCode, properties, ctx, sid) {
      calls.push({ fn: 'productInfo', args: [productCode, properties, ctx, sid] });
      return { productCode, context: ctx === 0 ? context : ctx, userSid, values: answer(properties) };
    },
    async enumProducts(contexts, sid, properties) {
      calls.push({ fn: 'enumProducts', args: [contexts, sid, properties] });
      return [
        { productCode: CODE, context: 4, userSid: null, values: answer(properties) },
        { productCode: '{6EA46263-22AD-4F5D-81DB-DE3DF821AB56}', context: 2, userSid: 'S-1-5-21-1-2-3-1000', values: answer(properties) },
      ];
    },
  };
  setNativeBinding(binding);
  return calls;
}

afterEach(() => setNativeBinding(undefined));

describe('argument validation happens before any native call', () => {
  let calls: Call[];
  beforeEach(() => {
    calls = fakeBinding((props) => props.map(() => ({ status: 0, value: 'x' })));
  });
  afterEach(() => expect(calls).toEqual([]));

  test.each([
    ['not braced', 'EDCB74AB-3215-42DD-B976-E0263E207F7E'],
    ['too short', '{EDCB74AB-3215-42DD-B976-E0263E207F7}'],
    ['a number', 42],
    ['undefined', undefined],
  ])('product code %s → TypeError naming productCode', async (_label, code) => {
    await expect(getProductInfo(code as string, 'ProductName')).rejects.toThrow(/"productCode".*braced GUID/);
  });

  test('unknown context names the option', async () => {
    await expect(getProductInfo(CODE, 'ProductName', { context: 'global' as never })).rejects.toThrow(
      /"options\.context" option must be 'machine', 'userManaged' or 'userUnmanaged'/,
    );
  });

  test('a user SID that is not a SID string', async () => {
    await expect(getProductInfo(CODE, 'ProductName', { userSid: 'Administrator' })).rejects.toThrow(
      /"options\.userSid" option must be a SID string/,
    );
  });

  test('a user SID with the machine context', async () => {
    await expect(getProductInfo(CODE, 'ProductName', { context: 'machine', userSid: 'S-1-5-21-1-2-3-1000' })).rejects.toThrow(
      /per-machine products have no owning user/,
    );
  });

  test('non-string properties name their index', async () => {
    await expect(getProductInfo(CODE, ['ProductName', 7 as never])).rejects.toThrow(/"property".*item 1 is number 7/);
    await expect(getProductInfo(CODE, [])).rejects.toThrow(/at least one property/);
    await expect(listProducts({ properties: [null as never] })).rejects.toThrow(/"options\.properties"/);
  });

  test('a hole in a sparse property list names its index', async () => {
    const holey = new Array<string>(3);
    holey[0] = 'ProductName';
    holey[2] = 'VersionString';
    await expect(getProductInfo(CODE, holey)).rejects.toThrow(/"property".*item 1 is undefined/);
    await expect(getProductInfo(CODE, new Array<string>(1))).rejects.toThrow(/"property".*item 0 is undefined/);
    await expect(getInstalledProduct(CODE, holey)).rejects.toThrow(/"properties".*item 1 is undefined/);
    await expect(listProducts({ properties: holey })).rejects.toThrow(/"options\.properties".*item 1 is undefined/);
  });

  test('all TypeErrors', async () => {
    await expect(getProductInfo('nope', 'ProductName')).rejects.toBeInstanceOf(TypeError);
  });
});

test('one property resolves a string; several resolve a record from one native call', async () => {
  const calls = fakeBinding((props) => props.map((p) => ({ status: 0, value: `${p}-value` })));
  await expect(getProductInfo(CODE, 'ProductName')).resolves.toBe('ProductName-value');
  await expect(
    getProductInfo(CODE, ['ProductName', 'Publisher'], { context: 'userManaged', userSid: 'S-1-5-21-1-2-3-1000' }),
  ).resolves.toEqual({
    ProductName: 'ProductName-value',
    Publisher: 'Publisher-value',
  });
  expect(calls).toEqual([
    { fn: 'productInfo', args: [CODE, ['ProductName'], 0, null] },
    { fn: 'productInfo', args: [CODE, ['ProductName', 'Publisher'], 1, 'S-1-5-21-1-2-3-1000'] },
  ]);
});

test("absent values are null, never ''", async () => {
  fakeBinding((props) => props.map((p) => (p === 'HelpLink' ? { status: 0, value: '' } : { status: 1608 })));
  await expect(getProductInfo(CODE, ['HelpLink', 'AuthorizedLUAApp'])).resolves.toEqual({ HelpLink: null, AuthorizedLUAApp: null });
});

test('a name Windows Installer does not know rejects with UnknownPropertyError', async () => {
  fakeBinding((props) => props.map(() => ({ status: 1608, systemMessage: 'Unknown property' })));
  const error = await getProductInfo(CODE, 'Colour').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownPropertyError);
  expect(error).toMatchObject({ code: 'ERROR_UNKNOWN_PROPERTY', win32: 1608, hresult: 0x80070648 });
  expect((error as Error).message).toContain('Unknown property');
});

test('per-property failures carry the Win32 code, its name and the API', async () => {
  fakeBinding((props) => props.map(() => ({ status: 1605 })));
  const error = await getProductInfo(CODE, 'ProductName').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownProductError);
  expect(error).toBeInstanceOf(WindowsInstallerError);
  expect(error).toMatchObject({ code: 'ERROR_UNKNOWN_PRODUCT', win32: 1605, syscall: `MsiGetProductInfoExW(${CODE}, ProductName)` });
});

test('native rejections come back as typed errors through the one error path', async () => {
  setNativeBinding({
    productInfo: () =>
      Promise.reject(
        Object.assign(new Error('MsiEnumProductsExW failed'), {
          nativeFailure: true,
          hresult: 0x8007064a,
          syscall: 'MsiEnumProductsExW',
          systemMessage: 'Bad configuration',
        }),
      ),
  });
  const error = await getProductInfo(CODE, 'ProductName').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WindowsInstallerError);
  expect(error).toMatchObject({
    code: 'ERROR_BAD_CONFIGURATION',
    win32: 1610,
    syscall: 'MsiEnumProductsExW',
    systemMessage: 'Bad configuration',
  });
});

test('contexts map both ways and squashed package codes are unsquashed', async () => {
  fakeBinding(
    (props) => props.map((p) => ({ status: 0, value: p === 'PackageCode' ? '9FAB2536ED3617F4E87363EECE3C26E6' : '1' })),
    2,
    'S-1-5-21-1-2-3-1000',
  );
  await expect(getInstalledProduct(CODE, ['PackageCode'])).resolves.toEqual({
    productCode: CODE,
    context: 'userUnmanaged',
    userSid: 'S-1-5-21-1-2-3-1000',
    properties: { PackageCode: '{6352BAF9-63DE-4F71-8E37-36EEECC3626E}' },
  });
  expect(unsquashGuid('9FAB2536ED3617F4E87363EECE3C26E6')).toBe('{6352BAF9-63DE-4F71-8E37-36EEECC3626E}');
});

test('listProducts asks for every context by default and maps each record', async () => {
  const calls = fakeBinding((props) => props.map(() => ({ status: 0, value: 'v' })));
  const products = await listProducts({ properties: ['ProductName'] });
  expect(calls[0]).toEqual({ fn: 'enumProducts', args: [7, null, ['ProductName']] });
  expect(products.map((p) => [p.context, p.userSid])).toEqual([
    ['machine', null],
    ['userUnmanaged', 'S-1-5-21-1-2-3-1000'],
  ]);
  await listProducts({ context: 'userManaged', userSid: 'S-1-1-0' });
  expect(calls[1]).toEqual({ fn: 'enumProducts', args: [1, 'S-1-1-0', []] });
});

test('isLuaPatchingAuthorized is true exactly for "1"', async () => {
  for (const [value, expected] of [
    ['1', true],
    ['0', false],
    ['', false],
    ['true', false],
  ] as const) {
    fakeBinding((props) => props.map(() => ({ status: 0, value })));
    await expect(isLuaPatchingAuthorized(CODE)).resolves.toBe(expected);
  }
});

// On Windows this is reported as skipped, not passed.
(process.platform === 'win32' ? test.skip : test)(
  'off Windows, calls reject with PlatformNotSupportedError (no binding is loaded)',
  async () => {
    setNativeBinding(undefined);
    await expect(getProductInfo(CODE, 'ProductName')).rejects.toBeInstanceOf(PlatformNotSupportedError);
    await expect(listProducts()).rejects.toBeInstanceOf(PlatformNotSupportedError);
  },
);
