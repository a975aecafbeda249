// `msi-lua updates` on any OS: usage errors, the not-Windows exit code, and the output with
// the native binding injected (the Wine tier runs it against the scripted agent).
import { cli as runCommand } from '../../support/run-cli';
import { UpdatesExitCode } from '../../../lib/cli/exit-codes';
import { setNativeBinding } from '../../../lib/native/load';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExitCode } from '../../../lib/cli/exit-codes';
import { FakeWua, nativeUpdate, runAsFacts, succeeded } from '../../support/wua-fake-binding';

const A = 'aaaaaaaa-0000-0000-0000-000000000001';

/** `msi-lua updates ...argv`, in-process: exit code, standard output as text, standard error. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await runCommand('updates', ...argv);
  return { code: run.code, stdout: run.text, stderr: run.stderr };
}

afterEach(() => setNativeBinding(undefined));

describe('usage errors exit 2 before anything runs', () => {
  test.each([
    [['bogus'], /unknown subcommand "bogus"/],
    [['install'], /install needs at least one update id or KB number/],
    [['history', 'extra'], /history takes no further arguments/],
    [['search', '--count', '5'], /--count applies to history only/],
    [['search', '--accept-eula'], /--accept-eula applies to install only/],
    [['history', '--skip-interactive'], /--skip-interactive applies to install and uninstall only/],
    [['search', '--online', '--offline'], /--online and --offline cannot be used together/],
    [['search', ' \t'], /search criteria must not be blank; received " \\t"/],
    [['services', 'bogus'], /unknown services action "bogus"/],
    [['services', 'add-scan-package', 'Offline'], /add-scan-package takes a service name and the scan package cab/],
    [['services', 'add-scan-package', ' ', 'x.cab'], /the service name must be a non-empty name/],
    [['services', 'add-scan-package', '\u200b', 'x.cab'], /the service name must be a non-empty name/],
    [['services', 'remove', 'microsoft'], /services remove takes one service id/],
    [['search', '--service-id', 'nope'], /--service-id must be a service id/],
    [['history', '--service-id', A], /--service-id applies to search only/],
    [['last-results', 'extra'], /last-results takes no further arguments/],
  ])('%j', async (argv, message) => {
    const fake = new FakeWua();
    setNativeBinding(fake as never);
    const run = await cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(fake.calls).toEqual([]);
  });

  test('a selector that is neither a GUID nor a KB number', async () => {
    const fake = new FakeWua();
    setNativeBinding(fake as never);
    const run = await cli('install', 'KB12x');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"KB12x" is neither an update id \(GUID\) nor a KB number/);
    expect(fake.calls.filter((c) => c.startsWith('install'))).toEqual([]);
  });
});

const describeNotWindows = process.platform === 'win32' ? describe.skip : describe;
describeNotWindows('off Windows', () => {
  test('exit 9 with a one-line message, or the typed error as JSON', async () => {
    const text = await cli('agent');
    expect(text).toEqual({ code: UpdatesExitCode.WINDOWS_ONLY, stdout: '', stderr: 'msi-lua updates agent: this command needs Windows\n' });
    const json = await cli('reboot-status', '--json');
    expect(json.code).toBe(UpdatesExitCode.WINDOWS_ONLY);
    expect(JSON.parse(json.stdout)).toEqual({
      error: expect.objectContaining({
        name: 'PlatformNotSupportedError',
        hresultHex: '0x80070032',
        exitCode: UpdatesExitCode.WINDOWS_ONLY,
      }),
    });
  });
});

describe('with the binding injected', () => {
  test('install: per-update typed errors become plain JSON; exit 21 when some or all failed', async () => {
    const fake = new FakeWua();
    fake.updates = [nativeUpdate(A, { kbArticleIds: ['5034441'] })];
    fake.autoResult = (ids) =>
      succeeded(ids, { resultCode: 4, updates: [{ id: A, resultCode: 4, hresult: 0x80240016, rebootRequired: false }] });
    setNativeBinding(fake as never);
    const run = await cli('install', 'KB5034441', '--json');
    expect(run.code).toBe(UpdatesExitCode.SOME_FAILED);
    expect(JSON.parse(run.stdout)).toMatchObject({
      resultCode: 'failed',
      updates: [{ id: A, resultCode: 'failed', error: { code: 'WU_E_INSTALL_NOT_ALLOWED', hresult: 0x80240016 } }],
    });
    const text = await cli('install', 'KB5034441');
    expect(text.code).toBe(UpdatesExitCode.SOME_FAILED);
    expect(text.stdout).toMatch(/^Overall: failed$/m);

    fake.autoResult = (ids) =>
      succeeded(ids, { resultCode: 3, updates: [{ id: A, resultCode: 4, hresult: 0x80240016, rebootRequired: false }] });
    const partial = await cli('install', A, '--json');
    expect(partial.code).toBe(UpdatesExitCode.SOME_FAILED);
    const doc = JSON.parse(partial.stdout) as { updates: Array<{ error: Record<string, unknown> }> };
    expect(doc.updates[0]!.error).toMatchObject({
      name: 'InstallNotAllowedError',
      code: 'WU_E_INSTALL_NOT_ALLOWED',
      hresultHex: '0x80240016',
    });
  });
});

test('a refusal naming an update whose title holds a line break stays one line', async () => {
  // Titles come from the update service: a line break or escape there must not split the
  // failure line the docs promise.
  const fake = new FakeWua();
  fake.facts = runAsFacts();
  fake.updates = [
    nativeUpdate(A, {
      title: 'Driver\r\nupdate\u001b[2J',
      installationBehavior: { canRequestUserInput: true, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
    }),
  ];
  setNativeBinding(fake as never);
  const run = await cli('install', A);
  expect(run.code).toBe(UpdatesExitCode.RUN_AS_REFUSED);
  expect(run.stderr).toMatch(
    /^msi-lua updates install: refused by the Run As rule.*Driver\\r\\nupdate\\x1b\[2J can request user input.*\n$/,
  );
  expect(run.stderr.slice(0, -1)).not.toMatch(/[\r\n\u001b]/);
});

describe('search: ISearchResult::Warnings and a search that failed', () => {
  test('warnings go to stderr one line each, escaped; the list still prints and exits 0', async () => {
    const fake = new FakeWua();
    fake.updates = [nativeUpdate(A, { kbArticleIds: ['5034441'] })];
    fake.searchResultCode = 3;
    fake.searchWarnings = [
      { hresult: 0x8024402f, message: 'one catalog\r\nnot read\u001b[2J', context: 4 },
      { hresult: 0, message: '', context: 1 },
    ];
    setNativeBinding(fake as never);
    const run = await cli('search');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1 update\(s\)/m);
    expect(run.stderr.split('\n')).toEqual([
      'msi-lua updates search: warning (searchIncomplete): one catalog\\r\\nnot read\\x1b[2J [0x8024402F WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS]',
      'msi-lua updates search: warning (general): no message',
      '',
    ]);
    const json = await cli('search', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      resultCode: 'succeededWithErrors',
      warnings: [
        { hresult: 0x8024402f, context: 'searchIncomplete', error: { code: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS' } },
        { hresult: 0 },
      ],
    });
    expect(json.stderr).toBe('');
  });

  test('warnings WUA did not report are said to be unknown, not shown as none', async () => {
    const fake = new FakeWua();
    fake.updates = [nativeUpdate(A)];
    fake.searchWarnings = null;
    fake.searchWarningsHresult = 0x80004001;
    setNativeBinding(fake as never);
    const run = await cli('search');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1 update\(s\)/m);
    expect(run.stderr).toBe('msi-lua updates search: warnings unknown: WUA did not report them [0x80004001 E_NOTIMPL]\n');
    const json = await cli('search', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ warnings: null, warningsHresult: 0x80004001 });
    expect(json.stderr).toBe('');
  });

  test('a failed search exits 25 with the typed error, also before install, not "no update matches"', async () => {
    const fake = new FakeWua();
    fake.updates = [];
    fake.searchResultCode = 4;
    fake.searchWarnings = [
      { hresult: 0x8024402c, message: 'server name not resolved', context: 1 },
      { hresult: 0x80072efd, message: 'driver catalog unreachable', context: 2 },
    ];
    setNativeBinding(fake as never);
    for (const argv of [['search'], ['install', 'KB5034441']]) {
      const what = argv[0] === 'search' ? 'warning' : 'search warning';
      const run = await cli(...argv);
      expect(run.code).toBe(UpdatesExitCode.WUA_ERROR);
      // Every warning first (the error names only the first), then the one failure line.
      const lines = run.stderr.split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe(
        `msi-lua updates ${argv[0]}: ${what} (general): server name not resolved [0x8024402C WU_E_PT_WINHTTP_NAME_NOT_RESOLVED]`,
      );
      expect(lines[1]).toMatch(
        new RegExp(`^msi-lua updates ${argv[0]}: ${what} \\(windowsDriver\\): driver catalog unreachable \\[0x80072EFD`),
      );
      expect(lines[2]).toMatch(new RegExp(`^msi-lua updates ${argv[0]}: WU_E_PT_WINHTTP_NAME_NOT_RESOLVED.*$`));
      expect(run.stdout).toBe('');
      const json = await cli(...argv, '--json');
      expect(json.code).toBe(UpdatesExitCode.WUA_ERROR);
      const doc = JSON.parse(json.stdout) as { error: { search: { warnings: unknown[] } } };
      expect(doc).toMatchObject({
        error: {
          code: 'WU_E_PT_WINHTTP_NAME_NOT_RESOLVED',
          syscall: 'IUpdateException::get_HResult',
          exitCode: 25,
          search: { resultCode: 'failed', updates: [] },
        },
      });
      expect(doc.error.search.warnings).toEqual([
        expect.objectContaining({ hresult: 0x8024402c, context: 'general', error: expect.objectContaining({ hresultHex: '0x8024402C' }) }),
        expect.objectContaining({ hresult: 0x80072efd, context: 'windowsDriver' }),
      ]);
      expect(fake.calls.filter((c) => c.startsWith('install'))).toEqual([]);
    }
  });

  test("download, install and the others report their search's warnings, on stderr or as JSON lines", async () => {
    const fake = new FakeWua();
    fake.updates = [nativeUpdate(A, { kbArticleIds: ['5034441'] })];
    fake.searchResultCode = 3;
    fake.searchWarnings = [{ hresult: 0x8024402f, message: 'one catalog not read', context: 4 }];
    fake.autoResult = (ids) => succeeded(ids);
    setNativeBinding(fake as never);
    const text = await cli('install', 'KB5034441');
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(
      'msi-lua updates install: search warning (searchIncomplete): one catalog not read [0x8024402F WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS]\n',
    );
    // The warning may be why nothing matches: it comes before the "no update matches" line.
    const missing = await cli('download', 'KB1111111');
    expect(missing.code).toBe(UpdatesExitCode.NO_MATCH);
    expect(missing.stderr.split('\n').map((l) => l.split(':')[1])).toEqual([
      ' search warning (searchIncomplete)',
      ' no update found by "IsInstalled=0" matches KB1111111',
      undefined,
    ]);
    const json = await cli('install', 'KB5034441', '--json');
    expect(json.code).toBe(0);
    const events = json.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([
      expect.objectContaining({
        event: 'warning',
        hresult: 0x8024402f,
        context: 'searchIncomplete',
        error: expect.objectContaining({ code: 'WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS' }),
      }),
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({ resultCode: 'succeeded' });

    fake.searchWarnings = null;
    const unknown = await cli('download', 'KB5034441', '--json');
    expect(unknown.stderr).toBe('{"event":"warnings-unknown","hresult":2147500033}\n');
  });

  test('a search WUA aborted by itself is not a complete list: exit 25, and nothing is installed', async () => {
    const fake = new FakeWua();
    fake.updates = [nativeUpdate(A, { kbArticleIds: ['5034441'] })];
    fake.searchResultCode = 5;
    fake.searchWarnings = [];
    fake.autoResult = (ids) => succeeded(ids);
    setNativeBinding(fake as never);
    for (const argv of [['search'], ['install', 'KB5034441'], ['uninstall', A]]) {
      const run = await cli(...argv);
      expect(run.code).toBe(UpdatesExitCode.WUA_ERROR);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `msi-lua updates ${argv[0]}: Windows Update ended the search as "aborted" without being asked to stop: its list of updates is incomplete\n`,
      );
      const json = await cli(...argv, '--json');
      expect(json.code).toBe(UpdatesExitCode.WUA_ERROR);
      expect(JSON.parse(json.stdout)).toMatchObject({
        error: { name: 'SearchNotCompleted', resultCode: 'aborted', exitCode: 25, search: { resultCode: 'aborted', warnings: [] } },
      });
    }
    // An OperationResultCode outside the documented ones is no more a complete list.
    fake.searchResultCode = 9;
    const odd = await cli('search', '--json');
    expect(odd.code).toBe(UpdatesExitCode.WUA_ERROR);
    expect(JSON.parse(odd.stdout)).toMatchObject({ error: { name: 'SearchNotCompleted', resultCode: 'unknown' } });
    expect(fake.calls.filter((c) => /^(install|uninstall)/.test(c))).toEqual([]);
  });

  test('an install WUA ended by itself, its updates not started, exits 21, not 0', async () => {
    const fake = new FakeWua();
    fake.updates = [nativeUpdate(A, { kbArticleIds: ['5034441'] })];
    fake.autoResult = (ids) =>
      succeeded(ids, { resultCode: 5, updates: ids.map((id) => ({ id, resultCode: 0, hresult: 0, rebootRequired: false })) });
    setNativeBinding(fake as never);
    const run = await cli('install', 'KB5034441');
    expect(run.code).toBe(UpdatesExitCode.SOME_FAILED);
    expect(run.stdout).toMatch(/^Overall: aborted$/m);
    fake.autoResult = (ids) => succeeded(ids, { updates: ids.map((id) => ({ id, resultCode: 0, hresult: 0, rebootRequired: false })) });
    expect((await cli('install', 'KB5034441')).code).toBe(UpdatesExitCode.SOME_FAILED);
  });
});

test('the progress bar on a terminal counts the updates and keeps a hostile title on its line', async () => {
  const { runCli } = await import('../../../lib/cli/main');
  const fake = new FakeWua();
  const B = 'aaaaaaaa-0000-0000-0000-000000000002';
  fake.updates = [nativeUpdate(A, { title: 'First\r\nupdate\u001b[2J' }), nativeUpdate(B)];
  setNativeBinding(fake as never);
  const err: string[] = [];
  const stderr = { isTTY: true, columns: 120, write: (chunk: unknown) => err.push(String(chunk)) };
  const running = runCli(['updates', 'install', A, B], { stdout: { write: () => true }, stderr } as never);
  while (fake.jobs.length === 0) await new Promise((resolve) => setImmediate(resolve));
  fake.last.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 50, percent: 25 });
  fake.last.onProgress!({ currentUpdateIndex: 5, currentUpdatePercent: 50, percent: 60 });
  fake.last.resolve(succeeded([A, B]));
  expect(await running).toBe(0);
  const shown = err.join('');
  expect(shown).toContain('update 1/2 First\\r\\nupdate\\x1b[2J');
  expect(shown).toContain('update 6/2');
  expect(shown).not.toContain('/?');
  expect(shown).not.toMatch(/First\r|\u001b\[2J/);
});

test('the progress bar cuts a long title between characters, never inside a surrogate pair', async () => {
  const { runCli } = await import('../../../lib/cli/main');
  const fake = new FakeWua();
  fake.updates = [nativeUpdate(A, { title: `${'a'.repeat(39)}\u{1F600} and more` })];
  setNativeBinding(fake as never);
  const err: string[] = [];
  const stderr = { isTTY: true, columns: 120, write: (chunk: unknown) => err.push(String(chunk)) };
  const running = runCli(['updates', 'install', A], { stdout: { write: () => true }, stderr } as never);
  while (fake.jobs.length === 0) await new Promise((resolve) => setImmediate(resolve));
  fake.last.onProgress!({ currentUpdateIndex: 0, currentUpdatePercent: 50, percent: 50 });
  fake.last.resolve(succeeded([A]));
  expect(await running).toBe(0);
  const shown = err.join('');
  expect(shown).toContain(`update 1/1 ${'a'.repeat(39)}`);
  // A lone surrogate reaches the terminal as U+FFFD.
  expect(shown).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
});

describe('services add-scan-package / remove, search --service-id and last-results with the binding injected', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-cli-scan-'));
  const cab = path.join(dir, 'wsusscn2.cab');
  fs.writeFileSync(cab, 'MSCF');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const SCAN = 'a1b2c3d4-0000-4e5f-8a9b-0123456789ab';
  const job = <T>(value: T) => ({ promise: Promise.resolve(value), abort: () => undefined });
  function inject(extra: Record<string, unknown>): FakeWua {
    const fake = new FakeWua();
    Object.assign(fake, extra);
    setNativeBinding(fake as never);
    return fake;
  }

  test('add-scan-package registers non-volatile and prints how to search and remove it; --json is the service', async () => {
    const calls: unknown[][] = [];
    inject({
      wuaAddScanPackageService: (...a: unknown[]) => {
        calls.push(a);
        return job({
          name: 'Offline',
          serviceId: SCAN.toUpperCase(),
          isManaged: false,
          isRegisteredWithAU: false,
          offersWindowsUpdates: true,
          isScanPackageService: true,
          canRegisterWithAU: false,
          serviceUrl: '',
          issueDate: 0,
          isDefaultAUService: false,
        });
      },
    });
    const text = await cli('services', 'add-scan-package', 'Offline', cab);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Offline\\s+${SCAN}\\s+no\\s+no\\s+no\\s+yes$`, 'm'));
    expect(text.stdout).toContain(`msi-lua updates search --service-id ${SCAN}`);
    expect(calls).toEqual([['Offline', cab, 1]]);
    const json = await cli('services', 'add-scan-package', 'Offline', cab, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ serviceId: SCAN, isScanPackageService: true, issueDate: null });
  });

  test('a cab that cannot be read exits 3 before any native call', async () => {
    const calls: unknown[] = [];
    inject({ wuaAddScanPackageService: (...a: unknown[]) => (calls.push(a), job({})) });
    const run = await cli('services', 'add-scan-package', 'Offline', path.join(dir, 'missing.cab'), '--json');
    expect(run.code).toBe(ExitCode.CANNOT_READ);
    expect(JSON.parse(run.stdout)).toEqual({ error: expect.objectContaining({ code: 'ENOENT', exitCode: ExitCode.CANNOT_READ }) });
    expect(run.stderr).toMatch(/^msi-lua updates services: cannot read .*missing\.cab/);
    const directory = await cli('services', 'add-scan-package', 'Offline', dir);
    expect(directory.code).toBe(ExitCode.CANNOT_READ);
    expect(calls).toEqual([]);
  });

  test("WUA's refusal of the cab exits 25 with the typed error", async () => {
    inject({
      wuaAddScanPackageService: () => ({
        promise: Promise.reject(
          Object.assign(new Error('x'), {
            nativeFailure: true,
            hresult: 0x800b0100,
            syscall: 'IUpdateServiceManager::AddScanPackageService',
          }),
        ),
        abort: () => undefined,
      }),
    });
    const run = await cli('services', 'add-scan-package', 'Offline', cab, '--json');
    expect(run.code).toBe(UpdatesExitCode.WUA_ERROR);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'TRUST_E_NOSIGNATURE', exitCode: 25 } });
  });

  test('services remove takes the id with or without braces', async () => {
    const calls: unknown[] = [];
    inject({ wuaRemoveService: (id: string) => (calls.push(id), job(undefined)) });
    const run = await cli('services', 'remove', `{${SCAN.toUpperCase()}}`, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ removed: SCAN });
    expect(calls).toEqual([SCAN]);
  });

  test("search --service-id searches that service (serverSelection 'others')", async () => {
    const fake = inject({});
    fake.updates = [nativeUpdate(A)];
    const options: unknown[] = [];
    const search = fake.wuaSearch.bind(fake);
    fake.wuaSearch = ((session: never, criteria: string, o: Record<string, unknown>) => (
      options.push(o),
      search(session, criteria, o)
    )) as never;
    const run = await cli('search', '--service-id', SCAN, '--json');
    expect(run.code).toBe(0);
    expect(options).toEqual([{ serverSelection: 3, serviceId: SCAN }]);
  });

  test('last-results: dates in UTC, "never" only when the agent answered, "unknown" with the reason otherwise', async () => {
    inject({
      wuaAutomaticUpdatesResults: () =>
        job({
          hasResults: true,
          lastSearchSuccessDate: { vt: 7, date: 45363 + 10.5 / 24 },
          lastInstallationSuccessDate: { vt: 0, date: 0 },
        }),
    });
    const answered = await cli('last-results');
    expect(answered.code).toBe(0);
    expect(answered.stdout).toMatch(/^Last search success \(UTC\)\s+2024-03-12T10:30:00Z$/m);
    expect(answered.stdout).toMatch(/^Last installation success \(UTC\)\s+never$/m);
    inject({
      wuaAutomaticUpdatesResults: () => job({ hasResults: false, lastSearchSuccessDate: null, lastInstallationSuccessDate: null }),
    });
    const older = await cli('last-results');
    expect(older.stdout).toMatch(/^Last search success \(UTC\)\s+unknown$/m);
    expect(older.stdout).toMatch(/^Unknown because\s+.*no IAutomaticUpdates2/m);
    const json = await cli('last-results', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ lastSearchSuccessDate: null, reason: expect.stringMatching(/IAutomaticUpdates2/) });
  });
});

test('ids are bare or in both braces; one brace is a usage error, and WUA gets the bare id', async () => {
  const fake = new FakeWua();
  fake.updates = [nativeUpdate(A)];
  fake.autoResult = (ids) => succeeded(ids);
  setNativeBinding(fake as never);
  for (const bad of [`{${A}`, `${A}}`]) {
    const run = await cli('install', bad);
    expect(run.code).toBe(2);
    const service = await cli('search', '--service-id', bad);
    expect(service.code).toBe(2);
    expect(service.stderr).toMatch(/--service-id must be a service id/);
  }
  expect(fake.calls.filter((c) => !c.startsWith('open'))).toEqual([]);
  expect((await cli('install', `{${A.toUpperCase()}}`)).code).toBe(0);
  expect((await cli('search', '--service-id', `{${A}}`)).code).toBe(0);
  expect(fake.searchOptions.at(-1)).toMatchObject({ serviceId: A });
});

test('an install whose every update --skip-interactive left out exits 0, as one that left out some', async () => {
  const fake = new FakeWua();
  fake.facts = runAsFacts();
  const B = 'aaaaaaaa-0000-0000-0000-000000000002';
  const interactive = { canRequestUserInput: true, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false };
  fake.updates = [nativeUpdate(A, { installationBehavior: interactive }), nativeUpdate(B)];
  fake.autoResult = (ids) => succeeded(ids);
  setNativeBinding(fake as never);
  const all = await cli('install', A, '--skip-interactive', '--json');
  expect(JSON.parse(all.stdout)).toMatchObject({ resultCode: 'notStarted', updates: [{ id: A, resultCode: 'skipped' }] });
  expect(all.code).toBe(0);
  expect(fake.calls.filter((c) => c.startsWith('install'))).toEqual([]);
  expect((await cli('install', A, B, '--skip-interactive')).code).toBe(0);
});

test('hide exits 21 when WUA reads an update back unchanged; an unknown read-back fails nothing', async () => {
  const fake = new FakeWua();
  const B = 'aaaaaaaa-0000-0000-0000-000000000002';
  fake.updates = [nativeUpdate(A), nativeUpdate(B)];
  setNativeBinding(fake as never);
  expect((await cli('hide', A, B)).code).toBe(0);
  fake.hideAnswer = (id) => ({ hresult: 0, isHidden: id === A ? false : true });
  const unchanged = await cli('hide', A, B, '--json');
  expect(unchanged.code).toBe(UpdatesExitCode.SOME_FAILED);
  expect(JSON.parse(unchanged.stdout)).toEqual([
    expect.objectContaining({ id: A, isHidden: false }),
    expect.objectContaining({ id: B, isHidden: true }),
  ]);
  fake.hideAnswer = () => ({ hresult: 0, isHidden: null });
  const unknown = await cli('hide', A);
  expect(unknown.code).toBe(0);
  expect(unknown.stdout).toMatch(/unknown/);
  fake.hideAnswer = () => ({ hresult: 0x80240044, isHidden: false });
  expect((await cli('unhide', A)).code).toBe(UpdatesExitCode.SOME_FAILED);
});
