// bench/event-loop-reader.js runs each row in a child process with the Node options it was
// given: an option that prints to stdout (--trace-gc, --trace-opt) must not break the row.
// The control row needs no build (it does no reader work), so it runs here as is.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { scratchDir } from '../../support/scratch';

interface RowResult {
  label: string;
  ms: number;
  ratio: number | null;
}

interface ThreadTimes {
  mainRun: number;
  mainWait: number;
  othersRun: number;
}

const { main, runChild, threadClock } = require('../../../bench/event-loop-reader.js') as {
  main(argv: string[]): Promise<unknown>;
  runChild(row: string, options: Record<string, unknown>, nodeOptions?: string[]): RowResult;
  threadClock(enabled: boolean, tasks?: string): { diff(): ThreadTimes | null } | null;
};

jest.setTimeout(60_000);

test('a row whose Node options print to stdout still returns its figures', () => {
  // Stands for --trace-gc and the like: a Node option whose output goes to the row's stdout.
  const noisy = path.join(scratchDir('bench-row'), 'noisy.js');
  fs.writeFileSync(noisy, "process.stdout.write('[noise from a Node option]\\n');\n");
  const result = runChild('control', { calls: 1, file: noisy, span: 20, trace: false, warm: 0 }, ['--require', noisy]);
  expect(result.label).toMatch(/^control/);
  expect(result.ms).toBeGreaterThanOrEqual(20);
  expect(Number.isFinite(result.ratio)).toBe(true);
});

test.each([
  [['--calls', 'abc'], /--calls must be an integer of at least 1; received "abc"/],
  [['--rounds', '0'], /--rounds must be an integer of at least 1; received "0"/],
  [['--warm', '1.5'], /--warm must be an integer of at least 0; received "1.5"/],
  [['--round', '3'], /Unknown option '--round'/],
])('%j is refused before anything runs', async (argv, message) => {
  // --file names no package: had the bad option been let through, a row would have run and failed on it.
  await expect(main([...argv, '--file', '/nonexistent/package.msi'])).rejects.toThrow(message);
});

test('--trace without per-thread times (no schedstat, unreadable task list) reports none instead of failing', () => {
  // Stands for a kernel without schedstats, or a /proc/self/task that cannot be listed:
  // a folder with no thread in it, and a path that is not a folder.
  const empty = scratchDir('bench-tasks');
  const notFolder = path.join(empty, 'file');
  fs.writeFileSync(notFolder, '');
  for (const tasks of [empty, notFolder]) expect(threadClock(true, tasks)?.diff() ?? null).toBeNull();
  // Where Linux has them, the main thread's own time is read and counted.
  if (fs.existsSync('/proc/self/task/' + process.pid + '/schedstat')) {
    const clock = threadClock(true)!;
    const end = process.hrtime.bigint() + 20_000_000n;
    while (process.hrtime.bigint() < end);
    expect(clock.diff()!.mainRun).toBeGreaterThan(0);
  }
});

test('a span shorter than the monitor resolution gives no ratio rather than 0', () => {
  // One 1 ms turn, ended before the loop reaches its timers again: the 10 ms monitor
  // records no delay at all (its maximum reads 0), which gave "ratio 0.00x".
  const result = runChild('control', { calls: 1, file: '/nonexistent/package.msi', span: 0, trace: false, warm: 0 });
  expect(result.ratio).toBeNull();
});
