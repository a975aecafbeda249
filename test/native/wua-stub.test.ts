// Against Wine's own wuapi.dll: a stub whose Search/Download/Install return E_NOTIMPL.
import { NotImplementedError } from '../../lib/errors';
import { createUpdateSession } from '../../lib/wua';
import * as agent from '../agent/harness';

jest.setTimeout(60_000);

const describeWine = agent.isWine() ? describe : describe.skip;

describeWine("Wine's stub wuapi.dll", () => {
  beforeAll(() => {
    agent.useWineStub();
  });

  test('search rejects with NotImplementedError from IUpdateSearcher::BeginSearch', async () => {
    const session = createUpdateSession({ clientApplicationId: 'msi-lua stub test' });
    try {
      const error = await session.search('IsInstalled=0').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotImplementedError);
      expect(error).toMatchObject({ code: 'E_NOTIMPL', hresult: 0x80004001, syscall: 'IUpdateSearcher::BeginSearch' });
    } finally {
      await session.close();
    }
  });
});
