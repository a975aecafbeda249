// Bytes whose ArrayBuffer was detached (transferred to a worker, structuredClone with
// `transfer`): before the call, a TypeError naming the argument, not V8's own "Cannot perform
// Construct on a detached ArrayBuffer"; after a package was opened from them, MsiFormatError,
// as for any other change to the bytes under the reader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MsiFormatError } from '../../../lib/errors';
import {
  applyTransforms,
  clsidToString,
  describeCertificate,
  openPackage,
  parseSummaryInformation,
  readPackage,
  readTransformFile,
} from '../../../lib/package';
import { isDetachedView } from '../../../lib/validate';
import { buildSmallMsi } from '../../support/package-fixtures';
import { buildTransformBase, transformSpecs } from '../../support/transform-cases';
import { writeTransformFile } from '../../support/transform-writer';

/** A copy of `bytes` in an ArrayBuffer of its own (not the Buffer pool), as a Buffer or a Uint8Array. */
function ownCopy(bytes: Uint8Array, asBuffer: boolean): Uint8Array {
  const view = new Uint8Array(new ArrayBuffer(bytes.byteLength));
  view.set(bytes);
  return asBuffer ? Buffer.from(view.buffer, 0, view.byteLength) : view;
}

function detach(view: Uint8Array): void {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
  expect(view.byteLength).toBe(0);
}

test('isDetachedView tells a detached view from an empty one and a live one', () => {
  const live = ownCopy(Buffer.from('abc'), false);
  expect(isDetachedView(live)).toBe(false);
  expect(isDetachedView(new Uint8Array(0))).toBe(false);
  expect(isDetachedView(Buffer.alloc(0))).toBe(false);
  expect(isDetachedView(new Uint8Array(new SharedArrayBuffer(0)))).toBe(false);
  detach(live);
  expect(isDetachedView(live)).toBe(true);
});

describe('a detached view as an argument is a TypeError naming it', () => {
  const calls: Array<[string, string, boolean, (bytes: Uint8Array) => unknown]> = [
    ['openPackage', 'source', false, (b) => openPackage(b)],
    ['readPackage', 'data', false, (b) => readPackage(b)],
    ['readTransformFile', 'data', false, (b) => readTransformFile(b)],
    ['parseSummaryInformation', 'data', true, (b) => parseSummaryInformation(b as Buffer)],
    ['describeCertificate', 'der', false, (b) => describeCertificate(b as Buffer)],
    ['clsidToString', 'bytes', true, (b) => clsidToString(b as Buffer)],
  ];
  test.each(calls)('%s(%s)', async (_name, argument, asBuffer, call) => {
    const bytes = ownCopy(fs.readFileSync(await buildSmallMsi()), asBuffer);
    detach(bytes);
    const outcome = await (async () => call(bytes))().then(
      () => 'settled without error',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as Error).message).toBe(
      `The "${argument}" argument is a view of a detached ArrayBuffer (transferred elsewhere): it holds no bytes`,
    );
  });
});

describe('bytes detached after the open are damage to the package (MsiFormatError)', () => {
  test.each([
    ['openPackage', (b: Uint8Array) => openPackage(b)],
    ['readPackage', async (b: Uint8Array) => readPackage(b)],
  ])('%s', async (_name, open) => {
    const bytes = ownCopy(fs.readFileSync(await buildSmallMsi()), false);
    const pkg = await open(bytes);
    detach(bytes);
    const expectDamage = (error: unknown) => {
      expect(error).toBeInstanceOf(MsiFormatError);
      expect((error as Error).message).toContain('detached (transferred elsewhere) after the open');
    };
    for (const read of [() => pkg.readTable('File'), () => pkg.exportIdt('Property'), () => pkg.readStream('Binary.helper')]) {
      let thrown: unknown = 'nothing thrown';
      try {
        read();
      } catch (error) {
        thrown = error;
      }
      expectDamage(thrown);
    }
    expectDamage(await pkg.readTableAsync('Component').catch((error: unknown) => error));
    expectDamage(await pkg.exportIdtAsync('Directory').catch((error: unknown) => error));
  });
});

test('tables read before the detach fail as unread ones do, not as rows of nulls', async () => {
  // A table read before keeps views of the bytes (its stream, the string pool): detached, they
  // hold nothing, and its cells read as null. Its next read, and a transform applied over it,
  // must fail as a table not read yet does.
  const bytes = ownCopy(fs.readFileSync(await buildTransformBase()), false);
  const pkg = readPackage(bytes);
  expect(pkg.readTable('Property').rows.length).toBeGreaterThan(0);
  pkg.exportIdt('File');
  const transform = readTransformFile(writeTransformFile(transformSpecs()['row-changes'].transforms[0]));
  detach(bytes);
  const outcomes = [
    () => pkg.readTable('Property'),
    () => pkg.exportIdt('File'),
    () => pkg.table('Property').rowValues(0),
    () => applyTransforms(pkg, [transform]),
  ].map((read) => {
    try {
      return read();
    } catch (error) {
      return error;
    }
  });
  for (const outcome of outcomes) {
    expect(outcome).toBeInstanceOf(MsiFormatError);
    expect((outcome as Error).message).toContain('detached (transferred elsewhere) after the open');
  }
  expect(await pkg.readTableAsync('Property').catch((error: unknown) => error)).toBeInstanceOf(MsiFormatError);
});

const PUTTY = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'lessmsi-putty-0.68.msi');
(fs.existsSync(PUTTY) ? test : test.skip)('a mini stream read after the detach says so, not that its chain is broken', () => {
  // Its mini FAT is a view of the bytes: detached, the chain lookup failed first
  // ("no mini FAT entry covers mini sector 118") before any read could tell why.
  const bytes = ownCopy(fs.readFileSync(PUTTY), false);
  const pkg = readPackage(bytes);
  detach(bytes);
  expect(() => pkg.readTable('Component')).toThrow('detached (transferred elsewhere) after the open');
});
if (!fs.existsSync(PUTTY)) console.log(`no ${PUTTY}: the mini-stream detach check is skipped`);
