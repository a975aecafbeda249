// `msi-lua updates` promises one line per warning and per table row whatever WUA's strings
// hold: Unicode's line and paragraph separators (U+2028, U+2029) too, which line readers
// (Python's splitlines(), editors) break lines at.
import { cli as runCommand } from '../../support/run-cli';
import { setNativeBinding } from '../../../lib/native/load';
import { FakeWua, nativeUpdate, succeeded } from '../../support/wua-fake-binding';

const A = 'aaaaaaaa-0000-0000-0000-000000000001';
const SEPARATORS = /[\n\r\u0085\u2028\u2029]/;

afterEach(() => setNativeBinding(undefined));

function hostileAgent(): FakeWua {
  const fake = new FakeWua();
  setNativeBinding(fake as never);
  fake.updates = [nativeUpdate(A, { title: 'Update\u2028second line\u2029third', kbArticleIds: ['1234567'] })];
  fake.searchResultCode = 3;
  fake.searchWarnings = [{ hresult: 0x8024402f, message: 'catalog\u2028injected: warning (general): fake', context: 4 }];
  fake.autoResult = (ids) => succeeded(ids);
  return fake;
}

/** The lines of a text as a Unicode-aware reader splits it. */
const lines = (text: string): string[] => text.split(/\r\n|[\n\r\u0085\u2028\u2029]/).filter((l) => l !== '');

test.each([['search'], ['install', A], ['download', A]])('%s: one stderr line per warning, one stdout line per row', async (...argv) => {
  hostileAgent();
  const run = await runCommand('updates', ...argv);
  expect(run.code).toBe(0);
  const warnings = lines(run.stderr);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('catalog\\u2028injected');
  // search: header, rule, one update, the count; install/download: header, rule, one update, Overall.
  expect(lines(run.text)).toHaveLength(4);
  expect(run.text).toContain('Update\\u2028second line\\u2029third');
  expect(SEPARATORS.test(run.text.replace(/\n/g, ''))).toBe(false);
});

test('search criteria holding a NUL is a bad command line (exit 2), not an internal error, and WUA is not called', async () => {
  const fake = hostileAgent();
  const run = await runCommand('updates', 'search', 'IsInstalled=0\0');
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/search criteria must not hold a NUL; received "IsInstalled=0\\u0000"/);
  expect(fake.calls.filter((c) => c.startsWith('search'))).toEqual([]);
});
