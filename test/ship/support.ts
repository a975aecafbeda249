// Shared by the ship tests: the artifacts scripts/ship-tier.js built, objdump, and an
// asynchronous Wine runner (two instances at once need it). Windows node.exe under Wine
// cannot write to a pipe, so output goes to files.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const wine = require('../../scripts/wine-env') as {
  nodeExe: string;
  root: string;
  wineEnv: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
  toWindowsPath: (p: string) => string;
};

export const REPO_ROOT = wine.root;
export const WINDOWS_NODE = wine.nodeExe;
export const toWindowsPath = wine.toWindowsPath;

/** A path the ship tier exported; a missing one fails the test that needs it (never a skip). */
export function artifact(variable: 'MSI_LUA_SHIP_APP' | 'MSI_LUA_SHIP_TARBALL' | 'MSI_LUA_SEA_EXE'): string {
  const value = process.env[variable];
  if (!value || !fs.existsSync(value)) throw new Error(`${variable} is not set or missing: run the ship tier (node scripts/ship-tier.js)`);
  return value;
}

export function objdump(triple: 'x86_64-w64-mingw32' | 'i686-w64-mingw32', file: string, flag = '-p'): string {
  const r = spawnSync(`${triple}-objdump`, [flag, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${triple}-objdump ${flag} ${file}: ${r.stderr}`);
  return r.stdout;
}

export interface WineRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let counter = 0;

/** Runs a Windows program under Wine without blocking the event loop. */
export function runWine(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<WineRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `msi-lua-ship-wine-${process.pid}-${counter++}-`));
  const outFile = path.join(dir, 'stdout');
  const errFile = path.join(dir, 'stderr');
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  const started = Date.now();
  return new Promise<WineRun>((resolve, reject) => {
    const child = spawn('wine', args, { cwd: options.cwd ?? REPO_ROOT, env: wine.wineEnv(options.env ?? {}), stdio: ['ignore', out, err] });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    const finish = (status: number | null, error?: Error): void => {
      clearTimeout(timer);
      fs.closeSync(out);
      fs.closeSync(err);
      const result = {
        status,
        stdout: fs.readFileSync(outFile, 'utf8'),
        stderr: fs.readFileSync(errFile, 'utf8'),
        ms: Date.now() - started,
      };
      fs.rmSync(dir, { recursive: true, force: true });
      if (error) reject(error);
      else resolve(result);
    };
    child.once('error', (error) => finish(null, error));
    child.once('exit', (code) => finish(code));
  });
}
