// The corpus proof: every file of ../shared/corpus (real packages, patches,
// merge modules and transforms from public repositories; see its README and
// manifest.tsv) reads in msi-lua as msitools reads it:
//
// * `tables` lists what `msiinfo tables` lists;
// * every table exports (IDT) byte for byte as `msiinfo export` writes it,
//   with one accepted difference: integer columns declared with 0 or 1 bytes,
//   which msitools (like Wine's msi.dll) reads as 0x80008000 + v where
//   Windows' own tools, and msi-lua, read v;
// * the summary equals `msiinfo suminfo`, field by field;
// * nothing throws anything but MsiFormatError.
//
// The msitools side comes from test/tools/msitools-reference.c (msiinfo's
// own calls into libmsi, one process per file instead of one per table),
// built here with gcc, and from `msiinfo suminfo`. References live in a
// temporary folder for this run only. Where msitools cannot read a file or
// a table, the reference is Wine's msi.dll: that comparison runs in the Wine
// tier (test/native/corpus.test.ts); here the file or table must still give
// a typed answer. The run prints the count: files read identically / total,
// and each remaining difference with its reason.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MsiFormatError } from '../../../lib/errors';
import {
  applyPatches,
  describeTransformStorage,
  readPackage,
  readTransformFile,
  type MsiPackage,
  type SummaryInformation,
} from '../../../lib/package';

const run = promisify(execFile);
const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const TOOL_SOURCE = path.resolve(__dirname, '..', '..', 'tools', 'msitools-reference.c');
const present = fs.existsSync(path.join(CORPUS, 'manifest.tsv'));
const files = present
  ? fs
      .readdirSync(CORPUS)
      .filter((f) => /\.(msi|msp|msm|mst)$/i.test(f))
      .sort()
  : [];

jest.setTimeout(600_000);

interface Reference {
  /** msitools could not open the file: its message. */
  openError: string | null;
  tables: string[];
  /** Per table name: the IDT msiinfo export writes, or its error message. */
  exports: Map<string, { idt: Buffer } | { error: string }>;
  suminfo: string | null;
  /** How the reference was made (for the report). */
  source: string;
}

interface Outcome {
  file: string;
  identical: boolean;
  reference: string;
  /** Accepted differences and what msitools could not read, with the reason. */
  notes: string[];
  /** Unexplained differences (the test fails on them). */
  differences: string[];
}

let scratch = '';
let tool = '';
const references = new Map<string, Promise<Reference>>();
const outcomes: Outcome[] = [];

/** Runs `count` jobs at most `limit` at a time (the machine is shared). */
async function pool<T>(items: T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await job(items[next++]);
    }),
  );
}

async function makeReference(file: string, index: number): Promise<Reference> {
  const full = path.join(CORPUS, file);
  const out = path.join(scratch, String(index));
  fs.mkdirSync(out);
  let source = 'msitools (libmsi, as msiinfo export)';
  let crashed = false;
  try {
    await run(tool, [full, out], { cwd: out, timeout: 120_000, maxBuffer: 1 << 20 });
  } catch (error) {
    const e = error as { code?: number; signal?: string };
    // Exit 1: libmsi could not open the file (open.err says why).
    if (e.code !== 1) crashed = true;
  }
  let suminfo: string | null = null;
  try {
    suminfo = (
      await run('msiinfo', ['suminfo', full], { cwd: out, timeout: 60_000, maxBuffer: 16 << 20, encoding: 'buffer' })
    ).stdout.toString('utf8');
  } catch {
    suminfo = null; // msiinfo cannot read it (or crashes on it): no summary reference
  }
  const openErrorPath = path.join(out, 'open.err');
  if (fs.existsSync(openErrorPath))
    return { openError: fs.readFileSync(openErrorPath, 'utf8'), tables: [], exports: new Map(), suminfo, source };
  let tables = fs.existsSync(path.join(out, 'tables')) ? fs.readFileSync(path.join(out, 'tables'), 'utf8').split('\n').slice(0, -1) : [];
  const exports = new Map<string, { idt: Buffer } | { error: string }>();
  if (crashed) {
    // libmsi crashed on one table: one msiinfo run per table instead, so the others still count.
    source = 'msiinfo (one run per table: libmsi crashed in one process)';
    try {
      tables = (await run('msiinfo', ['tables', full], { cwd: out, timeout: 60_000 })).stdout.split('\n').slice(0, -1);
    } catch (error) {
      return { openError: `msiinfo tables failed: ${(error as Error).message}`, tables: [], exports, suminfo, source };
    }
    for (const name of tables) {
      try {
        exports.set(name, {
          idt: (await run('msiinfo', ['export', full, name], { cwd: out, timeout: 60_000, maxBuffer: 256 << 20, encoding: 'buffer' }))
            .stdout,
        });
      } catch (error) {
        exports.set(name, {
          error: `msiinfo export failed: ${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}`,
        });
      }
    }
    return { openError: null, tables, exports, suminfo, source };
  }
  tables.forEach((name, i) => {
    const err = path.join(out, `${i}.err`);
    if (fs.existsSync(err)) exports.set(name, { error: fs.readFileSync(err, 'utf8') });
    else exports.set(name, { idt: fs.readFileSync(path.join(out, `${i}.idt`)) });
  });
  return { openError: null, tables, exports, suminfo, source };
}

/** What msitools writes for an integer of a 0- or 1-byte column: 0x80008000 + v, as a signed 32-bit number. */
function msitoolsNarrowIntegers(idt: Buffer, pkg: MsiPackage, table: string): Buffer | null {
  if (!pkg.hasTable(table)) return null;
  const narrow = pkg
    .columns(table)
    .map((c, i) => (c.kind === 'integer' && c.size < 2 ? i : -1))
    .filter((i) => i >= 0);
  if (narrow.length === 0) return null;
  const lines = idt.toString('latin1').split('\r\n');
  for (let l = 3; l < lines.length; l++) {
    if (lines[l] === '') continue;
    const cells = lines[l].split('\t');
    for (const i of narrow) if (cells[i] !== undefined && cells[i] !== '') cells[i] = String((0x80008000 + Number(cells[i])) | 0);
    lines[l] = cells.join('\t');
  }
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

const CTIME_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const CTIME_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A Date as C's ctime() prints it (local time, without the newline). */
function ctime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${CTIME_DAYS[date.getDay()]} ${CTIME_MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`
  );
}

/** msiinfo suminfo's labels, mapped to our fields. */
const SUMINFO_FIELDS: Array<[string, keyof SummaryInformation, 'string' | 'int' | 'time']> = [
  ['Title', 'title', 'string'],
  ['Subject', 'subject', 'string'],
  ['Author', 'author', 'string'],
  ['Keywords', 'keywords', 'string'],
  ['Comments', 'comments', 'string'],
  ['Template', 'template', 'string'],
  ['Last author', 'lastSavedBy', 'string'],
  ['Revision number (UUID)', 'revisionNumber', 'string'],
  ['Edittime', 'editTime', 'time'],
  ['Last printed', 'lastPrinted', 'time'],
  ['Created', 'created', 'time'],
  ['Last saved', 'lastSaved', 'time'],
  ['Version', 'pageCount', 'int'],
  ['Source', 'wordCount', 'int'],
  ['Restrict', 'charCount', 'int'],
  ['Application', 'creatingApplication', 'string'],
  ['Security', 'security', 'int'],
];

/** Field-by-field differences between our summary and msiinfo suminfo's text. */
function compareSummary(summary: SummaryInformation, suminfo: string): string[] {
  const printed = new Map<string, string>();
  let last = '';
  for (const line of suminfo.split('\n')) {
    const label = SUMINFO_FIELDS.find(([l]) => line.startsWith(`${l}: `));
    if (label) {
      last = label[0];
      printed.set(last, line.slice(label[0].length + 2));
    } else if (last && line !== '') {
      printed.set(last, `${printed.get(last)}\n${line}`); // a string with line breaks
    }
  }
  const differences: string[] = [];
  for (const [label, field, kind] of SUMINFO_FIELDS) {
    const text = printed.get(label);
    const ours = summary[field];
    if (text === undefined) {
      // msitools stops reading at the first property it does not know;
      // ours has it. Not a difference in what the file says.
      continue;
    }
    let same: boolean;
    if (kind === 'int') same = typeof ours === 'number' && Number(/^(-?\d+)/.exec(text)?.[1]) === ours;
    else if (kind === 'time') same = ours instanceof Date && ctime(ours) === text;
    else {
      const raw = summary.properties.find((p) => p.name === field)?.raw;
      same = ours === text || (raw !== undefined && raw.toString('latin1') === Buffer.from(text, 'utf8').toString('latin1'));
    }
    if (!same) differences.push(`summary ${label}: msiinfo ${JSON.stringify(text)}, msi-lua ${JSON.stringify(ours)}`);
  }
  return differences;
}

function typed(error: unknown): string {
  if (error instanceof MsiFormatError) return error.message;
  throw new Error(`untyped error (not MsiFormatError): ${(error as Error)?.stack ?? String(error)}`);
}

const describeCorpus = present ? describe : describe.skip;
if (!present) {
  console.warn(`corpus test skipped: ${CORPUS} is absent (it is the repository's sibling ../shared/corpus)`);
}

describeCorpus('corpus: every file reads as msitools reads it', () => {
  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-corpus-'));
    tool = path.join(scratch, 'msitools-reference');
    await run('gcc', ['-O1', '-o', tool, TOOL_SOURCE, '-ldl']);
    // All references first, two processes at a time; each test then waits for its own.
    const jobs = files.map((file, index) => ({ file, index }));
    const settled = new Map<string, (r: Reference) => void>();
    for (const { file } of jobs) references.set(file, new Promise((resolve) => settled.set(file, resolve)));
    void pool(jobs, 2, async ({ file, index }) => {
      let reference: Reference;
      try {
        reference = await makeReference(file, index);
      } catch (error) {
        reference = {
          openError: `the reference could not be made: ${(error as Error).message}`,
          tables: [],
          exports: new Map(),
          suminfo: null,
          source: 'none',
        };
      }
      settled.get(file)!(reference);
    });
  });

  afterAll(() => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    const identical = outcomes.filter((o) => o.identical && o.notes.length === 0).length;
    const accepted = outcomes.filter((o) => o.identical && o.notes.length > 0).length;
    const lines = [
      `corpus: ${identical} / ${outcomes.length} files read identically to their reference; ` +
        `${accepted} more with only the accepted or Wine-tier differences noted below; ${outcomes.length - identical - accepted} differ`,
    ];
    for (const o of outcomes) {
      if (o.differences.length === 0 && o.notes.length === 0) continue;
      lines.push(`  ${o.file} [${o.reference}]`);
      for (const d of o.differences) lines.push(`    DIFFERENT: ${d}`);
      for (const n of o.notes) lines.push(`    note: ${n}`);
    }

    console.log(lines.join('\n'));
  });

  test.each(files)('%s', async (file) => {
    const reference = await references.get(file)!;
    const outcome: Outcome = { file, identical: false, reference: reference.source, notes: [], differences: [] };
    outcomes.push(outcome);
    const bytes = fs.readFileSync(path.join(CORPUS, file));

    let root;
    try {
      root = readTransformFile(bytes);
    } catch (error) {
      const message = typed(error);
      if (reference.openError === null) outcome.differences.push(`msitools reads it; msi-lua refuses it: ${message}`);
      else
        outcome.notes.push(
          `neither msitools (${reference.openError.trim()}) nor msi-lua (${message}) reads it; Wine's msi.dll is the reference in the Wine tier`,
        );
      outcome.identical = outcome.differences.length === 0;
      expect(outcome.differences).toEqual([]);
      return;
    }

    if (reference.suminfo !== null) outcome.differences.push(...compareSummary(root.summary, reference.suminfo));
    else outcome.notes.push('msiinfo suminfo cannot read the summary: no summary reference');

    if (root.kind === 'transform') {
      // A transform's table streams hold change records; msiinfo reads them
      // as tables, which says nothing. What msi-lua says instead is checked:
      // it decodes without a target, or gives a typed error.
      outcome.reference += '; transform: summary compared, records decoded without msiinfo reference';
      try {
        describeTransformStorage(root);
      } catch (error) {
        outcome.differences.push(`the transform does not decode: ${typed(error)}`);
      }
      outcome.identical = outcome.differences.length === 0;
      expect(outcome.differences).toEqual([]);
      return;
    }

    let pkg: MsiPackage;
    try {
      pkg = readPackage(bytes);
    } catch (error) {
      outcome.differences.push(`msi-lua cannot open it: ${typed(error)}`);
      expect(outcome.differences).toEqual([]);
      return;
    }
    if (reference.openError !== null) {
      outcome.notes.push(`msitools cannot open it (${reference.openError.trim()}): Wine's msi.dll is the reference (Wine tier)`);
    } else {
      const ours = ['_SummaryInformation', '_ForceCodepage', ...pkg.tableNames];
      if (JSON.stringify(ours) !== JSON.stringify(reference.tables)) {
        outcome.differences.push(`tables: msiinfo ${JSON.stringify(reference.tables)}, msi-lua ${JSON.stringify(ours)}`);
      }
      for (const name of reference.tables) {
        const expected = reference.exports.get(name)!;
        let idt: Buffer | null = null;
        let failure: string | null = null;
        try {
          idt = pkg.exportIdt(name);
        } catch (error) {
          failure = typed(error);
        }
        if ('error' in expected) {
          outcome.notes.push(
            `msiinfo cannot export ${name} (${expected.error.trim()}); msi-lua ${failure === null ? 'exports it' : `refuses it: ${failure}`}; Wine's msi.dll is the reference (Wine tier)`,
          );
          continue;
        }
        if (idt === null) {
          outcome.differences.push(`${name}: msiinfo exports it, msi-lua refuses it: ${failure}`);
        } else if (!idt.equals(expected.idt)) {
          const widened = msitoolsNarrowIntegers(idt, pkg, name);
          if (widened !== null && widened.equals(expected.idt)) {
            outcome.notes.push(
              `${name}: integer columns declared with 0 or 1 bytes; msitools reads 0x80008000 + v, msi-lua (as Windows) v`,
            );
          } else {
            outcome.differences.push(`${name}: the IDT differs from msiinfo export`);
          }
        }
      }
    }
    // Streams read, or fail typed.
    for (const stream of pkg.streams) {
      try {
        pkg.readStream(stream.name);
      } catch (error) {
        outcome.notes.push(`stream ${JSON.stringify(stream.name)} cannot be read: ${typed(error)}`);
      }
    }
    outcome.identical = outcome.differences.length === 0;
    expect(outcome.differences).toEqual([]);
  });
});

describeCorpus('corpus: what info calls each kind of file', () => {
  // A merge module has the installation package's root CLSID: info called it an
  // "installer package" while lua-check, by its ModuleSignature table, said "merge module".
  test.each([
    ['wix-MergeModule1.msm', 'merge module (.msm)'],
    ['wix-SimpleMerge-test.msm', 'merge module (.msm)'],
    ['psmsi-Example.msi', 'installer package (.msi)'],
    ['psmsi-Example.msp', 'patch (.msp)'],
  ])('%s: %s', async (file, kind) => {
    const { cli } = await import('../../support/run-cli');
    const info = await cli('info', path.join(CORPUS, file));
    expect(info.code).toBe(0);
    expect(info.text).toMatch(new RegExp(`^Kind\\s+${kind.replace(/[().]/g, '\\$&')} \\{`, 'm'));
  });
});

describeCorpus('corpus: a merge module given as a patch', () => {
  test('is refused as a merge module, not as an installation package', () => {
    const base = readPackage(fs.readFileSync(path.join(CORPUS, 'psmsi-Example.msi')));
    const module = readPackage(fs.readFileSync(path.join(CORPUS, 'wix-MergeModule1.msm')));
    expect(() => applyPatches(base, [module])).toThrow(
      /"patches\[0\]" argument must be a patch package \(\.msp\); received a merge module/,
    );
  });
});
