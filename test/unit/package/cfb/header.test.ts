// cfb/header.ts: what the header refuses (unreadable or unbounded) and what
// it ignores, as Windows, libgsf and Wine do.

import { parseHeader } from '../../../../lib/package/cfb/header';
import { openCompoundFile } from '../../../../lib/package';
import { plainCompoundFile } from '../../../support/cfb-layout';
import { formatErrorOf } from '../../../support/cfb-helpers';

const file = plainCompoundFile({ A: Buffer.alloc(5000, 1), B: Buffer.alloc(100, 2) });
const header = () => Buffer.from(file.subarray(0, 512));

describe('refused', () => {
  test('no OLE2 signature', () => {
    const bytes = header();
    bytes[3] = 0;
    expect(formatErrorOf(() => parseHeader(bytes, file.length)).message).toMatch(/OLE2 signature/);
  });

  test('a header cut off before 512 bytes', () => {
    const error = formatErrorOf(() => parseHeader(header().subarray(0, 300), 300));
    expect(error.message).toMatch(/truncated: 300 bytes/);
    expect(error.where).toBe('header');
  });

  test('a sector shift no version defines', () => {
    const bytes = header();
    bytes.writeUInt16LE(10, 30);
    expect(formatErrorOf(() => parseHeader(bytes, file.length)).offset).toBe(26);
  });

  test('a mini sector shift other than 6', () => {
    const bytes = header();
    bytes.writeUInt16LE(7, 32);
    expect(formatErrorOf(() => parseHeader(bytes, file.length)).message).toMatch(/mini sector shift is 7/);
  });

  test('a mini stream cutoff other than 4096', () => {
    const bytes = header();
    bytes.writeUInt32LE(8192, 56);
    expect(formatErrorOf(() => parseHeader(bytes, file.length)).message).toMatch(/cutoff is 8192/);
  });

  test.each([
    [44, 'FAT'],
    [72, 'DIFAT'],
    [64, 'mini FAT'],
  ])('more %s sectors (offset %i) than the file holds', (offset, what) => {
    const bytes = header();
    bytes.writeUInt32LE(1000, offset as number);
    const error = formatErrorOf(() => parseHeader(bytes, file.length));
    expect(error.message).toContain(`declares 1000 ${what} sectors`);
    expect(error.offset).toBe(offset);
  });

  test('a file too short for one sector', () => {
    expect(formatErrorOf(() => parseHeader(header(), 700)).message).toMatch(/cannot hold a header and one 512-byte sector/);
  });
});

describe('ignored (they were refused by the cfb-derived rules)', () => {
  test('non-zero reserved bytes, minor version, byte order and directory sector count of a version 3 file', () => {
    const bytes = Buffer.from(file);
    bytes.writeUInt16LE(0x1234, 24); // minor version
    bytes.writeUInt16LE(0x1111, 28); // byte order mark
    bytes.fill(0x55, 34, 40); // reserved
    bytes.writeUInt32LE(7, 40); // directory sectors (version 4 only)
    const compound = openCompoundFile(bytes);
    const a = compound.childrenOf(compound.root).find((e) => e.name === 'A')!;
    expect(compound.streamData(a).equals(Buffer.alloc(5000, 1))).toBe(true);
  });

  test('a trailing partial sector counts as a sector', () => {
    const parsed = parseHeader(header(), 512 * 3 + 100);
    expect(parsed.sectorCount).toBe(3);
  });
});
