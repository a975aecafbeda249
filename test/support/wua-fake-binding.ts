// A scripted stand-in for the native WUA binding, for the facade's unit tests.
import type {
  NativeJobResult,
  NativeProgress,
  NativeSearchResult,
  NativeSetHidden,
  NativeTokenFacts,
  NativeUpdate,
  NativeWuaJob,
  NativeWuaSessionHandle,
  InteractiveContextBinding,
  WuaBinding,
} from '../../lib/native/binding';

export function nativeUpdate(id: string, extra: Partial<NativeUpdate> = {}): NativeUpdate {
  return {
    id,
    revision: 1,
    title: `Title ${id}`,
    description: '',
    kbArticleIds: ['5000001'],
    securityBulletinIds: [],
    categories: [{ id: 'c1', name: 'Security Updates', type: 'UpdateClassification' }],
    msrcSeverity: 'Important',
    minDownloadSize: 10,
    maxDownloadSize: 20,
    isDownloaded: false,
    isInstalled: false,
    isMandatory: false,
    isHidden: false,
    isBeta: false,
    isUninstallable: true,
    eulaAccepted: true,
    type: 1,
    installationBehavior: { canRequestUserInput: false, rebootBehavior: 0, impact: 0, requiresNetworkConnectivity: false },
    uninstallationBehavior: null,
    ...extra,
  };
}

export const wineLikeFacts = (): NativeTokenFacts => ({
  sessionId: 1,
  elevated: true,
  elevationType: 2,
  userSid: 'S-1-5-21-0-0-0-1000',
  logonSid: 'S-1-5-5-0-0',
  groupSids: ['S-1-1-0', 'S-1-5-4', 'S-1-5-11', 'S-1-5-5-0-0'],
  windowStation: 'WinSta0',
  windowStationUserSid: null,
  inputDesktopUserSid: null,
  shellProcessId: null,
  shellUserSid: null,
  failures: {
    windowStationUserSid: {
      syscall: 'GetUserObjectInformationW(window station, UOI_USER_SID)',
      hresult: 0x80070057,
      message: 'Invalid parameter',
    },
    inputDesktopUserSid: {
      syscall: 'GetUserObjectInformationW(input desktop, UOI_USER_SID)',
      hresult: 0x80070057,
      message: 'Invalid parameter',
    },
    shellProcessId: { syscall: 'GetShellWindow', hresult: 0, message: 'there is no shell window on this desktop' },
    shellUserSid: { syscall: 'GetShellWindow', hresult: 0, message: 'there is no shell window on this desktop' },
  },
});

export const runAsFacts = (): NativeTokenFacts => ({
  ...wineLikeFacts(),
  userSid: 'S-1-5-21-7-7-7-1105',
  logonSid: 'S-1-5-5-0-777',
  windowStationUserSid: 'S-1-5-5-0-123',
  inputDesktopUserSid: 'S-1-5-5-0-123',
  shellProcessId: 1234,
  shellUserSid: 'S-1-5-21-7-7-7-1001',
  failures: {},
});

interface PendingJob {
  options: Record<string, unknown>;
  updateIds: string[];
  onProgress?: (p: NativeProgress) => void;
  resolve(value: NativeJobResult): void;
  reject(error: unknown): void;
  aborts: number;
}

/** Records every call; jobs settle when the test says so (or at once with `autoResult`). */
export class FakeWua implements WuaBinding, InteractiveContextBinding {
  calls: string[] = [];
  updates: NativeUpdate[] = [];
  searchResultCode = 2;
  /** ISearchResult::Warnings as the binding reports them (null: get_Warnings failed with searchWarningsHresult). */
  searchWarnings: NativeSearchResult['warnings'] = [];
  searchWarningsHresult = 0x80004001;
  facts: NativeTokenFacts = wineLikeFacts();
  jobs: PendingJob[] = [];
  /** When set, install/download resolve immediately with this result for the given ids. */
  autoResult?: (ids: string[], options: Record<string, unknown>) => NativeJobResult;
  searchOptions: unknown[] = [];
  /** What put_IsHidden and the read-back answer for each id (default: done, as asked). */
  hideAnswer?: (id: string, hidden: boolean) => { hresult: number; isHidden: boolean | null };
  private handle = { __brand: 'msi-lua.wua.session' } as NativeWuaSessionHandle;

  wuaOpenSession(clientApplicationId: string): NativeWuaSessionHandle {
    this.calls.push(`open:${clientApplicationId}`);
    return this.handle;
  }

  async wuaCloseSession(session: NativeWuaSessionHandle): Promise<void> {
    expectHandle(session, this.handle);
    this.calls.push('close');
  }

  wuaSearch(session: NativeWuaSessionHandle, criteria: string, options: Record<string, unknown>): NativeWuaJob<NativeSearchResult> {
    expectHandle(session, this.handle);
    this.calls.push(`search:${criteria}`);
    this.searchOptions.push(options);
    const result: NativeSearchResult = {
      resultCode: this.searchResultCode,
      abortRequested: false,
      updates: this.updates,
      warnings: this.searchWarnings,
      ...(this.searchWarnings ? {} : { warningsHresult: this.searchWarningsHresult }),
    };
    return { promise: Promise.resolve(result), abort: () => this.calls.push('abort:search') };
  }

  wuaDownload(
    session: NativeWuaSessionHandle,
    updateIds: string[],
    options: Record<string, unknown>,
    onProgress?: (p: NativeProgress) => void,
  ): NativeWuaJob<NativeJobResult> {
    return this.job('download', session, updateIds, options, onProgress);
  }

  wuaInstall(
    session: NativeWuaSessionHandle,
    updateIds: string[],
    options: Record<string, unknown>,
    onProgress?: (p: NativeProgress) => void,
  ): NativeWuaJob<NativeJobResult> {
    return this.job(options.uninstall ? 'uninstall' : 'install', session, updateIds, options, onProgress);
  }

  busy = false;

  async wuaInstallerIsBusy(session: NativeWuaSessionHandle): Promise<boolean> {
    expectHandle(session, this.handle);
    this.calls.push('isBusy');
    return this.busy;
  }

  async tokenContextFacts(): Promise<NativeTokenFacts> {
    this.calls.push('tokenContextFacts');
    return this.facts;
  }

  /** The last started job. */
  get last(): PendingJob {
    const job = this.jobs[this.jobs.length - 1];
    if (!job) throw new Error('no job was started');
    return job;
  }

  wuaSetHidden(session: NativeWuaSessionHandle, updateIds: string[], hidden: boolean): NativeWuaJob<NativeSetHidden[]> {
    expectHandle(session, this.handle);
    this.calls.push(`setHidden:${updateIds.join(',')}:${hidden}`);
    const answer = this.hideAnswer ?? (() => ({ hresult: 0, isHidden: hidden }));
    return { promise: Promise.resolve(updateIds.map((id) => ({ id, ...answer(id, hidden) }))), abort: () => undefined };
  }

  private job(
    kind: string,
    session: NativeWuaSessionHandle,
    updateIds: string[],
    options: Record<string, unknown>,
    onProgress?: (p: NativeProgress) => void,
  ): NativeWuaJob<NativeJobResult> {
    expectHandle(session, this.handle);
    this.calls.push(`${kind}:${updateIds.join(',')}`);
    let resolve!: (value: NativeJobResult) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<NativeJobResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: PendingJob = { options, updateIds, onProgress, resolve, reject, aborts: 0 };
    this.jobs.push(job);
    if (this.autoResult) resolve(this.autoResult(updateIds, options));
    return {
      promise,
      abort: () => {
        job.aborts += 1;
        this.calls.push(`abort:${kind}`);
      },
    };
  }
}

function expectHandle(actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error('the facade passed a foreign session handle');
}

export function succeeded(ids: string[], extra: Partial<NativeJobResult> = {}): NativeJobResult {
  return {
    resultCode: 2,
    hresult: 0,
    abortRequested: false,
    rebootRequired: false,
    rebootRequiredBeforeInstallation: false,
    eulasAccepted: [],
    updates: ids.map((id) => ({ id, resultCode: 2, hresult: 0, rebootRequired: false })),
    ...extra,
  };
}

/** A native failure as ToJsError makes it. */
export function nativeFailure(hresult: number, syscall: string): Error {
  const error = new Error(`${syscall} failed`) as Error & Record<string, unknown>;
  error.nativeFailure = true;
  error.hresult = hresult;
  error.syscall = syscall;
  return error;
}
