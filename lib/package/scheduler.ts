// A cooperative scheduler shared by every package being opened: parsing
// work is queued as short synchronous slices and run a few milliseconds per
// turn of the event loop, then the loop is given back (setImmediate).
//
// Why shared: 1,000 callers that each yield with setImmediate after their
// own slice still queue 1,000 slices into the same turn, and the loop is
// held for all of them. One queue with one time budget per turn bounds the
// delay whatever the number of callers. A slice itself is not cut: keep
// slices short (one structure, one table).

/**
 * Time budget per turn, in nanoseconds (1 ms). Measured with
 * process.hrtime.bigint(): the global `performance` loads perf_hooks (about
 * ten internal modules, 2 ms) on first use, which a command-line run that
 * opens one package would pay for nothing.
 */
const BUDGET_NS = 1_000_000n;

interface Task {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const queue: Task[] = [];
let head = 0;
let scheduled = false;

function pump(): void {
  scheduled = false;
  const started = process.hrtime.bigint();
  while (head < queue.length) {
    const task = queue[head];
    queue[head++] = undefined as unknown as Task;
    try {
      task.resolve(task.run());
    } catch (error) {
      task.reject(error);
    }
    if (process.hrtime.bigint() - started >= BUDGET_NS) break;
  }
  if (head === queue.length) {
    queue.length = 0;
    head = 0;
  } else {
    schedule();
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(pump);
}

/**
 * Runs `fn` in a later turn of the event loop, when the shared budget
 * allows; settles with its result or its error. Never runs it synchronously.
 */
export function slice<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
    schedule();
  });
}

/**
 * How a call waiting at a gate leaves it without its turn: once `signal`
 * aborts, the call is taken out of the queue and rejects with `error()`
 * (its `run` is never called). A caller whose gated work hangs (a read on
 * a network share that never answers) must not keep the aborted callers
 * behind it waiting too.
 */
export interface GateExit {
  signal: AbortSignal;
  error: () => unknown;
}

/**
 * A step of work in the shared scheduler (`slice`, or a caller's wrapper of
 * it that stops on abort), with the signal that stops it, if any, so that
 * the gates it waits at let it go as well.
 */
export type Step = (<R>(fn: () => R) => Promise<R>) & { readonly exit?: GateExit };

/**
 * A gate that lets at most `max` calls of the function it returns, each
 * `run(argument)`, be in progress at once (`run` a function made once, not
 * per call); the others wait, holding only their argument, and start
 * in the order of the calls. A waiting call given an `exit` leaves the queue
 * when its signal aborts (see GateExit). Gates must not nest within
 * themselves (a call that waits on its own gate while holding a place
 * deadlocks once all the places are taken).
 */
export function limiter(max: number): <A, T>(run: (argument: A) => Promise<T>, argument: A, exit?: GateExit) => Promise<T> {
  let running = 0;
  // A waiting call is one small record (and the promise its caller holds):
  // no async frame or closure per waiting call, since 1,000 of them are
  // made at once and the first scavenges copy them all. The calls waiting
  // with one signal share one listener (the reads of every table of a
  // package with one signal would pass EventTarget's 10 and warn
  // MaxListenersExceededWarning), removed when the last of them leaves.
  const waiting: Array<Waiting<never, unknown>> = [];
  const exits = new Map<AbortSignal, { leave: () => void; count: number }>();
  const join = (signal: AbortSignal): void => {
    const known = exits.get(signal);
    if (known) {
      known.count++;
      return;
    }
    const leave = (): void => {
      exits.delete(signal);
      const left: Array<Waiting<never, unknown>> = [];
      let kept = 0;
      for (const call of waiting) {
        if (call.exit?.signal === signal) left.push(call);
        else waiting[kept++] = call;
      }
      waiting.length = kept;
      for (const call of left) call.reject(call.exit?.error());
    };
    // Added before it is counted: a signal-like object whose addEventListener throws
    // rejects this call and must not leave a count that never reaches 0.
    signal.addEventListener('abort', leave, { once: true });
    exits.set(signal, { leave, count: 1 });
  };
  const part = (signal: AbortSignal): void => {
    const known = exits.get(signal);
    if (!known || --known.count > 0) return;
    exits.delete(signal);
    signal.removeEventListener('abort', known.leave);
  };
  const next = (): void => {
    running--;
    const call = waiting.shift();
    if (!call) return;
    if (call.exit) part(call.exit.signal);
    start(call.run, call.argument).then(call.resolve, call.reject);
  };
  const start = <A, T>(run: (argument: A) => Promise<T>, argument: A): Promise<T> => {
    running++;
    let result: Promise<T>;
    try {
      result = run(argument);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(next, next);
    return result;
  };
  return <A, T>(run: (argument: A) => Promise<T>, argument: A, exit?: GateExit): Promise<T> => {
    if (exit?.signal.aborted) return Promise.reject(exit.error());
    if (running < max) return start(run, argument);
    return new Promise<T>((resolve, reject) => {
      const call = { run, argument, resolve, reject } as unknown as Waiting<never, unknown>;
      if (exit) {
        call.exit = exit;
        join(exit.signal);
      }
      waiting.push(call);
    });
  };
}

interface Waiting<A, T> {
  run: (argument: A) => Promise<T>;
  argument: A;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  exit?: GateExit;
}

/**
 * Runs an open with at most 8 of them in progress: 1,000 callers then
 * finish a few at a time instead of all advancing together, so the
 * half-built state of all of them is never alive at once (which made the
 * garbage collector, not the parsing, hold the event loop). Opens start in
 * the order of the calls; they may finish in another order.
 */
export const limitOpens = limiter(8);

/** Arrays of at most this many items are mapped at once by mapInSlices. */
export const MAP_INLINE_MAX = 256;
/** Time one slice of forEachInSlices may take, in nanoseconds (0.5 ms: half the turn's budget). */
const ITEMS_SLICE_NS = 500_000n;

/**
 * Calls `fn(0)` ... `fn(count - 1)` in slices of `step` (the shared scheduler, or a caller's
 * wrapper of it that stops on abort), each about 0.5 ms, at least one however small `count`.
 * Rejects with the first error `fn` throws (no later index is called).
 */
export async function forEachInSlices(
  count: number,
  fn: (index: number) => void,
  step: <R>(run: () => R) => Promise<R> = slice,
): Promise<void> {
  let i = 0;
  const run = (): void => {
    const end = process.hrtime.bigint() + ITEMS_SLICE_NS;
    // The clock is read every 16 items: it costs about what a small item does.
    while (i < count) {
      fn(i);
      i++;
      if ((i & 15) === 0 && process.hrtime.bigint() >= end) break;
    }
  };
  do await step(run);
  while (i < count);
}

/**
 * `items.map(fn)`, in slices of the shared scheduler (forEachInSlices) when there are more than
 * MAP_INLINE_MAX items, else at once in the current turn. Settles with the same array
 * `items.map(fn)` gives, or rejects with the first error `fn` throws (no later item is mapped).
 * For shaping what a native call returns (10,000 history entries, thousands of products)
 * without holding the event loop for all of it.
 */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T, index: number) => R): Promise<R[]> {
  if (items.length <= MAP_INLINE_MAX) return items.map((item, index) => fn(item, index));
  const out: R[] = [];
  await forEachInSlices(items.length, (i) => {
    out.push(fn(items[i] as T, i));
  });
  return out;
}

/**
 * Work cut into steps: a generator that yields between steps and returns the work's result.
 * It yields `'end-slice'` where a slice must end (e.g. after each transform applied), and
 * nothing where the slice may go on if time allows. Before a step that reads a file
 * synchronously it may yield a ReadAhead: stepsInSlices ends the slice and awaits it (so the
 * step then finds the bytes in memory), runSteps ignores it (the step reads them itself).
 * runSteps runs it in one go (the synchronous API); stepsInSlices runs it in slices (the async
 * twin), so both share one piece of code.
 */
export type Steps<T> = Generator<'end-slice' | undefined | ReadAhead, T, undefined>;

/** What a step is about to read, read asynchronously first (with the step's abort, see Step). */
export interface ReadAhead {
  readAhead: (step: Step) => Promise<unknown>;
}

/** Runs every step of `steps` now and returns the result (the synchronous API's loop). */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs `steps` in slices of `step` (the shared scheduler, or a caller's wrapper of it that stops
 * on abort): each slice runs steps for about 0.5 ms, at least one, and ends early where the work
 * yields 'end-slice' or a ReadAhead (awaited between slices). Settles with the work's result, or rejects with the first error it throws.
 */
export async function stepsInSlices<T>(steps: Steps<T>, step: Step = slice): Promise<T> {
  const run = (): IteratorResult<'end-slice' | undefined | ReadAhead, T> => {
    const end = process.hrtime.bigint() + ITEMS_SLICE_NS;
    for (;;) {
      const next = steps.next();
      if (next.done || next.value !== undefined || process.hrtime.bigint() >= end) return next;
    }
  };
  for (;;) {
    const next = await step(run);
    if (next.done) return next.value;
    if (typeof next.value === 'object') await next.value.readAhead(step);
  }
}
