// Component queries against a scripted binding: INSTALLSTATE names, null paths where Windows
// writes none, registry key paths kept raw, contexts by name, the product located first when no
// context is given, and the checks before any native call.
import { UnknownProductError } from '../../../lib/errors';
import { getComponentPath, listComponentClients, listComponents } from '../../../lib/installer';
import { componentStateName } from '../../../lib/installer/components';
import { setNativeBinding } from '../../../lib/native/load';
import type { NativeBinding } from '../../../lib/native/binding';

const PRODUCT = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}';
const COMPONENT = '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B70}';
const SID = 'S-1-5-21-1-2-3-1001';
const calls: string[] = [];

function bind(binding: Partial<NativeBinding>) {
  setNativeBinding(binding);
}
afterEach(() => {
  setNativeBinding(undefined);
  calls.length = 0;
});

test('every INSTALLSTATE MsiGetComponentPathEx documents has its name; an undocumented one is unknown', () => {
  expect([-7, -4, -3, -2, -1, 0, 2, 3, 4].map(componentStateName)).toEqual([
    'notUsed',
    'sourceAbsent',
    'moreData',
    'invalidArgument',
    'unknown',
    'broken',
    'absent',
    'local',
    'source',
  ]);
  expect([1, 5, -6, 99].map(componentStateName)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
});

test('getComponentPath in the context given: the path as written, a registry key path raw, none as null', async () => {
  const answers = [
    { state: 3, path: 'C:\\Program Files\\App\\app.exe' },
    { state: 3, path: '02:\\SOFTWARE\\App\\Key' },
    { state: 2, path: '' },
    // The buffer of an unknown component holds nothing Windows defines: never shown.
    { state: -1, path: 'left over' },
  ];
  bind({
    async componentPath(productCode, componentCode, context, userSid) {
      calls.push(`${productCode} ${componentCode} ${context} ${userSid}`);
      return answers.shift() as { state: number; path: string };
    },
  });
  expect(await getComponentPath(PRODUCT, COMPONENT, { context: 'machine' })).toEqual({
    state: 'local',
    path: 'C:\\Program Files\\App\\app.exe',
  });
  expect(await getComponentPath(PRODUCT, COMPONENT, { context: 'userUnmanaged', userSid: SID })).toEqual({
    state: 'local',
    path: '02:\\SOFTWARE\\App\\Key',
  });
  expect(await getComponentPath(PRODUCT, COMPONENT, { context: 'userManaged' })).toEqual({ state: 'absent', path: null });
  expect(await getComponentPath(PRODUCT, COMPONENT, { context: 'machine' })).toEqual({ state: 'unknown', path: null });
  expect(calls).toEqual([
    `${PRODUCT} ${COMPONENT} 4 null`,
    `${PRODUCT} ${COMPONENT} 2 ${SID}`,
    `${PRODUCT} ${COMPONENT} 1 null`,
    `${PRODUCT} ${COMPONENT} 4 null`,
  ]);
});

test('getComponentPath without a context asks in the context the product is installed in', async () => {
  bind({
    async productInfo(productCode, properties, context, userSid) {
      calls.push(`productInfo ${productCode} ${context} ${userSid}`);
      return { productCode, context: 2, userSid: SID, values: [] };
    },
    async componentPath(productCode, componentCode, context, userSid) {
      calls.push(`componentPath ${context} ${userSid}`);
      return { state: 4, path: 'D:\\source\\app.exe' };
    },
  } as Partial<NativeBinding>);
  expect(await getComponentPath(PRODUCT, COMPONENT)).toEqual({ state: 'source', path: 'D:\\source\\app.exe' });
  expect(calls).toEqual([`productInfo ${PRODUCT} 0 null`, `componentPath 2 ${SID}`]);
});

test('getComponentPath of a product that is not installed rejects with UnknownProductError', async () => {
  bind({
    productInfo: () =>
      Promise.reject(
        Object.assign(new Error('MsiEnumProductsExW failed'), { nativeFailure: true, hresult: 0x80070645, syscall: 'MsiEnumProductsExW' }),
      ),
    componentPath: () => Promise.reject(new Error('not reached')),
  });
  await expect(getComponentPath(PRODUCT, COMPONENT)).rejects.toBeInstanceOf(UnknownProductError);
});

test('the checks run before any native call', async () => {
  bind({
    componentPath: () => Promise.reject(new Error('native call')),
    componentClients: () => Promise.reject(new Error('native call')),
    components: () => Promise.reject(new Error('native call')),
  });
  await expect(getComponentPath(PRODUCT, 'app.exe')).rejects.toThrow(/"componentCode" argument must be a braced GUID/);
  await expect(getComponentPath(PRODUCT, COMPONENT, { context: 'machine', userSid: SID })).rejects.toThrow(
    /"options\.userSid" option cannot be combined with context 'machine'/,
  );
  await expect(getComponentPath(PRODUCT, COMPONENT, { context: 'perUser' as never })).rejects.toThrow(/"options\.context" option must be/);
  await expect(listComponentClients(`${COMPONENT}\0`)).rejects.toThrow(/"componentCode" argument must be a braced GUID/);
  await expect(listComponents({ userSid: 'S-1-5-21-1-2-3-1001\0' })).rejects.toThrow(/"options\.userSid" option must be a SID string/);
});

test('listComponentClients and listComponents name the contexts and pass the filter on', async () => {
  bind({
    async componentClients(componentCode, userSid, contexts) {
      calls.push(`clients ${componentCode} ${userSid} ${contexts}`);
      return [
        { productCode: PRODUCT, context: 4, userSid: null },
        { productCode: '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B01}', context: 2, userSid: SID },
      ];
    },
    async components(userSid, contexts) {
      calls.push(`components ${userSid} ${contexts}`);
      return [{ componentCode: COMPONENT, context: 1, userSid: SID }];
    },
  });
  expect(await listComponentClients(COMPONENT)).toEqual([
    { productCode: PRODUCT, context: 'machine', userSid: null },
    { productCode: '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B01}', context: 'userUnmanaged', userSid: SID },
  ]);
  expect(await listComponents({ context: 'userManaged', userSid: 'S-1-1-0' })).toEqual([
    { componentCode: COMPONENT, context: 'userManaged', userSid: SID },
  ]);
  expect(calls).toEqual([`clients ${COMPONENT} null 7`, 'components S-1-1-0 1']);
});

test('a context Windows Installer does not document is an error, not a guess', async () => {
  bind({ components: async () => [{ componentCode: COMPONENT, context: 8, userSid: null }] });
  await expect(listComponents()).rejects.toThrow(/unknown install context 8/);
});

test('tens of thousands of components are named in slices: the event loop turns before listComponents settles', async () => {
  const records = Array.from({ length: 20_000 }, (_, i) => ({
    componentCode: `{6A3F0C11-2B7D-4E58-9C1A-${i.toString(16).toUpperCase().padStart(12, '0')}}`,
    context: 4,
    userSid: null,
  }));
  bind({ components: async () => records });
  const order: string[] = [];
  const listed = listComponents().then((list) => {
    order.push('listed');
    return list;
  });
  // Queued once the native call has answered (a resolved promise): in one turn the
  // list would settle first.
  await Promise.resolve();
  setImmediate(() => order.push('turn'));
  const list = await listed;
  expect(order).toEqual(['turn', 'listed']);
  expect(list).toHaveLength(20_000);
  expect(list[19_999]).toEqual({ componentCode: records[19_999]!.componentCode, context: 'machine', userSid: null });
});
