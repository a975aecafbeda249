// The typed error of a failing warning, history entry or outcome is made when it is read, not
// when the result is shaped: 10,000 failing warnings made 10,000 errors (each with a stack) in
// one turn of the event loop. What a caller sees is unchanged: an enumerable `error`, the same
// error on every read, in Object.keys, JSON and util.inspect.
import { inspect } from 'node:util';
import * as errors from '../../../lib/errors';
import { setNativeBinding } from '../../../lib/native/load';
import { createUpdateSession } from '../../../lib/wua';
import { FakeWua, nativeUpdate } from '../../support/wua-fake-binding';

// Every errorFromHResult call (shaping included) is counted; it still makes the real error.
jest.mock('../../../lib/errors', () => {
  const actual = jest.requireActual<typeof import('../../../lib/errors')>('../../../lib/errors');
  return { ...actual, errorFromHResult: jest.fn(actual.errorFromHResult) };
});
const made = errors.errorFromHResult as jest.MockedFunction<typeof errors.errorFromHResult>;

const COUNT = 10_000;
let fake: FakeWua;

beforeEach(() => {
  fake = new FakeWua();
  setNativeBinding(fake as never);
  made.mockClear();
});

afterEach(() => setNativeBinding(undefined));

test('10,000 failing search warnings make no error until one is read, then exactly that one', async () => {
  fake.searchResultCode = 3;
  fake.searchWarnings = Array.from({ length: COUNT }, (_, i) => ({ hresult: 0x8024402f, message: `catalog ${i}`, context: 4 }));
  const result = await createUpdateSession().search('IsInstalled=0');
  expect(result.warnings).toHaveLength(COUNT);
  expect(made).not.toHaveBeenCalled();

  const warning = result.warnings![1234]!;
  expect(Object.keys(warning)).toEqual(['hresult', 'message', 'context', 'error']);
  expect('error' in warning).toBe(true);
  const first = warning.error;
  expect(first).toBeInstanceOf(errors.WindowsUpdateError);
  expect(first).toMatchObject({ code: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS', syscall: 'IUpdateException::get_HResult' });
  expect(warning.error).toBe(first);
  expect(made).toHaveBeenCalledTimes(1);

  // JSON and util.inspect show the error as a plain property would (and make the error they show).
  const other = result.warnings![99]!;
  expect(JSON.parse(JSON.stringify(other))).toEqual({
    hresult: 0x8024402f,
    message: 'catalog 99',
    context: 'searchIncomplete',
    error: JSON.parse(JSON.stringify(other.error)),
  });
  expect(inspect(result.warnings![7])).toContain('WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS');
  expect(inspect(result.warnings![7])).not.toContain('Getter');
  expect(made).toHaveBeenCalledTimes(3);

  // A caller that freezes a warning before reading its error still gets one error, every read.
  const frozen = Object.freeze(result.warnings![500]!);
  const once = frozen.error;
  expect(once).toMatchObject({ code: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS' });
  expect(frozen.error).toBe(once);
  expect(made).toHaveBeenCalledTimes(4);
});

test('a failed search still rejects with its first failing warning, making only that error', async () => {
  fake.searchResultCode = 4;
  fake.searchWarnings = [
    { hresult: 0, message: 'fine', context: 1 },
    ...Array.from({ length: COUNT }, (_, i) => ({ hresult: 0x8024402c, message: `not resolved ${i}`, context: 1 })),
  ];
  const error = (await createUpdateSession()
    .search('IsInstalled=0')
    .catch((e: unknown) => e)) as errors.MsiLuaError & { result: { warnings: Array<{ error?: unknown }> } };
  expect(error).toMatchObject({ code: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED' });
  expect(error.result.warnings[1]!.error).toBe(error);
  expect(made).toHaveBeenCalledTimes(1);
});

test('a 10,000-entry history page of failed entries makes no error until one is read', async () => {
  const entries = Array.from({ length: COUNT }, (_, i) => ({
    operation: 1,
    resultCode: 4,
    hresult: 0x80240022,
    date: 45000 + i,
    updateId: `id-${i}`,
    revision: 1,
    title: `update ${i}`,
    description: '',
    unmappedResultCode: 0x80240022,
    clientApplicationId: 'AutomaticUpdates',
    serverSelection: 1,
    serviceId: '',
    supportUrl: '',
    categories: null,
  }));
  (fake as unknown as { wuaHistory: unknown }).wuaHistory = () => ({
    promise: Promise.resolve({ total: COUNT, entries }),
    abort: () => {},
  });
  const page = await createUpdateSession().history({ count: COUNT });
  expect(page.entries).toHaveLength(COUNT);
  expect(made).not.toHaveBeenCalled();
  const entry = page.entries[COUNT - 1]!;
  expect(entry.error).toMatchObject({ code: 'WU_E_ALL_UPDATES_FAILED', syscall: 'IUpdateHistoryEntry::get_HResult' });
  expect(entry.error).toBe(entry.error);
  expect(made).toHaveBeenCalledTimes(1);
});

test('download and install outcomes make their errors when read', async () => {
  const ids = Array.from({ length: 300 }, (_, i) => `${(0x10000000 + i).toString(16)}-0000-4000-8000-000000000000`);
  fake.updates = ids.map((id) => nativeUpdate(id));
  const failed = (list: string[]) => ({
    resultCode: 3,
    hresult: 0,
    abortRequested: false,
    rebootRequired: false,
    rebootRequiredBeforeInstallation: false,
    eulasAccepted: [],
    updates: list.map((id) => ({ id, resultCode: 4, hresult: 0x80246008, rebootRequired: false })),
  });
  fake.autoResult = failed;
  const session = createUpdateSession();
  const found = await session.search('IsInstalled=0');
  const downloaded = await session.download(found.updates);
  const installed = await session.install(found.updates);
  expect(made).not.toHaveBeenCalled();
  expect(Object.keys(installed.updates[5]!)).toEqual(['id', 'title', 'resultCode', 'hresult', 'error', 'rebootRequired']);
  expect(downloaded.updates[5]!.error).toMatchObject({ code: 'WU_E_DM_FAILTOCONNECTTOBITS' });
  expect(installed.updates[5]!.error).toMatchObject({ syscall: 'IUpdateInstallationResult::get_HResult' });
  expect(made).toHaveBeenCalledTimes(2);
});
