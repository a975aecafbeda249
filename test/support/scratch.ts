// Temporary directories for tests and fixture builders, removed when the test file ends
// (pass or fail: jest runs test/support/jest-cleanup.ts's afterAll either way) or, outside
// jest (scripts/fixtures.js builds fixtures for the Wine tier in-process), when the process
// exits — after the native suite that reads them has run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made = new Set<string>();
let exitHookAdded = false;

/** A fresh directory `<os.tmpdir()>/msi-lua-<label>-XXXXXX`, removed for you (see above). */
export function scratchDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `msi-lua-${label}-`));
  made.add(dir);
  if (!exitHookAdded && process.env.JEST_WORKER_ID === undefined) {
    exitHookAdded = true;
    process.once('exit', removeScratchDirs);
  }
  return dir;
}

/** Removes every directory scratchDir made in this module instance. */
export function removeScratchDirs(): void {
  for (const dir of made) {
    fs.rmSync(dir, { recursive: true, force: true });
    made.delete(dir);
  }
}
