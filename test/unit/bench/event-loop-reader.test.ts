// bench/event-loop-reader.js runs each row in a child process with the Node options it was
// given: an option that prints to stdout (--trace-gc, --trace-opt) must not break the row.
// The control row needs no build (it does no reader work), so it runs here as is.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { luaWxs } from '../../support/lua-fixtures';
import { buildMsi } from '../../support/package-fixtures';
import { scratchDir } from '../../support/scratch';

interface ThreadTimes {
  mainRun: number;
  mainWait: number;
  othersRun: number;
  mainFaults: number | null;
  othersFaults: number | null;
}

interface HeapFigures {
  allocated: number;
  kept: number;
}

interface RowResult {
  label: string;
  ms: number;
  ratio: number | null;
  result: number | null;
  heap?: { check: HeapFigures; copy: HeapFigures; perCall: number };
  trace: { loaded: { threads: ThreadTimes | null } } | null;
}

const { main, runChild, threadClock, pageFaultCost } = require('../../../bench/event-loop-reader.js') as {
  main(argv: string[]): Promise<unknown>;
  runChild(row: string, options: Record<string, unknown>, nodeOptions?: string[]): RowResult;
  threadClock(enabled: boolean, tasks?: string): { diff(): ThreadTimes | null } | null;
  pageFaultCost(statPath?: string): { us: number; faults: number } | null;
};

const onLinux = fs.existsSync(`/proc/self/task/${process.pid}/stat`);

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

test.each([['-e'], ['--eval'], ['-p'], ['-pe'], ['--print']])('a script given with %s to the caller is not run in a row', (flag) => {
  // A caller started with `node -e` passes its script in process.execArgv: had it reached the
  // row's process, the row would have run the script (here, exit 9) instead of itself.
  const result = runChild('control', { calls: 1, file: '/nonexistent/package.msi', span: 20, trace: false, warm: 0 }, [
    '--no-warnings',
    flag,
    'process.exit(9)',
  ]);
  expect(result.label).toMatch(/^control/);
  const inline = runChild('control', { calls: 1, file: '/nonexistent/package.msi', span: 20, trace: false, warm: 0 }, [
    `${flag.startsWith('--') ? flag : '--eval'}=process.exit(9)`,
  ]);
  expect(inline.label).toMatch(/^control/);
});

test.each([
  [['--calls', 'abc'], /--calls must be an integer of at least 1; received "abc"/],
  [['--rounds', '0'], /--rounds must be an integer of at least 1; received "0"/],
  [['--warm', '1.5'], /--warm must be an integer of at least 0; received "1.5"/],
  [['--round', '3'], /Unknown option '--round'/],
  // A NaN or negative span made the control-kept row's pace NaN or negative: it never ended.
  [['--span', 'abc'], /--span must be a number of milliseconds of at least 0; received "abc"/],
  [['--span=-5'], /--span must be a number of milliseconds of at least 0; received "-5"/],
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

test('page faults that cannot be read are reported as none, and the CPU figures are kept', () => {
  // A task list whose main thread has schedstat but no stat file: its fault count is null
  // (not 0, which would read as "no faults"), the run and wait times still count; there is no
  // other thread, so the others took 0.
  const tasks = scratchDir('bench-faults');
  fs.mkdirSync(path.join(tasks, String(process.pid)));
  fs.writeFileSync(path.join(tasks, String(process.pid), 'schedstat'), '5000000 1000000 7\n');
  const times = threadClock(true, tasks)!.diff()!;
  expect(times).toEqual({ mainRun: 0, mainWait: 0, othersRun: 0, mainFaults: null, othersFaults: 0 });
  expect(pageFaultCost(path.join(tasks, 'no-such-stat'))).toBeNull();
});

test('page faults are read after the last ")" of a thread name, from threads that start during the span, and null when one cannot be read', () => {
  // /proc/<pid>/task/<tid>/stat: "tid (comm) state ppid pgrp session tty tpgid flags minflt ...";
  // a thread may name itself with spaces and ")": only the last ")" ends the name.
  const tasks = scratchDir('bench-stat');
  const stat = (comm: string, minflt: number) => `1 (${comm}) S 1 1 1 0 -1 4194304 ${minflt} 99 7 0 0 0 0 20 0 1 0\n`;
  const thread = (tid: string, comm: string, minflt: number | null) => {
    fs.mkdirSync(path.join(tasks, tid), { recursive: true });
    fs.writeFileSync(path.join(tasks, tid, 'schedstat'), '5000000 1000000 7\n');
    if (minflt === null) fs.rmSync(path.join(tasks, tid, 'stat'), { force: true });
    else fs.writeFileSync(path.join(tasks, tid, 'stat'), stat(comm, minflt));
  };
  const main = String(process.pid);
  thread(main, 'node) 1 2 3 4 5 6 7 (x', 100);
  thread('2', 'V8 Worker', 10);
  const clock = threadClock(true, tasks)!;
  thread(main, 'node) 1 2 3 4 5 6 7 (x', 130);
  thread('2', 'V8 Worker', 15);
  // Started during the span: all its faults are the span's.
  thread('3', 'libuv-worker', 4);
  expect(clock.diff()).toMatchObject({ mainFaults: 30, othersFaults: 9 });
  // A stat that cannot be read: no sum that leaves that thread out.
  thread('3', 'libuv-worker', null);
  expect(clock.diff()).toMatchObject({ mainFaults: 30, othersFaults: null });
  // A stat with no ")" is not a count.
  fs.writeFileSync(path.join(tasks, main, 'stat'), '1 node S 1 1 1 0 -1 4194304 130 99 7 0 0 0 0 20 0 1 0\n');
  expect(clock.diff()).toMatchObject({ mainFaults: null });
});

(onLinux ? test : test.skip)('on Linux, the first touch of fresh memory is counted as page faults and timed', () => {
  const cost = pageFaultCost()!;
  // 16 MiB of 4 KiB pages: thousands of faults (fewer with huge pages), each a positive time.
  expect(cost.faults).toBeGreaterThan(0);
  expect(cost.us).toBeGreaterThan(0);
  const clock = threadClock(true)!;
  const pages = Buffer.allocUnsafeSlow(4 << 20);
  for (let i = 0; i < pages.length; i += 4096) pages[i] = 1;
  expect(clock.diff()!.mainFaults).toBeGreaterThan(0);
});

test('the control-kept row parses every share of every call and keeps, per call, as many bytes as a kept check', async () => {
  const lua = await buildMsi('lua-machine', luaWxs('Machine'), { 'readme.txt': 'msi-lua UAC patching fixture\r\n' });
  const calls = 50;
  const result = runChild('control-kept', { calls, file: lua, lua, span: 300, trace: true, warm: 0 });
  expect(result.label).toBe(`control-kept: ${calls} checks' heap traffic, no reader`);
  expect(result.ms).toBeGreaterThanOrEqual(300);
  // Every call's share parsed, and what a report keeps kept per call in copies, both as
  // bench/heap-reader.js measured them for this run.
  const { check, copy, perCall } = result.heap!;
  expect(check.kept).toBeGreaterThan(1024);
  expect(check.allocated).toBeGreaterThan(check.kept);
  expect(copy.kept).toBeGreaterThan(1024);
  expect(copy.allocated).toBeGreaterThanOrEqual(copy.kept);
  expect(perCall).toBe(Math.max(1, Math.round(check.allocated / copy.allocated)));
  expect(result.result).toBe(Math.floor((calls * check.kept) / copy.kept));
  if (onLinux) expect(result.trace!.loaded.threads!.mainFaults).toBeGreaterThanOrEqual(0);
});

test("the control-kept row's process is not the one that measures its copies, and it parses every share past its span", async () => {
  // Measuring the copies (1,000 held, gc() calls) in the row's own process left its span
  // with no mark-compact where the check row has one: the row takes the figures from the
  // parent (here given) and runs without --expose-gc. A probe records what each row's
  // process had.
  const lua = await buildMsi('lua-machine', luaWxs('Machine'), { 'readme.txt': 'msi-lua UAC patching fixture\r\n' });
  const dir = scratchDir('bench-control-kept');
  const seen = path.join(dir, 'seen.txt');
  const probe = path.join(dir, 'probe.js');
  fs.writeFileSync(
    probe,
    `require('node:fs').appendFileSync(${JSON.stringify(seen)}, process.argv[process.argv.indexOf('--row') + 1] + ' ' + typeof globalThis.gc + '\\n');\n`,
  );
  // 100 calls of 28 copies each take far longer to parse than the 1 ms span: the row must
  // go on until every share is parsed, or it keeps fewer copies than below.
  const heap = { check: { allocated: 192.6 * 1024, kept: 3.7 * 1024 }, copy: { kept: 4096, allocated: 7000 } };
  const calls = 100;
  const result = runChild('control-kept', { calls, file: lua, lua, span: 1, trace: false, warm: 0, heap }, ['--require', probe]);
  expect(fs.readFileSync(seen, 'utf8')).toBe('control-kept undefined\n');
  expect(result.heap).toEqual({ ...heap, perCall: Math.round((192.6 * 1024) / 7000) });
  expect(result.result).toBe(Math.floor((calls * 3.7 * 1024) / 4096));
  // Without figures, the parent has bench/heap-reader.js measure them first, each in a
  // process of its own (with gc()), and the row's own process still has no gc().
  fs.writeFileSync(seen, '');
  const measured = runChild('control-kept', { calls: 1, file: lua, lua, span: 1, trace: false, warm: 0 }, ['--require', probe]);
  expect(fs.readFileSync(seen, 'utf8')).toBe('control-kept undefined\n');
  expect(measured.heap!.copy.kept).toBeGreaterThan(1024);
});

test('the control-kept row refuses heap figures that would keep every copy or never end', async () => {
  const lua = await buildMsi('lua-machine', luaWxs('Machine'), { 'readme.txt': 'msi-lua UAC patching fixture\r\n' });
  const check = { allocated: 192.6 * 1024, kept: 3.7 * 1024 };
  for (const heap of [
    { check, copy: { kept: 0, allocated: 7000 } },
    { check, copy: { kept: 4096, allocated: 0 } },
    { check, copy: { kept: -1, allocated: 7000 } },
    { check: { ...check, kept: 0 }, copy: { kept: 4096, allocated: 7000 } },
  ])
    expect(() => runChild('control-kept', { calls: 1, file: lua, lua, span: 1, trace: false, warm: 0, heap })).toThrow(
      /positive heap figures/,
    );
});

test('the control-kept row runs beside checks of the LUA fixture only, whose heap traffic it makes', async () => {
  // Its figures (what a check allocates and keeps) are bench/heap-reader.js's for
  // lua-machine.msi; another package's check allocates and keeps other amounts.
  const lua = await buildMsi('lua-machine', luaWxs('Machine'), { 'readme.txt': 'msi-lua UAC patching fixture\r\n' });
  const other = path.join(scratchDir('bench-other-lua'), 'other.msi');
  fs.copyFileSync(lua, other);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const labels = async (argv: string[]) => ((await main(argv)) as RowResult[]).map((row) => row.label);
    const withOther = await labels(['--calls', '1', '--file', other, '--lua', other]);
    expect(withOther).toContain('1 x checkLuaPatching(other.msi)');
    expect(withOther.filter((label) => label.startsWith('control-kept'))).toEqual([]);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^\(control-kept not measured: .*not of other\.msi\)$/));
    const withLua = await labels(['--calls', '1', '--file', other, '--lua', lua]);
    expect(withLua.filter((label) => label.startsWith('control-kept'))).toEqual(["control-kept: 1 checks' heap traffic, no reader"]);
  } finally {
    log.mockRestore();
  }
});
