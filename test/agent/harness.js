'use strict';
// Test-side helpers for the scripted update agent (runs inside Windows node: the Wine tier,
// or Windows). It decides which wuapi the process's COM loads, writes scenarios and reads
// what the agent recorded.
//
// How the agent replaces wuapi.dll: Wine 8 does not merge HKCU\Software\Classes into
// HKCR, so per-user registration is not seen. Instead the Wine prefix's registration of
// CLSID_UpdateSession and CLSID_UpdateCollection points at REG_EXPAND_SZ
// "%MSI_LUA_WUAPI_DLL%", and the machine environment defaults MSI_LUA_WUAPI_DLL to Wine's
// own C:\windows\system32\wuapi.dll. combase expands the value at each CoCreateInstance
// with the process's environment, so a test picks the agent or Wine's stub per process
// (and per test file) by setting MSI_LUA_WUAPI_DLL in its environment. The registration is
// idempotent and leaves every other process on Wine's stub.
// On Windows (not Wine) HKCU classes do override HKLM: useAgent() registers the agent for
// the current user and removes it when the process exits.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const AGENT_DLL = path.join(root, '.cache', 'agent', 'wua-agent.dll');
// UpdateSession, UpdateCollection, WindowsUpdateAgentInfo, SystemInformation,
// UpdateServiceManager, AutomaticUpdates.
const CLSIDS = [
  '{4CB43D7F-7EEE-4906-8698-60DA1C38F2FE}',
  '{13639463-00DB-4646-803D-528026140D88}',
  '{C2E88C2F-6F5B-4AAA-894B-55C847AD3A2D}',
  '{C01B9BA0-BEA7-41BA-B604-D0A36F469133}',
  '{F8D253D9-89A4-4DAA-87B6-1168369F0B21}',
  '{BFE18E9C-6D87-4450-B37C-E02F0B373803}',
];
const ENV_VAR = 'MSI_LUA_WUAPI_DLL';
const WINE_STUB = 'C:\\windows\\system32\\wuapi.dll';
const MACHINE_ENV_KEY = 'HKLM\\System\\CurrentControlSet\\Control\\Session Manager\\Environment';

// combase and the agent DLL read the process's real environment block. Jest gives each test
// file its own copy of process.env, whose writes never reach it; a function made by the
// main realm's Function constructor (from a core module, which jest does not sandbox) sees
// the real process object, whose env setter calls SetEnvironmentVariableW.
const realProcess = (() => {
  try {
    const MainRealmFunction = require('node:util').inspect.constructor;
    const candidate = new MainRealmFunction('return process')();
    return candidate && candidate.env ? candidate : process;
  } catch {
    return process;
  }
})();

function setEnv(name, value) {
  realProcess.env[name] = value;
  process.env[name] = value;
}

function isWindows() {
  return process.platform === 'win32';
}

function isWine() {
  return isWindows() && fs.existsSync(path.join(process.env.windir || 'C:\\windows', 'system32', 'winecfg.exe'));
}

function agentBuilt() {
  return fs.existsSync(AGENT_DLL);
}

function reg(args, { check = true } = {}) {
  const r = spawnSync('reg', args, { encoding: 'utf8', windowsHide: true });
  if (check && r.status !== 0) {
    throw new Error(`reg ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout || '').trim()}`);
  }
  return r;
}

function queryDefault(key) {
  const r = reg(['query', key, '/ve'], { check: false });
  if (r.status !== 0) return null;
  const m = /\(Default\)\s+(REG_\w+)\s+(.*)$/m.exec(r.stdout);
  return m ? { type: m[1], data: m[2].trim() } : null;
}

let wineRegistered = false;

/** Wine: points the two CLSIDs at %MSI_LUA_WUAPI_DLL% (once; idempotent). */
function registerForWine() {
  if (wineRegistered) return;
  for (const clsid of CLSIDS) {
    const key = `HKLM\\Software\\Classes\\CLSID\\${clsid}\\InprocServer32`;
    const current = queryDefault(key);
    if (!current || current.type !== 'REG_EXPAND_SZ' || current.data !== `%${ENV_VAR}%`) {
      reg(['add', key, '/ve', '/t', 'REG_EXPAND_SZ', '/d', `%${ENV_VAR}%`, '/f']);
      reg(['add', key, '/v', 'ThreadingModel', '/t', 'REG_SZ', '/d', 'Both', '/f']);
    }
  }
  const env = reg(['query', MACHINE_ENV_KEY, '/v', ENV_VAR], { check: false });
  if (env.status !== 0) reg(['add', MACHINE_ENV_KEY, '/v', ENV_VAR, '/t', 'REG_SZ', '/d', WINE_STUB, '/f']);
  wineRegistered = true;
}

let userRegistered = false;

function registerForWindowsUser() {
  if (userRegistered) return;
  for (const clsid of CLSIDS) {
    const key = `HKCU\\Software\\Classes\\CLSID\\${clsid}\\InprocServer32`;
    reg(['add', key, '/ve', '/t', 'REG_SZ', '/d', AGENT_DLL, '/f']);
    reg(['add', key, '/v', 'ThreadingModel', '/t', 'REG_SZ', '/d', 'Both', '/f']);
  }
  userRegistered = true;
  process.once('exit', () => {
    for (const clsid of CLSIDS) reg(['delete', `HKCU\\Software\\Classes\\CLSID\\${clsid}`, '/f'], { check: false });
  });
}

/** Makes this process's COM load the scripted agent for CLSID_UpdateSession / CLSID_UpdateCollection. */
function useAgent() {
  if (!agentBuilt()) throw new Error(`the scripted update agent is not built: run \`node test/agent/build.js\` on Linux (${AGENT_DLL})`);
  if (isWine()) {
    registerForWine();
    setEnv(ENV_VAR, AGENT_DLL);
  } else {
    // The per-user registration names the DLL itself: nothing reads MSI_LUA_WUAPI_DLL here.
    registerForWindowsUser();
  }
}

/** Wine only: makes this process's COM load Wine's own wuapi.dll (a stub). */
function useWineStub() {
  if (!isWine()) throw new Error('useWineStub() needs Wine');
  registerForWine();
  setEnv(ENV_VAR, WINE_STUB);
}

let counter = 0;
const tempFiles = new Set();
function tempFile(prefix, ext) {
  counter += 1;
  const file = path.join(os.tmpdir(), `msi-lua-${prefix}-${process.pid}-${Date.now()}-${counter}.${ext}`);
  tempFiles.add(file);
  return file;
}

/** Removes the scenario and record files this module made. */
function removeTempFiles() {
  for (const file of tempFiles) {
    fs.rmSync(file, { force: true });
    tempFiles.delete(file);
  }
}
// Jest test files import the harness at their top level, where a hook may be added: the
// files go when the test file ends, pass or fail. Elsewhere (bench/wua.js), at exit.
if (typeof afterAll === 'function') afterAll(removeTempFiles);
else process.once('exit', removeTempFiles);

/** Writes a scenario for the agent; sessions created after this call use it. */
function useScenario(scenario) {
  const file = tempFile('scenario', 'json');
  fs.writeFileSync(file, JSON.stringify(scenario));
  setEnv('MSI_LUA_AGENT_SCENARIO', file);
  return file;
}

function readEvents(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/**
 * Starts a fresh record file for the agent; returns a reader. `releases: false` leaves out
 * the line per released object (allReleased is still recorded).
 */
function startRecord({ releases = true } = {}) {
  const file = tempFile('record', 'jsonl');
  setEnv('MSI_LUA_AGENT_RECORD', file);
  setEnv('MSI_LUA_AGENT_RECORD_RELEASES', releases ? '1' : '0');
  return {
    file,
    events: () => readEvents(file),
    named: (name) => readEvents(file).filter((e) => e.event === name),
    /** The agent's live object count after its last recorded event (null before any). */
    live: () => {
      const events = readEvents(file);
      return events.length ? events[events.length - 1].live : null;
    },
    /**
     * Waits until the agent has recorded `predicate` true. The agent's worker threads
     * release their last reference just after the completed callback returns, so "all
     * released" is observed shortly after a job settles, not at the same instant.
     */
    async waitFor(predicate, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const events = readEvents(file);
        if (predicate(events)) return events;
        if (Date.now() > end) return events;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

module.exports = { AGENT_DLL, isWindows, isWine, agentBuilt, useAgent, useWineStub, useScenario, startRecord, readEvents };
