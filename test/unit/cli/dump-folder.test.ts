// `msi-lua dump <file> <folder>` creates its folder without Node's recursive mkdir, which
// never settles (100% CPU) for a folder under /proc or /sys on Linux, where the parent
// exists but answers ENOENT for every child.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeFolder } from '../../../lib/cli/commands/dump';
import { scratchDir } from '../../support/package-fixtures';

describe('dump folder creation', () => {
  test('creates every missing level and accepts an existing folder', async () => {
    const base = scratchDir('dump-folder');
    const target = path.join(base, 'a', 'b', '_Streams');
    await makeFolder(target);
    expect(fs.statSync(target).isDirectory()).toBe(true);
    await expect(makeFolder(target)).resolves.toBeUndefined();
  });

  test('a regular file in the way is ENOTDIR', async () => {
    const base = scratchDir('dump-folder');
    fs.writeFileSync(path.join(base, 'file'), '');
    await expect(makeFolder(path.join(base, 'file'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(makeFolder(path.join(base, 'file', '_Streams'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  (fs.existsSync('/proc/self') ? test : test.skip)(
    'a folder under /proc rejects with ENOENT instead of spinning',
    async () => {
      const started = Date.now();
      await expect(makeFolder('/proc/msi-lua-no-such-folder/out/_Streams')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(Date.now() - started).toBeLessThan(5000);
    },
    10000,
  );
});
