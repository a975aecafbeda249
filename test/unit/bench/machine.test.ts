// bench/support/machine.js scripts the machine the benches' evaluateLuaPatching rows run
// on: every native call an evaluation makes must be answered, or the bench measures the
// error path of a missing method instead of the evaluation.
import { evaluateLuaPatching } from '../../../lib/lua/machine';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';
import { buildSmallMsi } from '../../support/package-fixtures';

const { scriptedBinding } = require('../../../bench/support/machine.js') as {
  scriptedBinding(msi: string): Partial<NativeBinding>;
};

jest.setTimeout(120_000);
afterEach(() => setNativeBinding(undefined));

test('the scripted machine answers every native call of an evaluation without a patch', async () => {
  const scripted = scriptedBinding(await buildSmallMsi());
  const missing: string[] = [];
  setNativeBinding(
    new Proxy(scripted, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (value === undefined && typeof key === 'string') missing.push(key);
        return value;
      },
    }),
  );
  const report = await evaluateLuaPatching({ productCode: '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}' });
  expect(missing).toEqual([]);
  // A standard user's token: known, and not an administrator.
  expect(report.callerIsAdministrator).toBe(false);
});
