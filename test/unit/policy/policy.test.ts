import { getLuaPatchingPolicy, interpretDwordPolicy } from '../../../lib/policy';
import { setNativeBinding } from '../../../lib/native/load';

afterEach(() => setNativeBinding(undefined));

function dword(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

test('reads the DisableLUAPatching policy value from HKLM', async () => {
  const reads: unknown[] = [];
  setNativeBinding({
    readRegistryValue: async (...args) => {
      reads.push(args);
      return { type: 4, data: dword(1) };
    },
  });
  await expect(getLuaPatchingPolicy()).resolves.toEqual({
    disableLuaPatching: true,
    value: 1,
    state: 'dword',
    registryType: 'REG_DWORD',
    source: 'HKLM\\Software\\Policies\\Microsoft\\Windows\\Installer\\DisableLUAPatching',
  });
  expect(reads).toEqual([['HKLM', 'Software\\Policies\\Microsoft\\Windows\\Installer', 'DisableLUAPatching']]);
});

test('absent, zero, non-zero and wrong types', () => {
  expect(interpretDwordPolicy(null, 's')).toMatchObject({ disableLuaPatching: false, state: 'absent', value: null });
  expect(interpretDwordPolicy({ type: 4, data: dword(0) }, 's')).toMatchObject({ disableLuaPatching: false, value: 0 });
  expect(interpretDwordPolicy({ type: 4, data: dword(2) }, 's')).toMatchObject({ disableLuaPatching: true, value: 2 });
  expect(interpretDwordPolicy({ type: 1, data: Buffer.from('1\0', 'utf16le') }, 's')).toMatchObject({
    disableLuaPatching: null,
    state: 'wrong-type',
    registryType: 'REG_SZ',
  });
  expect(interpretDwordPolicy({ type: 11, data: Buffer.alloc(8) }, 's')).toMatchObject({
    disableLuaPatching: null,
    registryType: 'REG_QWORD',
  });
  expect(interpretDwordPolicy({ type: 4, data: Buffer.alloc(2) }, 's')).toMatchObject({ state: 'wrong-type' });
});
