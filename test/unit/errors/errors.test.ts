import { inspect } from 'node:util';

import {
  AbortError,
  AccessDeniedError,
  BadConfigurationError,
  InstallAlreadyRunningError,
  InstallNotAllowedError,
  MsiFormatError,
  MsiLuaError,
  NoInteractiveUserError,
  NotImplementedError,
  PlatformNotSupportedError,
  RebootRequiredError,
  SignatureError,
  UnknownProductError,
  UnknownPropertyError,
  UpdateInstallerBusyError,
  WindowsInstallerError,
  WindowsUpdateError,
  describeHResult,
  describeStatus,
  describeWin32,
  errorFromHResult,
  errorFromWin32,
  formatHResult,
  hresultFromWin32,
  isSuccessCode,
  toUnsignedHResult,
} from '../../../lib/errors';

describe('number helpers', () => {
  test('toUnsignedHResult and formatHResult accept signed and unsigned forms', () => {
    expect(toUnsignedHResult(-2145124320)).toBe(0x80240020);
    expect(toUnsignedHResult(0x80240020)).toBe(0x80240020);
    expect(toUnsignedHResult(-1)).toBe(0xffffffff);
    expect(toUnsignedHResult(0)).toBe(0);
    expect(formatHResult(-2145124320)).toBe('0x80240020');
    expect(formatHResult(0x8024000a)).toBe('0x8024000A');
    expect(formatHResult(1)).toBe('0x00000001');
  });

  test('they reject what is not a 32-bit integer', () => {
    for (const bad of [1.5, NaN, Infinity, 2 ** 32, -(2 ** 31) - 1]) {
      expect(() => toUnsignedHResult(bad)).toThrow(RangeError);
      expect(() => errorFromHResult(bad)).toThrow(RangeError);
      expect(() => describeHResult(bad)).toThrow(RangeError);
    }
    // A value that is not a number at all is a TypeError naming the argument (Node's convention).
    for (const bad of ['0x1' as unknown as number, undefined as unknown as number]) {
      expect(() => toUnsignedHResult(bad)).toThrow(TypeError);
      expect(() => errorFromHResult(bad)).toThrow(/"hr" argument/);
      expect(() => describeHResult(bad)).toThrow(TypeError);
    }
  });

  test('hresultFromWin32 follows the SDK macro', () => {
    expect(hresultFromWin32(1603)).toBe(0x80070643);
    expect(hresultFromWin32(5)).toBe(0x80070005);
    expect(hresultFromWin32(0)).toBe(0);
    expect(hresultFromWin32(0x80070005)).toBe(0x80070005); // already an HRESULT
    expect(hresultFromWin32(-2147024891)).toBe(0x80070005);
    expect(() => hresultFromWin32(0x12345)).toThrow(RangeError); // not a 16-bit Win32 code: the macro would keep 0x2345
  });
});

describe('errorFromHResult and errorFromWin32', () => {
  test('signed, unsigned and plain forms give the same typed error', () => {
    const a = errorFromHResult(-2145124320);
    const b = errorFromHResult(0x80240020);
    expect(a).toBeInstanceOf(NoInteractiveUserError);
    expect(b).toBeInstanceOf(NoInteractiveUserError);
    expect(a.message).toBe(b.message);
    expect(a.hresult).toBe(0x80240020);
    expect(a.win32).toBeUndefined();

    const wrapped = errorFromHResult(0x80070643);
    expect(wrapped).toBeInstanceOf(WindowsInstallerError);
    expect(wrapped).toMatchObject({ code: 'ERROR_INSTALL_FAILURE', hresult: 0x80070643, win32: 1603 });

    const plain = errorFromHResult(1605);
    const viaHr = errorFromHResult(0x80070645);
    const viaWin32 = errorFromWin32(1605);
    for (const e of [plain, viaHr, viaWin32]) {
      expect(e).toBeInstanceOf(UnknownProductError);
      expect(e).toMatchObject({ code: 'ERROR_UNKNOWN_PRODUCT', hresult: 0x80070645, win32: 1605, name: 'UnknownProductError' });
      expect(e.message).toBe(plain.message);
    }
    expect(errorFromHResult(-2147023291).code).toBe('ERROR_UNKNOWN_PRODUCT'); // signed 0x80070645
  });

  test('access denied keeps the caller vocabulary: E_ACCESSDENIED from an HRESULT, ERROR_ACCESS_DENIED from Win32', () => {
    const fromHr = errorFromHResult(0x80070005);
    const fromWin32 = errorFromWin32(5);
    expect(fromHr).toBeInstanceOf(AccessDeniedError);
    expect(fromWin32).toBeInstanceOf(AccessDeniedError);
    expect(fromHr).toMatchObject({ code: 'E_ACCESSDENIED', hresult: 0x80070005, win32: 5 });
    expect(fromWin32).toMatchObject({ code: 'ERROR_ACCESS_DENIED', hresult: 0x80070005, win32: 5 });
    expect(fromHr.message).toMatch(/remote session/);
  });

  test('the classes callers branch on', () => {
    const cases: [number, new (...a: never[]) => MsiLuaError, string][] = [
      [0x80240020, NoInteractiveUserError, 'WU_E_NO_INTERACTIVE_USER'],
      [0x80240016, InstallNotAllowedError, 'WU_E_INSTALL_NOT_ALLOWED'],
      [0x80240009, UpdateInstallerBusyError, 'WU_E_OPERATIONINPROGRESS'],
      [0x8024d00e, RebootRequiredError, 'WU_E_SETUP_REBOOTREQUIRED'],
      [0x8024d015, RebootRequiredError, 'WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING'],
      [0x80070005, AccessDeniedError, 'E_ACCESSDENIED'],
      [0x80004001, NotImplementedError, 'E_NOTIMPL'],
      [0x80070078, NotImplementedError, 'ERROR_CALL_NOT_IMPLEMENTED'],
      [0x80004004, AbortError, 'E_ABORT'],
      [0x800704c7, AbortError, 'ERROR_CANCELLED'],
      [0x800b0100, SignatureError, 'TRUST_E_NOSIGNATURE'],
      [0x80096010, SignatureError, 'TRUST_E_BAD_DIGEST'],
      [0x800b010a, SignatureError, 'CERT_E_CHAINING'],
      [0x800b010c, SignatureError, 'CERT_E_REVOKED'],
      [0x800b0101, SignatureError, 'CERT_E_EXPIRED'],
      [0x800b0004, SignatureError, 'TRUST_E_SUBJECT_NOT_TRUSTED'],
      [0x800b0109, SignatureError, 'CERT_E_UNTRUSTEDROOT'],
      [0x80070645, UnknownProductError, 'ERROR_UNKNOWN_PRODUCT'],
      [0x80070648, UnknownPropertyError, 'ERROR_UNKNOWN_PROPERTY'],
      [0x8007064a, BadConfigurationError, 'ERROR_BAD_CONFIGURATION'],
      [0x80070652, InstallAlreadyRunningError, 'ERROR_INSTALL_ALREADY_RUNNING'],
      [0x80070654, WindowsInstallerError, 'ERROR_INSTALL_PACKAGE_INVALID'],
      [0x80244019, WindowsUpdateError, 'WU_E_PT_HTTP_STATUS_NOT_FOUND'],
      [0x80070057, MsiLuaError, 'E_INVALIDARG'],
      [0x80070032, MsiLuaError, 'ERROR_NOT_SUPPORTED'], // a native ERROR_NOT_SUPPORTED is not a platform error
    ];
    for (const [hr, Cls, code] of cases) {
      const e = errorFromHResult(hr);
      expect(e.constructor).toBe(Cls);
      expect(e.code).toBe(code);
      expect(e.name).toBe(Cls.name);
      expect(e).toBeInstanceOf(MsiLuaError);
      expect(e).toBeInstanceOf(Error);
    }
  });

  test('the hierarchy is shallow and as documented', () => {
    const chains: [MsiLuaError, (abstract new (...args: never[]) => Error)[]][] = [
      [new NoInteractiveUserError(), [WindowsUpdateError, MsiLuaError, Error]],
      [new InstallNotAllowedError(), [WindowsUpdateError, MsiLuaError, Error]],
      [new UpdateInstallerBusyError(), [WindowsUpdateError, MsiLuaError, Error]],
      [new RebootRequiredError(), [WindowsUpdateError, MsiLuaError, Error]],
      [new UnknownProductError(), [WindowsInstallerError, MsiLuaError, Error]],
      [new UnknownPropertyError(), [WindowsInstallerError, MsiLuaError, Error]],
      [new BadConfigurationError(), [WindowsInstallerError, MsiLuaError, Error]],
      [new InstallAlreadyRunningError(), [WindowsInstallerError, MsiLuaError, Error]],
      [new MsiFormatError('x'), [WindowsInstallerError, MsiLuaError, Error]],
      [new AccessDeniedError(), [MsiLuaError, Error]],
      [new NotImplementedError(), [MsiLuaError, Error]],
      [new AbortError(), [MsiLuaError, Error]],
      [new PlatformNotSupportedError(), [MsiLuaError, Error]],
      [new SignatureError({ hresult: 0x800b0100 }), [MsiLuaError, Error]],
      [new WindowsUpdateError({ hresult: 0x80240001 }), [MsiLuaError, Error]],
      [new WindowsInstallerError({ hresult: 1603 }), [MsiLuaError, Error]],
    ];
    for (const [e, classes] of chains) {
      for (const C of classes) expect(e).toBeInstanceOf(C);
      expect(e.name).toBe(e.constructor.name);
      expect(e.stack?.startsWith(`${e.name}: ${e.code} (`)).toBe(true);
      expect(e).not.toBeInstanceOf(e instanceof WindowsUpdateError ? WindowsInstallerError : WindowsUpdateError);
    }
    expect(new AbortError().name).toBe('AbortError');
    expect(new AbortError().code).toBe('E_ABORT');
    expect(new AbortError({ hresult: 1223 }).code).toBe('ERROR_CANCELLED');
    expect(new NoInteractiveUserError()).toMatchObject({ code: 'WU_E_NO_INTERACTIVE_USER', hresult: 0x80240020 });
    expect(new AccessDeniedError({ syscall: 'IUpdateSession::CreateUpdateInstaller' }).message).toMatch(
      /\[IUpdateSession::CreateUpdateInstaller\]$/,
    );
  });

  test('unknown codes still give an error that shows the hex form', () => {
    const wu = errorFromHResult(0x80241234);
    expect(wu.constructor).toBe(WindowsUpdateError); // WU facility, windows-installer-minor range
    expect(wu.code).toBe('HRESULT_0x80241234');
    expect(wu.message).toMatch(/^HRESULT_0x80241234 \(0x80241234\): .*0x80241234/);
    expect(describeHResult(0x80241234)).toMatchObject({ code: 'HRESULT_0x80241234', group: 'windows-installer-minor', success: false });

    const other = errorFromHResult(0x8fff1234);
    expect(other.constructor).toBe(MsiLuaError);
    expect(describeHResult(0x8fff1234).group).toBe('unknown');
    expect(other.message).toContain('0x8FFF1234');

    const win32 = errorFromHResult(0x8007fffe);
    expect(win32).toMatchObject({ code: 'HRESULT_0x8007FFFE', win32: 65534 });
    expect(win32.message).toContain('Win32 65534');

    const msi = errorFromWin32(1699); // inside the Windows Installer range, not in the headers
    expect(msi).toBeInstanceOf(WindowsInstallerError);
    expect(msi.code).toBe('HRESULT_0x800706A3');

    expect(errorFromHResult(0x800b01ff)).toBeInstanceOf(SignatureError); // FACILITY_CERT
  });

  test('options: syscall, systemMessage, cause and updates', () => {
    const cause = new Error('native');
    const e = errorFromHResult(0x80240020, {
      syscall: 'IUpdateInstaller::Install',
      systemMessage: 'Operation did not complete because there is no logged-on interactive user.\r\n',
      cause,
      updates: [{ id: 'a1', title: 'Security Update KB5000001' }, { id: 'b2' }],
    });
    expect(e).toBeInstanceOf(NoInteractiveUserError);
    expect(e.cause).toBe(cause);
    expect(e.syscall).toBe('IUpdateInstaller::Install');
    expect(e.systemMessage).toBe('Operation did not complete because there is no logged-on interactive user.'); // trimmed
    expect((e as NoInteractiveUserError).updates).toEqual([{ id: 'a1', title: 'Security Update KB5000001' }, { id: 'b2' }]);
    expect(e.message).toMatch(/^WU_E_NO_INTERACTIVE_USER \(0x80240020\): /);
    expect(e.message).toMatch(/Secondary Logon/);
    expect(e.message).toMatch(/CanRequestUserInput/);
    expect(e.message).toMatch(/"Security Update KB5000001" \(a1\), b2\./);
    expect(e.message).toMatch(
      / \[IUpdateInstaller::Install\] System message: Operation did not complete because there is no logged-on interactive user\.$/,
    );

    const plain = errorFromHResult(0x80240016);
    expect('cause' in plain).toBe(false);
    expect('syscall' in plain).toBe(false);
    expect('win32' in plain).toBe(false);
    expect(errorFromHResult(0x80240016, { updates: [{ id: 'x' }] })).not.toHaveProperty('updates');
  });

  test('success codes are statuses: the factories throw a TypeError for them', () => {
    for (const hr of [0, 1, 0x00240005, 0x00240006, 0x80070bc2, 0x80070669, -2147021886]) {
      expect(isSuccessCode(hr)).toBe(true);
      expect(() => errorFromHResult(hr)).toThrow(TypeError);
      expect(() => errorFromHResult(hr)).toThrow(/success code/);
    }
    for (const code of [0, 3010, 1641, 3011]) expect(() => errorFromWin32(code)).toThrow(TypeError);
    expect(isSuccessCode(3010)).toBe(true);
    expect(isSuccessCode(1641)).toBe(true);
    expect(isSuccessCode(1603)).toBe(false);
    expect(isSuccessCode(0x80240020)).toBe(false);
    expect(isSuccessCode(-2145124320)).toBe(false);
    expect(errorFromWin32(1).code).toBe('ERROR_INVALID_FUNCTION'); // 1 is S_FALSE only for the HResult functions
    expect(describeWin32(1).code).toBe('ERROR_INVALID_FUNCTION');
    expect(describeHResult(1).code).toBe('S_FALSE');
  });

  test('describeStatus reports restarts', () => {
    expect(describeStatus(0x80070bc2)).toMatchObject({
      code: 'ERROR_SUCCESS_REBOOT_REQUIRED',
      rebootRequired: true,
      rebootInitiated: false,
      hresult: 0x80070bc2,
    });
    expect(describeStatus(3010)).toMatchObject({ code: 'ERROR_SUCCESS_REBOOT_REQUIRED', rebootRequired: true });
    expect(describeStatus(1641)).toMatchObject({ code: 'ERROR_SUCCESS_REBOOT_INITIATED', rebootRequired: false, rebootInitiated: true });
    expect(describeStatus(0x00240005)).toMatchObject({ code: 'WU_S_REBOOT_REQUIRED', rebootRequired: true, rebootInitiated: false });
    expect(describeStatus(0)).toMatchObject({ code: 'S_OK', rebootRequired: false, rebootInitiated: false });
    expect(describeStatus(1)).toMatchObject({ code: 'S_FALSE', rebootRequired: false });
    expect(describeStatus(0x00240006)).toMatchObject({ code: 'WU_S_ALREADY_INSTALLED', rebootRequired: false });
    expect(describeStatus(0x00240005).message).toMatch(/restart/);
    expect(() => describeStatus(0x80240020)).toThrow(TypeError);
    expect(() => describeStatus(1603)).toThrow(/failure code/);
  });

  test('describeHResult returns code, group, message and flags', () => {
    expect(describeHResult(0x80240020)).toEqual({
      code: 'WU_E_NO_INTERACTIVE_USER',
      group: 'general',
      message: expect.stringMatching(/Secondary Logon/),
      hresult: 0x80240020,
      success: false,
    });
    expect(describeHResult(0x80070643)).toEqual({
      code: 'ERROR_INSTALL_FAILURE',
      group: 'windows-installer',
      message: expect.stringMatching(/verbose log/),
      hresult: 0x80070643,
      win32: 1603,
      success: false,
    });
    expect(describeHResult(-2145124320).code).toBe('WU_E_NO_INTERACTIVE_USER');
  });
});

describe('serialization', () => {
  test('toJSON has the documented shape and order', () => {
    const e = errorFromHResult(0x80070643, { syscall: 'MsiInstallProductW', systemMessage: 'Fatal error during installation.' });
    const json = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['name', 'code', 'hresult', 'hresultHex', 'win32', 'syscall', 'message']);
    expect(json).toEqual({
      name: 'WindowsInstallerError',
      code: 'ERROR_INSTALL_FAILURE',
      hresult: 0x80070643,
      hresultHex: '0x80070643',
      win32: 1603,
      syscall: 'MsiInstallProductW',
      message: e.message,
    });

    const wu = JSON.parse(JSON.stringify(errorFromHResult(-2145124320))) as Record<string, unknown>;
    expect(Object.keys(wu)).toEqual(['name', 'code', 'hresult', 'hresultHex', 'message']);
    expect(wu).toMatchObject({ name: 'NoInteractiveUserError', hresult: 2149842976, hresultHex: '0x80240020' });

    const withUpdates = errorFromHResult(0x80240020, { updates: [{ id: 'u1', title: 'T' }] }).toJSON();
    expect(withUpdates.updates).toEqual([{ id: 'u1', title: 'T' }]);

    const fmt = new MsiFormatError('sector chain loops', { where: 'MiniFAT', offset: 4096 }).toJSON();
    expect(fmt).toMatchObject({
      name: 'MsiFormatError',
      code: 'ERROR_INSTALL_PACKAGE_INVALID',
      hresultHex: '0x80070654',
      where: 'MiniFAT',
      offset: 4096,
    });
  });

  test('util.inspect shows the HRESULT in hex', () => {
    const cause = new Error('inner failure');
    const e = errorFromHResult(0x80240020, { syscall: 'IUpdateInstaller::Install', cause });
    const text = inspect(e);
    expect(text).toContain('hresult: 0x80240020');
    expect(text).not.toContain('2149842976');
    expect(text).toContain("code: 'WU_E_NO_INTERACTIVE_USER'");
    expect(text).toContain("syscall: 'IUpdateInstaller::Install'");
    expect(text).toContain('[cause]: Error: inner failure');
    expect(text.startsWith('NoInteractiveUserError: WU_E_NO_INTERACTIVE_USER (0x80240020)')).toBe(true);
    expect(inspect({ nested: errorFromWin32(1605) })).toMatch(/hresult: 0x80070645,\s+win32: 1605/);
    // beyond the inspect depth it collapses to one line, still in hex
    expect(inspect({ a: { b: { c: errorFromWin32(1605) } } })).toContain('c: [UnknownProductError: ERROR_UNKNOWN_PRODUCT 0x80070645]');
  });
});

describe('direct construction', () => {
  test('MsiLuaError takes an init object; code and message can be overridden', () => {
    const e = new MsiLuaError({ code: 'MSI_LUA_BINDING_NOT_FOUND', hresult: 0x8007007e, message: 'No addon.', cause: 1 });
    expect(e).toMatchObject({ code: 'MSI_LUA_BINDING_NOT_FOUND', hresult: 0x8007007e, win32: 126, message: 'No addon.', cause: 1 });
    const f = new WindowsUpdateError({ hresult: -2145124351, syscall: 'X' });
    expect(f.code).toBe('WU_E_NO_SERVICE');
    expect(f.message).toMatch(/^WU_E_NO_SERVICE \(0x80240001\): .* \[X\]$/);
    const g = new MsiLuaError({ hresult: 0x80004005, explanation: 'custom text.' });
    expect(g.message).toBe('E_FAIL (0x80004005): custom text.');
  });

  test('subclasses declared elsewhere are named after their class', () => {
    class BindingMissingError extends MsiLuaError {}
    const e = new BindingMissingError({ code: 'MSI_LUA_BINDING_NOT_FOUND', hresult: 0x8007007e });
    expect(e.name).toBe('BindingMissingError');
    expect(e.stack?.startsWith('BindingMissingError: MSI_LUA_BINDING_NOT_FOUND (0x8007007E, Win32 126): ')).toBe(true);
    expect(new MsiLuaError({ hresult: 0x80004005 }).name).toBe('MsiLuaError');
  });

  test('PlatformNotSupportedError', () => {
    const a = new PlatformNotSupportedError('msi-lua needs Windows; this is linux.');
    expect(a).toMatchObject({ code: 'ERROR_NOT_SUPPORTED', hresult: 0x80070032, win32: 50, platform: process.platform });
    expect(a.message).toBe('ERROR_NOT_SUPPORTED (0x80070032, Win32 50): msi-lua needs Windows; this is linux.');
    const b = new PlatformNotSupportedError({ feature: 'getProductInfo', platform: 'darwin' });
    expect(b.message).toBe('ERROR_NOT_SUPPORTED (0x80070032, Win32 50): getProductInfo needs Windows and is not available on darwin.');
    expect(b.toJSON().platform).toBe('darwin');
    expect(new PlatformNotSupportedError().name).toBe('PlatformNotSupportedError');
  });

  test('MsiFormatError keeps where and offset', () => {
    const cause = new RangeError('out of bounds');
    const e = new MsiFormatError('string pool is truncated', { where: '_StringPool', offset: 0x200, cause });
    expect(e).toMatchObject({
      code: 'ERROR_INSTALL_PACKAGE_INVALID',
      hresult: 0x80070654,
      win32: 1620,
      where: '_StringPool',
      offset: 512,
      cause,
    });
    expect(e.message).toBe(
      'ERROR_INSTALL_PACKAGE_INVALID (0x80070654, Win32 1620): string pool is truncated (in _StringPool at offset 512 (0x200))',
    );
    const bare = new MsiFormatError('not a compound file');
    expect('where' in bare).toBe(false);
    expect('offset' in bare).toBe(false);
    expect(bare.message).toBe('ERROR_INSTALL_PACKAGE_INVALID (0x80070654, Win32 1620): not a compound file');
  });
});
