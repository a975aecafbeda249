// Opening from a path: only regular files, positional reads on demand,
// the same answers as from bytes in memory.

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { MsiFormatError } from '../../../../lib/errors';
import { NotRegularFileError, openCompoundFileSync, openPackage, readPackage } from '../../../../lib/package';
import { buildSmallMsi } from '../../../support/package-fixture-set';
import { layoutOf, plainCompoundFile } from '../../../support/cfb-layout';

jest.setTimeout(60_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-source-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let small: string;
beforeAll(async () => {
  small = await buildSmallMsi();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

test('a package opened from a path reads the same as from bytes', async () => {
  const fromPath = await openPackage(small);
  const fromBytes = readPackage(fs.readFileSync(small));
  expect(fromPath.tableNames).toEqual(fromBytes.tableNames);
  for (const name of fromBytes.tableNames) expect(fromPath.exportIdt(name).equals(fromBytes.exportIdt(name))).toBe(true);
  for (const s of fromBytes.streams) expect(fromPath.readStream(s.name).equals(fromBytes.readStream(s.name))).toBe(true);
  expect(fromPath.computeDigest().equals(fromBytes.computeDigest())).toBe(true);
  expect(fromPath.byteLength).toBe(fs.statSync(small).size);
});

test('a directory is refused without reading', async () => {
  const error = await rejection(openPackage(dir));
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect((error as NotRegularFileError).code).toBe('EISDIR');
});

test('a symlink to /dev/zero is refused as a character device, without reading', async () => {
  const link = path.join(dir, 'zero.msi');
  fs.symlinkSync('/dev/zero', link);
  const error = await rejection(openPackage(link));
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect((error as NotRegularFileError).fileType).toBe('character device');
  expect(() => openCompoundFileSync(link)).toThrow(NotRegularFileError);
});

test('a FIFO with no writer is refused, not waited on', async () => {
  const fifo = path.join(dir, 'pipe.msi');
  execFileSync('mkfifo', [fifo]);
  const error = await rejection(openPackage(fifo));
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect((error as NotRegularFileError).fileType).toBe('FIFO');
});

test('a Unix socket is refused as one, not with the ENXIO that open(2) gives it', async () => {
  const socketPath = path.join(dir, 'socket.msi');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const error = await rejection(openPackage(socketPath));
    expect(error).toBeInstanceOf(NotRegularFileError);
    expect((error as NotRegularFileError).fileType).toBe('socket');
    expect((error as NotRegularFileError).code).toBe('ENOTREGULAR');
    expect(() => openCompoundFileSync(socketPath)).toThrow(/is a socket, not a regular file/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a missing file rejects with the file system error', async () => {
  const error = await rejection(openPackage(path.join(dir, 'missing.msi')));
  expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
});

test('a file changed after opening: later reads fail with MsiFormatError instead of reading another file', async () => {
  const copy = path.join(dir, 'changing.msi');
  fs.copyFileSync(small, copy);
  const pkg = await openPackage(copy);
  fs.appendFileSync(copy, Buffer.alloc(512));
  // Property is not read at open (only the string pool, catalog and summary are).
  expect(() => pkg.readTableStream('Property')).toThrow(MsiFormatError);
  expect(() => pkg.readTableStream('Property')).toThrow(/changed after the package was opened/);
});

test('streams other than the catalog are not read at open: damage to one fails only its read', async () => {
  const layout = layoutOf(fs.readFileSync(small));
  const target = layout.fatStream(3);
  const [, second] = layout.chain(target.start);
  layout.setU32(layout.fatEntryOffset(second), second);
  const copy = path.join(dir, 'damaged-stream.msi');
  fs.writeFileSync(copy, layout.buf);
  const pkg = await openPackage(copy);
  expect(pkg.tableNames.length).toBeGreaterThan(0);
  const all = [...pkg.streams, ...pkg.tableStreams];
  const info = all.find((s) => s.storedName === target.name)!;
  expect(() => (info.isTable ? pkg.readTableStream(info.name) : pkg.readStream(info.name))).toThrow(/sector chain loops back/);
});

test('a compound file that is not a package rejects with MsiFormatError', async () => {
  const file = path.join(dir, 'plain.cfb');
  fs.writeFileSync(file, plainCompoundFile({ A: Buffer.alloc(10) }));
  expect(await rejection(openPackage(file))).toBeInstanceOf(MsiFormatError);
});
