// Reads that hang, as on a network share that stopped answering: every fs.read (node:fs, the
// module object the library calls through) waits until released.
import type * as fs from 'node:fs';

type ReadCallback = (error: NodeJS.ErrnoException | null, bytesRead: number, buffer: Buffer) => void;

/**
 * Makes every fs.read hang until released; returns the count of reads held, a wait until at
 * least `count` are held (or about a second has passed), and the release.
 */
export function holdReads(): { held: () => number; untilHeld: (count: number) => Promise<void>; release: () => void } {
  const nodeFs = require('node:fs') as typeof fs;
  const realRead = nodeFs.read.bind(nodeFs) as (...args: unknown[]) => void;
  const waiting: Array<() => void> = [];
  let released = false;
  jest.spyOn(nodeFs, 'read').mockImplementation(((...args: unknown[]) => {
    const callback = args[args.length - 1] as ReadCallback;
    const run = () => realRead(...args.slice(0, -1), callback);
    if (released) run();
    else waiting.push(run);
  }) as never);
  return {
    held: () => waiting.length,
    untilHeld: async (count) => {
      for (let i = 0; i < 200 && waiting.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    },
    release: () => {
      released = true;
      for (const run of waiting.splice(0)) run();
    },
  };
}

/** How `promise` settles within `ms`, or 'pending'. */
export const settledWithin = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
