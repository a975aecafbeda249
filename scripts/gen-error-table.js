#!/usr/bin/env node
'use strict';
/*
 * Generates lib/errors/table.generated.ts (every code: the message table, loaded on first
 * lookup) and lib/errors/codes.generated.ts (the groups and the named constants lib/ uses, so
 * that importing a constant does not load the table) from the mingw-w64 headers.
 *
 *   node scripts/gen-error-table.js            write both files
 *   node scripts/gen-error-table.js --check    exit 1 if a committed file differs (drift)
 *   options: --include <dir>   header directory (default: /usr/share/mingw-w64/include,
 *                              then /usr/x86_64-w64-mingw32/include)
 *            --out <file>      the table (default: lib/errors/table.generated.ts); the
 *                              constants go to codes.generated.ts in the same folder
 *
 * Exit codes: 0 ok, 1 drift (--check), 2 headers not found / parse error.
 *
 * Sources:
 *   wuerror.h  every WU_S_* / WU_E_* define                       -> HRESULT rows
 *   winerror.h every HRESULT define (_HRESULT_TYPEDEF_, (HRESULT)) -> HRESULT rows
 *              every Win32 code (__MSABI_LONG(decimal), (BASE + n)) -> Win32 rows
 *   msi.h      ERROR_* defines missing from winerror.h (the Windows Installer codes
 *              1646-1653 live only there in mingw-w64)             -> Win32 rows
 *   winhttp.h  ERROR_WINHTTP_* (Windows Update downloads report them as 0x80072Exx/0x80072Fxx)
 *
 * Groups. wuerror.h in mingw-w64 carries no section comments, so WU groups come from
 * the component nibble of the code, which is how the Windows SDK header lays out its
 * sections (general 0x0xxx, Windows Installer minor 0x1xxx, update handler 0x2xxx, ...),
 * plus the WU_E_PT_ prefix for protocol-talker codes that sit outside 0x4xxx.
 * Descriptions. The comment lines directly above a define become its description
 * (an SDK-style "MessageText:" block, or plain // or /* *\/ lines). The mingw-w64
 * headers have none, so the committed table carries none; hand-written text lives in
 * lib/errors/messages.ts and lib/errors/descriptions.ts.
 *
 * Output is deterministic: rows are sorted by value, first definition wins on a value
 * collision (except the PREFERRED names) and the losers are recorded as aliases.
 */
const fs = require('fs');
const path = require('path');

const DEFAULT_INCLUDE_DIRS = ['/usr/share/mingw-w64/include', '/usr/x86_64-w64-mingw32/include'];
const REQUIRED_HEADERS = ['wuerror.h', 'winerror.h', 'msi.h', 'winhttp.h'];
const DEFAULT_OUT = path.join(__dirname, '..', 'lib', 'errors', 'table.generated.ts');
const CODES_FILE = 'codes.generated.ts';

/** Group names; the generated rows refer to them by index. Order is part of the output. */
const GROUPS = [
  // Windows Update (FACILITY_WINDOWSUPDATE, 0x8024xxxx / 0x0024xxxx)
  'general',
  'windows-installer-minor',
  'update-handler',
  'ui',
  'protocol-talker',
  'redirector',
  'sih',
  'download-manager',
  'offline-scan',
  'metadata',
  'datastore',
  'inventory',
  'automatic-updates',
  'wu-task',
  'hardware-capability',
  'sls',
  'file-trust',
  'driver',
  'setup',
  'expression-evaluator',
  'reporter',
  // Win32 codes
  'windows-installer',
  'win32',
  'winhttp',
  // other HRESULTs
  'com',
  'trust',
  'security',
  'storage',
  'setupapi',
  'other',
];

/** Names that win a value collision even when defined later (SEC_E_OK is defined before S_OK). */
const PREFERRED = new Set(['S_OK', 'S_FALSE', 'ERROR_SUCCESS']);

/**
 * HRESULT_FROM_WIN32 and the WU_E_ grouping come from lib/errors/hresult.ts, the module the
 * runtime uses, compiled here in memory (it has no imports).
 */
function loadShared() {
  const ts = require('typescript');
  const file = path.join(__dirname, '..', 'lib', 'errors', 'hresult.ts');
  const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
    fileName: file,
  });
  const mod = { exports: {} };
  new Function('module', 'exports', outputText)(mod, mod.exports);
  return mod.exports;
}
const { wrapWin32, windowsUpdateGroup } = loadShared();

/**
 * The codes lib/ names in its own logic, emitted as `export const NAME = value;` with the
 * value from the headers, so no file in lib/ writes a Windows number by hand.
 */
const NAMED_CONSTANTS = [
  // HRESULTs
  'S_OK',
  'E_ABORT',
  'E_ACCESSDENIED',
  'E_FAIL',
  'E_NOTIMPL',
  'E_UNEXPECTED',
  'CERT_E_CHAINING',
  'CERT_E_EXPIRED',
  'CERT_E_REVOCATION_FAILURE',
  'CERT_E_REVOKED',
  'CERT_E_UNTRUSTEDROOT',
  'CRYPT_E_NO_REVOCATION_CHECK',
  'CRYPT_E_REVOCATION_OFFLINE',
  'CRYPT_E_REVOKED',
  'TRUST_E_NOSIGNATURE',
  'TRUST_E_SUBJECT_FORM_UNKNOWN',
  'WU_E_CALL_CANCELLED',
  'WU_E_INSTALL_NOT_ALLOWED',
  'WU_E_NO_INTERACTIVE_USER',
  'WU_E_OPERATIONINPROGRESS',
  'WU_E_SETUP_DEFERRABLE_REBOOT_PENDING',
  'WU_E_SETUP_NON_DEFERRABLE_REBOOT_PENDING',
  'WU_E_SETUP_REBOOTREQUIRED',
  'WU_E_SETUP_REBOOT_TO_FIX',
  'WU_E_UH_HANDLER_DISABLEDUNTILREBOOT',
  'WU_E_UH_POSTREBOOTSTILLPENDING',
  'WU_S_REBOOT_REQUIRED',
  // Win32 codes
  'ERROR_SUCCESS',
  'ERROR_BAD_CONFIGURATION',
  'ERROR_CALL_NOT_IMPLEMENTED',
  'ERROR_CANCELLED',
  'ERROR_FUNCTION_FAILED',
  'ERROR_INSTALL_ALREADY_RUNNING',
  'ERROR_INSTALL_FAILURE',
  'ERROR_INSTALL_USEREXIT',
  'ERROR_INSTALL_PACKAGE_INVALID',
  'ERROR_MOD_NOT_FOUND',
  'ERROR_NOT_SUPPORTED',
  'ERROR_OPERATION_ABORTED',
  'ERROR_SUCCESS_REBOOT_INITIATED',
  'ERROR_SUCCESS_REBOOT_REQUIRED',
  'ERROR_SUCCESS_RESTART_REQUIRED',
  'ERROR_UNKNOWN_PRODUCT',
  'ERROR_UNKNOWN_PROPERTY',
];
/** msi.h's MSIINSTALLCONTEXT enumeration, emitted the same way. */
const MSIINSTALLCONTEXT_NAMES = ['MSIINSTALLCONTEXT_USERMANAGED', 'MSIINSTALLCONTEXT_USERUNMANAGED', 'MSIINSTALLCONTEXT_MACHINE'];

/** Values of `NAME = number` enumerators in a header (msi.h writes several on one line). */
function parseEnumerators(text, names, required) {
  const values = new Map();
  for (const name of names) {
    const m = new RegExp(`\\b${name}\\s*=\\s*(\\d+)\\b`).exec(text);
    if (!m && !required) continue;
    if (!m) throw new Error(`msi.h: no enumerator ${name}`);
    values.set(name, Number(m[1]));
  }
  return values;
}

/** Group of a Windows Update code (value is the unsigned HRESULT). */
function wuGroup(name, value) {
  if (/^WU_[SE]_PT_/.test(name)) return 'protocol-talker';
  if ((value & 0x80000000) === 0) {
    // success codes: by component prefix, otherwise general
    const m = /^WU_S_(UH|SIH|DM|METADATA)_/.exec(name);
    if (!m) return 'general';
    return { UH: 'update-handler', SIH: 'sih', DM: 'download-manager', METADATA: 'metadata' }[m[1]];
  }
  return windowsUpdateGroup(value);
}

/** Group of a non-WU HRESULT from winerror.h. */
function hresultGroup(name, value) {
  if (/^(TRUST_E_|CERT_E_|CRYPT_E_|DIGSIG_E_)/.test(name)) return 'trust';
  const facility = (value >>> 16) & 0x1fff;
  switch (facility) {
    case 0: // FACILITY_NULL
    case 1: // FACILITY_RPC
    case 2: // FACILITY_DISPATCH
    case 4: // FACILITY_ITF
    case 7: // FACILITY_WIN32
    case 8: // FACILITY_WINDOWS
    case 10: // FACILITY_CONTROL
    case 17: // FACILITY_COMPLUS
      return 'com';
    case 3:
      return 'storage';
    case 9:
      return 'security';
    case 15:
      return 'setupapi';
    default:
      return 'other';
  }
}

function win32Group(name, value, source) {
  if ((value >= 1601 && value <= 1699) || value === 3010) return 'windows-installer';
  if (source === 'winhttp.h') return 'winhttp';
  return 'win32';
}

/** Text of a comment block, or '' when it is not a description (banners, commented-out code). */
function commentText(lines) {
  const body = lines
    .map((l) =>
      l
        .replace(/^\s*(\/\/+|\/\*+|\*+\/?)/, '')
        .replace(/\*+\/\s*$/, '')
        .trim(),
    )
    .filter((l) => l && !/^[/*=\-\s]+$/.test(l));
  if (body.some((l) => /#\s*define\b/.test(l))) return '';
  const mt = body.findIndex((l) => /^MessageText:/.test(l));
  const text = mt >= 0 ? body.slice(mt + 1) : body.filter((l) => !/^MessageId:/.test(l));
  return text.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * Parses the #define lines of a header. Returns [{ name, expr, comment, line }] in file order,
 * where comment is the description text of the comment lines directly above the define.
 */
function parseDefines(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  let pending = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (inBlock) {
      pending.push(trimmed);
      if (trimmed.includes('*/')) inBlock = false;
      continue;
    }
    if (trimmed.startsWith('/*')) {
      pending.push(trimmed);
      if (!trimmed.includes('*/')) inBlock = true;
      continue;
    }
    if (trimmed.startsWith('//')) {
      pending.push(trimmed);
      continue;
    }
    const m = /^#\s*define\s+([A-Za-z_]\w*)\s+(.*?)\s*(\/\/.*|\/\*.*\*\/)?$/.exec(trimmed);
    if (m) {
      out.push({ name: m[1], expr: m[2], comment: pending.length ? commentText(pending) : '', line: i + 1 });
      pending = [];
      continue;
    }
    // a blank line or any other directive ends the comment's attachment
    if (trimmed === '' || trimmed.startsWith('#')) pending = [];
  }
  return out;
}

/**
 * Evaluates a define's value. Returns { kind: 'hresult'|'win32'|'const'|'alias', value?, target? }
 * or null for anything that is not an error code.
 */
function evaluate(expr, consts) {
  let m;
  if ((m = /^_HRESULT_TYPEDEF_\(\s*(0x[0-9A-Fa-f]+|\d+)L?\s*\)$/.exec(expr))) {
    return { kind: 'hresult', value: Number(m[1]) >>> 0 };
  }
  if ((m = /^\(\(HRESULT\)\s*(0x[0-9A-Fa-f]+|\d+)L?\s*\)$/.exec(expr))) {
    return { kind: 'hresult', value: Number(m[1]) >>> 0 };
  }
  if ((m = /^__MSABI_LONG\(\s*(\d+)\s*\)$/.exec(expr))) {
    return { kind: 'win32', value: Number(m[1]) };
  }
  if ((m = /^\(\s*([A-Za-z_]\w*)\s*\+\s*(\d+)\s*\)$/.exec(expr))) {
    if (consts.has(m[1])) return { kind: 'win32', value: consts.get(m[1]) + Number(m[2]) };
    return null;
  }
  if ((m = /^HRESULT_FROM_WIN32\(\s*([A-Za-z_]\w*)\s*\)$/.exec(expr))) {
    return { kind: 'hresult-from-win32', target: m[1] };
  }
  if ((m = /^(\d+)$/.exec(expr))) return { kind: 'const', value: Number(m[1]) };
  if ((m = /^\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(expr))) return { kind: 'alias', target: m[1] };
  return null;
}

const NOT_A_CODE = /^(FACILITY_|SEVERITY_|_)|_(FIRST|LAST|BASE)$|^__IN__/;

class Collector {
  constructor() {
    this.hresult = new Map(); // value -> row
    this.win32 = new Map(); // value -> row
    this.names = new Map(); // name -> { kind, value }
    this.aliases = new Map(); // alias -> canonical name
  }

  add(kind, name, value, group, description) {
    if (this.names.has(name)) return; // redefinition guarded by #ifndef (msi.h)
    const map = kind === 'hresult' ? this.hresult : this.win32;
    const existing = map.get(value);
    if (existing) {
      if (PREFERRED.has(name) && !PREFERRED.has(existing.name)) {
        this.aliases.set(existing.name, name);
        for (const [a, c] of this.aliases) if (c === existing.name) this.aliases.set(a, name);
        this.names.set(existing.name, { kind, value });
        map.set(value, { value, name, group, description: description || existing.description });
        this.names.set(name, { kind, value });
      } else {
        this.aliases.set(name, existing.name);
        this.names.set(name, { kind, value });
        if (!existing.description && description) existing.description = description;
      }
      return;
    }
    map.set(value, { value, name, group, description });
    this.names.set(name, { kind, value });
  }

  addAlias(name, target) {
    if (this.names.has(name) || !this.names.has(target)) return;
    const canonical = this.aliases.get(target) || target;
    this.aliases.set(name, canonical);
    this.names.set(name, this.names.get(target));
  }
}

function readHeaders(includeDir) {
  const texts = {};
  for (const h of REQUIRED_HEADERS) {
    const p = path.join(includeDir, h);
    texts[h] = fs.readFileSync(p, 'latin1');
  }
  return texts;
}

function findIncludeDir(explicit) {
  const dirs = explicit ? [explicit] : DEFAULT_INCLUDE_DIRS;
  for (const d of dirs) {
    if (REQUIRED_HEADERS.every((h) => fs.existsSync(path.join(d, h)))) return d;
  }
  return null;
}

/** Builds the collected table from header texts ({ 'wuerror.h': text, ... }). */
function collect(texts) {
  const c = new Collector();
  const stats = {};

  // wuerror.h: every WU_ code
  {
    let n = 0;
    for (const d of parseDefines(texts['wuerror.h'])) {
      if (!/^WU_[SE]_/.test(d.name)) continue;
      const v = evaluate(d.expr, new Map());
      if (!v || v.kind !== 'hresult') throw new Error(`wuerror.h:${d.line}: cannot read ${d.name} = ${d.expr}`);
      c.add('hresult', d.name, v.value, wuGroup(d.name, v.value), d.comment);
      n++;
    }
    stats['wuerror.h'] = n;
  }

  // winerror.h, msi.h, winhttp.h
  const consts = new Map();
  const sources = [
    ['winerror.h', () => true],
    ['msi.h', (name) => /^ERROR_/.test(name)],
    ['winhttp.h', (name) => /^(ERROR_WINHTTP_|WINHTTP_ERROR_BASE$)/.test(name)],
  ];
  for (const [file, accept] of sources) {
    let n = 0;
    const deferred = [];
    for (const d of parseDefines(texts[file])) {
      if (!accept(d.name)) continue;
      const v = evaluate(d.expr, consts);
      if (!v) continue;
      if (v.kind === 'const') {
        consts.set(d.name, v.value);
        continue;
      }
      if (NOT_A_CODE.test(d.name)) continue;
      if (v.kind === 'hresult') {
        if (/^WU_/.test(d.name)) continue; // wuerror.h is the source for those
        c.add('hresult', d.name, v.value, hresultGroup(d.name, v.value), d.comment);
        n++;
      } else if (v.kind === 'win32') {
        if (v.value < 0 || v.value > 0xffff) continue;
        c.add('win32', d.name, v.value, win32Group(d.name, v.value, file), d.comment);
        n++;
      } else {
        deferred.push([d, v]);
      }
    }
    for (const [d, v] of deferred) {
      if (v.kind === 'hresult-from-win32') {
        const t = c.names.get(v.target);
        if (t && t.kind === 'win32') {
          const value = wrapWin32(t.value);
          c.add('hresult', d.name, value, hresultGroup(d.name, value), d.comment);
          n++;
        }
      } else if (v.kind === 'alias') {
        c.addAlias(d.name, v.target);
      }
    }
    stats[file] = n;
  }
  return { c, stats };
}

function tsString(s) {
  return JSON.stringify(s);
}

function hex(v) {
  return '0x' + v.toString(16).toUpperCase().padStart(8, '0');
}

/** Renders table.generated.ts: every code of the headers, with its group and aliases. */
function render(texts) {
  const { c, stats } = collect(texts);
  const gi = (g) => {
    const i = GROUPS.indexOf(g);
    if (i < 0) throw new Error(`unknown group ${g}`);
    return i;
  };
  const row = (valueText, r) => `[${valueText},${tsString(r.name)},${gi(r.group)}${r.description ? ',' + tsString(r.description) : ''}],`;
  const hrRows = [...c.hresult.values()].sort((a, b) => a.value - b.value);
  const w32Rows = [...c.win32.values()].sort((a, b) => a.value - b.value);
  const aliases = [...c.aliases.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const described = hrRows.concat(w32Rows).filter((r) => r.description).length;

  const out = [];
  out.push('// GENERATED FILE - do not edit. Regenerate with: node scripts/gen-error-table.js');
  out.push('// Source: mingw-w64 headers ' + REQUIRED_HEADERS.map((h) => `${h} (${stats[h]})`).join(', ') + '.');
  out.push(
    `// ${hrRows.length} HRESULT rows, ${w32Rows.length} Win32 rows, ${aliases.length} aliases, ${described} with a header description.`,
  );
  out.push('');
  out.push("export { GROUPS } from './codes.generated';");
  out.push("export type { ErrorGroup } from './codes.generated';");
  out.push('');
  out.push('/** [value, symbolic name, index into GROUPS, header description?] */');
  out.push('export type CodeRow = readonly [number, string, number, string?];');
  out.push('');
  out.push('/** HRESULT-valued codes (WU_S_*, WU_E_*, COM, trust, ...), sorted by unsigned value. */');
  out.push('export const HRESULT_ROWS: readonly CodeRow[] = [');
  for (const r of hrRows) out.push(row(hex(r.value), r));
  out.push('];');
  out.push('');
  out.push('/** Win32 error codes (wrapped by HRESULT_FROM_WIN32 as 0x8007xxxx), sorted by value. */');
  out.push('export const WIN32_ROWS: readonly CodeRow[] = [');
  for (const r of w32Rows) out.push(row(String(r.value), r));
  out.push('];');
  out.push('');
  out.push('/** [alias, canonical name]: other names the headers give to a value in the tables above. */');
  out.push('export const ALIASES: readonly (readonly [string, string])[] = [');
  for (const [a, b] of aliases) out.push(`[${tsString(a)},${tsString(b)}],`);
  out.push('];');
  out.push('');
  return out.join('\n');
}

/**
 * Renders codes.generated.ts: the groups and the NAMED_CONSTANTS, small enough to load with
 * any module that names a code. `requireNamed`: every NAMED_CONSTANTS entry must be in the
 * headers (true for the real headers; tests render excerpts).
 */
function renderCodes(texts, { requireNamed = false } = {}) {
  const { c } = collect(texts);
  const out = [];
  out.push('// GENERATED FILE - do not edit. Regenerate with: node scripts/gen-error-table.js');
  out.push('// The error groups and the named codes lib/ uses; every code is in table.generated.ts.');
  out.push('');
  out.push('export const GROUPS = [');
  for (const g of GROUPS) out.push(`  ${tsString(g)},`);
  out.push('] as const;');
  out.push('');
  out.push('export type ErrorGroup = (typeof GROUPS)[number];');
  out.push('');
  out.push('// Named codes for lib/ (NAMED_CONSTANTS in the generator): HRESULTs in hex, Win32 codes and');
  out.push('// MSIINSTALLCONTEXT values in decimal.');
  for (const name of NAMED_CONSTANTS) {
    const entry = c.names.get(name);
    if (!entry) {
      if (requireNamed) throw new Error(`${name} is in no header`);
      continue;
    }
    out.push(`export const ${name} = ${entry.kind === 'hresult' ? hex(entry.value) : String(entry.value)};`);
  }
  for (const [name, value] of parseEnumerators(texts['msi.h'], MSIINSTALLCONTEXT_NAMES, requireNamed))
    out.push(`export const ${name} = ${value};`);
  out.push('');
  return out.join('\n');
}

function generate(includeDir) {
  return render(readHeaders(includeDir));
}

function generateCodes(includeDir) {
  return renderCodes(readHeaders(includeDir), { requireNamed: true });
}

function main(argv) {
  let check = false;
  let include = null;
  let outFile = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--include') include = argv[++i];
    else if (a === '--out') outFile = path.resolve(argv[++i]);
    else {
      process.stderr.write(`gen-error-table: unknown argument ${a}\n`);
      return 2;
    }
  }
  const dir = findIncludeDir(include);
  if (!dir) {
    process.stderr.write(
      `gen-error-table: headers ${REQUIRED_HEADERS.join(', ')} not found in ${(include ? [include] : DEFAULT_INCLUDE_DIRS).join(' or ')}` +
        ' (install mingw-w64, e.g. apt-get install mingw-w64-common)\n',
    );
    return 2;
  }
  let files;
  try {
    const texts = readHeaders(dir);
    files = [
      [outFile, render(texts)],
      [path.join(path.dirname(outFile), CODES_FILE), renderCodes(texts, { requireNamed: true })],
    ];
  } catch (e) {
    process.stderr.write(`gen-error-table: ${e.message}\n`);
    return 2;
  }
  if (check) {
    let drift = false;
    for (const [file, text] of files) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      if (current === text) {
        process.stdout.write(`gen-error-table: ${path.relative(process.cwd(), file)} is up to date\n`);
        continue;
      }
      drift = true;
      process.stderr.write(
        `gen-error-table: ${path.relative(process.cwd(), file)} is out of date with the headers in ${dir}; ` +
          'run node scripts/gen-error-table.js\n',
      );
    }
    return drift ? 1 : 0;
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  for (const [file, text] of files) {
    fs.writeFileSync(file, text);
    process.stdout.write(`gen-error-table: wrote ${path.relative(process.cwd(), file)} from ${dir}\n`);
  }
  return 0;
}

module.exports = {
  GROUPS,
  NAMED_CONSTANTS,
  REQUIRED_HEADERS,
  DEFAULT_INCLUDE_DIRS,
  DEFAULT_OUT,
  parseDefines,
  evaluate,
  collect,
  render,
  renderCodes,
  generate,
  generateCodes,
  CODES_FILE,
  findIncludeDir,
  wuGroup,
  hresultGroup,
  win32Group,
  main,
};

if (require.main === module) process.exitCode = main(process.argv.slice(2));
