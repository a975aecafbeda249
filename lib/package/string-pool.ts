// The string pool shared by every table of a database: _StringPool holds,
// after a 4-byte header (codepage, and bit 31 set when string references in
// tables are 3 bytes wide), one (length, reference count) pair of 16-bit
// words per string id starting at 1; _StringData holds the strings back to
// back in the database codepage. A pair (0, 0) is an unused id. A string of
// 64 KiB or more takes two pairs: (0, high 16 bits of the length) and then
// (low 16 bits, reference count), which is how Windows Installer and the
// msitools writer lay it out.

import { MsiFormatError } from '../errors';
import { decoderFor, type CodepageDecoder } from './codepage';

export class StringPool {
  readonly codepage: number;
  /** Table cells refer to strings with 3 bytes instead of 2. */
  readonly longReferences: boolean;
  /** Number of string ids, including the unused id 0. */
  readonly size: number;
  private readonly data: Buffer;
  private readonly offsets: Uint32Array;
  private readonly lengths: Uint32Array;
  private readonly refCounts: Uint16Array;
  private readonly decoder: CodepageDecoder;
  /** Decoded strings by id, created on first use (bulk IDT export never decodes). */
  private decoded: Array<string | undefined> | null = null;
  private wholeText: string | null = null;
  private asciiOnly: boolean | null = null;

  constructor(pool: Buffer, data: Buffer) {
    if (pool.length > 0 && pool.length < 4) {
      throw new MsiFormatError(`_StringPool is ${pool.length} bytes, too short for its 4-byte header`, { where: '_StringPool', offset: 0 });
    }
    const header = pool.length >= 4 ? pool.readUInt32LE(0) : 0;
    this.codepage = header & 0x7fffffff;
    this.longReferences = (header & 0x80000000) !== 0;
    this.data = data;
    this.decoder = decoderFor(this.codepage);
    const pairs = Math.floor(pool.length / 4);
    // Each pair yields at most one id, so `pairs` bounds the allocation.
    const offsets = new Uint32Array(pairs);
    const lengths = new Uint32Array(pairs);
    const refCounts = new Uint16Array(pairs);
    let id = 1;
    let offset = 0;
    for (let i = 1; i < pairs; i++, id++) {
      let length = pool.readUInt16LE(i * 4);
      let refs = pool.readUInt16LE(i * 4 + 2);
      if (length === 0 && refs === 0) continue;
      if (length === 0) {
        if (i + 1 >= pairs) {
          throw new MsiFormatError(`string ${id} is marked as longer than 64 KiB but the pool ends before its length`, { where: '_StringPool', offset: i * 4 });
        }
        const high = refs;
        i++;
        length = high * 0x10000 + pool.readUInt16LE(i * 4);
        refs = pool.readUInt16LE(i * 4 + 2);
      }
      if (offset + length > data.length) {
        throw new MsiFormatError(
          `string ${id} declares ${length} bytes at offset ${offset} but _StringData has only ${data.length} bytes`,
          { where: '_StringPool', offset: i * 4 },
        );
      }
      offsets[id] = offset;
      lengths[id] = length;
      refCounts[id] = refs;
      offset += length;
    }
    this.size = Math.max(id, 1);
    this.offsets = offsets;
    this.lengths = lengths;
    this.refCounts = refCounts;
  }

  /** Name of the decoder in use, or null when the codepage is not supported. */
  get encoding(): string | null {
    return this.decoder.label;
  }

  has(id: number): boolean {
    return id > 0 && id < this.size && this.lengths[id] > 0;
  }

  referenceCount(id: number): number {
    this.check(id);
    return this.refCounts[id];
  }

  /** Every string is plain ASCII, so its bytes are also its UTF-8 form. */
  get isAscii(): boolean {
    if (this.asciiOnly === null) {
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
    return this.asciiOnly;
  }

  /** Copies the raw bytes of a string into `target`; returns the count. */
  copyBytes(id: number, target: Buffer, at: number): number {
    this.check(id);
    const start = this.offsets[id];
    return this.data.copy(target, at, start, start + this.lengths[id]);
  }

  /**
   * @internal Direct view of the pool for bulk copying: raw bytes, and
   * per-id offset and length. Callers must bounds-check ids against `size`.
   */
  rawView(): { data: Buffer; offsets: Uint32Array; lengths: Uint32Array } {
    return { data: this.data, offsets: this.offsets, lengths: this.lengths };
  }

  /** Byte length of a string in the database codepage. */
  byteLength(id: number): number {
    this.check(id);
    return this.lengths[id];
  }

  /** Raw bytes of a string, in the database codepage. */
  bytes(id: number): Buffer {
    this.check(id);
    return this.data.subarray(this.offsets[id], this.offsets[id] + this.lengths[id]);
  }

  /**
   * The string with this id. Id 0 and unused ids are the empty string (what
   * Windows Installer returns for them). Ids past the pool are an error.
   */
  get(id: number): string {
    if (this.decoded === null) this.decoded = new Array(this.size);
    const cached = this.decoded[id];
    if (cached !== undefined) return cached;
    this.check(id);
    const length = this.lengths[id];
    let text: string;
    if (length === 0) {
      text = '';
    } else if (this.decoder.singleByte) {
      // One byte per code unit: decode the whole pool once and slice.
      if (this.wholeText === null) this.wholeText = this.decoder.decode(this.data);
      text = this.wholeText.slice(this.offsets[id], this.offsets[id] + length);
    } else {
      text = this.decoder.decode(this.data.subarray(this.offsets[id], this.offsets[id] + length));
    }
    this.decoded[id] = text;
    return text;
  }

  /** @internal */
  check(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new MsiFormatError(`string index ${id} is out of range (the string pool has ids 1 to ${this.size - 1})`, { where: 'string pool' });
    }
  }
}
