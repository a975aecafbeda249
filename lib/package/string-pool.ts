// The string pool shared by every table of a database: _StringPool holds,
// after a 4-byte header (codepage, and bit 31 set when string references in
// tables are 3 bytes wide), one (length, reference count) pair of 16-bit
// words per string id starting at 1; _StringData holds the strings back to
// back in the database codepage. A pair (0, 0) is an unused id. A string of
// 64 KiB or more takes two pairs: (0, reference count) and then the 32-bit
// length, low 16 bits first, then high 16 bits. That is how Windows
// Installer writes it and how Wine's msi.dll (dlls/msi/string.c) and
// msitools' libmsi read and write it.

import { MsiFormatError } from '../errors/classes';
import { describeValue } from '../validate';
import { LITTLE_ENDIAN } from './cfb/alloc';
import { decoderFor, type CodepageDecoder } from './codepage';
import * as buffer from 'node:buffer';
import { argumentTypeError } from '../argument-error';

/** buffer.isAscii (Node 18.15 and 19.6 on); older releases scan in JS. */
const nativeIsAscii = (buffer as { isAscii?: (input: Uint8Array) => boolean }).isAscii;

/**
 * Strings decoded one by one (and cached in a Map) before the pool switches
 * to decoding in bulk: opening a package reads only the table and column
 * names, a few dozen strings, and should not pay for the whole pool.
 */
const FEW_STRINGS = 512;

export class StringPool {
  readonly codepage: number;
  /** Table cells refer to strings with 3 bytes instead of 2. */
  readonly longReferences: boolean;
  /** Number of string ids, including the unused id 0. */
  readonly size: number;
  private readonly pool: Buffer;
  private readonly data: Buffer;
  /**
   * Byte offset of each string in _StringData, plus one entry past the last
   * id: string `id` is starts[id] .. starts[id + 1] (unused ids are empty).
   * The only per-id array kept: lengths and reference counts are read from
   * _StringPool itself.
   */
  private readonly starts: Uint32Array;
  /** _StringPool pair holding each id's reference count (the first of its two pairs for a string of 64 KiB or more); null when that is pair `id` (no such strings). */
  private readonly pairs: Uint32Array | null;
  private readonly decoder: CodepageDecoder;
  /** Decoded strings by id, created on first use (bulk IDT export never decodes). */
  private few: Map<number, string> | null = null;
  private decoded: Array<string | undefined> | null = null;
  private wholeText: string | null = null;
  private asciiOnly: boolean | null = null;
  private lengthsView: Uint32Array | null = null;

  constructor(pool: Buffer, data: Buffer) {
    if (pool.length > 0 && pool.length < 4) {
      throw new MsiFormatError(`_StringPool is ${pool.length} bytes, too short for its 4-byte header`, { where: '_StringPool', offset: 0 });
    }
    const header = pool.length >= 4 ? pool.readUInt32LE(0) : 0;
    this.codepage = header & 0x7fffffff;
    this.longReferences = (header & 0x80000000) !== 0;
    this.pool = pool;
    this.data = data;
    this.decoder = decoderFor(this.codepage);
    const pairs = Math.floor(pool.length / 4);
    // Each pair yields at most one id, so `pairs` bounds the allocation.
    const starts = new Uint32Array(Math.max(pairs, 1) + 1);
    // Usual case first: one pair per id, so id i is pair i. A tight loop
    // (it runs once per string) that stops at the first string of 64 KiB
    // or more (length 0 with a non-zero second word).
    let i = 1;
    let offset = 0;
    let longest = 0;
    const limit = data.length;
    // Pairs as 32-bit words (length in the low half) where the bytes allow
    // a view: one load per string instead of four.
    const words = LITTLE_ENDIAN && pool.byteOffset % 4 === 0 ? new Uint32Array(pool.buffer, pool.byteOffset, pairs) : null;
    if (words !== null) {
      for (; i < pairs && offset <= limit; i++) {
        const word = words[i];
        const length = word & 0xffff;
        // Length 0 with a reference count: a string of 64 KiB or more.
        if (length === 0 && word !== 0) break;
        starts[i] = offset;
        offset += length;
        if (length > longest) longest = length;
      }
    } else {
      for (; i < pairs && offset <= limit; i++) {
        const at = i * 4;
        const length = pool[at] | (pool[at + 1] << 8);
        const high = pool[at + 2] | (pool[at + 3] << 8);
        // (length - 1) >> 31 is -1 exactly when length is 0.
        if ((high & ((length - 1) >> 31)) !== 0) break;
        starts[i] = offset;
        offset += length;
        if (length > longest) longest = length;
      }
    }
    starts[i] = offset;
    if (offset > limit) StringPool.overflow(starts, i, limit);
    let id = i;
    let pairOf: Uint32Array | null = null;
    if (i < pairs) {
      // Strings of 64 KiB or more take two pairs: from here on, ids and
      // pairs part ways.
      pairOf = new Uint32Array(pairs);
      for (let j = 1; j < id; j++) pairOf[j] = j;
      for (; i < pairs; i++, id++) {
        starts[id] = offset;
        pairOf[id] = i;
        let length = pool.readUInt16LE(i * 4);
        const refs = pool.readUInt16LE(i * 4 + 2);
        if (length === 0 && refs === 0) continue;
        if (length === 0) {
          if (i + 1 >= pairs) {
            throw new MsiFormatError(`string ${id} is marked as longer than 64 KiB but the pool ends before its length`, {
              where: '_StringPool',
              offset: i * 4,
            });
          }
          // (0, refs) keeps the reference count (pairOf[id] stays on it);
          // the next pair is the length, low word then high word.
          i++;
          length = pool.readUInt16LE(i * 4) + pool.readUInt16LE(i * 4 + 2) * 0x10000;
        }
        if (offset + length > data.length) {
          throw new MsiFormatError(
            `string ${id} declares ${length} bytes at offset ${offset} but _StringData has only ${data.length} bytes`,
            { where: '_StringPool', offset: i * 4 },
          );
        }
        offset += length;
        if (length > longest) longest = length;
      }
      starts[id] = offset;
    }
    this.longest = longest;
    this.size = Math.max(id, 1);
    this.starts = starts;
    this.pairs = pairOf;
  }

  /** Reports the first of ids 1 .. end - 1 (one pair each) that runs past the string data. */
  private static overflow(starts: Uint32Array, end: number, dataLength: number): never {
    let id = 1;
    while (id < end && starts[id + 1] <= dataLength) id++;
    throw new MsiFormatError(
      `string ${id} declares ${starts[id + 1] - starts[id]} bytes at offset ${starts[id]} but _StringData has only ${dataLength} bytes`,
      { where: '_StringPool', offset: id * 4 },
    );
  }

  /** Name of the decoder in use, or null when the codepage is not supported. */
  get encoding(): string | null {
    return this.decoder.label;
  }

  has(id: number): boolean {
    return id > 0 && id < this.size && this.starts[id + 1] > this.starts[id];
  }

  referenceCount(id: number): number {
    this.check(id);
    if (id === 0) return 0;
    return this.pool.readUInt16LE((this.pairs === null ? id : this.pairs[id]) * 4 + 2);
  }

  /** Every string is plain ASCII, so its bytes are also its UTF-8 form. */
  get isAscii(): boolean {
    if (this.asciiOnly === null) {
      if (nativeIsAscii) {
        this.asciiOnly = nativeIsAscii(this.data);
      } else {
        let ascii = true;
        const data = this.data;
        for (let i = 0; i < data.length; i++) {
          if (data[i] >= 0x80) {
            ascii = false;
            break;
          }
        }
        this.asciiOnly = ascii;
      }
    }
    return this.asciiOnly;
  }

  /** Copies the raw bytes of a string into `target`; returns the count. */
  copyBytes(id: number, target: Buffer, at: number): number {
    this.check(id);
    return this.data.copy(target, at, this.starts[id], this.starts[id + 1]);
  }

  /**
   * @internal Direct view of the pool for bulk copying: raw bytes, and
   * per-id offset and length. Callers must bounds-check ids against `size`.
   * (The lengths array is built on first call; `spans()` needs none.)
   */
  rawView(): { data: Buffer; offsets: Uint32Array; lengths: Uint32Array } {
    if (this.lengthsView === null) {
      const lengths = new Uint32Array(this.size);
      for (let id = 1; id < this.size; id++) lengths[id] = this.starts[id + 1] - this.starts[id];
      this.lengthsView = lengths;
    }
    return { data: this.data, offsets: this.starts.subarray(0, this.size), lengths: this.lengthsView };
  }

  /**
   * @internal Raw bytes and string boundaries: string `id` is
   * `data[starts[id]] .. data[starts[id + 1]]`. Callers must bounds-check
   * ids against `size`.
   */
  spans(): { data: Buffer; starts: Uint32Array } {
    return { data: this.data, starts: this.starts };
  }

  /** @internal Byte length of the longest string (0 for an empty pool): a bound for bulk export. */
  readonly longest: number;

  /** Byte length of a string in the database codepage. */
  byteLength(id: number): number {
    this.check(id);
    return this.starts[id + 1] - this.starts[id];
  }

  /** Raw bytes of a string, in the database codepage. */
  bytes(id: number): Buffer {
    this.check(id);
    return this.data.subarray(this.starts[id], this.starts[id + 1]);
  }

  /**
   * The string with this id. Id 0 and unused ids are the empty string (what
   * Windows Installer returns for them). Ids past the pool are an error.
   */
  get(id: number): string {
    // Before the cache, whose array would answer '1' or 'length' as if they were ids.
    if (typeof id !== 'number') this.check(id);
    const cached = this.cached(id);
    if (cached !== undefined) return cached;
    const text = this.decode(id);
    if (this.decoded !== null) {
      this.decoded[id] = text;
    } else {
      if (this.few === null) this.few = new Map();
      this.few.set(id, text);
      if (this.few.size >= FEW_STRINGS) {
        // Many strings wanted (rows of a large table): an array by id.
        this.decoded = new Array(this.size);
        for (const [known, value] of this.few) this.decoded[known] = value;
        this.few = null;
      }
    }
    return text;
  }

  /**
   * @internal `get` without keeping the string in the pool's cache, for
   * strings the caller keeps itself (the catalog's table names): opening a
   * package then builds no cache at all.
   */
  peek(id: number): string {
    return this.cached(id) ?? this.decode(id);
  }

  /** The string already decoded for this id, if any. */
  private cached(id: number): string | undefined {
    return this.decoded !== null ? this.decoded[id] : (this.few?.get(id) ?? undefined);
  }

  private decode(id: number): string {
    this.check(id);
    const start = this.starts[id];
    const end = this.starts[id + 1];
    if (end === start) return '';
    if (this.decoded === null) {
      // One by one until many are asked for.
      return this.decoder.decode(this.data.subarray(start, end));
    }
    if (this.decoder.singleByte) {
      // One byte per code unit: decode the whole pool once and slice.
      if (this.wholeText === null) this.wholeText = this.decoder.decode(this.data);
      return this.wholeText.slice(start, end);
    }
    return this.decoder.decode(this.data.subarray(start, end));
  }

  /** @internal */
  check(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      // Ids read from the file are numbers: anything else is the caller's.
      if (typeof id !== 'number')
        throw argumentTypeError(`The "id" argument must be a string id (a number); received ${describeValue(id)}`);
      throw new MsiFormatError(`string index ${id} is out of range (the string pool has ids 1 to ${this.size - 1})`, {
        where: 'string pool',
      });
    }
  }
}
