// Every row of the generated table round-trips through describe* and error* and lands in the
// right class; the committed table matches the headers (drift test, skipped without them).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

import {
  AbortError,
  AccessDeniedError,
  BadConfigurationError,
  InstallAlreadyRunningError,
  InstallNotAllowedError,
  MsiLuaError,
  NoInteractiveUserError,
  NotImplementedError,
  RebootRequiredError,
  SignatureError,
  UnknownProductError,
  UnknownPropertyError,
  UpdateInstallerBusyError,
  WindowsInstallerError,
  WindowsUpdateError,
  describeCode,
  describeHResult,
  describeStatus,
  describeWin32,
  errorFromHResult,
  errorFromWin32,
  formatHResult,
  hresultFromWin32,
  isSuccessCode,
} from '../../../lib/errors';
import { ALIASES, GROUPS, HRESULT_ROWS, WIN32_ROWS, type CodeRow } from '../../../lib/errors/table.generated';

interface GeneratorModule {
  GROUPS: string[];
  REQUIRED_HEADERS: string[];
  DEFAULT_OUT: string;
  findIncludeDir(dir?: string): string | null;
  generate(dir: string): string;
  render(texts: Record<string, string>): string;
  parseDefines(text: string): { name: string; expr: string; comment: string; line: number }[];
}
const gen = require('../../../scripts/gen-error-table.js') as GeneratorModule;
const SCRIPT = path.resolve(__dirname, '../../../scripts/gen-error-table.js');

type Ctor = abstract new (...args: never[]) => MsiLuaError;

/** The class each code must produce, written independently of lib/errors' own mapping. */
const SPECIFIC: Record<string, Ctor> = {
  WU_E_NO_INTERACTIVE_USER: NoInteractiveUserError,
  WU_E_INSTALL_NOT_ALLOWED: InstallNotAllowedError,
  WU_E_OPERATIONINPROGRESS: UpdateInstallerBusyError,
  WU_E_SETUP_REBOOTREQUIRED: RebootRequiredError,
  WU_E_SETUP_REBOOT_TO_FIX: RebootRequiredError,
  WU_E_SETUP_DEFERRABLE_REBOOT_PENDING: RebootRequiredError,
  WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING: RebootRequiredError,
  WU_E_UH_POSTREBOOTSTILLPENDING: RebootRequiredError,
  WU_E_UH_HANDLER_DISABLEDUNTILREBOOT: RebootRequiredError,
  E_ACCESSDENIED: AccessDeniedError,
  ERROR_ACCESS_DENIED: AccessDeniedError,
  E_NOTIMPL: NotImplementedError,
  ERROR_CALL_NOT_IMPLEMENTED: NotImplementedError,
  E_ABORT: AbortError,
  ERROR_CANCELLED: AbortError,
  ERROR_UNKNOWN_PRODUCT: UnknownProductError,
  ERROR_UNKNOWN_PROPERTY: UnknownPropertyError,
  ERROR_BAD_CONFIGURATION: BadConfigurationError,
  ERROR_INSTALL_ALREADY_RUNNING: InstallAlreadyRunningError,
};

const WU_GROUPS = new Set<string>(GROUPS.slice(0, GROUPS.indexOf('reporter') + 1));

function expectedClass(name: string, group: string): Ctor {
  if (SPECIFIC[name]) return SPECIFIC[name];
  if (WU_GROUPS.has(group)) return WindowsUpdateError;
  if (group === 'windows-installer') return WindowsInstallerError;
  if (group === 'trust') return SignatureError;
  return MsiLuaError;
}

const SUCCESS_WIN32 = new Set([0, 1641, 3010, 3011]);
const groupOf = (row: CodeRow): string => GROUPS[row[2]];
const hresultRowAt = new Map(HRESULT_ROWS.map((r) => [r[0], r]));

describe('the generated table', () => {
  test('has the expected size and shape', () => {
    expect(HRESULT_ROWS.filter((r) => /^WU_[SE]_/.test(r[1]))).toHaveLength(465);
    expect(HRESULT_ROWS.length).toBeGreaterThan(1500);
    expect(WIN32_ROWS.length).toBeGreaterThan(2000);
    for (const rows of [HRESULT_ROWS, WIN32_ROWS]) {
      const values = rows.map((r) => r[0]);
      expect(values).toEqual([...values].sort((a, b) => a - b)); // sorted, so the output is deterministic
      expect(new Set(values).size).toBe(values.length); // one row per value
      for (const r of rows) expect(GROUPS[r[2]]).toBeDefined();
    }
    const names = [...HRESULT_ROWS, ...WIN32_ROWS].map((r) => r[1]);
    expect(new Set(names).size).toBe(names.length);
    for (const r of WIN32_ROWS) expect(r[0]).toBeLessThanOrEqual(0xffff);
    // the only HRESULT rows below 0x10000 are S_OK and S_FALSE (small numbers mean Win32 codes)
    expect(HRESULT_ROWS.filter((r) => r[0] < 0x10000).map((r) => r[1])).toEqual(['S_OK', 'S_FALSE']);
  });

  test('covers the codes the issue lists', () => {
    for (const name of [
      'WU_E_NO_INTERACTIVE_USER',
      'WU_E_INSTALL_NOT_ALLOWED',
      'WU_E_OPERATIONINPROGRESS',
      'WU_S_REBOOT_REQUIRED',
      'WU_E_PT_HTTP_STATUS_NOT_FOUND',
      'WU_E_DM_INCORRECTFILEHASH',
      'WU_E_UH_INSTALLERFAILURE',
      'WU_E_DS_INUSE',
      'WU_E_AU_PAUSED',
      'WU_E_SETUP_FAIL',
      'WU_E_EE_INVALID_EXPRESSION',
      'WU_E_REPORTER_UNEXPECTED',
      'WU_E_INVENTORY_WMI_ERROR',
      'ERROR_INSTALL_FAILURE',
      'ERROR_PATCH_PACKAGE_INVALID',
      'ERROR_PATCH_NO_SEQUENCE',
      'ERROR_UNKNOWN_PRODUCT',
      'ERROR_BAD_CONFIGURATION',
      'ERROR_SUCCESS_REBOOT_REQUIRED',
      'ERROR_SUCCESS_REBOOT_INITIATED',
      'TRUST_E_NOSIGNATURE',
      'TRUST_E_BAD_DIGEST',
      'CERT_E_CHAINING',
      'CERT_E_REVOKED',
      'CERT_E_EXPIRED',
      'TRUST_E_SUBJECT_NOT_TRUSTED',
      'CERT_E_UNTRUSTEDROOT',
      'E_ACCESSDENIED',
      'E_NOTIMPL',
      'E_INVALIDARG',
      'E_ABORT',
      'E_OUTOFMEMORY',
      'E_FAIL',
      'RPC_E_DISCONNECTED',
      'CO_E_NOTINITIALIZED',
      'ERROR_FILE_NOT_FOUND',
      'RPC_S_SERVER_UNAVAILABLE',
      'ERROR_WINHTTP_TIMEOUT',
    ]) {
      expect(describeCode(name)?.code).toBe(name);
    }
    // every Win32 code of the Windows Installer family the headers define, 1601..1653
    const msi = WIN32_ROWS.filter((r) => groupOf(r) === 'windows-installer').map((r) => r[0]);
    for (let n = 1601; n <= 1653; n++) expect(msi).toContain(n);
    expect(msi).toContain(3010);
  });

  test('WU groups follow the header sections', () => {
    const g = (name: string) => describeCode(name)?.group;
    expect(g('WU_E_NO_INTERACTIVE_USER')).toBe('general');
    expect(g('WU_E_MSI_WRONG_VERSION')).toBe('windows-installer-minor');
    expect(g('WU_E_UH_INSTALLERFAILURE')).toBe('update-handler');
    expect(g('WU_E_INSTALLATION_RESULTS_NOT_FOUND')).toBe('ui');
    expect(g('WU_E_PT_HTTP_STATUS_NOT_FOUND')).toBe('protocol-talker');
    expect(g('WU_E_PT_ENDPOINT_UNREACHABLE')).toBe('protocol-talker'); // 0x80240438, in the PT section
    expect(g('WU_E_SERVICEPROP_NOTAVAIL')).toBe('protocol-talker');
    expect(g('WU_E_PT_SAME_REDIR_ID')).toBe('protocol-talker'); // 0x8024502D
    expect(g('WU_E_REDIRECTOR_UNEXPECTED')).toBe('redirector');
    expect(g('WU_E_SIH_UNEXPECTED')).toBe('sih');
    expect(g('WU_E_DM_UNEXPECTED')).toBe('download-manager');
    expect(g('WU_E_OL_UNEXPECTED')).toBe('offline-scan');
    expect(g('WU_E_METADATA_CERT_UNTRUSTED')).toBe('metadata');
    expect(g('WU_E_DS_UNEXPECTED')).toBe('datastore');
    expect(g('WU_E_INVENTORY_UNEXPECTED')).toBe('inventory');
    expect(g('WU_E_AU_UNEXPECTED')).toBe('automatic-updates');
    expect(g('WU_E_REBOOT_IN_PROGRESS')).toBe('automatic-updates');
    expect(g('WU_E_WUTASK_RETRY')).toBe('wu-task');
    expect(g('WU_E_DRV_UNEXPECTED')).toBe('driver');
    expect(g('WU_E_SETUP_UNEXPECTED')).toBe('setup');
    expect(g('WU_E_SELFUPDATE_IN_PROGRESS')).toBe('general'); // 0x8024001B: general range despite its name
    expect(g('WU_E_EE_UNEXPECTED')).toBe('expression-evaluator');
    expect(g('WU_E_REPORTER_UNEXPECTED')).toBe('reporter');
    expect(g('WU_S_UH_INSTALLSTILLPENDING')).toBe('update-handler');
    expect(g('TRUST_E_BAD_DIGEST')).toBe('trust');
    expect(g('E_ACCESSDENIED')).toBe('com');
    expect(g('ERROR_ACCESS_DENIED')).toBe('win32');
    expect(g('ERROR_WINHTTP_SECURE_FAILURE')).toBe('winhttp');
  });

  test('every HRESULT row round-trips (describe, signed form, error class, by name)', () => {
    const failures: string[] = [];
    const fail = (row: CodeRow, what: string) => failures.push(`${row[1]} ${formatHResult(row[0])}: ${what}`);
    for (const row of HRESULT_ROWS) {
      const [value, name] = row;
      const group = groupOf(row);
      const d = describeHResult(value);
      if (d.code !== name) fail(row, `describeHResult code ${d.code}`);
      if (d.group !== group) fail(row, `group ${d.group} != ${group}`);
      if (d.hresult !== value) fail(row, `hresult ${d.hresult}`);
      if (!d.message) fail(row, 'empty message');
      if (describeHResult(value | 0).code !== name) fail(row, 'signed form');
      if (describeCode(name)?.hresult !== value) fail(row, 'describeCode');
      const success = value < 0x80000000;
      if (d.success !== success || isSuccessCode(value) !== success) fail(row, 'success flag');
      if (success) {
        try {
          errorFromHResult(value);
          fail(row, 'errorFromHResult did not throw for a success code');
        } catch (e) {
          if (!(e instanceof TypeError)) fail(row, 'success code did not give a TypeError');
        }
        if (describeStatus(value).code !== name) fail(row, 'describeStatus');
        continue;
      }
      const e = errorFromHResult(value);
      const Cls = expectedClass(name, group);
      if (e.constructor !== Cls) fail(row, `class ${e.constructor.name}, expected ${Cls.name}`);
      if (!(e instanceof MsiLuaError) || !(e instanceof Error)) fail(row, 'instanceof');
      if (e.name !== Cls.name) fail(row, `name ${e.name}`);
      if (e.code !== name || e.hresult !== value) fail(row, `error code/hresult ${e.code} ${e.hresult}`);
      if (!e.message.startsWith(`${name} (${formatHResult(value)}`)) fail(row, `message ${e.message}`);
      const win32 = value >>> 16 === 0x8007 ? value & 0xffff : undefined;
      if (e.win32 !== win32) fail(row, `win32 ${e.win32}`);
      if (errorFromHResult(value | 0).code !== name) fail(row, 'signed errorFromHResult');
    }
    expect(failures).toEqual([]);
  });

  test('every Win32 row round-trips (plain, wrapped, errorFromWin32, by name)', () => {
    const failures: string[] = [];
    const fail = (row: CodeRow, what: string) => failures.push(`${row[1]} ${row[0]}: ${what}`);
    for (const row of WIN32_ROWS) {
      const [n, name] = row;
      const group = groupOf(row);
      const wrapped = hresultFromWin32(n);
      const d = describeWin32(n);
      if (d.code !== name || d.win32 !== n || d.hresult !== wrapped || d.group !== group) {
        fail(row, `describeWin32 ${JSON.stringify(d)}`);
      }
      if (n >= 2 && describeHResult(n).code !== name) fail(row, 'plain small number in describeHResult');
      // the wrapped form names the Win32 code, unless winerror.h has an HRESULT name for that value
      const viaHr = describeHResult(wrapped);
      const alias = hresultRowAt.get(wrapped);
      if (viaHr.code !== (alias ? alias[1] : name)) fail(row, `wrapped form gave ${viaHr.code}`);
      if (viaHr.win32 !== (n === 0 ? undefined : n)) fail(row, 'wrapped win32');
      const found = describeCode(name);
      if (found?.win32 !== n || found.code !== name) fail(row, 'describeCode');
      const success = SUCCESS_WIN32.has(n);
      if (d.success !== success || isSuccessCode(wrapped) !== success) fail(row, 'success flag');
      if (success) {
        if (
          !(() => {
            try {
              errorFromWin32(n);
              return false;
            } catch (e) {
              return e instanceof TypeError;
            }
          })()
        ) {
          fail(row, 'errorFromWin32 of a success code did not throw a TypeError');
        }
        continue;
      }
      const Cls = expectedClass(name, group);
      const e = errorFromWin32(n);
      if (e.constructor !== Cls) fail(row, `class ${e.constructor.name}, expected ${Cls.name}`);
      if (e.code !== name || e.win32 !== n || e.hresult !== wrapped) fail(row, `error ${e.code} ${e.win32} ${e.hresult}`);
      if (!e.message.startsWith(`${name} (${formatHResult(wrapped)}, Win32 ${n}): `)) fail(row, `message ${e.message}`);
      const e2 = errorFromHResult(wrapped);
      if (e2.constructor !== (alias ? expectedClass(alias[1], groupOf(alias)) : Cls)) fail(row, `wrapped class ${e2.constructor.name}`);
      if (n >= 2) {
        const e3 = errorFromHResult(n);
        if (e3.code !== name || e3.constructor !== Cls || e3.message !== e.message) fail(row, 'plain number in errorFromHResult');
      }
    }
    expect(failures).toEqual([]);
  });

  test('the invariants callers rely on hold for every row', () => {
    for (const row of HRESULT_ROWS) {
      if (row[1].startsWith('WU_E_')) expect(errorFromHResult(row[0])).toBeInstanceOf(WindowsUpdateError);
      if (/^(TRUST_E_|CERT_E_)/.test(row[1])) expect(errorFromHResult(row[0])).toBeInstanceOf(SignatureError);
    }
    for (const row of WIN32_ROWS) {
      if (
        (row[0] >= 1601 && row[0] <= 1699 && row[0] !== 1641) ||
        /^ERROR_(PATCH_|UNKNOWN_(PRODUCT|FEATURE|COMPONENT|PROPERTY|PATCH)$)/.test(row[1])
      ) {
        expect(errorFromWin32(row[0])).toBeInstanceOf(WindowsInstallerError);
        expect(errorFromHResult(hresultFromWin32(row[0]))).toBeInstanceOf(WindowsInstallerError);
      }
    }
  });

  test('aliases resolve to their canonical code', () => {
    expect(ALIASES.length).toBeGreaterThan(0);
    for (const [alias, canonical] of ALIASES) expect(describeCode(alias)?.code).toBe(canonical);
    expect(describeCode('NO_ERROR')?.code).toBe('ERROR_SUCCESS');
    expect(describeCode('SEC_E_OK')?.code).toBe('S_OK');
    expect(describeCode('NOT_A_CODE')).toBeUndefined();
  });
});

describe('scripts/gen-error-table.js', () => {
  const includeDir = gen.findIncludeDir();
  // Runs only where the mingw-w64 headers are installed; otherwise jest reports these as skipped.
  const withHeaders = includeDir ? test : test.skip;

  withHeaders('the committed table is what the headers generate (drift)', () => {
    const committed = fs.readFileSync(gen.DEFAULT_OUT, 'utf8');
    const fresh = gen.generate(includeDir as string);
    expect(fresh === committed).toBe(true);
  });

  withHeaders('the table has one WU row per WU_ define of wuerror.h', () => {
    const text = fs.readFileSync(path.join(includeDir as string, 'wuerror.h'), 'latin1');
    const defines = text.match(/^#define\s+WU_[SE]_\w+/gm) ?? [];
    expect(defines.length).toBeGreaterThan(400);
    expect(HRESULT_ROWS.filter((r) => /^WU_[SE]_/.test(r[1]))).toHaveLength(defines.length);
  });

  withHeaders('--check exits 0 when up to date and 1 on drift', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-errors-'));
    try {
      const out = path.join(tmp, 'table.generated.ts');
      const write = spawnSync(process.execPath, [SCRIPT, '--include', includeDir as string, '--out', out], { encoding: 'utf8' });
      expect(write.status).toBe(0);
      expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(gen.DEFAULT_OUT, 'utf8'));
      const ok = spawnSync(process.execPath, [SCRIPT, '--check', '--include', includeDir as string, '--out', out], { encoding: 'utf8' });
      expect(ok.status).toBe(0);
      fs.writeFileSync(out, fs.readFileSync(out, 'utf8').replace('"WU_E_NO_INTERACTIVE_USER"', '"WU_E_SOMETHING_ELSE"'));
      const drift = spawnSync(process.execPath, [SCRIPT, '--check', '--include', includeDir as string, '--out', out], { encoding: 'utf8' });
      expect(drift.status).toBe(1);
      expect(drift.stderr).toMatch(/out of date/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('exits 2 when the headers are missing', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--check', '--include', path.join(os.tmpdir(), 'no-such-mingw-dir')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not found/);
  });

  test('reads descriptions and groups from header text, and resolves collisions deterministically', () => {
    const wuerror = [
      '#define _HRESULT_TYPEDEF_(_sc) ((HRESULT)_sc)',
      '//',
      '// MessageId: WU_E_NO_SERVICE',
      '//',
      '// MessageText:',
      '//',
      '// Windows Update Agent could not serve.',
      '//',
      '#define WU_E_NO_SERVICE _HRESULT_TYPEDEF_(0x80240001L)',
      '',
      '// plain comment description',
      '#define WU_E_DM_UNEXPECTED _HRESULT_TYPEDEF_(0x80246FFF)',
      '#define WU_S_REBOOT_REQUIRED _HRESULT_TYPEDEF_(0x00240005)',
    ].join('\n');
    const winerror = [
      '#define SEC_E_OK ((HRESULT)0x00000000)',
      '#define S_OK ((HRESULT)0x00000000)',
      '#define ERROR_SUCCESS __MSABI_LONG(0)',
      '#define NO_ERROR __MSABI_LONG(0)',
      '#define ERROR_INSTALL_FAILURE __MSABI_LONG(1603)',
      '/*#define COMMENTED_OUT __MSABI_LONG(5)*/',
      '#define ERROR_ACCESS_DENIED __MSABI_LONG(5)',
      '#define WSABASEERR 10000',
      '#define WSAECONNRESET (WSABASEERR + 54)',
      '#define OLE_E_FIRST ((HRESULT)0x80040000)',
      '#define TRUST_E_NOSIGNATURE _HRESULT_TYPEDEF_(0x800B0100)',
      '#define E_NOT_SUFFICIENT_BUFFER HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)',
    ].join('\n');
    const msi =
      '#ifndef ERROR_INSTALL_FAILURE\n#define ERROR_INSTALL_FAILURE __MSABI_LONG(1603)\n#endif\n#define ERROR_UNKNOWN_PATCH __MSABI_LONG(1647)\n#define INSTALLMESSAGE_ERROR 0x01000000L';
    const winhttp =
      '#define WINHTTP_ERROR_BASE 12000\n#define ERROR_WINHTTP_TIMEOUT (WINHTTP_ERROR_BASE + 2)\n#define WINHTTP_FLAG_SECURE 0x00800000';
    const text = gen.render({ 'wuerror.h': wuerror, 'winerror.h': winerror, 'msi.h': msi, 'winhttp.h': winhttp });
    const gi = (g: string) => gen.GROUPS.indexOf(g);
    expect(text).toContain(`[0x80240001,"WU_E_NO_SERVICE",${gi('general')},"Windows Update Agent could not serve."],`);
    expect(text).toContain(`[0x80246FFF,"WU_E_DM_UNEXPECTED",${gi('download-manager')},"plain comment description"],`);
    expect(text).toContain(`[0x00240005,"WU_S_REBOOT_REQUIRED",${gi('general')}],`);
    expect(text).toContain(`[0x00000000,"S_OK",${gi('com')}],`); // preferred over SEC_E_OK
    expect(text).toContain('["SEC_E_OK","S_OK"],');
    expect(text).toContain('["NO_ERROR","ERROR_SUCCESS"],');
    expect(text).toContain(`[5,"ERROR_ACCESS_DENIED",${gi('win32')}],`); // the commented-out define is no description
    expect(text).toContain(`[1603,"ERROR_INSTALL_FAILURE",${gi('windows-installer')}],`);
    expect(text).toContain(`[1647,"ERROR_UNKNOWN_PATCH",${gi('windows-installer')}],`);
    expect(text).toContain(`[10054,"WSAECONNRESET",${gi('win32')}],`);
    expect(text).toContain(`[12002,"ERROR_WINHTTP_TIMEOUT",${gi('winhttp')}],`);
    expect(text).toContain(`[0x800B0100,"TRUST_E_NOSIGNATURE",${gi('trust')}],`);
    expect(text).toContain(`[0x80070005,"E_NOT_SUFFICIENT_BUFFER",${gi('com')}],`);
    expect(text).not.toMatch(/OLE_E_FIRST|WSABASEERR|WINHTTP_FLAG_SECURE|INSTALLMESSAGE_ERROR|COMMENTED_OUT/);
    expect(text.match(/"ERROR_INSTALL_FAILURE"/g)).toHaveLength(1);
    // deterministic: same input, same output
    expect(gen.render({ 'wuerror.h': wuerror, 'winerror.h': winerror, 'msi.h': msi, 'winhttp.h': winhttp })).toBe(text);
  });
});
