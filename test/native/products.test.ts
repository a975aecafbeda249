// Product queries against the real msi.dll (Wine's in the Wine tier), on products that
// Wine's msiexec installed from test/fixtures/products/*.wxs.
import { getComponentPath } from '../../lib/installer';
import { getInstalledProduct, getProductInfo, isLuaPatchingAuthorized, listProducts } from '../../lib/products';
import { MsiLuaError, UnknownProductError, UnknownPropertyError, WindowsInstallerError } from '../../lib/errors';
import { fixture, productKey, regDelete, regSet, wxsAttribute, wxsProperty } from '../support/wine-fixtures';

const machine = fixture('machine');
const perUser = fixture('peruser');
const underWine = process.env.MSI_LUA_UNDER_WINE === '1';

describe.each([
  ['per-machine', machine, 'machine'],
  ['per-user', perUser, 'userUnmanaged'],
] as const)('%s fixture', (_label, product, expectedContext) => {
  test('every property declared in the .wxs is what MsiGetProductInfoExW reports', async () => {
    const declared: Record<string, string | null> = {
      ProductName: wxsAttribute(product, 'Product', 'Name'),
      InstalledProductName: wxsAttribute(product, 'Product', 'Name'),
      VersionString: wxsAttribute(product, 'Product', 'Version'),
      Publisher: wxsAttribute(product, 'Product', 'Manufacturer'),
      Language: wxsAttribute(product, 'Product', 'Language'),
      HelpLink: wxsProperty(product, 'ARPHELPLINK'),
      HelpTelephone: wxsProperty(product, 'ARPHELPTELEPHONE'),
      URLInfoAbout: wxsProperty(product, 'ARPURLINFOABOUT'),
      URLUpdateInfo: wxsProperty(product, 'ARPURLUPDATEINFO'),
      PackageCode: product.packageCode,
    };
    const values = await getProductInfo(product.productCode, Object.keys(declared));
    expect(values).toEqual(declared);
    const [major, minor] = (declared.VersionString as string).split('.').map(Number);
    const version = await getProductInfo(product.productCode, ['VersionMajor', 'VersionMinor', 'LocalPackage', 'InstallDate']);
    expect(Number(version.VersionMajor)).toBe(major);
    expect(Number(version.VersionMinor)).toBe(minor);
    expect(version.LocalPackage).toMatch(/\\Installer\\[^\\]+\.msi$/i);
    expect(version.InstallDate).toMatch(/^\d{8}$/);
  });

  test(`is located in the ${expectedContext} context`, async () => {
    const located = await getInstalledProduct(product.productCode, ['ProductName']);
    expect(located.context).toBe(expectedContext);
    if (expectedContext === 'machine') expect(located.userSid).toBeNull();
    else expect(located.userSid).toMatch(/^S-1-5-/);
    const explicit = await getProductInfo(product.productCode, 'ProductName', { context: expectedContext });
    expect(explicit).toBe(wxsAttribute(product, 'Product', 'Name'));
  });

  test('AuthorizedLUAApp "1", "0" and absent', async () => {
    const key = productKey(product);
    try {
      regSet(key, 'AuthorizedLUAApp', 'REG_DWORD', '1');
      expect(await getProductInfo(product.productCode, 'AuthorizedLUAApp')).toBe('1');
      expect(await isLuaPatchingAuthorized(product.productCode)).toBe(true);
      regSet(key, 'AuthorizedLUAApp', 'REG_DWORD', '0');
      expect(await getProductInfo(product.productCode, 'AuthorizedLUAApp')).toBe('0');
      expect(await isLuaPatchingAuthorized(product.productCode)).toBe(false);
      regDelete(key, 'AuthorizedLUAApp');
      expect(await getProductInfo(product.productCode, 'AuthorizedLUAApp')).toBeNull();
      expect(await isLuaPatchingAuthorized(product.productCode)).toBe(false);
    } finally {
      regDelete(key, 'AuthorizedLUAApp');
    }
  });
});

test('getComponentPath gives a registry key path raw: root 01 (HKEY_CURRENT_USER), key, value name', async () => {
  const key = wxsAttribute(perUser, 'RegistryValue', 'Key');
  const name = wxsAttribute(perUser, 'RegistryValue', 'Name');
  // The key path value is there (written again: the same DWORD 1 the package wrote).
  regSet(`HKCU\\${key}`, name, 'REG_DWORD', '1');
  const found = await getComponentPath(perUser.productCode, wxsAttribute(perUser, 'Component', 'Guid'));
  // A registry value key path has no backslash at the end; the root is 21 for a 64-bit component.
  if (underWine) expect(found.path).toBe(`01:\\${key}\\${name}`);
  else expect([`01:\\${key}\\${name}`, `21:\\${key}\\${name}`]).toContain(found.path);
  // Measured under Wine 8: 'absent' although the value exists (Windows: 'local'); msi-lua
  // passes the state on as Windows Installer reports it.
  expect(found.state).toBe(underWine ? 'absent' : 'local');
});

test('the wrong context for a product is an unknown product', async () => {
  const error = await getProductInfo(machine.productCode, 'ProductName', { context: 'userUnmanaged' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownProductError);
  expect(error).toBeInstanceOf(WindowsInstallerError);
  expect((error as MsiLuaError).code).toBe('ERROR_UNKNOWN_PRODUCT');
  expect((error as MsiLuaError).win32).toBe(1605);
  expect((error as MsiLuaError).syscall).toMatch(/MsiGetProductInfoExW/);
});

test('listProducts finds both fixtures with their contexts in one call', async () => {
  const products = await listProducts({ properties: ['ProductName', 'VersionString'] });
  const byCode = new Map(products.map((p) => [p.productCode, p]));
  expect(byCode.get(machine.productCode)).toMatchObject({
    context: 'machine',
    userSid: null,
    properties: { ProductName: wxsAttribute(machine, 'Product', 'Name'), VersionString: wxsAttribute(machine, 'Product', 'Version') },
  });
  expect(byCode.get(perUser.productCode)).toMatchObject({
    context: 'userUnmanaged',
    properties: { ProductName: wxsAttribute(perUser, 'Product', 'Name') },
  });
  const machineOnly = await listProducts({ context: 'machine' });
  expect(machineOnly.map((p) => p.productCode)).toContain(machine.productCode);
  expect(machineOnly.map((p) => p.productCode)).not.toContain(perUser.productCode);
});

test('an unknown product rejects with UnknownProductError naming the API', async () => {
  const error = await getProductInfo('{00000000-1111-2222-3333-444444444444}', 'ProductName').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownProductError);
  expect((error as MsiLuaError).code).toBe('ERROR_UNKNOWN_PRODUCT');
  expect((error as MsiLuaError).hresult).toBe(0x80070645);
  expect((error as MsiLuaError).syscall).toMatch(/MsiEnumProductsExW|MsiGetProductInfoExW/);
});

test('an unknown property rejects with UnknownPropertyError', async () => {
  const error = await getProductInfo(machine.productCode, ['ProductName', 'NoSuchProperty']).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnknownPropertyError);
  expect((error as MsiLuaError).code).toBe('ERROR_UNKNOWN_PROPERTY');
  expect((error as MsiLuaError).syscall).toContain('NoSuchProperty');
});

test('100 concurrent calls all resolve with the right values', async () => {
  const calls = Array.from({ length: 100 }, (_, i) => {
    const product = i % 2 === 0 ? machine : perUser;
    return getProductInfo(product.productCode, 'ProductName').then((name) => [product, name] as const);
  });
  const results = await Promise.all(calls);
  for (const [product, name] of results) expect(name).toBe(wxsAttribute(product, 'Product', 'Name'));
});
