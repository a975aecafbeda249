// The "\u0005SummaryInformation" property set (MS-OLEPS) of a package, patch
// or transform.

import { MsiFormatError } from '../errors/classes';
import { decoderFor } from './codepage';
import { assertBytes, describeValue } from '../validate';
import { argumentTypeError } from '../argument-error';

const FMTID_SUMMARY_INFORMATION = Buffer.from('e0859ff2f94f6810ab9108002b27b3d9', 'hex');

export const VT_I2 = 2;
export const VT_I4 = 3;
export const VT_LPSTR = 30;
export const VT_FILETIME = 64;

/** Property ids of the summary information stream. */
export const PID = {
  CODEPAGE: 1,
  TITLE: 2,
  SUBJECT: 3,
  AUTHOR: 4,
  KEYWORDS: 5,
  COMMENTS: 6,
  TEMPLATE: 7,
  LASTAUTHOR: 8,
  REVNUMBER: 9,
  EDITTIME: 10,
  LASTPRINTED: 11,
  CREATE_DTM: 12,
  LASTSAVE_DTM: 13,
  PAGECOUNT: 14,
  WORDCOUNT: 15,
  CHARCOUNT: 16,
  THUMBNAIL: 17,
  APPNAME: 18,
  SECURITY: 19,
} as const;

const PROPERTY_NAMES: Record<number, string> = {
  1: 'codepage',
  2: 'title',
  3: 'subject',
  4: 'author',
  5: 'keywords',
  6: 'comments',
  7: 'template',
  8: 'lastSavedBy',
  9: 'revisionNumber',
  10: 'editTime',
  11: 'lastPrinted',
  12: 'created',
  13: 'lastSaved',
  14: 'pageCount',
  15: 'wordCount',
  16: 'charCount',
  17: 'thumbnail',
  18: 'creatingApplication',
  19: 'security',
};

export type SummaryValue = number | string | Date | bigint | Buffer | null;

/** One property exactly as stored. */
export interface SummaryProperty {
  id: number;
  /** Our name for the property, or `property<id>` for ids outside the MSI set. */
  name: string;
  /** OLE variant type (2 = I2, 3 = I4, 30 = LPSTR, 64 = FILETIME). */
  vt: number;
  /** Decoded value: number, string, Date (FILETIME) or Buffer for unknown types. */
  value: SummaryValue;
  /** FILETIME as 100-ns ticks since 1601 (FILETIME properties only). */
  filetime?: bigint;
  /** String bytes as stored, in the summary codepage, up to the first NUL (LPSTR only). */
  raw?: Buffer;
  /** Declared byte length of the string, terminator included (LPSTR only). */
  byteLength?: number;
  /** The 32 bits following the type, as msitools reads every I2/I4 (I2/I4 only). */
  rawDword?: number;
}

export interface WordCountFlags {
  /** Bit 0: source files use short (8.3) names. */
  shortNames: boolean;
  /** Bit 1: source files are compressed (in cabinets). */
  compressed: boolean;
  /** Bit 2: the package is an administrative image. */
  administrativeImage: boolean;
  /** Bit 3: elevated privileges are not required (no UAC prompt). */
  elevationNotRequired: boolean;
}

/** The summary information property set (\u0005SummaryInformation, MS-OLEPS), decoded with its codepage. */
export interface SummaryInformation {
  /** All properties in stored order. */
  properties: SummaryProperty[];
  codepage: number | null;
  title: string | null;
  subject: string | null;
  author: string | null;
  keywords: string | null;
  comments: string | null;
  /** Template: "platform;language,language" for a package; target products for a patch. */
  template: string | null;
  /** The platform of the Template ("Intel", "x64", ...); null for a patch, whose Template lists products. */
  platform: string | null;
  /** The language ids of the Template; empty for a patch. */
  languages: number[];
  /** Last Saved By (for a patch: the list of transforms it carries). */
  lastSavedBy: string | null;
  /** Revision Number: package code (for a patch: patch code followed by obsoleted codes). */
  revisionNumber: string | null;
  editTime: Date | null;
  lastPrinted: Date | null;
  created: Date | null;
  lastSaved: Date | null;
  /** Page Count: the minimum installer version times 100 (200 = 2.0). */
  pageCount: number | null;
  wordCount: number | null;
  /** The Word Count's source-type bits; null when there is none, and for a patch (whose Word Count is not that field). */
  wordCountFlags: WordCountFlags | null;
  charCount: number | null;
  creatingApplication: string | null;
  /** Security: 0 none, 2 read-only recommended, 4 read-only enforced. */
  security: number | null;
  /**
   * What JSON.stringify writes (non-enumerable): these fields, with each property's
   * `filetime` (a bigint, which JSON cannot hold) as a decimal string and `raw` as base64.
   */
  toJSON?(): Record<string, unknown>;
}

/** FILETIME ticks to a Date (millisecond precision). */
export function filetimeToDate(ticks: bigint): Date {
  if (typeof ticks !== 'bigint')
    throw argumentTypeError(`The "ticks" argument must be a bigint (100 ns since 1601); received ${describeValue(ticks)}`);
  const ms = Number(ticks / 10000n) - 11644473600000;
  return new Date(ms);
}

function fail(message: string, offset?: number): never {
  throw new MsiFormatError(message, { where: '\u0005SummaryInformation', offset });
}

function summaryToJson(this: SummaryInformation): Record<string, unknown> {
  return {
    ...this,
    properties: this.properties.map((p) => ({
      ...p,
      ...(typeof p.value === 'bigint' ? { value: p.value.toString() } : {}),
      ...(p.filetime !== undefined ? { filetime: p.filetime.toString() } : {}),
      ...(p.raw !== undefined ? { raw: p.raw.toString('base64') } : {}),
    })),
  };
}

/** Gives a summary its toJSON, non-enumerable so that the fields stay as they are. */
function withToJson(summary: SummaryInformation): SummaryInformation {
  Object.defineProperty(summary, 'toJSON', { value: summaryToJson, enumerable: false, configurable: true, writable: true });
  return summary;
}

/**
 * @internal The summary of a patch (.msp): its Template lists the products it targets, not a
 * platform and languages, and its Word Count is not the source-type bit field of a package
 * (Template Summary, Word Count Summary): `platform`, `languages` and `wordCountFlags` say
 * nothing (null, [], null). `template` and `wordCount` keep what is stored.
 */
export function asPatchSummary(summary: SummaryInformation): SummaryInformation {
  summary.platform = null;
  summary.languages = [];
  summary.wordCountFlags = null;
  return summary;
}

export function emptySummary(): SummaryInformation {
  return withToJson({
    properties: [],
    codepage: null,
    title: null,
    subject: null,
    author: null,
    keywords: null,
    comments: null,
    template: null,
    platform: null,
    languages: [],
    lastSavedBy: null,
    revisionNumber: null,
    editTime: null,
    lastPrinted: null,
    created: null,
    lastSaved: null,
    pageCount: null,
    wordCount: null,
    wordCountFlags: null,
    charCount: null,
    creatingApplication: null,
    security: null,
  });
}

export function parseSummaryInformation(data: Buffer): SummaryInformation {
  assertBytes(data, 'data', true);
  if (data.length < 48) fail(`the stream is ${data.length} bytes, too short for a property set header`, 0);
  if (data.readUInt16LE(0) !== 0xfffe) fail('byte order mark is not FFFE', 0);
  const sets = data.readUInt32LE(24);
  if (sets < 1) fail('the property set stream has no sections', 24);
  if (!data.subarray(28, 44).equals(FMTID_SUMMARY_INFORMATION)) fail('the first section is not SummaryInformation (wrong FMTID)', 28);
  const sectionOffset = data.readUInt32LE(44);
  if (sectionOffset + 8 > data.length) fail(`section offset ${sectionOffset} is past the end of the stream (${data.length} bytes)`, 44);
  const sectionSize = data.readUInt32LE(sectionOffset);
  const count = data.readUInt32LE(sectionOffset + 4);
  const sectionEnd = Math.min(data.length, sectionOffset + Math.max(sectionSize, 8));
  if (count > (sectionEnd - sectionOffset - 8) / 8) {
    fail(`section declares ${count} properties, more than its ${sectionEnd - sectionOffset} bytes can hold`, sectionOffset + 4);
  }
  const idList: Array<{ id: number; at: number }> = [];
  for (let i = 0; i < count; i++) {
    const entry = sectionOffset + 8 + i * 8;
    idList.push({ id: data.readUInt32LE(entry), at: data.readUInt32LE(entry + 4) });
  }
  // First pass: codepage, needed to decode the strings.
  let codepage = 0;
  for (const { id, at } of idList) {
    if (id !== PID.CODEPAGE) continue;
    const pos = sectionOffset + at;
    if (pos + 8 <= sectionEnd && data.readUInt32LE(pos) === VT_I2) codepage = data.readUInt16LE(pos + 4);
  }
  const decoder = decoderFor(codepage);
  const properties: SummaryProperty[] = [];
  for (const { id, at } of idList) {
    const pos = sectionOffset + at;
    if (pos + 4 > sectionEnd)
      fail(`property ${id} is at offset ${at}, outside its ${sectionEnd - sectionOffset}-byte section`, sectionOffset + 8);
    const vt = data.readUInt32LE(pos);
    const name = PROPERTY_NAMES[id] ?? `property${id}`;
    const need = (n: number) => {
      if (pos + 4 + n > sectionEnd) fail(`property ${id} (type ${vt}) runs past the end of its section`, pos);
    };
    switch (vt) {
      case VT_I2:
        need(2);
        properties.push({
          id,
          name,
          vt,
          value: data.readInt16LE(pos + 4),
          rawDword: pos + 8 <= sectionEnd ? data.readInt32LE(pos + 4) : data.readInt16LE(pos + 4),
        });
        break;
      case VT_I4:
        need(4);
        properties.push({ id, name, vt, value: data.readInt32LE(pos + 4), rawDword: data.readInt32LE(pos + 4) });
        break;
      case VT_FILETIME: {
        need(8);
        const ticks = data.readBigUInt64LE(pos + 4);
        properties.push({ id, name, vt, value: filetimeToDate(ticks), filetime: ticks });
        break;
      }
      case VT_LPSTR: {
        need(4);
        const length = data.readUInt32LE(pos + 4);
        if (pos + 8 + length > sectionEnd) fail(`string property ${id} declares ${length} bytes, past the end of its section`, pos + 4);
        let raw = data.subarray(pos + 8, pos + 8 + length);
        const nul = raw.indexOf(0);
        if (nul >= 0) raw = raw.subarray(0, nul);
        properties.push({ id, name, vt, value: decoder.decode(raw), raw: Buffer.from(raw), byteLength: length });
        break;
      }
      default:
        // Unknown variant: keep nothing we cannot size reliably.
        properties.push({ id, name, vt, value: null });
    }
  }
  return buildSummary(properties, codepage);
}

function buildSummary(properties: SummaryProperty[], codepage: number): SummaryInformation {
  const byId = new Map<number, SummaryProperty>();
  for (const p of properties) if (!byId.has(p.id)) byId.set(p.id, p);
  const str = (id: number): string | null => {
    const p = byId.get(id);
    if (!p || p.value === null) return null;
    return typeof p.value === 'string' ? p.value : String(p.value);
  };
  const num = (id: number): number | null => {
    const p = byId.get(id);
    if (!p) return null;
    if (typeof p.value === 'number') return p.value;
    // Some authoring tools store numbers as strings; read them the way
    // Windows Installer does (leading integer).
    if (typeof p.value === 'string') {
      const n = parseInt(p.value, 10);
      return Number.isNaN(n) ? null : n;
    }
    return null;
  };
  const date = (id: number): Date | null => {
    const p = byId.get(id);
    return p && p.value instanceof Date ? p.value : null;
  };
  const template = str(PID.TEMPLATE);
  let platform: string | null = null;
  const languages: number[] = [];
  if (template !== null) {
    const semi = template.indexOf(';');
    platform = semi >= 0 ? template.slice(0, semi) : template;
    const langs = semi >= 0 ? template.slice(semi + 1) : '';
    // A plain loop, not split/map/filter/map: the arrays those make differ in
    // element kind between V8's tiers, which cost a deoptimization and a second
    // compile of this function in every process that reads many summaries.
    for (const part of langs.split(',')) {
      const language = part.trim();
      if (/^\d+$/.test(language)) languages.push(Number(language));
    }
  }
  const wordCount = num(PID.WORDCOUNT);
  const declaredCodepage = byId.get(PID.CODEPAGE);
  return withToJson({
    properties,
    codepage: declaredCodepage && typeof declaredCodepage.value === 'number' ? declaredCodepage.value & 0xffff : codepage || null,
    title: str(PID.TITLE),
    subject: str(PID.SUBJECT),
    author: str(PID.AUTHOR),
    keywords: str(PID.KEYWORDS),
    comments: str(PID.COMMENTS),
    template,
    platform,
    languages,
    lastSavedBy: str(PID.LASTAUTHOR),
    revisionNumber: str(PID.REVNUMBER),
    editTime: date(PID.EDITTIME),
    lastPrinted: date(PID.LASTPRINTED),
    created: date(PID.CREATE_DTM),
    lastSaved: date(PID.LASTSAVE_DTM),
    pageCount: num(PID.PAGECOUNT),
    wordCount,
    wordCountFlags:
      wordCount === null
        ? null
        : {
            shortNames: (wordCount & 1) !== 0,
            compressed: (wordCount & 2) !== 0,
            administrativeImage: (wordCount & 4) !== 0,
            elevationNotRequired: (wordCount & 8) !== 0,
          },
    charCount: num(PID.CHARCOUNT),
    creatingApplication: str(PID.APPNAME),
    security: num(PID.SECURITY),
  });
}
