// Structure parsing as generators of read requests, so that one parser
// serves both the synchronous path (bytes in memory, or sync positional
// reads) and the asynchronous one (node:fs callback reads at open, with the
// parsing between reads run in bounded slices of the event loop).

import type { ByteSource } from './source';

/** Byte ranges to read: [position, length] each. */
export type ReadRequest = ReadonlyArray<readonly [number, number]>;

/** A parsing step: yields read requests, receives the bytes (one Buffer per range, short where the file ends). */
export type Reader<T> = Generator<ReadRequest, T, Buffer[]>;

/** Runs a parser against a source synchronously (the source is held only when the parser asks for a read). */
export function runSync<T>(parser: Reader<T>, source: ByteSource): T {
  let step = parser.next(undefined as unknown as Buffer[]);
  if (step.done) return step.value;
  return source.hold(() => {
    while (!step.done) {
      step = parser.next(step.value.map(([position, length]) => source.read(position, length)));
    }
    return step.value;
  });
}

/**
 * Runs a parser with asynchronous reads; each stretch of parsing between
 * reads goes through `slice` (the shared scheduler), so it never holds the
 * event loop for long.
 */
export async function runAsync<T>(
  parser: Reader<T>,
  read: (position: number, length: number) => Promise<Buffer>,
  slice: <R>(fn: () => R) => Promise<R>,
): Promise<T> {
  let step = await slice(() => parser.next(undefined as unknown as Buffer[]));
  while (!step.done) {
    const ranges = step.value;
    const data: Buffer[] = [];
    for (const [position, length] of ranges) data.push(await read(position, length));
    step = await slice(() => parser.next(data));
  }
  return step.value;
}
