// openPackage(source, { signal }): an abort settles the open at once, wherever it is: waiting
// for its turn at the gate of 8 opens, between slices, or waiting on a read that does not
// return (a network share that stopped answering), whose file is still closed when it returns.

import * as fs from 'node:fs';
import { AbortError } from '../../../lib/errors';
import { openPackage } from '../../../lib/package';
import { buildSmallMsi } from '../../support/package-fixtures';
import { holdReads, settledWithin } from '../../support/hold-reads';

jest.setTimeout(60_000);

let small: string;
beforeAll(async () => {
  small = await buildSmallMsi();
});

afterEach(() => jest.restoreAllMocks());

test('an already aborted signal rejects with AbortError; a bad source is still named first', async () => {
  const signal = AbortSignal.abort();
  await expect(openPackage(small, { signal })).rejects.toBeInstanceOf(AbortError);
  await expect(openPackage(fs.readFileSync(small), { signal })).rejects.toBeInstanceOf(AbortError);
  await expect(openPackage(42 as never, { signal })).rejects.toThrow(/"source"/);
  await expect(openPackage(small, { signal: 'stop' as never })).rejects.toThrow(/"signal"/);
});

test('without an abort the signal changes nothing', async () => {
  const controller = new AbortController();
  const [withSignal, without] = [await openPackage(small, { signal: controller.signal }), await openPackage(small)];
  expect(withSignal.tableNames).toEqual(without.tableNames);
  expect(withSignal.readTable('Property')).toEqual(without.readTable('Property'));
});

test('bytes: an abort right after the call rejects at the next slice', async () => {
  const controller = new AbortController();
  const opening = openPackage(fs.readFileSync(small), { signal: controller.signal });
  controller.abort(new Error('user cancelled'));
  const error = await opening.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AbortError);
  expect((error as Error).cause).toEqual(new Error('user cancelled'));
});

test('a path whose read hangs: the abort rejects at once, and the file is closed when the read returns', async () => {
  const nodeFs = require('node:fs') as typeof fs;
  const reads = holdReads();
  const close = jest.spyOn(nodeFs, 'close');
  const controller = new AbortController();
  const opening = openPackage(small, { signal: controller.signal });
  // Wait until the open is blocked on its first read.
  await reads.untilHeld(1);
  expect(reads.held()).toBe(1);
  controller.abort();
  const outcome = await settledWithin(opening, 500);
  expect(outcome).not.toBe('pending');
  expect((outcome as { error?: unknown }).error).toBeInstanceOf(AbortError);
  // Its descriptor is still open (the read holds it) until the read returns.
  expect(close).not.toHaveBeenCalled();
  reads.release();
  for (let i = 0; i < 100 && close.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(close).toHaveBeenCalledTimes(1);
});

test('waiting for its turn behind 8 hung opens, an aborted open leaves at once', async () => {
  const nodeFs = require('node:fs') as typeof fs;
  const reads = holdReads();
  const opens = jest.spyOn(nodeFs, 'open');
  const ahead = Array.from({ length: 8 }, () => openPackage(small));
  await reads.untilHeld(8);
  expect(reads.held()).toBe(8);
  const controller = new AbortController();
  const waiting = openPackage(small, { signal: controller.signal });
  controller.abort();
  const outcome = await settledWithin(waiting, 500);
  expect((outcome as { error?: unknown }).error).toBeInstanceOf(AbortError);
  // Its turn never came: no ninth read.
  expect(reads.held()).toBe(8);
  reads.release();
  const opened = await Promise.all(ahead);
  expect(opened).toHaveLength(8);
  // The aborted open left the queue: it never opened the file once the others were done.
  await new Promise((r) => setTimeout(r, 50));
  expect(opens).toHaveBeenCalledTimes(8);
});

test('many calls sharing one signal: one listener for them all, no MaxListenersExceededWarning, none left', async () => {
  // In Node 18.19+ and 20; not in the @types/node this project pins.
  const { getEventListeners } = require('node:events') as { getEventListeners: (target: EventTarget, type: string) => unknown[] };
  const { checkLuaPatching } = await import('../../../lib/lua/offline');
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  try {
    const controller = new AbortController();
    const { signal } = controller;
    const bytes = fs.readFileSync(small);
    const calls = [
      ...Array.from({ length: 20 }, () => openPackage(small, { signal })),
      ...Array.from({ length: 20 }, () => openPackage(bytes, { signal })),
      // A check holds an open of its own with the same signal.
      ...Array.from({ length: 12 }, () => checkLuaPatching(small, [], { signal })),
    ];
    // settleOnAbort's one listener, and one per gate the calls wait at (opens, checks, reads).
    expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(4);
    await Promise.allSettled(calls);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // The same with an abort while they run: every call settles, no listener is left.
    const again = [
      ...Array.from({ length: 20 }, () => openPackage(small, { signal })),
      ...Array.from({ length: 12 }, () => checkLuaPatching(small, [], { signal })),
    ];
    controller.abort();
    const outcomes = await Promise.allSettled(again);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof AbortError)).toBe(true);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  } finally {
    process.off('warning', onWarning);
  }
});
