// Every registered command over the same matrix of bad inputs: each ends with its documented
// exit code and one line on stderr (no stack), and under --json with one error object on
// stdout. Exit 70 means a bug in msi-lua, so no cell may produce it.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ExitCode, listCommands } from '../../../lib/cli/main';
import { LuaExitCode } from '../../../lib/cli/exit-codes';
import { buildLuaFixtures, type LuaFixtures } from '../../support/lua-fixtures';
import { cli } from '../../support/run-cli';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'msi-lua.js');
const PRODUCT = '{5D1C2A57-7E0B-4C4B-9B0E-2F6A1D3C4E51}';

let fx: LuaFixtures;
let scratch: string;
const input: Record<string, string> = {};

beforeAll(async () => {
  fx = await buildLuaFixtures();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-cli-matrix-'));
  input.missing = path.join(scratch, 'missing.msi');
  input.directory = path.join(scratch, 'a-directory.msi');
  fs.mkdirSync(input.directory);
  input.fifo = path.join(scratch, 'fifo.msi');
  const mkfifo = spawnSync('mkfifo', [input.fifo]);
  if (mkfifo.status !== 0) throw new Error(`mkfifo failed: ${mkfifo.stderr}`);
  input.devZero = path.join(scratch, 'zero.msi');
  fs.symlinkSync('/dev/zero', input.devZero);
  // Sparse: 2 GiB + 1 byte of holes, no disk used.
  input.huge = path.join(scratch, 'huge.msi');
  const fd = fs.openSync(input.huge, 'w');
  fs.ftruncateSync(fd, 2 ** 31 + 1);
  fs.closeSync(fd);
  input.unreadable = path.join(scratch, 'unreadable.msi');
  fs.copyFileSync(fx.ready, input.unreadable);
  fs.chmodSync(input.unreadable, 0o000);
  fs.chmodSync(scratch, 0o755);
});
afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** The command line that hands `file` to a command where it reads a file. */
function withFile(command: string, file: string): string[] {
  switch (command) {
    case 'export':
      return ['export', file, 'Property'];
    case 'lua-status':
      return ['lua-status', PRODUCT, '--patch', file];
    default: {
      // A command registered later: its first positional is the file, the others placeholders.
      const spec = listCommands().find((c) => c.name === command);
      const [min] = spec?.positionals ?? [1, 1];
      return [command, file, ...Array.from({ length: Math.max(0, min - 1) }, () => 'Property')];
    }
  }
}

function takesJson(command: string): boolean {
  return (
    listCommands()
      .find((c) => c.name === command)
      ?.options.some((o) => o.name === 'json') ?? false
  );
}

function expectOneLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('internal error');
}

const commands = (): string[] =>
  listCommands()
    .map((c) => c.name)
    .filter((name) => !name.startsWith('test-'));

test('the matrix covers every registered command', () => {
  expect(commands()).toEqual(expect.arrayContaining(['info', 'tables', 'export', 'signature', 'lua-check', 'lua-status']));
});

const FILE_CELLS: Array<[string, string, RegExp, string]> = [
  ['missing file', 'missing', /cannot read .*missing\.msi: no such file/, 'ENOENT'],
  ['directory', 'directory', /cannot read .*a-directory\.msi: is a directory/, 'EISDIR'],
  ['FIFO', 'fifo', /cannot read .*fifo\.msi: not a regular file/, 'ERR_NOT_REGULAR_FILE'],
  ['symlink to /dev/zero', 'devZero', /cannot read .*zero\.msi: not a regular file/, 'ERR_NOT_REGULAR_FILE'],
];

describe.each(['info', 'tables', 'export', 'signature', 'lua-check', 'lua-status'])('%s', (command) => {
  test.each(FILE_CELLS)('%s: exit 3, one line, and under --json one error object with the code', async (_label, key, message, code) => {
    const run = await cli(...withFile(command, input[key] as string));
    expect(run.code).toBe(ExitCode.CANNOT_READ);
    expectOneLine(run.stderr);
    expect(run.stderr).toMatch(message);
    if (!takesJson(command)) return;
    const json = await cli(...withFile(command, input[key] as string), '--json');
    expect(json.code).toBe(ExitCode.CANNOT_READ);
    expect(JSON.parse(json.text)).toEqual({
      error: expect.objectContaining({
        name: 'CannotReadError',
        code,
        hresult: null,
        message: expect.stringMatching(message),
        exitCode: 3,
      }),
    });
  });

  // Files over 2 GiB are read on demand like any other: this one is all zeros, so it is refused
  // as not a package (no signature), having read only its header.
  if (command !== 'lua-status') {
    test('file over 2 GiB of zeros: exit 1 (not a package), one line naming the file', async () => {
      const run = await cli(...withFile(command, input.huge as string));
      expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
      expectOneLine(run.stderr);
      expect(run.stderr).toMatch(/huge\.msi/);
    });
  }

  test('unknown option: exit 2, one line (and JSON under --json)', async () => {
    const run = await cli(...withFile(command, fx.ready), '--no-such-option');
    expect(run.code).toBe(ExitCode.USAGE);
    expectOneLine(run.stderr);
    expect(run.stderr).toMatch(/unknown option --no-such-option/);
    if (!takesJson(command)) return;
    const json = await cli(...withFile(command, fx.ready), '--no-such-option', '--json');
    expect(json.code).toBe(ExitCode.USAGE);
    expect(JSON.parse(json.text).error).toMatchObject({ name: 'UsageError', code: 'ERR_USAGE', exitCode: 2 });
  });

  test('missing argument: exit 2, one line', async () => {
    const run = await cli(command);
    expect(run.code).toBe(ExitCode.USAGE);
    expectOneLine(run.stderr);
    expect(run.stderr).toMatch(/missing argument/);
  });

  test('a malformed product code: exit 2 where the command takes one, else a missing file (3)', async () => {
    const argv = command === 'lua-status' ? ['lua-status', '{bad}'] : withFile(command, '{bad}');
    const run = await cli(...argv);
    expect(run.code).toBe(command === 'lua-status' ? ExitCode.USAGE : ExitCode.CANNOT_READ);
    expectOneLine(run.stderr);
    if (command === 'lua-status') expect(run.stderr).toMatch(/braced GUID.*"\{bad\}"/);
  });
});

test('a command registered later gets the same file checks', async () => {
  for (const command of commands().filter((c) => !['info', 'tables', 'export', 'signature', 'lua-check', 'lua-status'].includes(c))) {
    for (const [, key] of FILE_CELLS) {
      const run = await cli(...withFile(command, input[key] as string));
      expect(run.code).not.toBe(ExitCode.INTERNAL);
      expectOneLine(run.stderr);
    }
  }
});

// ---------------------------------------------------------------- the real process

function distReady(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('dist/cli/main.js is missing: run `npm run build` before the unit suite');
}

function runBin(argv: string[], options: { stdout?: number | 'pipe'; uid?: number; gid?: number } = {}) {
  return spawnSync(process.execPath, [BIN, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    timeout: 60_000,
  });
}

describe('output that cannot be written', () => {
  test.each(['info', 'tables', 'export', 'signature', 'lua-check', 'lua-status'])(
    '%s > /dev/full: exit 74 and one line, no uncaught exception',
    (command) => {
      distReady();
      // lua-status off Windows writes only its error; --json puts that on stdout.
      const argv = command === 'lua-status' ? ['lua-status', PRODUCT, '--json'] : withFile(command, fx.ready);
      const full = fs.openSync('/dev/full', 'w');
      try {
        const result = runBin(argv, { stdout: full });
        expect(result.status).toBe(ExitCode.OUTPUT_ERROR);
        expect(result.stderr).not.toMatch(/Unhandled|^\s+at /m);
        expect(result.stderr).toMatch(/^msi-lua: cannot write the output: no space left on device$/m);
      } finally {
        fs.closeSync(full);
      }
    },
  );

  test('a closed pipe (EPIPE): exit 74, nothing on stderr', async () => {
    distReady();
    const child = spawn(process.execPath, [BIN, 'export', fx.ready, '_Columns'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the first byte, as `| head -c0` would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(status).toBe(ExitCode.OUTPUT_ERROR);
    expect(stderr).toBe('');
  });
});

describe('unreadable file (EACCES)', () => {
  test.each(['info', 'tables', 'export', 'signature', 'lua-check', 'lua-status'])('%s: exit 3, one line, code EACCES', async (command) => {
    const argv = withFile(command, input.unreadable as string);
    if (process.getuid?.() === 0) {
      // Root reads any file, so the cell runs the tool as the unprivileged user nobody.
      distReady();
      const probe = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', path.join(ROOT, 'dist', 'cli', 'main.js')], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
      });
      if (probe.status !== 0) {
        console.log(`skipped the EACCES cell for ${command}: user nobody cannot load dist/ from ${ROOT} (${probe.stderr.split('\n')[0]})`);
        return;
      }
      const result = runBin([...argv, ...(takesJson(command) ? ['--json'] : [])], { uid: 65534, gid: 65534 });
      expect(result.status).toBe(ExitCode.CANNOT_READ);
      expectOneLine(result.stderr);
      expect(result.stderr).toMatch(/cannot read .*unreadable\.msi: permission denied/);
      if (takesJson(command)) expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'EACCES', exitCode: 3 });
    } else {
      const run = await cli(...argv);
      expect(run.code).toBe(ExitCode.CANNOT_READ);
      expectOneLine(run.stderr);
      expect(run.stderr).toMatch(/permission denied/);
    }
  });
});

// On Windows this is reported as skipped, not passed.
(process.platform === 'win32' ? test.skip : test)('lua-status off Windows is exit 9 and one line, after the argument checks', async () => {
  const run = await cli('lua-status', PRODUCT);
  expect(run.code).toBe(LuaExitCode.WINDOWS_ONLY);
  expectOneLine(run.stderr);
});

test('--help documents every exit code that the matrix asserts', async () => {
  const help = (await cli('--help')).text;
  for (const code of [0, 1, 2, 3, 7, 8, 9, 10, 11, 70, 74]) expect(help).toMatch(new RegExp(`^\\s+${code}  \\S`, 'm'));
});
