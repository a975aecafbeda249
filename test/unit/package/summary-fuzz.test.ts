// The summary property set as its own fuzz target: mutated
// "\u0005SummaryInformation" streams go through everything that reads a
// summary (parsing, the IDT export msiinfo's rules drive, JSON and text
// output), and nothing may throw anything but MsiFormatError. Dates stored as
// strings, the case an earlier fuzz run found (a year no Date holds), get
// their own mutations.

import { MsiFormatError } from '../../../lib/errors';
import { parseSummaryInformation } from '../../../lib/package';
import { summaryToIdt } from '../../../lib/package/idt';
import { formatFields, toJson } from '../../../lib/cli/format';
import { summaryInformationStream, type SummaryPropertyValue } from '../../support/package-fixtures';

const CASES = 4000;

/** Small deterministic PRNG (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DATE_TEXTS = [
  '2024/01/02 03:04:05',
  '300000/01/01 00:00:00',
  '99999999999/12/31 23:59:59',
  '1600/01/01 00:00:00',
  '0/0/0 0:0:0',
  '2024/13/45 25:61:61',
  '275760/09/13 00:00:01',
  '1/1/1 1:1:1',
  'not a date',
  '',
];

function base(pick: () => number): Buffer {
  const text = () => DATE_TEXTS[Math.floor(pick() * DATE_TEXTS.length)];
  const properties: SummaryPropertyValue[] = [
    { id: 1, type: 'i2', value: 1252 },
    { id: 2, type: 'string', value: 'Installation Database' },
    { id: 7, type: 'string', value: 'x64;1033' },
    { id: 9, type: 'string', value: '{11111111-2222-3333-4444-555555555555}' },
    { id: 12, type: pick() < 0.5 ? 'string' : 'filetime', value: new Date(Date.UTC(2020, 0, 1)) } as SummaryPropertyValue,
    { id: 13, type: 'string', value: text() },
    { id: 11, type: 'string', value: text() },
    { id: 14, type: pick() < 0.5 ? 'i4' : 'string', value: 500 } as SummaryPropertyValue,
    { id: 15, type: 'i4', value: 2 },
    { id: 18, type: 'string', value: 'msi-lua fuzz' },
    { id: 19, type: 'i2', value: 2 },
  ];
  // A string-typed property 12 holds a date text too.
  const created = properties[4];
  if (created.type === 'string') (created as { value: string }).value = text();
  else if (created.type === 'i4') (created as { value: number }).value = 7;
  if (properties[7].type === 'string') (properties[7] as { value: string }).value = '500';
  // Stored order varies: msitools stops at the first property it cannot use.
  for (let i = properties.length - 1; i > 0; i--) {
    const j = Math.floor(pick() * (i + 1));
    [properties[i], properties[j]] = [properties[j], properties[i]];
  }
  return summaryInformationStream(properties);
}

const INTERESTING = [0, 1, 2, 3, 30, 64, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

function mutate(data: Buffer, pick: () => number): Buffer {
  let out = Buffer.from(data);
  const steps = 1 + Math.floor(pick() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(pick() * out.length);
    switch (Math.floor(pick() * 6)) {
      case 0:
        out[at] ^= 1 << Math.floor(pick() * 8);
        break;
      case 1:
        out[at] = Math.floor(pick() * 256);
        break;
      case 2:
        if (at + 4 <= out.length) out.writeUInt32LE(INTERESTING[Math.floor(pick() * INTERESTING.length)] >>> 0, at);
        break;
      case 3:
        out = out.subarray(0, at);
        break;
      case 4: {
        // Rewrite one property's type, or its declared string length.
        const section = out.length >= 48 ? out.readUInt32LE(44) : 0;
        if (section + 8 > out.length) break;
        const count = out.readUInt32LE(section + 4);
        const i = Math.floor(pick() * Math.max(count, 1));
        const entry = section + 8 + i * 8;
        if (entry + 8 > out.length) break;
        const offset = section + out.readUInt32LE(entry + 4);
        if (offset + 8 > out.length) break;
        if (pick() < 0.5) out.writeUInt32LE([2, 3, 30, 64, 31, 0][Math.floor(pick() * 6)], offset);
        else out.writeUInt32LE(INTERESTING[Math.floor(pick() * INTERESTING.length)] >>> 0, offset + 4);
        break;
      }
      default:
        out = Buffer.concat([out, Buffer.alloc(Math.floor(pick() * 64), Math.floor(pick() * 256))]);
    }
  }
  return out;
}

test(`${CASES} mutated summary streams: only MsiFormatError, never an untyped exception`, () => {
  const pick = random(0x5eed);
  const untyped: string[] = [];
  let rejected = 0;
  for (let i = 0; i < CASES; i++) {
    const stream = i % 10 === 0 ? base(pick) : mutate(base(pick), pick);
    try {
      const summary = parseSummaryInformation(stream);
      summaryToIdt(summary);
      toJson(summary);
      formatFields([
        ['Created', summary.created],
        ['Last saved', summary.lastSaved],
        ['Last printed', summary.lastPrinted],
      ]);
    } catch (error) {
      if (error instanceof MsiFormatError) rejected++;
      else if (untyped.length < 5) untyped.push(`case ${i}: ${(error as Error)?.stack ?? String(error)}`);
      else untyped.push('');
    }
  }
  expect(untyped).toEqual([]);
  // The mutations reach both sides: some streams are refused, most read.
  expect(rejected).toBeGreaterThan(0);
  expect(rejected).toBeLessThan(CASES);
});

test('a string-typed date no FILETIME can hold ends the IDT export there, as msiinfo export does', () => {
  const idt = summaryToIdt(
    parseSummaryInformation(
      summaryInformationStream([
        { id: 1, type: 'i2', value: 1252 },
        { id: 9, type: 'string', value: '{11111111-2222-3333-4444-555555555555}' },
        { id: 12, type: 'string', value: '300000/01/01 00:00:00' },
        { id: 14, type: 'i4', value: 200 },
      ]),
    ),
  ).toString('latin1');
  expect(idt).toBe(
    'PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n1\t1252\r\n9\t{11111111-2222-3333-4444-555555555555}\r\n',
  );
});
