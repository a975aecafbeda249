// `export` of a table whose text is far larger than the package: one string that every row
// references, 200,000 rows, a long run of spaces inside a cell. The output goes out in
// chunks (no single string or buffer holds it), a failure is never exit 70 (a bug), and
// nothing takes time quadratic in a cell. The rows are made by rewriting a table stream of a
// wixl-built package (column-major, each row a copy of row 0), as a hostile file would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, runCli } from '../../../lib/cli/main';
import { formatFields, formatTable } from '../../../lib/cli/format';
import { encodeStreamName, readPackage } from '../../../lib/package';
import { buildSmallMsi, scratchDir } from '../../support/package-fixtures';
import { rewrap } from '../../support/cfb-layout';

jest.setTimeout(120_000);

let small: Buffer;
let scratch: string;

beforeAll(async () => {
  small = fs.readFileSync(await buildSmallMsi());
  scratch = scratchDir('large-output');
});

/** small.msi with `table` holding `rows` copies of its row `from`. */
function repeatedRows(table: string, rows: number, from = 0): string {
  const t = readPackage(small).table(table);
  const parts = t.columns.map((c, column) => {
    const cells = Buffer.alloc(rows * c.storageBytes);
    const raw = t.rawValue(from, column);
    for (let i = 0; i < rows; i++) cells.writeUIntLE(raw, i * c.storageBytes, c.storageBytes);
    return cells;
  });
  const file = path.join(scratch, `${table}-${rows}.msi`);
  fs.writeFileSync(
    file,
    rewrap(small, (name) => (name === encodeStreamName(table, true) ? Buffer.concat(parts) : undefined)),
  );
  return file;
}

/** Runs the tool, keeping the size of the largest chunk written and the output. */
async function chunked(...argv: string[]): Promise<{ code: number; largest: number; out: Buffer; stderr: string }> {
  const out: Buffer[] = [];
  let largest = 0;
  let stderr = '';
  const code = await runCli(argv, {
    stdout: {
      write: (chunk) => {
        const bytes = Buffer.from(chunk as string | Uint8Array);
        largest = Math.max(largest, bytes.length);
        out.push(bytes);
      },
    },
    stderr: { write: (chunk) => (stderr += String(chunk)) },
  });
  return { code, largest, out: Buffer.concat(out), stderr };
}

test('export of a table with 210,000 rows: exit 0, every row (aligned, JSON, IDT)', async () => {
  const file = repeatedRows('Property', 210_000);
  const text = await chunked('export', file, 'Property');
  expect(text.stderr).toBe('');
  expect(text.code).toBe(ExitCode.OK);
  expect(text.out.toString('utf8')).toMatch(/\n\(210000 rows\)\n$/);
  const json = await chunked('export', file, 'Property', '--json');
  expect(json.code).toBe(ExitCode.OK);
  expect((JSON.parse(json.out.toString('utf8')) as { rows: unknown[] }).rows).toHaveLength(210_000);
  const idt = await chunked('export', file, 'Property', '--idt');
  expect(idt.code).toBe(ExitCode.OK);
  expect(idt.out.toString('utf8').split('\r\n')).toHaveLength(3 + 210_000 + 1);
});

test('the text, JSON and IDT of a large table are written in chunks of about 64 KiB, the same bytes as at once', async () => {
  const file = repeatedRows('Property', 60_000);
  const pkg = readPackage(fs.readFileSync(file));
  for (const mode of [[], ['--json'], ['--idt']]) {
    const run = await chunked('export', file, 'Property', ...mode);
    expect(run.code).toBe(ExitCode.OK);
    expect(run.out.length).toBeGreaterThan(1 << 19);
    // One chunk plus at most one row past it.
    expect(run.largest).toBeLessThan(0x10000 + 4096);
    if (mode[0] === '--idt') expect(run.out.equals(pkg.exportIdt('Property'))).toBe(true);
    if (mode[0] === '--json') expect(JSON.parse(run.out.toString('utf8')).rows).toEqual(pkg.table('Property').rows());
  }
});

test('a long run of spaces inside a cell or a field is kept; only trailing spaces are trimmed', () => {
  // The trim was /\s+$/, which retries from every space of such a run (quadratic: 400,000
  // spaces took 6.7 minutes here); trimEnd is linear. The test checks the result only.
  const cell = `a${' '.repeat(40_000)}b`;
  const table = formatTable(
    ['K', 'V'],
    [
      [cell, 'x'],
      ['y', 'z'],
    ],
  );
  expect(table.split('\n')[2]).toBe(`${cell}  x`);
  expect(formatFields([['Comments', cell]])).toBe(`Comments  ${cell}\n`);
});

describe('dump writes each table as it is exported', () => {
  /** Runs `dump`, recording each chunk written to a file, and whether a partial file was left. */
  async function dumpRecording(file: string, folder: string) {
    const chunks: number[] = [];
    const nodeFs = require('node:fs') as typeof fs;
    const original = nodeFs.writeSync;
    const write = jest.spyOn(nodeFs, 'writeSync').mockImplementation(((...args: Parameters<typeof fs.writeSync>) => {
      const [, buffer, offset] = args as [number, unknown, unknown];
      // Jest's own cache writes pass strings; dump's writes are Buffers.
      if (Buffer.isBuffer(buffer)) chunks.push(buffer.length - (typeof offset === 'number' ? offset : 0));
      return (original as (...a: unknown[]) => number).apply(nodeFs, args);
    }) as typeof fs.writeSync);
    try {
      const result = await chunked('dump', file, folder);
      return { ...result, chunks };
    } finally {
      write.mockRestore();
    }
  }

  test('a table far larger than the package goes to its file in chunks, never as one buffer', async () => {
    const file = repeatedRows('Property', 60_000);
    const folder = path.join(scratch, 'dump-large');
    const { code, chunks } = await dumpRecording(file, folder);
    expect(code).toBe(ExitCode.OK);
    const idt = fs.readFileSync(path.join(folder, 'Property.idt'));
    expect(idt.equals(readPackage(fs.readFileSync(file)).exportIdt('Property'))).toBe(true);
    expect(chunks.length).toBeGreaterThan(4);
    expect(Math.max(...chunks)).toBeLessThan(idt.length / 4);
    expect(fs.readdirSync(folder)).not.toContain('%.partial');
  });

  test('a table that fails after its first chunks leaves no file, whole or partial', async () => {
    // Row 0 repeated, then a last row whose key names a string the pool does not hold: the
    // export fails only when it reaches that row, after chunks have been written.
    const t = readPackage(small).table('Property');
    const rows = 60_000;
    const parts = t.columns.map((c, column) => {
      const cells = Buffer.alloc(rows * c.storageBytes);
      for (let i = 0; i < rows; i++) cells.writeUIntLE(t.rawValue(0, column), i * c.storageBytes, c.storageBytes);
      if (column === 1) cells.writeUIntLE(2 ** (8 * c.storageBytes) - 1, (rows - 1) * c.storageBytes, c.storageBytes);
      return cells;
    });
    const file = path.join(scratch, 'property-bad-last-row.msi');
    fs.writeFileSync(
      file,
      rewrap(small, (name) => (name === encodeStreamName('Property', true) ? Buffer.concat(parts) : undefined)),
    );
    const folder = path.join(scratch, 'dump-bad-last-row');
    const { code, stderr, chunks } = await dumpRecording(file, folder);
    expect(code).toBe(ExitCode.INVALID_PACKAGE);
    expect(stderr).toMatch(/table "Property" cannot be read/);
    expect(chunks.length).toBeGreaterThan(1);
    expect(fs.existsSync(path.join(folder, 'Property.idt'))).toBe(false);
    expect(fs.readdirSync(folder)).not.toContain('%.partial');
    expect(fs.existsSync(path.join(folder, 'File.idt'))).toBe(true);
  });
});
