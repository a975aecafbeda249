// DisableLUAPatching read from the real registry (the Wine prefix's in the Wine tier).
import { INSTALLER_POLICY_KEY, getLuaPatchingPolicy } from '../../lib/policy';
import { regDelete, regSet } from '../support/wine-fixtures';

const key = `HKLM\\${INSTALLER_POLICY_KEY}`;

afterEach(() => regDelete(key, 'DisableLUAPatching'));

test('unset: not disabled', async () => {
  regDelete(key, 'DisableLUAPatching');
  await expect(getLuaPatchingPolicy()).resolves.toMatchObject({ disableLuaPatching: false, value: null, state: 'absent' });
});

test('set to 1: disabled', async () => {
  regSet(key, 'DisableLUAPatching', 'REG_DWORD', '1');
  await expect(getLuaPatchingPolicy()).resolves.toMatchObject({
    disableLuaPatching: true,
    value: 1,
    state: 'dword',
    registryType: 'REG_DWORD',
  });
});

test('set to 0: not disabled', async () => {
  regSet(key, 'DisableLUAPatching', 'REG_DWORD', '0');
  await expect(getLuaPatchingPolicy()).resolves.toMatchObject({ disableLuaPatching: false, value: 0, state: 'dword' });
});

test('a REG_SZ value is reported as the wrong type, not guessed', async () => {
  regSet(key, 'DisableLUAPatching', 'REG_SZ', '1');
  await expect(getLuaPatchingPolicy()).resolves.toMatchObject({
    disableLuaPatching: null,
    value: null,
    state: 'wrong-type',
    registryType: 'REG_SZ',
  });
});
