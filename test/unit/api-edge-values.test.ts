// Findings of a fresh tester against the API: numbers of the right type out of range are
// RangeErrors (README "Errors"), HRESULT_FROM_WIN32 takes 16-bit Win32 codes, the
// PlatformNotSupportedError text reads as a sentence, and a summary survives JSON.stringify.
import { PlatformNotSupportedError, hresultFromWin32 } from '../../lib/errors';
import { configureProduct } from '../../lib/installer';
import { getBinding, setNativeBinding } from '../../lib/native/load';
import { parseSummaryInformation } from '../../lib/package';
import { assertIntegerInRange } from '../../lib/validate';
import { createUpdateSession } from '../../lib/wua';
import { summaryInformationStream } from '../support/package-fixtures';

const CODE = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';

/** A binding that records every member asked for: none must be, when the arguments are bad. */
function recordingBinding(): string[] {
  const asked: string[] = [];
  setNativeBinding(
    new Proxy(
      {},
      {
        get: (_target, key) => {
          asked.push(String(key));
          return () => {
            throw new Error(`native ${String(key)} called`);
          };
        },
      },
    ) as never,
  );
  return asked;
}

afterEach(() => setNativeBinding(undefined));

describe('numbers: TypeError for the wrong type, RangeError out of range', () => {
  test('assertIntegerInRange', () => {
    expect(() => assertIntegerInRange('5', 'n', 0, 10)).toThrow(TypeError);
    expect(() => assertIntegerInRange(undefined, 'n', 0, 10)).toThrow(TypeError);
    expect(() => assertIntegerInRange(5n, 'n', 0, 10)).toThrow(TypeError);
    for (const bad of [-1, 11, 1.5, Number.NaN, Infinity]) {
      expect(() => assertIntegerInRange(bad, 'n', 0, 10)).toThrow(RangeError);
      expect(() => assertIntegerInRange(bad, 'n', 0, 10)).toThrow(/"n" argument must be an integer from 0 to 10/);
    }
    expect(() => assertIntegerInRange(0, 'n', 0, 10)).not.toThrow();
    expect(() => assertIntegerInRange(10, 'n', 0, 10)).not.toThrow();
  });

  test.each<[string, Record<string, unknown>, ErrorConstructor, RegExp]>([
    ['count above 10,000', { count: 10_001 }, RangeError, /"count" option must be an integer from 0 to 10000/],
    ['negative start', { start: -1 }, RangeError, /"start" option/],
    ['fractional count', { count: 2.5 }, RangeError, /"count" option/],
    ['count as a string', { count: '5' }, TypeError, /"count" option/],
  ])('session.history: %s', async (_label, options, type, message) => {
    const asked = recordingBinding();
    const session = createUpdateSession();
    await expect(session.history(options)).rejects.toThrow(type);
    await expect(session.history(options)).rejects.toThrow(message);
    expect(asked).toEqual([]);
  });

  test('session.historyEntries: pageSize 0 is out of range', async () => {
    const asked = recordingBinding();
    const entries = createUpdateSession().historyEntries({ pageSize: 0 });
    await expect(entries.next()).rejects.toThrow(RangeError);
    expect(asked).toEqual([]);
  });

  test.each<[string, unknown, ErrorConstructor]>([
    ['70000', 70000, RangeError],
    ['-1', -1, RangeError],
    ['1.5', 1.5, RangeError],
    ["'3'", '3', TypeError],
  ])('configureProduct installLevel %s', async (_label, installLevel, type) => {
    const asked = recordingBinding();
    const call = () => configureProduct(CODE, { state: 'local', installLevel: installLevel as number });
    await expect(call()).rejects.toThrow(type);
    await expect(call()).rejects.toThrow(/"request\.installLevel" argument must be an integer from 0 to 65535/);
    expect(asked).toEqual([]);
  });
});

describe('hresultFromWin32 takes 16-bit Win32 codes, as HRESULT_FROM_WIN32 means them', () => {
  test('a positive code above 0xFFFF is refused, naming the argument', () => {
    expect(() => hresultFromWin32(70000)).toThrow(RangeError);
    expect(() => hresultFromWin32(70000)).toThrow(/"code" argument must be a Win32 error code \(0 to 65535\)/);
    expect(() => hresultFromWin32(0x7fffffff)).toThrow(RangeError);
  });

  test('Win32 codes and HRESULTs keep the macro semantics', () => {
    expect(hresultFromWin32(0xffff)).toBe(0x8007ffff);
    expect(hresultFromWin32(1603)).toBe(0x80070643);
    expect(hresultFromWin32(0x80070005)).toBe(0x80070005);
    expect(hresultFromWin32(-2147024891)).toBe(0x80070005);
  });
});

// On Windows this is reported as skipped, not passed.
(process.platform === 'win32' ? test.skip : test)('off Windows, the PlatformNotSupportedError reads as a sentence', () => {
  let error: unknown;
  try {
    getBinding();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PlatformNotSupportedError);
  const message = (error as Error).message;
  expect(message).not.toMatch(/functions needs/);
  expect(message).toMatch(/msi-lua's native layer \(Windows Installer, Windows Update\) needs Windows and is not available on /);
});

describe('a summary survives JSON.stringify', () => {
  const summary = parseSummaryInformation(
    summaryInformationStream([
      { id: 1, type: 'i2', value: 1252 },
      { id: 2, type: 'string', value: 'Installation Database' },
      { id: 12, type: 'filetime', value: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)) },
    ]),
  );

  test('FILETIMEs as decimal strings, raw bytes as base64, the fields as they are', () => {
    const json = JSON.parse(JSON.stringify(summary)) as { properties: Array<Record<string, unknown>>; created: string; title: string };
    const created = summary.properties.find((p) => p.id === 12)!;
    expect(typeof created.filetime).toBe('bigint');
    expect(json.properties.find((p) => p.id === 12)).toMatchObject({
      filetime: created.filetime!.toString(),
      value: '2024-02-29T12:34:56.000Z',
    });
    expect(BigInt(json.properties.find((p) => p.id === 12)!.filetime as string)).toBe(created.filetime);
    expect(json.properties.find((p) => p.id === 2)).toMatchObject({
      value: 'Installation Database',
      raw: Buffer.from('Installation Database').toString('base64'),
    });
    expect(json.created).toBe('2024-02-29T12:34:56.000Z');
    expect(json.title).toBe('Installation Database');
  });

  test('toJSON is not an enumerable field', () => {
    expect(Object.keys(summary)).not.toContain('toJSON');
    expect(summary.created).toBeInstanceOf(Date);
  });
});

test('a missing argument reads as "received undefined", once', async () => {
  const { checkLuaPatching } = await import('../../lib/lua/offline');
  const error = await checkLuaPatching(undefined as unknown as string).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TypeError);
  expect((error as Error).message).toMatch(/received undefined$/);
  expect((error as Error).message).not.toMatch(/undefined undefined/);
});
