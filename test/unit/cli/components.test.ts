// `msi-lua components` against a scripted binding: the rows, exit 10 for a product or a named
// component that is not installed, 2 for a bad code before any native call, 11 for a failing call.
import { ExitCode, InstallerExitCode } from '../../../lib/cli/exit-codes';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';
import { cli } from '../../support/run-cli';

const PRODUCT = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
const MAIN = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B70}';
const REG = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B71}';
const DOCS = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B73}';
const OTHER = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B7F}';
const calls: string[] = [];
const failure = (hresult: number, syscall: string) =>
  Promise.reject(Object.assign(new Error(`${syscall} failed`), { nativeFailure: true, hresult, syscall }));

const PATHS: Record<string, { state: number; path: string }> = {
  [MAIN]: { state: 3, path: 'C:\\Program Files\\App\\app.exe' },
  [REG]: { state: 3, path: '02:\\SOFTWARE\\App\\' },
  [DOCS]: { state: 2, path: '' },
  [OTHER]: { state: -1, path: '' },
};

function scripted(installed = true) {
  setNativeBinding({
    async productInfo(productCode, _properties, context) {
      calls.push(`productInfo ${context}`);
      if (!installed) return failure(0x80070645, 'MsiEnumProductsExW');
      return { productCode, context: 4, userSid: null, values: [] };
    },
    async components(userSid, contexts) {
      calls.push(`components ${userSid} ${contexts}`);
      return [MAIN, REG, DOCS, OTHER].map((componentCode) => ({ componentCode, context: 4, userSid: null }));
    },
    async componentPath(_productCode, componentCode, context) {
      calls.push(`componentPath ${componentCode.slice(-3, -1)} ${context}`);
      return PATHS[componentCode] as { state: number; path: string };
    },
  } as Partial<NativeBinding>);
}
afterEach(() => {
  setNativeBinding(undefined);
  calls.length = 0;
});

test('named components: one row each, in order, exit 0 when all are installed', async () => {
  scripted();
  const run = await cli('components', PRODUCT, MAIN, REG, '--json');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.text)).toEqual([
    { componentCode: MAIN, state: 'local', path: 'C:\\Program Files\\App\\app.exe' },
    { componentCode: REG, state: 'local', path: '02:\\SOFTWARE\\App\\' },
  ]);
  expect(calls).toEqual(['productInfo 0', 'componentPath 70 4', 'componentPath 71 4']);
  const text = await cli('components', PRODUCT, MAIN);
  expect(text.text).toBe(`${MAIN}  local         C:\\Program Files\\App\\app.exe\n`);
});

test('a named component that is absent or unknown exits 10, with its row', async () => {
  scripted();
  const run = await cli('components', PRODUCT, MAIN, DOCS, OTHER, '--json');
  expect(run.code).toBe(InstallerExitCode.NOT_INSTALLED);
  expect(JSON.parse(run.text)).toEqual([
    { componentCode: MAIN, state: 'local', path: 'C:\\Program Files\\App\\app.exe' },
    { componentCode: DOCS, state: 'absent', path: null },
    { componentCode: OTHER, state: 'unknown', path: null },
  ]);
});

test('without component codes: the installed components this product uses, in its context', async () => {
  scripted();
  const run = await cli('components', PRODUCT, '--json');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.text).map((r: { componentCode: string }) => r.componentCode)).toEqual([MAIN, REG, DOCS]);
  expect(calls.slice(0, 2)).toEqual(['productInfo 0', 'components null 4']);
});

test('a product that is not installed exits 10 with the typed error', async () => {
  scripted(false);
  const run = await cli('components', PRODUCT, MAIN, '--json');
  expect(run.code).toBe(InstallerExitCode.NOT_INSTALLED);
  expect(JSON.parse(run.text)).toEqual({
    error: expect.objectContaining({ name: 'UnknownProductError', exitCode: InstallerExitCode.NOT_INSTALLED }),
  });
  expect(run.stderr).toMatch(/^msi-lua components: /);
});

test('a code that is not a braced GUID exits 2 before any native call', async () => {
  scripted();
  const run = await cli('components', PRODUCT, 'app.exe');
  expect(run.code).toBe(ExitCode.USAGE);
  expect(run.stderr).toMatch(/"componentCode\[0\]" argument must be a braced GUID/);
  expect((await cli('components', '{bad}')).code).toBe(ExitCode.USAGE);
  expect(calls).toEqual([]);
});

test('a failing Windows call exits 11 with the typed error', async () => {
  setNativeBinding({
    productInfo: async (productCode: string) => ({ productCode, context: 4, userSid: null, values: [] }),
    components: () => failure(0x80070005, 'MsiEnumComponentsExW'),
  } as Partial<NativeBinding>);
  const run = await cli('components', PRODUCT, '--json');
  expect(run.code).toBe(ExitCode.SYSTEM_ERROR);
  expect(JSON.parse(run.text)).toEqual({
    error: expect.objectContaining({ name: 'AccessDeniedError', exitCode: ExitCode.SYSTEM_ERROR }),
  });
});
