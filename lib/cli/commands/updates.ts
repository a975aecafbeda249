// `msi-lua updates <subcommand>`: Windows Update from the command line (Windows only).
// Readable aligned output by default; with --json one JSON document on stdout (the result,
// or { error } when it failed) and progress as JSON lines on stderr. A progress bar
// (cli-progress) on a terminal for download and install. Exit codes: UpdatesExitCode.
import { E_ACCESSDENIED } from '../../errors/codes.generated';
import { SingleBar } from 'cli-progress';
import { getInteractiveContext } from '../../process';
import { MsiLuaError, NoInteractiveUserError, PlatformNotSupportedError, describeHResult } from '../../errors';
import {
  addScanPackageService,
  createUpdateSession,
  getAgentInfo,
  getAutomaticUpdatesResults,
  getAutomaticUpdatesSettings,
  getRebootStatus,
  listServices,
  removeService,
  type InstallResult,
  type DownloadResult,
  type ProgressEvent,
  type SearchOptions,
  type SearchResult,
  type Update,
  type UpdateService,
  type UpdateSession,
} from '../../wua';
import { UpdatesExitCode } from '../exit-codes';
import { CannotReadError, checkReadable } from '../open';
import { formatTable, printable, toJson } from '../format';
import { ExitCode, UsageError, type CliCommand, type CliIo, type CliStream, type ParsedArgs } from '../registry';
import { listing } from './listings';
import { isBlank } from '../../validate';

const SUBCOMMANDS = [
  'search',
  'download',
  'install',
  'uninstall',
  'history',
  'reboot-status',
  'hide',
  'unhide',
  'services',
  'settings',
  'last-results',
  'agent',
] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const TAKES_UPDATES: readonly Subcommand[] = ['download', 'install', 'uninstall', 'hide', 'unhide'];

const hex = (hr: number): string => `0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

function errorDocument(error: unknown): Record<string, unknown> {
  if (error instanceof MsiLuaError) {
    const e = error as MsiLuaError & { updates?: unknown; preflight?: unknown };
    return {
      name: e.name,
      code: e.code,
      hresult: e.hresult,
      hresultHex: hex(e.hresult),
      syscall: e.syscall ?? null,
      message: e.message,
      ...(e.updates ? { updates: e.updates } : {}),
      ...(typeof e.preflight === 'string' ? { preflight: e.preflight } : {}),
    };
  }
  if (error instanceof CannotReadError) return { name: error.name, code: error.code, path: error.path, message: error.message };
  return { name: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error) };
}

const SERVICE_ACTIONS = ['add-scan-package', 'remove'] as const;

/** `services [add-scan-package NAME CAB | remove ID]`: the action and its arguments, or a usage error. */
function parseServicesArguments(
  rest: string[],
): { action: 'list' } | { action: 'add-scan-package'; name: string; cab: string } | { action: 'remove'; id: string } {
  if (rest.length === 0) return { action: 'list' };
  const [action, ...args] = rest;
  if (action === 'add-scan-package') {
    if (args.length !== 2)
      throw new UsageError('services add-scan-package takes a service name and the scan package cab: add-scan-package NAME CAB');
    if (isBlank(args[0]!) || args[0]!.includes('\0'))
      throw new UsageError(`the service name must be a non-empty name without NUL; received ${JSON.stringify(args[0])}`);
    return { action, name: args[0]!, cab: args[1]! };
  }
  if (action === 'remove') {
    const id = args.length === 1 ? guidOf(args[0]!) : null;
    if (id === null) throw new UsageError(`services remove takes one service id (a GUID); received ${JSON.stringify(args.join(' '))}`);
    return { action, id };
  }
  throw new UsageError(`unknown services action ${JSON.stringify(action)}; one of ${SERVICE_ACTIONS.join(', ')} (or none, to list)`);
}

function serviceRows(services: UpdateService[]): unknown[][] {
  return services.map((s) => [
    s.name,
    s.serviceId,
    s.isDefaultAUService === null ? 'unknown' : s.isDefaultAUService ? 'yes' : 'no',
    s.isRegisteredWithAU ? 'yes' : 'no',
    s.isManaged ? 'yes' : 'no',
    s.isScanPackageService ? 'yes' : 'no',
  ]);
}
const SERVICE_HEADERS = ['Name', 'Service id', 'Default AU', 'Registered with AU', 'Managed', 'Scan package'];

/** The document for --json: typed errors inside results become plain { name, code, hresult, ... }. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof MsiLuaError) return errorDocument(value);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(jsonSafe);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
}

/** A GUID without its braces (case kept), or null: bare or in both braces, not one of them. */
function guidOf(text: string): string | null {
  const bare = text.startsWith('{') && text.endsWith('}') ? text.slice(1, -1) : text;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(bare) ? bare : null;
}

/** Which selectors are update ids and which KB numbers; TypeError-free: a usage error names the bad one. */
function parseSelectors(values: string[]): Array<{ text: string; id?: string; kb?: string }> {
  return values.map((text) => {
    const id = guidOf(text);
    if (id !== null) return { text, id: id.toLowerCase() };
    const kb = /^(?:KB)?(\d{4,10})$/i.exec(text);
    if (kb) return { text, kb: kb[1] };
    throw new UsageError(`${JSON.stringify(text)} is neither an update id (GUID) nor a KB number (KB1234567)`);
  });
}

function select(found: Update[], selectors: ReturnType<typeof parseSelectors>): { selected: Update[]; missing: string[] } {
  const selected: Update[] = [];
  const missing: string[] = [];
  for (const s of selectors) {
    const matches = found.filter((u) => (s.id ? u.id.toLowerCase() === s.id : u.kbArticleIds.includes(s.kb!)));
    if (matches.length === 0) missing.push(s.text);
    for (const m of matches) if (!selected.includes(m)) selected.push(m);
  }
  return { selected, missing };
}

function isTty(stream: CliStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Progress: JSON lines on stderr with --json, a bar on a terminal, nothing otherwise. */
function progressReporter(io: CliIo, json: boolean, count: number): { onProgress?: (e: ProgressEvent) => void; stop(): void } {
  if (json) {
    return {
      onProgress: (e) => io.stderr.write(`${JSON.stringify({ event: 'progress', ...e })}\n`),
      stop: () => undefined,
    };
  }
  if (!isTty(io.stderr)) return { stop: () => undefined };
  const bar = new SingleBar({
    stream: io.stderr as NodeJS.WritableStream,
    format: '{operation} [{bar}] {percentage}% | update {index}/{count} {title}',
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    onProgress: (e) => {
      // 40 UTF-16 units, less a high surrogate cut from its pair (a terminal would show U+FFFD).
      const title = printable(e.update?.title ?? '')
        .slice(0, 40)
        .replace(/[\ud800-\udbff]$/, '');
      const payload = { operation: e.operation, index: e.updateIndex + 1, count, title };
      if (!started) {
        bar.start(100, e.percent, payload);
        started = true;
      } else {
        bar.update(e.percent, payload);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function updateRows(updates: Update[]): unknown[][] {
  return updates.map((u) => [
    u.kbArticleIds.map((k) => `KB${k}`).join(' '),
    u.id,
    `${(u.maxDownloadSize / 1048576).toFixed(1)} MB`,
    [
      u.isDownloaded ? 'D' : '',
      u.isInstalled ? 'I' : '',
      u.isHidden ? 'H' : '',
      u.installationBehavior.canRequestUserInput ? 'U' : '',
    ].join(''),
    u.title,
  ]);
}

function writeKeyValues(out: CliStream, pairs: Array<[string, unknown]>): void {
  const width = Math.max(...pairs.map(([k]) => k.length));
  out.write(pairs.map(([k, v]) => `${k.padEnd(width)}  ${v === null ? 'unknown' : printable(v)}`).join('\n') + '\n');
}

function jobExit(result: InstallResult | DownloadResult): number {
  // Updates --skip-interactive left out are what the caller asked for, not failures; a job
  // whose every update was left out never reached WUA ('notStarted') and exits 0 too.
  if (result.updates.every((u) => u.resultCode === 'skipped')) return ExitCode.OK;
  // Otherwise only 'succeeded' is done: an update WUA left 'notStarted' (a job it ended by
  // itself, say 'aborted') was not installed, whatever the overall code.
  const failed =
    result.resultCode !== 'succeeded' || result.updates.some((u) => u.resultCode !== 'succeeded' && u.resultCode !== 'skipped');
  if (failed) return UpdatesExitCode.SOME_FAILED;
  if ('rebootRequired' in result && result.rebootRequired) return UpdatesExitCode.REBOOT_REQUIRED;
  return ExitCode.OK;
}

/**
 * A search WUA ended neither succeeded nor failed ('aborted' unasked: the CLI never aborts a
 * search; or an OperationResultCode outside the documented ones): its list is incomplete, so
 * no command may act on it or report it as the updates there are.
 */
class SearchNotCompleted extends Error {
  override readonly name = 'SearchNotCompleted';
  constructor(readonly search: SearchResult) {
    super(
      `Windows Update ended the search as ${JSON.stringify(search.resultCode)} without being asked to stop: its list of updates is incomplete`,
    );
  }
}

/**
 * The search a subcommand makes, with its ISearchResult::Warnings reported where scripts look:
 * one escaped line each on stderr, or with --json a `{"event":"warning"}` line (`search --json`
 * has them in its document instead). A search that failed reports them before its error.
 */
async function searchFor(
  sub: Subcommand,
  criteria: string,
  options: Pick<SearchOptions, 'online' | 'serviceId'>,
  io: CliIo,
  json: boolean,
  session: UpdateSession,
): Promise<SearchResult> {
  let result: SearchResult;
  try {
    result = await session.search(criteria, options);
  } catch (error) {
    const failed = (error as { result?: SearchResult }).result;
    if (failed && typeof error === 'object' && error !== null) {
      reportWarnings(sub, failed, io, json);
      failedSearches.set(error, failed);
    }
    throw error;
  }
  reportWarnings(sub, result, io, json);
  if (result.resultCode !== 'succeeded' && result.resultCode !== 'succeededWithErrors') throw new SearchNotCompleted(result);
  return result;
}

/** The result of the search a failure came from, for the --json error document's `search`. */
const failedSearches = new WeakMap<object, SearchResult>();

function reportWarnings(sub: Subcommand, result: SearchResult, io: CliIo, json: boolean): void {
  if (json) {
    if (sub === 'search') return;
    for (const w of result.warnings ?? []) io.stderr.write(`${JSON.stringify({ event: 'warning', ...(jsonSafe(w) as object) })}\n`);
    if (result.warnings === null)
      io.stderr.write(`${JSON.stringify({ event: 'warnings-unknown', hresult: result.warningsHresult ?? 0 })}\n`);
    return;
  }
  // `search` says "warning"; the others say whose warning it is.
  const what = sub === 'search' ? 'warning' : 'search warning';
  for (const w of result.warnings ?? []) {
    const code = w.hresult ? ` [${hex(w.hresult)}${'error' in w ? ` ${describeHResult(w.hresult).code}` : ''}]` : '';
    io.stderr.write(`${printable(`msi-lua updates ${sub}: ${what} (${w.context}): ${w.message || 'no message'}${code}`)}\n`);
  }
  // Unknown is not none: say so rather than print no warning.
  if (result.warnings === null) {
    const hr = result.warningsHresult ?? 0;
    io.stderr.write(`msi-lua updates ${sub}: ${what}s unknown: WUA did not report them [${hex(hr)} ${describeHResult(hr).code}]\n`);
  }
}

function writeJobResult(io: CliIo, result: InstallResult | DownloadResult): void {
  io.stdout.write(
    formatTable(
      ['Update', 'Result', 'HRESULT', 'Reboot'],
      result.updates.map((u) => [
        u.title,
        u.resultCode === 'skipped' ? 'skipped (requires user input)' : u.resultCode,
        u.hresult ? hex(u.hresult) : '',
        'rebootRequired' in u && u.rebootRequired ? 'required' : '',
      ]),
    ),
  );
  const reboot = 'rebootRequired' in result && result.rebootRequired ? '; a reboot is required' : '';
  io.stdout.write(`Overall: ${result.resultCode}${result.hresult ? ` (${hex(result.hresult)})` : ''}${reboot}\n`);
}

async function run(
  sub: Subcommand,
  args: ParsedArgs,
  io: CliIo,
  json: boolean,
  session: UpdateSession,
): Promise<{ doc: unknown; code: number }> {
  const rest = args.positionals.slice(1);
  const online = args.options.offline ? false : args.options.online ? true : undefined;
  const serviceId = typeof args.options['service-id'] === 'string' ? { serviceId: guidOf(args.options['service-id'])! } : {};
  const searchOptions = { ...(online === undefined ? {} : { online }), ...serviceId };
  switch (sub) {
    case 'search': {
      const criteria = rest[0] ?? 'IsInstalled=0 and IsHidden=0';
      const result = await searchFor(sub, criteria, searchOptions, io, json, session);
      if (!json) {
        io.stdout.write(formatTable(['KB', 'Update id', 'Size', 'Flags', 'Title'], updateRows(result.updates), [false, false, true]));
        io.stdout.write(`${result.updates.length} update(s); flags: D downloaded, I installed, H hidden, U can request user input\n`);
      }
      return { doc: result, code: ExitCode.OK };
    }
    case 'download':
    case 'install':
    case 'uninstall':
    case 'hide':
    case 'unhide': {
      const selectors = parseSelectors(rest);
      const criteria =
        sub === 'uninstall'
          ? 'IsInstalled=1'
          : sub === 'hide'
            ? 'IsInstalled=0 and IsHidden=0'
            : sub === 'unhide'
              ? 'IsInstalled=0 and IsHidden=1'
              : 'IsInstalled=0';
      const { updates } = await searchFor(sub, criteria, searchOptions, io, json, session);
      const { selected, missing } = select(updates, selectors);
      if (missing.length > 0) {
        const message = `no update found by "${criteria}" matches ${missing.join(', ')}`;
        io.stderr.write(`${printable(`msi-lua updates ${sub}: ${message}`)}\n`);
        return {
          doc: { error: { name: 'NoMatch', message, missing, exitCode: UpdatesExitCode.NO_MATCH } },
          code: UpdatesExitCode.NO_MATCH,
        };
      }
      if (sub === 'hide' || sub === 'unhide') {
        const outcomes = await session.setHidden(selected, sub === 'hide');
        if (!json) {
          io.stdout.write(
            formatTable(
              ['Update', 'Hidden', 'HRESULT'],
              outcomes.map((o) => [o.title, o.isHidden === null ? 'unknown' : o.isHidden ? 'yes' : 'no', o.hresult ? hex(o.hresult) : '']),
            ),
          );
        }
        // A refusal, or an update WUA reads back unchanged, failed; a read-back WUA did not
        // answer (null) is shown as unknown and fails nothing.
        const failed = outcomes.some((o) => 'error' in o || (o.isHidden !== null && o.isHidden !== (sub === 'hide')));
        return { doc: outcomes, code: failed ? UpdatesExitCode.SOME_FAILED : ExitCode.OK };
      }
      const progress = progressReporter(io, json, selected.length);
      let result: InstallResult | DownloadResult;
      try {
        if (sub === 'download') {
          result = await session.download(selected, { ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
        } else {
          const options = {
            ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
            ...(args.options['force-quiet'] ? { forceQuiet: true } : {}),
            ...(args.options['skip-interactive'] ? { userInputUpdates: 'skip' as const } : {}),
          };
          result =
            sub === 'install'
              ? await session.install(selected, { ...options, ...(args.options['accept-eula'] ? { acceptEulas: true } : {}) })
              : await session.uninstall(selected, options);
        }
      } catch (error) {
        // The job ran and failed as a whole: its per-update results say why (exit 21), unless
        // the Run As rule is the reason (exit 22, from failure()).
        const failed = (error as { result?: InstallResult | DownloadResult }).result;
        if (!failed || !(error instanceof MsiLuaError) || error instanceof NoInteractiveUserError || error.name === 'AbortError')
          throw error;
        if (!json) writeJobResult(io, failed);
        return { doc: failed, code: UpdatesExitCode.SOME_FAILED };
      } finally {
        progress.stop();
      }
      if (!json) writeJobResult(io, result);
      return { doc: result, code: jobExit(result) };
    }
    case 'history': {
      const countText = args.options.count;
      let count = 50;
      if (countText !== undefined) {
        if (typeof countText !== 'string' || !/^\d+$/.test(countText) || Number(countText) > 10_000) {
          throw new UsageError(`--count must be a whole number from 0 to 10000; received ${JSON.stringify(countText)}`);
        }
        count = Number(countText);
      }
      const page = await session.history({ count });
      if (!json) {
        io.stdout.write(
          formatTable(
            ['Date', 'Operation', 'Result', 'HRESULT', 'Title'],
            page.entries.map((e) => [e.date, e.operation, e.resultCode, e.hresult ? hex(e.hresult) : '', e.title]),
          ),
        );
        io.stdout.write(`${page.entries.length} of ${page.total} entries\n`);
      }
      return { doc: page, code: ExitCode.OK };
    }
    case 'reboot-status': {
      const status = await getRebootStatus();
      if (!json) {
        io.stdout.write(
          formatTable(
            ['Signal', 'Pending', 'Source'],
            status.signals.map((s) => [s.name, s.pending === null ? `unknown (${s.reason ?? ''})` : s.pending ? 'yes' : 'no', s.source]),
          ),
        );
      }
      return { doc: status, code: status.anyPending === true ? UpdatesExitCode.REBOOT_REQUIRED : ExitCode.OK };
    }
    case 'services': {
      const parsed = parseServicesArguments(rest);
      if (parsed.action === 'add-scan-package') {
        await checkReadable(parsed.cab);
        // Non-volatile: a volatile registration would end when this command releases it.
        const service = await addScanPackageService(parsed.name, parsed.cab, { nonVolatile: true });
        if (!json) {
          io.stdout.write(formatTable(SERVICE_HEADERS, serviceRows([service])));
          io.stdout.write(
            `Search it: msi-lua updates search --service-id ${service.serviceId}; remove it: msi-lua updates services remove ${service.serviceId}\n`,
          );
        }
        return { doc: service, code: ExitCode.OK };
      }
      if (parsed.action === 'remove') {
        await removeService(parsed.id);
        const id = parsed.id.replace(/[{}]/g, '').toLowerCase();
        if (!json) io.stdout.write(`removed ${id}\n`);
        return { doc: { removed: id }, code: ExitCode.OK };
      }
      const services = await listServices();
      if (!json) io.stdout.write(formatTable(SERVICE_HEADERS, serviceRows(services)));
      return { doc: services, code: ExitCode.OK };
    }
    case 'settings': {
      const settings = await getAutomaticUpdatesSettings();
      if (!json) {
        const p = settings.policy;
        const policy = (v: { value: unknown; state: string; registryType: string | null }) =>
          v.state === 'absent' ? 'not set' : v.state === 'wrong-type' ? `ignored: ${v.registryType}` : v.value;
        writeKeyValues(io.stdout, [
          ['Service enabled', settings.serviceEnabled],
          ['Notification level', settings.notificationLevel],
          ['Read only', settings.readOnly],
          ['Required by policy', settings.required],
          ['Include recommended updates', settings.includeRecommendedUpdates],
          ['Non-administrators elevated', settings.nonAdministratorsElevated],
          ['Policy WUServer', policy(p.wuServer)],
          ['Policy WUStatusServer', policy(p.wuStatusServer)],
          ['Policy TargetGroup', policy(p.targetGroup)],
          ['Policy UseWUServer', policy(p.useWuServer)],
          ['Policy NoAutoUpdate', policy(p.noAutoUpdate)],
          ['Policy AUOptions', policy(p.auOptions)],
        ]);
      }
      return { doc: settings, code: ExitCode.OK };
    }
    case 'last-results': {
      const results = await getAutomaticUpdatesResults();
      if (!json) {
        // null is "never" only when the agent answered; otherwise it is unknown, and why.
        const when = (d: Date | null) => (d ? d.toISOString().replace(/\.000Z$/, 'Z') : results.reason === null ? 'never' : 'unknown');
        writeKeyValues(io.stdout, [
          ['Last search success (UTC)', when(results.lastSearchSuccessDate)],
          ['Last installation success (UTC)', when(results.lastInstallationSuccessDate)],
          ...(results.reason === null ? [] : ([['Unknown because', results.reason]] as Array<[string, unknown]>)),
        ]);
      }
      return { doc: results, code: ExitCode.OK };
    }
    case 'agent': {
      const info = await getAgentInfo();
      if (!json) {
        writeKeyValues(io.stdout, [
          ['API version', `${info.apiMajorVersion}.${info.apiMinorVersion}`],
          ['Product version', info.productVersionString],
        ]);
      }
      return { doc: info, code: ExitCode.OK };
    }
  }
}

/** The exit code and text for a failure of the whole command. */
async function failure(error: unknown): Promise<{ code: number; text: string }> {
  if (error instanceof SearchNotCompleted) return { code: UpdatesExitCode.WUA_ERROR, text: error.message };
  if (error instanceof CannotReadError) return { code: ExitCode.CANNOT_READ, text: error.message };
  if (error instanceof PlatformNotSupportedError) return { code: UpdatesExitCode.WINDOWS_ONLY, text: 'this command needs Windows' };
  if (error instanceof NoInteractiveUserError) {
    const why = (error as NoInteractiveUserError & { preflight?: string }).preflight;
    const names = (error.updates ?? []).map((u) => u.title).join(', ');
    return {
      code: UpdatesExitCode.RUN_AS_REFUSED,
      text: `refused by the Run As rule${why ? ` (${why})` : ''}: ${names} can request user input; use --skip-interactive to install the others`,
    };
  }
  if (error instanceof MsiLuaError) {
    if (error.hresult >>> 0 === E_ACCESSDENIED) {
      const remote = await getInteractiveContext().then(
        (c) => c.isRemoteSession,
        () => null,
      );
      if (remote === true) {
        return {
          code: UpdatesExitCode.REMOTE_ACCESS_DENIED,
          text: `${error.message}\nThis is a remote (network logon) session, where Windows Update refuses to download or install; run msi-lua from a scheduled task instead (docs/wua.md, "Remote sessions").`,
        };
      }
    }
    return { code: UpdatesExitCode.WUA_ERROR, text: error.message };
  }
  throw error;
}

export const updatesCommand: CliCommand = {
  ...listing('updates'),
  usage: `updates <${SUBCOMMANDS.join('|')}> [criteria | id|KB ... | add-scan-package NAME CAB | remove ID] [--json]`,
  description:
    'search [criteria] [--online|--offline] [--service-id ID]; download|install|uninstall|hide|unhide <id|KB ...> ' +
    '(install: [--accept-eula]; install, uninstall: [--force-quiet] [--skip-interactive]); history [--count N]; reboot-status; services [add-scan-package NAME CAB | remove ID]; settings; last-results; agent. ' +
    'With --json, stdout holds one JSON document (the result, or {"error": ...}) and progress goes to stderr as JSON lines. ' +
    'Install and download show a progress bar on a terminal. Nothing is changed except by download, install, uninstall, hide, unhide and services add-scan-package/remove.',
  options: [
    { name: 'json', type: 'boolean', description: 'one JSON document on stdout; progress as JSON lines on stderr' },
    { name: 'online', type: 'boolean', description: 'search online (WUA default)', conflicts: ['offline'] },
    { name: 'offline', type: 'boolean', description: "search WUA's local cache only", conflicts: ['online'] },
    { name: 'accept-eula', type: 'boolean', description: 'install: accept the license of each selected update' },
    { name: 'force-quiet', type: 'boolean', description: 'install/uninstall: IUpdateInstaller2.ForceQuiet' },
    {
      name: 'skip-interactive',
      type: 'boolean',
      description: 'install/uninstall: leave out updates that can request user input when no user can answer',
    },
    { name: 'count', type: 'string', description: 'history: entries to show (default 50)' },
    {
      name: 'service-id',
      type: 'string',
      description: "search: search this registered service (e.g. a scan package's) with serverSelection 'others'",
    },
  ],
  positionals: [1, 64],
  async run({ io, args }) {
    const sub = args.positionals[0] as Subcommand;
    if (!(SUBCOMMANDS as readonly string[]).includes(sub))
      throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}; one of ${SUBCOMMANDS.join(', ')}`);
    const rest = args.positionals.slice(1);
    if (TAKES_UPDATES.includes(sub) && rest.length === 0) throw new UsageError(`${sub} needs at least one update id or KB number`);
    if (!TAKES_UPDATES.includes(sub) && sub !== 'services' && rest.length > (sub === 'search' ? 1 : 0))
      throw new UsageError(`${sub} takes no further arguments`);
    if (sub === 'services') parseServicesArguments(rest);
    if (args.options['service-id'] !== undefined) {
      if (sub !== 'search') throw new UsageError('--service-id applies to search only');
      const id = args.options['service-id'];
      if (typeof id !== 'string' || guidOf(id) === null)
        throw new UsageError(`--service-id must be a service id (a GUID); received ${JSON.stringify(id)}`);
    }
    if (args.options.count !== undefined && sub !== 'history') throw new UsageError('--count applies to history only');
    // search() would throw a TypeError for it: a bad command line, not an internal error.
    if (sub === 'search' && rest[0] !== undefined && rest[0].trim() === '')
      throw new UsageError(`search criteria must not be blank; received ${JSON.stringify(rest[0])}`);
    if (sub === 'search' && rest[0]?.includes('\0'))
      throw new UsageError(`search criteria must not hold a NUL; received ${JSON.stringify(rest[0])}`);
    for (const name of ['accept-eula'] as const)
      if (args.options[name] && sub !== 'install') throw new UsageError(`--${name} applies to install only`);
    for (const name of ['force-quiet', 'skip-interactive'] as const) {
      if (args.options[name] && sub !== 'install' && sub !== 'uninstall')
        throw new UsageError(`--${name} applies to install and uninstall only`);
    }
    const json = args.options.json === true;
    const session = createUpdateSession({ clientApplicationId: 'msi-lua updates' });
    try {
      const { doc, code } = await run(sub, args, io, json, session);
      if (json) io.stdout.write(toJson(jsonSafe(doc)));
      return code;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const { code, text } = await failure(error);
      // One shape for every command's failure: one line on stderr, and under --json one
      // `{"error": {..., "exitCode"}}` object on stdout.
      io.stderr.write(`${printable(`msi-lua updates ${sub}: ${text}`)}\n`);
      if (json) {
        const search = error instanceof SearchNotCompleted ? error.search : failedSearches.get(error as object);
        const extra = error instanceof SearchNotCompleted ? { resultCode: error.search.resultCode } : {};
        const doc = { ...errorDocument(error), ...extra, exitCode: code, ...(search ? { search: jsonSafe(search) } : {}) };
        io.stdout.write(toJson({ error: doc }));
      }
      return code;
    } finally {
      await session.close().catch(() => undefined);
    }
  },
};
