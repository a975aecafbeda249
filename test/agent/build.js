#!/usr/bin/env node
'use strict';
// Builds the scripted update agent (a COM in-process server standing in for wuapi.dll in
// the Wine tier) with mingw-w64 (Linux), or with MSVC on Windows (the Windows workflow),
// into .cache/agent/wua-agent.dll. Test code only: it is never shipped. Rebuilds only when a source is newer than the DLL.
//   node test/agent/build.js [--force]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, '.cache', 'agent');
const dll = path.join(outDir, 'wua-agent.dll');
const sources = ['agent_core.cc', 'agent_objects.cc', 'agent_jobs.cc', 'agent_system.cc'].map((f) => path.join(__dirname, f));
const headers = ['agent.h', 'agent_worker.h', 'mini_json.h']
  .map((f) => path.join(__dirname, f))
  .concat(['wua_sdk.h', 'com_object.h'].map((f) => path.join(root, 'native', f)));
const compiler = process.env.MINGW_CXX || 'x86_64-w64-mingw32-g++-posix';

function upToDate() {
  if (process.argv.includes('--force') || !fs.existsSync(dll)) return false;
  const built = fs.statSync(dll).mtimeMs;
  return [...sources, ...headers, __filename].every((f) => fs.statSync(f).mtimeMs <= built);
}

// On Windows with MSVC (a Developer Command Prompt, or ilammy/msvc-dev-cmd in CI): the same
// sources with cl.exe; the .def file exports the two COM entry points undecorated.
function buildMsvc(tmp) {
  const def = path.join(outDir, 'wua-agent.def');
  fs.writeFileSync(def, 'LIBRARY wua-agent\r\nEXPORTS\r\n  DllGetClassObject PRIVATE\r\n  DllCanUnloadNow PRIVATE\r\n');
  const args = [
    '/nologo',
    '/std:c++17',
    '/EHsc',
    '/O1',
    '/LD',
    '/W3',
    '/DUNICODE',
    '/D_UNICODE',
    '/D_WIN32_WINNT=0x0601',
    `/Fo${outDir}\\`,
    ...sources,
    `/Fe${tmp}`,
    '/link',
    `/DEF:${def}`,
    'ole32.lib',
    'oleaut32.lib',
    'uuid.lib',
  ];
  const result = spawnSync('cl.exe', args, { stdio: 'inherit' });
  if (result.error) throw new Error(`agent: cannot run cl.exe: ${result.error.message} (run from a Visual Studio developer environment)`);
  if (result.status !== 0) throw new Error(`agent: cl.exe exited with ${result.status}`);
}

function build() {
  if (upToDate()) {
    console.log(`agent: ${path.relative(root, dll)} is up to date`);
    return dll;
  }
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${dll}.${process.pid}.tmp`;
  if (process.platform === 'win32' && !process.env.MINGW_CXX) {
    buildMsvc(`${tmp}.dll`);
    fs.renameSync(`${tmp}.dll`, dll);
    console.log(`agent: built ${path.relative(root, dll)} with MSVC`);
    return dll;
  }
  const args = [
    '-std=c++17',
    '-O1',
    '-shared',
    '-DUNICODE',
    '-D_UNICODE',
    '-D_WIN32_WINNT=0x0601',
    '-Wall',
    '-Wextra',
    '-Wno-unused-parameter',
    ...sources,
    '-o',
    tmp,
    '-static',
    '-static-libgcc',
    '-static-libstdc++',
    '-lole32',
    '-loleaut32',
    '-luuid',
  ];
  const result = spawnSync(compiler, args, { stdio: 'inherit' });
  if (result.error) throw new Error(`agent: cannot run ${compiler}: ${result.error.message} (install g++-mingw-w64-x86-64-posix)`);
  if (result.status !== 0) throw new Error(`agent: ${compiler} exited with ${result.status}`);
  fs.renameSync(tmp, dll); // atomic: a concurrent test run never loads a half-written DLL
  console.log(`agent: built ${path.relative(root, dll)}`);
  return dll;
}

module.exports = { build, dll };

if (require.main === module) {
  try {
    build();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
