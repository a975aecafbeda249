// examples/electron type-checks against the packed msi-lua tarball and Electron's own
// types. `--ignore-scripts`: Electron's postinstall downloads its binary from a host these
// machines cannot reach; its types ship in the npm package itself.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { artifact, REPO_ROOT } from './support';

jest.setTimeout(600_000);

test('examples/electron type-checks (tsc --noEmit, strict)', () => {
  const tarball = artifact('MSI_LUA_SHIP_TARBALL');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-electron-example-'));
  try {
    const source = path.join(REPO_ROOT, 'examples', 'electron');
    for (const entry of ['package.json', 'tsconfig.json', 'index.html', 'src']) {
      fs.cpSync(path.join(source, entry), path.join(work, entry), { recursive: true });
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(work, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies['msi-lua'] = `file:${tarball}`;
    fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify(manifest, null, 2));
    const install = spawnSync('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect({ status: install.status, stderr: install.status === 0 ? '' : install.stderr }).toEqual({ status: 0, stderr: '' });
    expect(fs.existsSync(path.join(work, 'node_modules', 'electron', 'electron.d.ts'))).toBe(true);
    const tsc = spawnSync(
      process.execPath,
      [path.join(work, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'],
      { cwd: work, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
