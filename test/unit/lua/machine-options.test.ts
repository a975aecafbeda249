// evaluateLuaPatching's options as a hostile or careless caller passes them: getters and
// Proxies that throw or answer twice, arrays with holes, methods of their own or changed
// after the call. Each is a rejected promise with a TypeError naming the option (never a
// synchronous throw), and nothing unchecked reaches the native layer.
import { evaluateLuaPatching } from '../../../lib/lua/machine';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';

const PRODUCT = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}';
const MISSING_PATCH = '/nonexistent/msi-lua-test/update.msp';

/** Every native call, by name and arguments. */
let calls: Array<[string, unknown[]]>;

/** A machine where the product is installed with no LocalPackage and no patch applied. */
function recordingMachine(overrides: Partial<NativeBinding> = {}): void {
  calls = [];
  const record =
    <A extends unknown[], T>(name: string, answer: (...args: A) => Promise<T>) =>
    (...args: A): Promise<T> => {
      calls.push([name, args]);
      return answer(...args);
    };
  setNativeBinding({
    productInfo: record('productInfo', async (productCode: string, properties: readonly string[]) => ({
      productCode,
      context: 4,
      userSid: null,
      values: properties.map(() => ({ status: 1608 })),
    })),
    enumAppliedPatches: record('enumAppliedPatches', async () => []),
    installerVersion: record('installerVersion', async () => '5.0.19041.1'),
    readRegistryValue: record('readRegistryValue', async () => null),
    fileSignature: record('fileSignature', async () => ({
      msiHresult: 0,
      signerCertificate: null,
      trustHresult: 0,
      revocationChecked: true,
      wineVersion: null,
    })),
    ...overrides,
  } as Partial<NativeBinding>);
}

beforeEach(() => recordingMachine());
afterEach(() => setNativeBinding(undefined));

/** Calls evaluateLuaPatching, failing the test if it throws synchronously. */
function evaluate(options: unknown): Promise<unknown> {
  let result: Promise<unknown> | undefined;
  expect(() => {
    result = evaluateLuaPatching(options as Parameters<typeof evaluateLuaPatching>[0]);
  }).not.toThrow();
  return result as Promise<unknown>;
}

async function rejection(options: unknown): Promise<TypeError> {
  const error = await evaluate(options).then(
    () => {
      throw new Error('resolved');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TypeError);
  return error as TypeError;
}

/** The paths each native call that takes one was given. */
function nativePaths(): unknown[] {
  return calls.filter(([name]) => name === 'fileSignature').map(([, args]) => args[0]);
}

describe('an option that throws when read', () => {
  const thrown = [new Error('getter failed'), 'a string', Object.create(null) as object, Symbol('s')];
  for (const key of ['productCode', 'patch', 'context', 'userSid']) {
    test.each(thrown.map((value) => [label(value), value]))(`options.${key}: a getter throwing %s`, async (_, value) => {
      const options = { productCode: PRODUCT };
      Object.defineProperty(options, key, {
        get() {
          throw value;
        },
        enumerable: true,
      });
      const error = await rejection(options);
      expect(error.message).toContain(`"options.${key}"`);
      expect(error.cause).toBe(value);
      expect(calls).toEqual([]);
    });
  }

  test('a Proxy whose get trap throws names the property asked for', async () => {
    const options = new Proxy(
      { productCode: PRODUCT },
      {
        get(target, key) {
          if (key === 'userSid') throw new RangeError('trap');
          return Reflect.get(target, key);
        },
      },
    );
    expect((await rejection(options)).message).toMatch(/^The "options\.userSid" option could not be read: trap/);
    expect(calls).toEqual([]);
  });

  test('a revoked Proxy as the options or as the patch array', async () => {
    const options = Proxy.revocable({}, {});
    options.revoke();
    expect((await rejection(options.proxy)).message).toMatch(/^The "options" argument could not be read/);
    const patch = Proxy.revocable([], {});
    patch.revoke();
    expect((await rejection({ productCode: PRODUCT, patch: patch.proxy })).message).toMatch(
      /^The "options\.patch" option could not be read/,
    );
    expect(calls).toEqual([]);
  });

  test('an array element whose read throws names its index', async () => {
    const patch = new Proxy([MISSING_PATCH, MISSING_PATCH], {
      get(target, key) {
        if (key === '1') throw new Error('element');
        return Reflect.get(target, key);
      },
    });
    expect((await rejection({ productCode: PRODUCT, patch })).message).toMatch(
      /^The "options\.patch\[1\]" option could not be read: element/,
    );
    expect(calls).toEqual([]);
  });
});

describe('each option is read once: what is checked is what is used', () => {
  test('a getter that answers a NUL the second time', async () => {
    const reads = { productCode: 0, patch: 0, userSid: 0 };
    const options = {
      get productCode() {
        return reads.productCode++ === 0 ? PRODUCT : `${PRODUCT}\0`;
      },
      get patch() {
        return reads.patch++ === 0 ? MISSING_PATCH : `${MISSING_PATCH}\0.exe`;
      },
      get userSid() {
        return reads.userSid++ === 0 ? 'S-1-5-18' : 'S-1-5-18\0';
      },
    };
    await expect(evaluate(options)).resolves.toMatchObject({ productCode: PRODUCT, patches: [MISSING_PATCH] });
    expect(reads).toEqual({ productCode: 1, patch: 1, userSid: 1 });
    expect(calls.find(([name]) => name === 'productInfo')?.[1][3]).toBe('S-1-5-18');
    expect(nativePaths()).toEqual([MISSING_PATCH]);
  });

  test('a patch array changed right after the call does not reach the evaluation', async () => {
    const patch = [MISSING_PATCH];
    const report = evaluate({ productCode: PRODUCT, patch });
    patch[0] = 'C:\\evil.msp\0.txt';
    patch.push('C:\\more.msp');
    await expect(report).resolves.toMatchObject({ patches: [MISSING_PATCH] });
    expect(nativePaths()).toEqual([MISSING_PATCH]);
  });

  test("a patch array's own forEach does not skip the check", async () => {
    const patch = ['C:\\evil.msp\0.txt'];
    Object.defineProperty(patch, 'forEach', { value: () => undefined });
    expect((await rejection({ productCode: PRODUCT, patch })).message).toContain('"options.patch[0]"');
    expect(calls).toEqual([]);
  });

  test('a hole in the patch array is refused by its index, at once for a huge sparse array', async () => {
    // eslint-disable-next-line no-sparse-arrays
    expect((await rejection({ productCode: PRODUCT, patch: [, MISSING_PATCH] })).message).toContain('"options.patch[0]"');
    const sparse: string[] = [];
    sparse.length = 2 ** 32 - 1;
    sparse[2 ** 32 - 2] = MISSING_PATCH;
    expect((await rejection({ productCode: PRODUCT, patch: sparse })).message).toContain('"options.patch[0]"');
    expect(calls).toEqual([]);
  });
});

test('a native call rejecting with a value that has no string form is an unknown fact, not a rejection', async () => {
  recordingMachine({
    tokenContextFacts: async () => {
      throw Object.create(null);
    },
    readRegistryValue: async () => {
      throw {
        toString: () => {
          throw new Error('no string form');
        },
      };
    },
  });
  const report = (await evaluate({ productCode: PRODUCT })) as { callerIsAdministrator: unknown; productCode: string };
  expect(report.productCode).toBe(PRODUCT);
  expect(report.callerIsAdministrator).toBeNull();
});

function label(value: unknown): string {
  return typeof value === 'symbol'
    ? 'a symbol'
    : typeof value === 'string'
      ? 'a string'
      : value instanceof Error
        ? 'an Error'
        : 'an object';
}
