// Large results are shaped in slices of the shared scheduler (lib/package/scheduler.ts
// mapInSlices), so a call on large input gives the event loop back before it settles: a
// setImmediate callback queued when the call starts runs first. Without the slices, shaping
// ran in the microtasks that follow the native answer, before any other callback.
import { listProducts, PRODUCT_PROPERTIES } from '../../../lib/products';
import { setNativeBinding } from '../../../lib/native/load';
import { mapInSlices, MAP_INLINE_MAX } from '../../../lib/package/scheduler';
import { createUpdateSession } from '../../../lib/wua';
import { FakeWua, nativeUpdate } from '../../support/wua-fake-binding';

afterEach(() => setNativeBinding(undefined));

/** Whether a setImmediate callback queued as `call` starts runs before its promise settles. */
async function yieldsBeforeSettling(call: () => Promise<unknown>): Promise<boolean> {
  let turned = false;
  setImmediate(() => (turned = true));
  await call();
  return turned;
}

const id = (i: number) => `${(0x10000000 + i).toString(16)}-0000-4000-8000-000000000000`;

test('listProducts with 2,000 products gives the loop back before it settles, with every product shaped', async () => {
  const properties = [...PRODUCT_PROPERTIES];
  const records = Array.from({ length: 2000 }, (_, i) => ({
    productCode: `{${id(i).toUpperCase()}}`,
    context: 4,
    userSid: null,
    values: properties.map((p) => ({ status: 0, value: `${p} ${i}` })),
  }));
  setNativeBinding({ enumProducts: async () => records });
  let products: Awaited<ReturnType<typeof listProducts>> = [];
  expect(await yieldsBeforeSettling(async () => (products = await listProducts({ properties })))).toBe(true);
  expect(products).toHaveLength(2000);
  expect(products[1999]).toEqual({
    productCode: `{${id(1999).toUpperCase()}}`,
    context: 'machine',
    userSid: null,
    properties: Object.fromEntries(properties.map((p) => [p, `${p} 1999`])),
  });
});

test('a search with 5,000 updates and a 10,000-entry history page give the loop back before they settle', async () => {
  const fake = new FakeWua();
  fake.updates = Array.from({ length: 5000 }, (_, i) => nativeUpdate(id(i)));
  const entries = Array.from({ length: 10_000 }, (_, i) => ({
    operation: 2,
    resultCode: 2,
    hresult: 0,
    date: 0,
    updateId: id(i),
    revision: 1,
    title: `update ${i}`,
    description: '',
    unmappedResultCode: 0,
    clientApplicationId: '',
    serverSelection: 0,
    serviceId: '',
    supportUrl: '',
    categories: null,
  }));
  (fake as unknown as { wuaHistory: unknown }).wuaHistory = () => ({
    promise: Promise.resolve({ total: 10_000, entries }),
    abort: () => {},
  });
  setNativeBinding(fake as never);
  const session = createUpdateSession();
  let found = 0;
  expect(await yieldsBeforeSettling(async () => (found = (await session.search('IsInstalled=0')).updates.length))).toBe(true);
  expect(found).toBe(5000);
  let last: unknown;
  expect(await yieldsBeforeSettling(async () => (last = (await session.history({ count: 10_000 })).entries[9999]))).toBe(true);
  expect(last).toMatchObject({ operation: 'uninstallation', updateId: id(9999), date: null });
});

test('mapInSlices maps small arrays at once and large ones in order, stopping at the first throw', async () => {
  const small = Array.from({ length: MAP_INLINE_MAX }, (_, i) => i);
  expect(await yieldsBeforeSettling(async () => expect(await mapInSlices(small, (x) => x * 2)).toEqual(small.map((x) => x * 2)))).toBe(
    false,
  );
  const large = Array.from({ length: 50_000 }, (_, i) => i);
  expect(await mapInSlices(large, (x, i) => x + i)).toEqual(large.map((x) => 2 * x));
  const seen: number[] = [];
  const failing = mapInSlices(large, (x) => {
    seen.push(x);
    if (x === 30_000) throw new RangeError('item 30000');
    return x;
  });
  await expect(failing).rejects.toThrow('item 30000');
  expect(seen).toHaveLength(30_001);
});
