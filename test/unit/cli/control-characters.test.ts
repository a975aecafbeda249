// A failure prints one line on stderr (README, docs/package-reader.md), whatever the path or
// table name holds: a line break, a carriage return or another control character in a name
// is shown escaped (as `export` shows cells), never written raw. The JSON error keeps the
// name as given.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode } from '../../../lib/cli/main';
import { buildSmallMsi, scratchDir } from '../../support/package-fixtures';
import { cli } from '../../support/run-cli';

jest.setTimeout(120_000);

let small: string;
let scratch: string;

beforeAll(async () => {
  small = await buildSmallMsi();
  scratch = scratchDir('control-characters');
});

/** stderr is exactly one line (one final line end, no other CR or LF). */
function expectOneLine(stderr: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.slice(0, -1)).not.toMatch(/[\r\n]/);
}

test('a missing file whose name holds a line break: exit 3, one line naming it escaped', async () => {
  const file = path.join(scratch, 'no\nsuch.msi');
  const run = await cli('info', file, '--json');
  expect(run.code).toBe(ExitCode.CANNOT_READ);
  expectOneLine(run.stderr);
  expect(run.stderr).toContain('no\\nsuch.msi: no such file');
  expect(JSON.parse(run.text).error.path).toBe(file);
});

test('a file that is not a package, named with CR and LF: exit 1, one line', async () => {
  const file = path.join(scratch, 'bad\r\nname.msi');
  fs.writeFileSync(file, 'not a package');
  for (const command of ['info', 'tables', 'signature', 'lua-check']) {
    const run = await cli(command, file);
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    expectOneLine(run.stderr);
    expect(run.stderr).toContain('bad\\r\\nname.msi');
  }
});

test('a patch path with a line break given to lua-check: one line', async () => {
  const run = await cli('lua-check', small, path.join(scratch, 'missing\n.msp'));
  expect(run.code).toBe(ExitCode.CANNOT_READ);
  expectOneLine(run.stderr);
});

test('export of a table name with a line break: exit 6, one line', async () => {
  const run = await cli('export', small, 'No\nSuch', '--json');
  expect(run.code).toBe(ExitCode.NO_SUCH_TABLE);
  expectOneLine(run.stderr);
  expect(run.stderr).toContain('no table No\\nSuch');
  expect(JSON.parse(run.text).error.table).toBe('No\nSuch');
});

test('an unknown command with a line break: its line names it escaped', async () => {
  const run = await cli('foo\nbar', small);
  expect(run.code).toBe(ExitCode.USAGE);
  expect(run.stderr).toBe('msi-lua: unknown command foo\\nbar (see msi-lua --help)\n');
});

test('C1 control characters (NEL, CSI) in a name are escaped too', async () => {
  const file = path.join(scratch, 'no\u0085such\u009b2J.msi');
  const run = await cli('info', file);
  expect(run.code).toBe(ExitCode.CANNOT_READ);
  expectOneLine(run.stderr);
  expect(run.stderr).not.toMatch(/[\u0080-\u009f]/);
  expect(run.stderr).toContain('no\\x85such\\x9b2J.msi: no such file');
});

test('bidirectional overrides and isolates in a name are escaped; right-to-left marks stay', async () => {
  // "Trojan Source": U+202E would show the rest of the line reversed.
  const file = path.join(scratch, 'setup\u202egpj.\u2066x\u2069\u200f.msi');
  const run = await cli('info', file);
  expect(run.code).toBe(ExitCode.CANNOT_READ);
  expectOneLine(run.stderr);
  expect(run.stderr).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  expect(run.stderr).toContain('setup\\u202egpj.\\u2066x\\u2069\u200f.msi: no such file');
});
