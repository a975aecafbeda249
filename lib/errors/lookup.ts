// Looking a normalised code up in the generated table, and the explanation of a code: its own
// text (messages.ts, descriptions.ts) or one made from its group and name.
import { ERROR_SUCCESS_REBOOT_REQUIRED, GROUPS } from './codes.generated';
import { FACILITY_WINDOWSUPDATE, windowsUpdateGroup } from './hresult';
import { formatHResult, type Normalized } from './numbers';
import type { CodeRow } from './table.generated';
import type { CodeGroup } from './groups';

export interface Entry {
  code: string;
  group: CodeGroup;
  headerDescription?: string;
  known: boolean;
}

interface Maps {
  hresult: Map<number, CodeRow>;
  win32: Map<number, CodeRow>;
  byName: Map<string, { row: CodeRow; kind: 'hresult' | 'win32' }>;
}

let maps: Maps | undefined;

export function getMaps(): Maps {
  if (maps) return maps;
  // The table (4,000 rows) loads on the first lookup, not with every module that names a code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ALIASES, HRESULT_ROWS, WIN32_ROWS } = require('./table.generated') as typeof import('./table.generated');
  const m: Maps = { hresult: new Map(), win32: new Map(), byName: new Map() };
  for (const row of HRESULT_ROWS) {
    m.hresult.set(row[0], row);
    m.byName.set(row[1], { row, kind: 'hresult' });
  }
  for (const row of WIN32_ROWS) {
    m.win32.set(row[0], row);
    m.byName.set(row[1], { row, kind: 'win32' });
  }
  for (const [alias, canonical] of ALIASES) {
    const target = m.byName.get(canonical);
    if (target && !m.byName.has(alias)) m.byName.set(alias, target);
  }
  maps = m;
  return m;
}

function entryOf(row: CodeRow): Entry {
  const e: Entry = { code: row[1], group: GROUPS[row[2]] ?? 'unknown', known: true };
  if (row[3]) e.headerDescription = row[3];
  return e;
}

/** Group of a code that is in no table, from its facility and range. */
function guessGroup(n: Normalized): CodeGroup {
  if (n.win32 !== undefined) {
    const w = n.win32;
    if ((w >= 1601 && w <= 1699) || w === ERROR_SUCCESS_REBOOT_REQUIRED) return 'windows-installer';
    if (w >= 12000 && w <= 12199) return 'winhttp';
    return 'win32';
  }
  const hr = n.hresult;
  const facility = (hr >>> 16) & 0x1fff;
  if (facility === FACILITY_WINDOWSUPDATE) return windowsUpdateGroup(hr);
  switch (facility) {
    case 0xb:
      return 'trust'; // FACILITY_CERT
    case 0:
    case 1:
    case 2:
    case 4:
    case 8:
    case 10:
    case 17:
      return 'com';
    case 3:
      return 'storage';
    case 9:
      return 'security';
    case 15:
      return 'setupapi';
    default:
      return 'unknown';
  }
}

export function lookup(n: Normalized): Entry {
  const m = getMaps();
  if (n.fromWin32 && n.win32 !== undefined) {
    const w = m.win32.get(n.win32);
    if (w) return entryOf(w);
  }
  const h = m.hresult.get(n.hresult);
  if (h) return entryOf(h);
  if (n.win32 !== undefined) {
    const w = m.win32.get(n.win32);
    if (w) return entryOf(w);
  }
  return { code: `HRESULT_${formatHResult(n.hresult)}`, group: guessGroup(n), known: false };
}

const GROUP_LABELS: Record<CodeGroup, string> = {
  general: 'Windows Update error',
  'windows-installer-minor': 'Windows Update error about Windows Installer',
  'update-handler': 'Windows Update installer-handler error',
  ui: 'Windows Update user interface error',
  'protocol-talker': 'Windows Update server communication error',
  redirector: 'Windows Update redirector error',
  sih: 'Windows Update service-initiated healing error',
  'download-manager': 'Windows Update download error',
  'offline-scan': 'Windows Update offline scan error',
  metadata: 'Windows Update metadata verification error',
  datastore: 'Windows Update datastore error',
  inventory: 'Windows Update inventory error',
  'automatic-updates': 'Automatic Updates error',
  'wu-task': 'Windows Update task error',
  'hardware-capability': 'Windows Update hardware capability error',
  sls: 'Windows Update service locator error',
  'file-trust': 'Windows Update file trust error',
  driver: 'Windows Update driver error',
  setup: 'Windows Update Agent setup error',
  'expression-evaluator': 'Windows Update applicability rule error',
  reporter: 'Windows Update reporting error',
  'windows-installer': 'Windows Installer error',
  win32: 'Windows (Win32) error',
  winhttp: 'WinHTTP error',
  com: 'COM error',
  trust: 'Signature or certificate trust error',
  security: 'Security or cryptography error',
  storage: 'Structured storage error',
  setupapi: 'SetupAPI error',
  other: 'Windows error',
  unknown: 'Unrecognized code',
};

const NAME_PREFIX = /^(ERROR_|[A-Z0-9]+_[ESWIFBX]_|[ES]_|WSA_?)/;

type Texts = Readonly<Record<string, string | undefined>>;
let explanations: Texts | undefined;
let descriptions: Texts | undefined;

/**
 * msi-lua's own explanations (messages.ts, 46 KB) load when the first code is explained, not
 * with every module that can throw a typed error: a package read that fails nothing never needs them.
 */
export function ownExplanation(code: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  explanations ??= (require('./messages') as typeof import('./messages')).EXPLANATIONS as Texts;
  return explanations[code];
}

/** The Windows SDK's short descriptions (descriptions.ts, 34 KB), loaded on first use for the same reason. */
function sdkDescription(code: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  descriptions ??= (require('./descriptions') as typeof import('./descriptions')).DESCRIPTIONS as Texts;
  return descriptions[code];
}

export function explain(entry: Entry, n: Normalized): string {
  const own = ownExplanation(entry.code) ?? entry.headerDescription ?? sdkDescription(entry.code);
  if (own) return own;
  const label = GROUP_LABELS[entry.group];
  if (!entry.known) {
    const kind = n.win32 !== undefined ? `Win32 code ${n.win32}` : `code ${formatHResult(n.hresult)}`;
    return `${label}: msi-lua has no entry for ${kind}.`;
  }
  const words = entry.code.replace(NAME_PREFIX, '').toLowerCase().split('_').filter(Boolean).join(' ');
  return `${label} (${words || entry.code}).`;
}
