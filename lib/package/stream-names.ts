// Windows Installer stores table and stream names in the compound file in a
// packed form: two characters from a 64-letter alphabet share one UTF-16
// code unit in U+3800..U+47FF, a lone alphabet character is U+4800..U+483F,
// and U+4840 in front marks the stream of a database table. Anything else is
// kept as is (e.g. "\u0005SummaryInformation").
import { describeValue } from '../validate';
import { internName } from './intern';
import { argumentTypeError } from '../argument-error';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._';
const ALPHABET_INDEX = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

const ALPHABET_CODES = Uint16Array.from(ALPHABET, (c) => c.charCodeAt(0));

/** Code units to a string, in chunks (argument lists have a limit; stored names are short, other callers' need not be). */
function fromCodes(units: number[]): string {
  if (units.length <= 4096) return String.fromCharCode(...units);
  let out = '';
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.slice(i, i + 4096));
  return out;
}

const PAIR_BASE = 0x3800;
const SINGLE_BASE = 0x4800;
const TABLE_MARKER = 0x4840;

export interface DecodedStreamName {
  /** Name with the packing undone and without the table marker. */
  name: string;
  /** True when the name carries the table marker (the stream holds a table). */
  isTable: boolean;
}

/**
 * Undoes Windows Installer's packing of a stored stream name (two name characters per UTF-16
 * unit from 0x3800, one from 0x4800; 0x4840 first marks a table), the encoding msi.dll
 * uses for stream names. TypeError for a value that is not a string; any string decodes.
 */
export function decodeStreamName(stored: string): DecodedStreamName {
  if (typeof stored !== 'string') throw argumentTypeError(`The "stored" argument must be a stream name; received ${describeValue(stored)}`);
  let isTable = false;
  // Code units gathered, then made into one flat string (appending to a
  // string makes a rope of pieces, kept as long as the name is), shared
  // with other packages' identical names.
  const units: number[] = [];
  for (let i = 0; i < stored.length; i++) {
    const code = stored.charCodeAt(i);
    if (i === 0 && code === TABLE_MARKER) {
      isTable = true;
    } else if (code >= PAIR_BASE && code < SINGLE_BASE) {
      const packed = code - PAIR_BASE;
      units.push(ALPHABET_CODES[packed & 0x3f], ALPHABET_CODES[(packed >> 6) & 0x3f]);
    } else if (code >= SINGLE_BASE && code < TABLE_MARKER) {
      units.push(ALPHABET_CODES[code - SINGLE_BASE]);
    } else {
      units.push(code);
    }
  }
  return { name: internName(fromCodes(units)), isTable };
}

/**
 * The stored form of a stream or table name (the reverse of decodeStreamName; `isTable` adds
 * the table marker). TypeError for a name that is not a string or an `isTable` that is not a boolean.
 */
export function encodeStreamName(name: string, isTable: boolean): string {
  if (typeof name !== 'string')
    throw argumentTypeError(`The "name" argument must be a stream or table name; received ${describeValue(name)}`);
  if (typeof isTable !== 'boolean') throw argumentTypeError(`The "isTable" argument must be a boolean; received ${describeValue(isTable)}`);
  let out = isTable ? String.fromCharCode(TABLE_MARKER) : '';
  for (let i = 0; i < name.length; i++) {
    const first = ALPHABET_INDEX.get(name[i]);
    if (first === undefined) {
      out += name[i];
      continue;
    }
    const second = i + 1 < name.length ? ALPHABET_INDEX.get(name[i + 1]) : undefined;
    if (second === undefined) {
      out += String.fromCharCode(SINGLE_BASE + first);
    } else {
      out += String.fromCharCode(PAIR_BASE + first + (second << 6));
      i++;
    }
  }
  return out;
}
