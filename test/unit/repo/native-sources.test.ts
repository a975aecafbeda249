// binding.gyp (node-gyp, the install-time fallback on Windows) and CMakeLists.txt (cmake-js,
// the cross-build and the prebuild) must compile the same native sources: every native/*.cc
// is in both lists, except the delay-load hook that only the CMake build needs (node-gyp
// links its own, win_delay_load_hook.cc).
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const CMAKE_ONLY = new Set(['native/delay_load_hook.cc']);

function gypSources(): string[] {
  const gyp = JSON.parse(fs.readFileSync(path.join(ROOT, 'binding.gyp'), 'utf8')) as {
    targets: { target_name: string; sources?: string[]; conditions?: [string, { sources?: string[] }][] }[];
  };
  const target = gyp.targets.find((t) => t.target_name === 'msi_lua');
  if (!target) throw new Error('binding.gyp has no msi_lua target');
  return [...(target.sources ?? []), ...(target.conditions ?? []).flatMap(([, c]) => c.sources ?? [])];
}

function cmakeSources(): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8').replace(/#.*$/gm, '');
  const list = /set\(\s*MSI_LUA_SOURCES\s+([^)]*)\)/.exec(text);
  if (!list) throw new Error('CMakeLists.txt has no set(MSI_LUA_SOURCES ...)');
  return list[1].split(/\s+/).filter(Boolean);
}

describe('native source lists', () => {
  it('binding.gyp and CMakeLists.txt list the same sources', () => {
    expect([...gypSources()].sort()).toEqual([...cmakeSources()].sort());
  });

  it('every native/*.cc is built', () => {
    const onDisk = fs
      .readdirSync(path.join(ROOT, 'native'))
      .filter((f) => f.endsWith('.cc'))
      .map((f) => `native/${f}`)
      .filter((f) => !CMAKE_ONLY.has(f));
    expect(onDisk.length).toBeGreaterThan(5);
    expect([...cmakeSources()].sort()).toEqual(onDisk.sort());
  });

  it('the CMake-only delay-load hook is added by CMakeLists.txt', () => {
    const text = fs.readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8');
    for (const file of CMAKE_ONLY) expect(text).toContain(file);
  });
});
