// The msi-lua command-line tool, run in-process through runCli.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, getCommand, listCommands, registerCommand, type CliCommand } from '../../../lib/cli/main';
import { readPackage } from '../../../lib/package';
import { msiinfoExport, scratchDir } from '../../support/package-fixtures';
import { cli } from '../../support/run-cli';
import { buildPatchFixture, buildSignedFixtures, buildSmallMsi, PATCH, type SignedFixtures } from '../../support/package-fixture-set';

jest.setTimeout(120_000);

let small: string;
let signed: SignedFixtures;
let patch: string;
let scratch: string;

beforeAll(async () => {
  small = await buildSmallMsi();
  signed = await buildSignedFixtures(small);
  patch = await buildPatchFixture();
  scratch = scratchDir('cli');
});

describe('help and usage', () => {
  test('--help lists every command and the exit codes', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(ExitCode.OK);
    for (const name of ['info', 'tables', 'export', 'signature']) expect(run.text).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
    for (const code of [0, 1, 2, 3, 4, 5, 6, 70]) expect(run.text).toMatch(new RegExp(`^\\s+${code}  \\S`, 'm'));
  });

  test('no arguments is a usage error, with help on stderr', async () => {
    const run = await cli();
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toMatch(/^Usage: msi-lua <command>/);
    expect(run.text).toBe('');
  });

  test.each(['info', 'tables', 'export', 'signature'])('%s: --help and "help <command>" show the command help', async (name) => {
    const a = await cli(name, '--help');
    const b = await cli('help', name);
    expect(a.code).toBe(ExitCode.OK);
    expect(a.text).toBe(b.text);
    expect(a.text).toMatch(new RegExp(`^Usage: msi-lua ${name} <file>`));
    expect(a.text).toMatch(/Exit codes:/);
    expect(a.text).toMatch(/--help/);
  });

  test('--version prints the package version', async () => {
    const run = await cli('--version');
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(run.text).toBe(`msi-lua ${manifest.version}\n`);
    // With --json, before or after it: one JSON document, as every command gives.
    for (const argv of [
      ['--version', '--json'],
      ['--json', '-V'],
    ]) {
      const json = await cli(...argv);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.text)).toEqual({ name: 'msi-lua', version: manifest.version });
    }
    // Anything else with it is a usage error, as an unknown option everywhere else (it was ignored).
    for (const argv of [
      ['-V', 'extra'],
      ['--version', '--bogus'],
    ]) {
      const bad = await cli(...argv);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^msi-lua: (--version|-V) takes no arguments; received (extra|--bogus) \(see msi-lua --help\)\n$/);
    }
  });

  test.each([
    [['frobnicate', 'x.msi'], /unknown command frobnicate/],
    [['info'], /missing argument/],
    [['info', 'a.msi', 'b.msi'], /too many arguments/],
    [['info', '--verbose', 'a.msi'], /unknown option --verbose/],
    [['export', 'a.msi', 'File', '--idt', '--json'], /cannot be used together/],
    [['export', 'a.msi'], /missing argument/],
    [['tables', '--json=yes', 'a.msi'], /takes no value/],
  ])('%j is a usage error', async (argv, message) => {
    const run = await cli(...(argv as string[]));
    expect(run.code).toBe(ExitCode.USAGE);
    expect(run.stderr).toMatch(message as RegExp);
  });
});

describe('errors', () => {
  test('a missing file exits 3', async () => {
    const run = await cli('info', path.join(scratch, 'missing.msi'));
    expect(run.code).toBe(ExitCode.CANNOT_READ);
    expect(run.stderr).toMatch(/cannot read .*missing\.msi: no such file/);
  });

  test('a directory exits 3', async () => {
    expect((await cli('tables', scratch)).code).toBe(ExitCode.CANNOT_READ);
  });

  test('a file that is not a package exits 1 with what and where', async () => {
    const file = path.join(scratch, 'notes.txt');
    fs.writeFileSync(file, 'not a package');
    const run = await cli('info', file);
    expect(run.code).toBe(ExitCode.INVALID_PACKAGE);
    expect(run.stderr).toMatch(/notes\.txt: .*not a compound file.*\(in header at offset 0/);
  });

  test('a truncated package exits 1', async () => {
    const file = path.join(scratch, 'truncated.msi');
    fs.writeFileSync(file, fs.readFileSync(small).subarray(0, 4000));
    expect((await cli('tables', file)).code).toBe(ExitCode.INVALID_PACKAGE);
  });
});

describe('info', () => {
  test('readable: aligned fields', async () => {
    const run = await cli('info', small);
    expect(run.code).toBe(ExitCode.OK);
    expect(run.text).toMatch(/^Kind +installer package \(\.msi\) \{000C1084-0000-0000-C000-000000000046\}$/m);
    expect(run.text).toMatch(/^Subject +Small reader fixture$/m);
    expect(run.text).toMatch(/^Template +Intel;1033 \(platform Intel, languages 1033\)$/m);
    expect(run.text).toMatch(/^Page count +200 \(minimum installer version 2\.0\)$/m);
    expect(run.text).toMatch(/^Word count +2 \(long file names, compressed/m);
    expect(run.text).toMatch(/^Signed +no$/m);
    // Values start in the same column on every line.
    const columns = new Set(
      run.text
        .trimEnd()
        .split('\n')
        .map((line) => line.search(/(?<=\S {2,})\S/)),
    );
    expect(columns.size).toBe(1);
  });

  test('--json carries the summary and overview', async () => {
    const run = await cli('info', small, '--json');
    const info = JSON.parse(run.text);
    expect(info.kind).toBe('installer');
    expect(info.summary.author).toBe('msi-lua tests');
    expect(info.summary.wordCountFlags.compressed).toBe(true);
    expect(typeof info.summary.created).toBe('string');
    expect(info.tables).toContain('File');
    expect(info.streams.map((s: { name: string }) => s.name)).toContain('Binary.helper');
    expect(info.signed).toBe(false);
    expect(info.patch).toBeNull();
  });

  test('a patch shows its patch code, targets and transforms', async () => {
    const run = await cli('info', patch);
    expect(run.text).toMatch(new RegExp(`^Patch code +\\${PATCH.patchCode.slice(0, -1)}\\}$`, 'm'));
    expect(run.text).toMatch(/^Transforms +RTM\.1 #RTM\.1$/m);
    expect(run.text).toContain(PATCH.targets[1]);
    const json = JSON.parse((await cli('info', patch, '--json')).text);
    expect(json.patch.obsoletedPatchCodes).toEqual(PATCH.obsoleted);
  });
});

describe('tables', () => {
  test('readable: one aligned row per table', async () => {
    const run = await cli('tables', small);
    const lines = run.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Table +Rows +Columns +Primary key$/);
    expect(lines[1]).toMatch(/^-+ +-+ +-+ +-+$/);
    const pkg = readPackage(fs.readFileSync(small));
    expect(lines).toHaveLength(2 + 2 + pkg.tableNames.length); // the pseudo tables first, as msiinfo tables lists them
    expect(run.text).toMatch(/^File +2 +8 +File$/m);
    expect(run.text).toMatch(/^FeatureComponents +2 +2 +Feature_, Component_$/m);
  });

  test('--json lists columns with their types', async () => {
    const tables = JSON.parse((await cli('tables', small, '--json')).text) as Array<{
      name: string;
      rows: number;
      columns: Array<{ name: string; type: string }>;
    }>;
    const file = tables.find((t) => t.name === 'File')!;
    expect(file.rows).toBe(2);
    expect(file.columns[0]).toMatchObject({ name: 'File', type: 's72', kind: 'string', primaryKey: true });
  });
});

describe('export', () => {
  test('--idt writes exactly what msiinfo export writes', async () => {
    const dir = scratchDir('cli-idt');
    for (const table of ['File', 'Property', 'Binary', '_SummaryInformation', '_ForceCodepage', 'InstallExecuteSequence']) {
      const run = await cli('export', small, table, '--idt');
      expect(run.code).toBe(ExitCode.OK);
      expect(run.stdout.equals(msiinfoExport(small, table, dir))).toBe(true);
    }
  });

  test('default: aligned columns and a row count', async () => {
    const run = await cli('export', small, 'Property');
    expect(run.code).toBe(ExitCode.OK);
    expect(run.text).toMatch(/^Property +Value$/m);
    expect(run.text).toMatch(/^GREETING +héllo wörld$/m);
    expect(run.text).toMatch(/^\(\d+ rows\)$/m);
  });

  test('--json: typed values and column types', async () => {
    const data = JSON.parse((await cli('export', small, 'File', '--json')).text);
    expect(data.table).toBe('File');
    expect(data.primaryKeys).toEqual(['File']);
    const readme = data.rows.find((r: { File: string }) => r.File === 'ReadmeFile');
    expect(readme.FileSize).toBe(23);
    expect(readme.Version).toBeNull();
    expect(data.columns[3]).toEqual({ name: 'FileSize', type: 'i4' });
  });

  test('pseudo tables export as rows too', async () => {
    const data = JSON.parse((await cli('export', small, '_SummaryInformation', '--json')).text);
    expect(data.rows).toContainEqual({ PropertyId: 4, Value: 'msi-lua tests' });
    const cp = JSON.parse((await cli('export', small, '_ForceCodepage', '--json')).text);
    expect(cp.rows).toEqual([{ Codepage: readPackage(fs.readFileSync(small)).codepage }]);
  });

  test('an unknown table exits 6', async () => {
    const run = await cli('export', small, 'Nope');
    expect(run.code).toBe(ExitCode.NO_SUCH_TABLE);
    expect(run.stderr).toMatch(/has no table Nope/);
  });

  test('an unknown table under --json prints the error object too', async () => {
    const run = await cli('export', small, 'Nope', '--json');
    expect(run.code).toBe(ExitCode.NO_SUCH_TABLE);
    expect(JSON.parse(run.text)).toEqual({
      error: expect.objectContaining({ code: 'ERR_NO_SUCH_TABLE', hresult: null, table: 'Nope', exitCode: ExitCode.NO_SUCH_TABLE }),
    });
    expect(run.stderr).toMatch(/has no table Nope/);
  });
});

describe('signature', () => {
  test('valid: exit 0 with signer details', async () => {
    const run = await cli('signature', signed.signed);
    expect(run.code).toBe(ExitCode.OK);
    expect(run.text).toMatch(/^Valid +yes$/m);
    expect(run.text).toMatch(/^Digest valid +yes$/m);
    expect(run.text).toMatch(/^Signer subject +CN=msi-lua Test Signer, O=msi-lua tests$/m);
    expect(run.text).toMatch(new RegExp(`^Signer serial +${signed.ca.signerSerial}$`, 'm'));
    expect(run.text).toMatch(/^Signer SHA-1 thumbprint +[0-9A-F]{40}$/m);
    expect(run.text).toMatch(/^Chain 2 subject +CN=msi-lua Test CA/m);
  });

  test('--json: machine-readable report', async () => {
    const report = JSON.parse((await cli('signature', signed.signedDse, '--json')).text);
    expect(report).toMatchObject({
      signed: true,
      valid: true,
      digestValid: true,
      signatureValid: true,
      hasMsiDigitalSignatureEx: true,
      digestAlgorithm: 'sha256',
    });
    expect(Buffer.from(report.signer.der, 'base64')).toEqual(signed.ca.signerDer);
    expect(report.chain).toHaveLength(2);
  });

  test('tampered: exit 5 and the reason', async () => {
    const run = await cli('signature', signed.tampered);
    expect(run.code).toBe(ExitCode.SIGNATURE_INVALID);
    expect(run.text).toMatch(/^Digest valid +NO$/m);
    expect(run.text).toMatch(/^Problem 1 +the package content does not match the signed digest/m);
  });

  test('unsigned: exit 4', async () => {
    const run = await cli('signature', small);
    expect(run.code).toBe(ExitCode.UNSIGNED);
    expect(run.text).toMatch(/not signed/);
    expect(JSON.parse((await cli('signature', small, '--json')).text)).toEqual({ file: small, signed: false });
  });
});

describe('command registry', () => {
  test('a registered command runs, gets parsed options and appears in help', async () => {
    const seen: unknown[] = [];
    const command: CliCommand = {
      name: 'test-echo',
      summary: 'echo for the registry test',
      usage: 'test-echo <word> [--shout] [--times <n>]',
      description: 'Echoes a word.',
      options: [
        { name: 'shout', alias: 's', type: 'boolean', description: 'upper case' },
        { name: 'times', type: 'string', description: 'repeat count' },
      ],
      positionals: [1, 1],
      exitCodes: [[42, 'the word was "fail"']],
      async run({ io, args }) {
        seen.push(args);
        if (args.positionals[0] === 'fail') return 42;
        const word = args.options.shout ? args.positionals[0].toUpperCase() : args.positionals[0];
        io.stdout.write(`${word.repeat(Number(args.options.times ?? 1))}\n`);
        return 0;
      },
    };
    if (!getCommand('test-echo')) registerCommand(command);
    expect(() => registerCommand(command)).toThrow(/already registered/);
    expect(listCommands().map((c) => c.name)).toContain('test-echo');
    expect((await cli('test-echo', 'hi', '-s', '--times', '2')).text).toBe('HIHI\n');
    expect((await cli('test-echo', 'hi', '--times=3')).text).toBe('hihihi\n');
    expect((await cli('test-echo', 'fail')).code).toBe(42);
    expect((await cli('--help')).text).toMatch(/test-echo +echo for the registry test/);
    expect((await cli('test-echo', '--help')).text).toMatch(/42 +the word was "fail"/);
  });

  test('an exception from a command is exit 70, not a crash', async () => {
    if (!getCommand('test-throw')) {
      registerCommand({
        name: 'test-throw',
        summary: 'throws',
        usage: 'test-throw',
        description: 'Throws.',
        options: [],
        positionals: [0, 0],
        async run() {
          throw new Error('boom');
        },
      });
    }
    const run = await cli('test-throw');
    expect(run.code).toBe(ExitCode.INTERNAL);
    expect(run.stderr).toMatch(/internal error: Error: boom/);
  });
});

test('bin/msi-lua.js runs the compiled CLI entry point', () => {
  const bin = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'bin', 'msi-lua.js'), 'utf8');
  expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(bin).toMatch(/require\('\.\.\/dist\/cli\/main\.js'\)\.main\(\)/);
  expect(fs.statSync(path.join(__dirname, '..', '..', '..', 'bin', 'msi-lua.js')).mode & 0o111).not.toBe(0);
});
