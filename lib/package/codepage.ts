// Text decoding for the codepages a Windows Installer database may declare.
//
// Decoding goes through the WHATWG decoders built into Node (TextDecoder),
// so it is the same on every platform and never throws: bytes a codepage
// does not define become U+FFFD (or, for windows-1252's five unassigned
// bytes, the C1 control of the same number, as WHATWG specifies).
// Codepage 0 ("neutral", the machine's ANSI codepage on Windows) is decoded
// as windows-1252, the ANSI codepage of English and Western European Windows
// and what msitools uses in a C or English locale. See docs/package-reader.md.

import { TextDecoder } from 'node:util';

/** Windows codepage number -> WHATWG encoding label. */
const LABELS: ReadonlyMap<number, string> = new Map<number, string>([
  [0, 'windows-1252'],
  [65001, 'utf-8'],
  [874, 'windows-874'],
  [932, 'shift_jis'],
  [936, 'gbk'],
  [949, 'euc-kr'],
  [950, 'big5'],
  [1250, 'windows-1250'],
  [1251, 'windows-1251'],
  [1252, 'windows-1252'],
  [1253, 'windows-1253'],
  [1254, 'windows-1254'],
  [1255, 'windows-1255'],
  [1256, 'windows-1256'],
  [1257, 'windows-1257'],
  [1258, 'windows-1258'],
  [866, 'ibm866'],
  [10000, 'macintosh'],
  [10007, 'x-mac-cyrillic'],
  [20127, 'windows-1252'], // US-ASCII; WHATWG maps the ascii labels to 1252
  [20866, 'koi8-r'],
  [21866, 'koi8-u'],
  [20932, 'euc-jp'],
  [28591, 'windows-1252'], // ISO-8859-1; WHATWG maps the latin1 labels to 1252
  [28592, 'iso-8859-2'],
  [28593, 'iso-8859-3'],
  [28594, 'iso-8859-4'],
  [28595, 'iso-8859-5'],
  [28596, 'iso-8859-6'],
  [28597, 'iso-8859-7'],
  [28598, 'iso-8859-8'],
  [28603, 'iso-8859-13'],
  [28605, 'iso-8859-15'],
  [54936, 'gb18030'],
]);

const MULTI_BYTE = new Set(['utf-8', 'shift_jis', 'gbk', 'euc-kr', 'big5', 'euc-jp', 'gb18030']);

// windows-1252 is latin1 except for 0x80-0x9F. Decoded here rather than by
// TextDecoder: some Node releases (20.x among them) decode it as plain
// latin1, turning "€" (0x80) into U+0080.
const CP1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
].map((code) => String.fromCharCode(code));

function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

export interface CodepageDecoder {
  readonly codepage: number;
  /** WHATWG label used, or null when the codepage is not supported. */
  readonly label: string | null;
  /** Every byte decodes to exactly one UTF-16 code unit. */
  readonly singleByte: boolean;
  decode(bytes: Uint8Array): string;
}

const cache = new Map<number, CodepageDecoder>();

function asciiOnly(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    out += b < 0x80 ? String.fromCharCode(b) : '\ufffd';
  }
  return out;
}

export function decoderFor(codepage: number): CodepageDecoder {
  const cached = cache.get(codepage);
  if (cached) return cached;
  let decoder: CodepageDecoder;
  const label = LABELS.get(codepage);
  let textDecoder: TextDecoder | null = null;
  if (label && label !== 'utf-8' && label !== 'windows-1252') {
    try {
      textDecoder = new TextDecoder(label);
    } catch {
      // Node built without full ICU: only UTF-8/UTF-16/latin1 decoders exist.
      textDecoder = null;
    }
  }
  if (label === 'utf-8') {
    decoder = {
      codepage,
      label,
      singleByte: false,
      decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    };
  } else if (label === 'windows-1252') {
    decoder = { codepage, label, singleByte: true, decode: decodeWindows1252 };
  } else if (textDecoder) {
    const td = textDecoder;
    decoder = { codepage, label: label!, singleByte: !MULTI_BYTE.has(label!), decode: (bytes) => td.decode(bytes) };
  } else {
    // Unknown or unavailable codepage (OEM and EBCDIC codepages among them):
    // ASCII is kept, everything else is U+FFFD, so nothing is made up.
    decoder = { codepage, label: null, singleByte: true, decode: asciiOnly };
  }
  cache.set(codepage, decoder);
  return decoder;
}
