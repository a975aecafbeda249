// Findings of a fresh tester against the command-line tool: a cut-short summary IDT is no
// success, an empty path is a usage error, a file in the way of dump's folder is an output
// failure, the main help gives each exit code one line, and `tables` lists the pseudo tables
// `msiinfo tables` lists. The references are msitools (msiinfo), never msi-lua itself.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ExitCode, listCommands } from '../../../lib/cli/main';
import {
  buildSmallMsi,
  msiinfoExport,
  msiinfoTables,
  requireTool,
  scratchDir,
  summaryInformationStream,
} from '../../support/package-fixtures';
import { cli } from '../../support/run-cli';
import { rewrap } from '../../support/cfb-layout';

jest.setTimeout(120_000);

let small: string;
let scratch: string;
/** small.msi with its summary's Create Time/Date (12) a string date no FILETIME can hold. */
let dateOutOfRange: string;

/** What msiinfo export writes before it stops (it then dies of SIGSEGV: msitools 0.103). */
function msiinfoPartialExport(file: string, table: string): Buffer {
  const run = spawnSync(requireTool('msiinfo'), ['export', file, table], { cwd: scratch });
  expect(run.status).not.toBe(0);
  return run.stdout;
}

beforeAll(async () => {
  small = await buildSmallMsi();
  scratch = scratchDir('tester-findings');
  const stream = summaryInformationStream([
    { id: 1, type: 'i2', value: 1252 },
    { id: 2, type: 'string', value: 'Installation Database' },
    { id: 9, type: 'string', value: '{11111111-2222-3333-4444-555555555555}' },
    { id: 12, type: 'string', value: '300000/01/01 00:00:00' },
    { id: 14, type: 'i4', value: 500 },
  ]);
  dateOutOfRange = path.join(scratch, 'summary-date-out-of-range.msi');
  fs.writeFileSync(
    dateOutOfRange,
    rewrap(fs.readFileSync(small), (name) => (name === '\u0005SummaryInformation' ? stream : undefined)),
  );
});

describe('export --idt _SummaryInformation where msiinfo export stops', () => {
  test('the same bytes as msiinfo writes, then exit 1 (damaged) naming the property', async () => {
    const reference = msiinfoPartialExport(dateOutOfRange, '_SummaryInformation');
    expect(reference.toString('latin1')).toMatch(/^9\t\{11111111/m);
    expect(reference.toString('latin1')).not.toMatch(/^12\t/m);
    const run = await cli('export', dateOutOfRange, '_SummaryInformation', '--idt');
    expect(run.stdout.equals(reference)).toBe(true);
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(run.stderr).toMatch(/summary-date-out-of-range\.msi: summary property 12 holds a date no FILETIME can hold/);
  });

  test('a whole summary still exits 0', async () => {
    const run = await cli('export', small, '_SummaryInformation', '--idt');
    expect(run.code).toBe(ExitCode.OK);
    expect(run.stdout.equals(msiinfoExport(small, '_SummaryInformation', scratch))).toBe(true);
  });

  test('dump writes the same file and reports the table (exit 1)', async () => {
    const folder = path.join(scratch, 'dumped');
    const run = await cli('dump', dateOutOfRange, folder);
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(run.stderr).toMatch(/table "_SummaryInformation" cannot be read: summary property 12/);
    expect(
      fs.readFileSync(path.join(folder, '_SummaryInformation.idt')).equals(msiinfoPartialExport(dateOutOfRange, '_SummaryInformation')),
    ).toBe(true);
  });
});

describe('an empty argument is a usage error (2), not "cannot read" (3)', () => {
  test.each(listCommands().map((c) => c.name))('%s ""', async (name) => {
    const run = await cli(name, '', ...(name === 'export' || name === 'dump' ? ['x'] : []));
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toMatch(/argument 1 is empty|missing argument|too many arguments/);
  });

  test.each([
    ['info', ['']],
    ['export', ['SMALL', '']],
    ['dump', ['', 'SCRATCH']],
  ])('%s with an empty path or name: exit 2 naming the argument', async (name, args) => {
    const run = await cli(name, ...args.map((a) => (a === 'SMALL' ? small : a === 'SCRATCH' ? path.join(scratch, 'not-written') : a)));
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toMatch(/argument \d is empty/);
  });

  test('an empty option value: exit 2', async () => {
    const run = await cli('lua-status', '{6A3F0C11-2B7D-4E58-9C1A-0D2E3F4A5B00}', '--patch', '');
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toMatch(/--patch needs a value/);
  });
});

test('dump into a path that is a regular file: exit 74, naming the folder', async () => {
  const inTheWay = path.join(scratch, 'a-file');
  fs.writeFileSync(inTheWay, 'not a folder');
  const run = await cli('dump', small, inTheWay);
  expect(run.code).toBe(ExitCode.OUTPUT_ERROR);
  expect(run.stderr).toContain(`cannot write ${inTheWay}: a file is in the way`);
  expect(run.stderr).not.toMatch(/cannot read/);
  const json = await cli('dump', small, inTheWay, '--json');
  expect(JSON.parse(json.text).error).toMatchObject({ code: 'ENOTDIR', path: inTheWay, exitCode: ExitCode.OUTPUT_ERROR });
});

test('msi-lua --help: one line per exit code, each meaning once with the commands that give it', async () => {
  const help = (await cli('--help')).text;
  const lines = help.slice(help.indexOf('Exit codes:')).split('\n').slice(1).filter(Boolean);
  const codes = lines.map((l) => Number(/^\s+(\d+) {2}\S/.exec(l)?.[1]));
  expect(codes.every(Number.isInteger)).toBe(true);
  expect(new Set(codes).size).toBe(codes.length);
  const needsWindows = lines.find((l) => /^\s+9 {2}/.test(l))!;
  expect(needsWindows.match(/needs Windows/g)).toHaveLength(1);
  expect(needsWindows).toMatch(/\(.*lua-status.*updates.*\)|\(.*updates.*lua-status.*\)/);
  // A command's own name is not repeated inside its text.
  expect(help).not.toMatch(/updates: updates:/);
});

test('tables lists _SummaryInformation and _ForceCodepage first, as msiinfo tables does', async () => {
  const reference = msiinfoTables(small);
  expect(reference.slice(0, 2)).toEqual(['_SummaryInformation', '_ForceCodepage']);
  const listed = JSON.parse((await cli('tables', small, '--json')).text) as Array<{ name: string; pseudo?: boolean; rows?: number }>;
  expect(listed.map((t) => t.name)).toEqual(reference);
  expect(listed.filter((t) => t.pseudo).map((t) => t.name)).toEqual(['_SummaryInformation', '_ForceCodepage']);
  expect(listed[1].rows).toBe(1);
  const text = (await cli('tables', small)).text.split('\n');
  expect(text[2]).toMatch(/^_SummaryInformation +\d+ +2 +PropertyId$/);
  expect(text[3]).toMatch(/^_ForceCodepage +1 +1$/);
});

describe('an option where the command belongs', () => {
  test('`msi-lua --json` is a missing command: exit 2 and the JSON error on stdout', async () => {
    const run = await cli('--json');
    expect(run.code).toBe(ExitCode.USAGE);
    const parsed = JSON.parse(run.text) as { error: { name: string; message: string; exitCode: number } };
    expect(parsed.error).toMatchObject({ name: 'UsageError', exitCode: 2 });
    expect(parsed.error.message).toBe('missing command before --json');
    expect(run.stderr).toBe('msi-lua: missing command before --json (see msi-lua --help)\n');
  });

  test('an unknown command keeps its own message', async () => {
    const run = await cli('nosuch');
    expect(run.code).toBe(ExitCode.USAGE);
    // One line, as every other failure (it was followed by the whole usage).
    expect(run.stderr).toBe('msi-lua: unknown command nosuch (see msi-lua --help)\n');
    expect((await cli('help', 'nosuch')).stderr).toBe('msi-lua: unknown command nosuch (see msi-lua --help)\n');
  });
});

/** Runs every command that reads a file on `file`; each must exit CANNOT_READ with the one message given. */
async function expectNotRegular(file: string, kind: string): Promise<void> {
  const messages = new Set<string>();
  for (const command of ['info', 'tables', 'signature', 'lua-check']) {
    const run = await cli(command, file);
    expect(run.code).toBe(ExitCode.CANNOT_READ);
    messages.add(run.stderr.trim());
  }
  expect([...messages]).toEqual([`msi-lua: cannot read ${file}: not a regular file (${kind})`]);
}

describe('a FIFO given as a file', () => {
  test('every command that reads a file names it the same way', async () => {
    const fifo = path.join(scratchDir('cli-fifo'), 'pipe.msi');
    if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
    await expectNotRegular(fifo, 'FIFO');
  });
});

describe('a Unix socket given as a file', () => {
  test('every command that reads a file names it as a socket', async () => {
    const socketPath = path.join(scratchDir('cli-socket'), 'socket.msi');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await expectNotRegular(socketPath, 'socket');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
