import { MsiFormatError } from '../../errors';
import type { MsiPackage, PatchInfo, SummaryInformation } from '../../package';
import { PID } from '../../package/summary';
import { formatFields, printable, toJson } from '../format';
import { openAnyForCli } from '../open';
import { ExitCode, type CliCommand } from '../registry';
import { describeTransformStorage, transformFields, transformJson } from '../transform-view';
import { listing } from './listings';

const KIND_LABEL: Record<string, string> = {
  installer: 'installer package (.msi)',
  patch: 'patch (.msp)',
  transform: 'transform (.mst)',
  unknown: 'Windows Installer database (unrecognised root CLSID)',
};

const SECURITY_LABEL: Record<number, string> = { 0: 'none', 2: 'read-only recommended', 4: 'read-only enforced' };

function describeWordCount(summary: SummaryInformation, kind: string): string | null {
  if (summary.wordCount === null) return null;
  if (kind !== 'installer' || summary.wordCountFlags === null) return String(summary.wordCount);
  const f = summary.wordCountFlags;
  const parts = [
    f.shortNames ? 'short file names' : 'long file names',
    f.compressed ? 'compressed' : 'uncompressed',
    f.administrativeImage ? 'administrative image' : 'not an administrative image',
    f.elevationNotRequired ? 'elevation not required' : 'elevation may be required',
  ];
  return `${summary.wordCount} (${parts.join(', ')})`;
}

function describePageCount(summary: SummaryInformation): string | null {
  if (summary.pageCount === null) return null;
  const v = summary.pageCount;
  // 200 is Windows Installer 2.0, 301 is 3.1, 405 is 4.5.
  return `${v} (minimum installer version ${Math.floor(v / 100)}.${v % 100})`;
}

/** The summary, or the error that keeps it from being read (a damaged summary fails the summary only). */
function readSummary(read: () => SummaryInformation): { summary: SummaryInformation | null; error: MsiFormatError | null } {
  try {
    return { summary: read(), error: null };
  } catch (error) {
    if (error instanceof MsiFormatError) return { summary: null, error };
    throw error;
  }
}

/**
 * A patch's details, or the error that keeps them from being read: they come from the summary
 * (and each transform's), so a damaged summary must not take the rest of `info` with it.
 */
function readPatch(pkg: MsiPackage): { patch: PatchInfo | null; error: MsiFormatError | null } {
  try {
    return { patch: pkg.patch, error: null };
  } catch (error) {
    if (error instanceof MsiFormatError) return { patch: null, error };
    throw error;
  }
}

const VT_NAMES: Record<number, string> = { 2: 'VT_I2', 3: 'VT_I4', 30: 'VT_LPSTR', 64: 'VT_FILETIME' };

/**
 * The stored value of a property whose variant type is not the one its id calls for (a date
 * stored as a string), which the typed field leaves null: shown as stored, and said so, rather
 * than left out ("every summary information property").
 */
function asStored(s: SummaryInformation, id: number, expected: string): string | null {
  const property = s.properties.find((p) => p.id === id);
  const { value, vt } = property ?? {};
  // Of the type called for (an integer as I2 or I4): nothing to add to what the field says.
  if (property === undefined || vt === undefined || VT_NAMES[vt] === expected || (expected === 'VT_I4' && vt === 2)) return null;
  const shown = Buffer.isBuffer(value) ? `${value.length} bytes` : value instanceof Date ? value.toISOString() : JSON.stringify(value);
  return `${shown} (stored as ${VT_NAMES[vt] ?? `variant type ${vt}`}, not ${expected})`;
}

function summaryFields(s: SummaryInformation, kind: string): Array<[string, unknown]> {
  const fields = typedSummaryFields(s, kind);
  return fields.map(([label, value]) => {
    const stored = STORED_AS[label];
    return [label, value === null && stored ? asStored(s, stored[0], stored[1]) : value];
  });
}

/** The property id and variant type behind each line of summaryFields. */
const STORED_AS: Record<string, [number, string]> = {
  Title: [PID.TITLE, 'VT_LPSTR'],
  Subject: [PID.SUBJECT, 'VT_LPSTR'],
  Author: [PID.AUTHOR, 'VT_LPSTR'],
  Keywords: [PID.KEYWORDS, 'VT_LPSTR'],
  Comments: [PID.COMMENTS, 'VT_LPSTR'],
  Template: [PID.TEMPLATE, 'VT_LPSTR'],
  'Revision number': [PID.REVNUMBER, 'VT_LPSTR'],
  'Last saved by': [PID.LASTAUTHOR, 'VT_LPSTR'],
  Created: [PID.CREATE_DTM, 'VT_FILETIME'],
  'Last saved': [PID.LASTSAVE_DTM, 'VT_FILETIME'],
  'Last printed': [PID.LASTPRINTED, 'VT_FILETIME'],
  'Edit time': [PID.EDITTIME, 'VT_FILETIME'],
  'Page count': [PID.PAGECOUNT, 'VT_I4'],
  'Word count': [PID.WORDCOUNT, 'VT_I4'],
  'Char count': [PID.CHARCOUNT, 'VT_I4'],
  Security: [PID.SECURITY, 'VT_I4'],
  'Creating application': [PID.APPNAME, 'VT_LPSTR'],
};

function typedSummaryFields(s: SummaryInformation, kind: string): Array<[string, unknown]> {
  return [
    ['Title', s.title],
    ['Subject', s.subject],
    ['Author', s.author],
    ['Keywords', s.keywords],
    ['Comments', s.comments],
    [
      'Template',
      s.template === null
        ? null
        : kind === 'patch'
          ? `${s.template} (target product codes)`
          : `${s.template} (platform ${s.platform || 'neutral'}, languages ${s.languages.join(',') || 'neutral'})`,
    ],
    [
      'Revision number',
      s.revisionNumber === null
        ? null
        : `${s.revisionNumber}${kind === 'installer' ? ' (package code)' : kind === 'patch' ? ' (patch code, obsoleted patches)' : kind === 'transform' ? ' (target product, upgraded product, upgrade code)' : ''}`,
    ],
    ['Last saved by', s.lastSavedBy],
    ['Created', s.created],
    ['Last saved', s.lastSaved],
    ['Last printed', s.lastPrinted],
    ['Edit time', s.editTime],
    ['Page count', describePageCount(s)],
    ['Word count', describeWordCount(s, kind)],
    ['Char count', s.charCount],
    ['Security', s.security === null ? null : `${s.security} (${SECURITY_LABEL[s.security] ?? 'unknown'})`],
    ['Creating application', s.creatingApplication],
    ['Summary codepage', s.codepage],
  ];
}

export function packageInfo(file: string, pkg: MsiPackage): Record<string, unknown> {
  const { summary, error } = readSummary(() => pkg.summary);
  const { patch, error: patchError } = readPatch(pkg);
  return {
    file,
    size: pkg.byteLength,
    kind: pkg.kind,
    clsid: pkg.clsid,
    summary,
    ...(error ? { summaryError: error.message } : {}),
    stringPool: {
      codepage: pkg.codepage,
      encoding: pkg.stringPool.encoding,
      longReferences: pkg.stringPool.longReferences,
      strings: pkg.stringPool.size - 1,
    },
    tables: pkg.tableNames,
    streams: pkg.streams.map((s) => ({ name: s.name, size: s.size })),
    storages: pkg.storages,
    signed: pkg.digitalSignature !== null,
    msiDigitalSignatureEx: pkg.msiDigitalSignatureEx !== null,
    patch,
    ...(patchError ? { patchError: patchError.message } : {}),
  };
}

/** Exit 1 with the failure's one line on stderr when a part `info` is for could not be read. */
function damaged(io: { stderr: { write(chunk: string): unknown } }, file: string, reason: string | undefined): number {
  if (reason === undefined) return ExitCode.OK;
  io.stderr.write(`${printable(`msi-lua: ${file}: ${reason}`)}\n`);
  return ExitCode.INVALID_PACKAGE;
}

export const infoCommand: CliCommand = {
  ...listing('info'),
  usage: 'info <file> [--json]',
  description:
    'Prints every summary information property (title, subject, author, template, revision number, ' +
    'page count, word count flags, security, codepage, timestamps, creating application), the string pool ' +
    'codepage, the number of tables, streams and sub-storages, whether the package is signed, and for a ' +
    'patch its patch code, target products and transforms. For a transform (.mst): its summary, the product ' +
    'and version it applies to and the one it produces, and the tables and columns it adds, drops and changes. ' +
    'A damaged summary is reported and the rest still shown (exit 1).',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 1],
  async run({ io, args }) {
    const file = args.positionals[0];
    const opened = await openAnyForCli(file);
    if (opened.kind === 'transform') {
      const { storage, byteLength } = opened;
      const overview = describeTransformStorage(storage);
      if (args.options.json) {
        io.stdout.write(toJson(transformJson(file, byteLength, storage, overview)));
        return ExitCode.OK;
      }
      io.stdout.write(
        formatFields(
          [
            ['File', `${file} (${byteLength} bytes)`],
            ['Kind', `${KIND_LABEL[storage.kind]} ${storage.clsid}`],
            ...summaryFields(storage.summary, storage.kind),
            ...transformFields(overview),
          ].filter(([, v]) => v !== null) as Array<[string, unknown]>,
        ),
      );
      return ExitCode.OK;
    }
    const pkg = opened.pkg;
    if (args.options.json) {
      const info = packageInfo(file, pkg);
      io.stdout.write(toJson(info));
      return damaged(io, file, (info.summaryError ?? info.patchError) as string | undefined);
    }
    const { summary: s, error: summaryError } = readSummary(() => pkg.summary);
    const fields: Array<[string, unknown]> = [
      ['File', `${file} (${pkg.byteLength} bytes)`],
      // A merge module has the installation package's CLSID; its ModuleSignature table tells it (as lua-check tells it).
      [
        'Kind',
        `${pkg.kind === 'installer' && pkg.hasTable('ModuleSignature') ? 'merge module (.msm)' : KIND_LABEL[pkg.kind]} ${pkg.clsid}`,
      ],
      ...(s ? summaryFields(s, pkg.kind) : [['Summary', `cannot be read: ${summaryError!.message}`] as [string, unknown]]),
      [
        'String codepage',
        `${pkg.codepage}${pkg.codepage === 0 ? ' (neutral)' : ''}${pkg.stringPool.encoding ? `, read as ${pkg.stringPool.encoding}` : ', not supported: non-ASCII shown as U+FFFD'}`,
      ],
      ['Strings', `${pkg.stringPool.size - 1}${pkg.stringPool.longReferences ? ' (3-byte references)' : ''}`],
      ['Tables', pkg.tableNames.length],
      ['Streams', pkg.streams.length],
      ['Storages', pkg.storages.length],
      [
        'Signed',
        pkg.digitalSignature === null
          ? 'no'
          : `yes${pkg.msiDigitalSignatureEx ? ' (with MsiDigitalSignatureEx)' : ''}; check with: msi-lua signature`,
      ],
    ];
    const { patch, error: patchError } = readPatch(pkg);
    if (patchError) fields.push(['Patch', `cannot be read: ${patchError.message}`]);
    if (patch) {
      fields.push(
        ['Patch code', patch.patchCode],
        ['Obsoletes', patch.obsoletedPatchCodes.join(' ') || 'none'],
        ['Target products', patch.targetProductCodes.join(' ') || 'none'],
        ['Transforms', patch.transforms.map((t) => `${t.name}${t.present ? '' : ' (missing)'}`).join(' ')],
      );
      for (const m of patch.metadata) fields.push([`Metadata ${m.company ? `${m.company}/` : ''}${m.property}`, m.value]);
      for (const q of patch.sequence)
        fields.push([`Sequence ${q.patchFamily}`, `${q.sequence}${q.productCode ? ` for ${q.productCode}` : ''}`]);
    }
    io.stdout.write(formatFields(fields.filter(([, v]) => v !== null)));
    // Everything else was shown; the summary, which info is for, was not.
    return damaged(io, file, (summaryError ?? patchError)?.message);
  },
};
