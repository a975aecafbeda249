// lib/package/scheduler.ts: the gates that bound how many opens and checks
// are in progress at once.
import { getEventListeners } from 'node:events';
import { limiter } from '../../../lib/package/scheduler';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A run that records the names it starts; the one named 'first' waits for `first`, the others resolve at once. */
function recordingRun() {
  const first = deferred<string>();
  const started: string[] = [];
  const run = (name: string) => {
    started.push(name);
    return name === 'first' ? first.promise : Promise.resolve(name);
  };
  return { first, started, run };
}

test('at most `max` calls run at once; the others start in call order as places free', async () => {
  const gate = limiter(2);
  const started: number[] = [];
  const pending = new Map<number, ReturnType<typeof deferred<number>>>();
  const run = (n: number) => {
    started.push(n);
    const d = deferred<number>();
    pending.set(n, d);
    return d.promise;
  };
  const results = [1, 2, 3, 4, 5].map((n) => gate(run, n));
  expect(started).toEqual([1, 2]);
  pending.get(2)!.resolve(20);
  await turn();
  expect(started).toEqual([1, 2, 3]);
  pending.get(1)!.reject(new Error('one failed'));
  await turn();
  expect(started).toEqual([1, 2, 3, 4]);
  for (const n of [3, 4]) pending.get(n)!.resolve(n * 10);
  await turn();
  expect(started).toEqual([1, 2, 3, 4, 5]);
  pending.get(5)!.resolve(50);
  const settled = await Promise.allSettled(results);
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['one failed', 20, 30, 40, 50]);
});

test('a run that throws synchronously rejects its call and frees its place', async () => {
  const gate = limiter(1);
  const failing = gate(() => {
    throw new TypeError('bad');
  }, null);
  await expect(failing).rejects.toThrow('bad');
  await expect(gate(async (n: number) => n + 1, 1)).resolves.toBe(2);
});

test('a waiting call holds its argument, not a copy, and gets its own result', async () => {
  const gate = limiter(1);
  const first = deferred<string>();
  const a = gate(() => first.promise, null);
  const argument = { name: 'x' };
  const b = gate(async (arg: { name: string }) => arg, argument);
  first.resolve('a');
  expect(await a).toBe('a');
  expect(await b).toBe(argument);
});

test('a waiting call with an exit leaves the queue when its signal aborts; a started one is not touched', async () => {
  const gate = limiter(1);
  const { first, started, run } = recordingRun();
  const exitOf = (controller: AbortController, label: string) => ({ signal: controller.signal, error: () => new Error(label) });
  const firstController = new AbortController();
  const leaving = new AbortController();
  const a = gate(run, 'first', exitOf(firstController, 'first aborted'));
  const b = gate(run, 'leaves', exitOf(leaving, 'left the queue'));
  const c = gate(run, 'stays');
  await turn();
  leaving.abort();
  await expect(b).rejects.toThrow('left the queue');
  // Aborting a call that holds its place does nothing here: its own work decides.
  firstController.abort();
  first.resolve('first');
  await expect(a).resolves.toBe('first');
  await expect(c).resolves.toBe('stays');
  expect(started).toEqual(['first', 'stays']);
  // A signal aborted already rejects at once, without taking a place.
  const aborted = new AbortController();
  aborted.abort();
  await expect(gate(run, 'never', exitOf(aborted, 'already aborted'))).rejects.toThrow('already aborted');
  expect(started).toEqual(['first', 'stays']);
});

test('calls waiting with one signal share one abort listener, removed once none waits', async () => {
  // The reads of every table of a package with one signal: 20 waiting calls must not add 20
  // listeners (EventTarget warns MaxListenersExceededWarning past 10), nor keep one after.
  const gate = limiter(1);
  const { first, run } = recordingRun();
  const shared = new AbortController();
  const exit = (label: string) => ({ signal: shared.signal, error: () => new Error(label) });
  const a = gate(run, 'first', exit('first'));
  const names = Array.from({ length: 20 }, (_, i) => `w${i}`);
  const waiting = names.map((name) => gate(run, name, exit(`${name} left`)));
  expect(getEventListeners(shared.signal, 'abort')).toHaveLength(1);
  first.resolve('first');
  await a;
  expect(await Promise.all(waiting)).toEqual(names);
  expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);

  // Aborted together: each waiting call rejects with its own error, in call order; the others stay.
  const held = deferred<string>();
  const b = gate(() => held.promise, null);
  const aborting = new AbortController();
  const order: string[] = [];
  const left = names.map((name) =>
    gate(run, name, { signal: aborting.signal, error: () => new Error(`${name} left`) }).catch((e: Error) => {
      order.push(e.message);
    }),
  );
  const stays = gate(run, 'stays', exit('stays left'));
  expect(getEventListeners(aborting.signal, 'abort')).toHaveLength(1);
  aborting.abort();
  await Promise.all(left);
  expect(order).toEqual(names.map((name) => `${name} left`));
  expect(getEventListeners(aborting.signal, 'abort')).toHaveLength(0);
  held.resolve('held');
  await b;
  await expect(stays).resolves.toBe('stays');
  expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
});
