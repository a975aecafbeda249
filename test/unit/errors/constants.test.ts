// Each Windows constant is written once: lib/errors/codes.generated.ts (from the mingw-w64
// headers, with table.generated.ts) names the ones lib/ uses, and no other file in lib/ declares a copy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALIASES, HRESULT_ROWS, WIN32_ROWS } from '../../../lib/errors/table.generated';
import * as generated from '../../../lib/errors/codes.generated';
import { windowsUpdateGroup, wrapWin32 } from '../../../lib/errors/hresult';

const LIB = path.join(__dirname, '..', '..', '..', 'lib');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The code without comments, so documentation may still quote a value. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('named constants', () => {
  const names = new Set([...HRESULT_ROWS, ...WIN32_ROWS].map((r) => r[1]).concat(ALIASES.map((a) => a[0])));
  const hresultValues = new Map(HRESULT_ROWS.filter((r) => r[0] >= 0x80000000 && r[0] !== 0x80000000).map((r) => [r[0], r[1]]));

  it('are exported by the generated table with the table value', () => {
    const exported = Object.entries(generated).filter(([k, v]) => /^[A-Z][A-Z0-9_]+$/.test(k) && typeof v === 'number');
    expect(exported.length).toBeGreaterThan(30);
    const rows = new Map([...HRESULT_ROWS, ...WIN32_ROWS].map((r) => [r[1], r[0]]));
    for (const [name, value] of exported) {
      if (name.startsWith('MSIINSTALLCONTEXT_')) continue;
      const canonical = ALIASES.find((a) => a[0] === name)?.[1] ?? name;
      expect([name, rows.get(canonical)]).toEqual([name, value]);
    }
    expect([
      generated.MSIINSTALLCONTEXT_USERMANAGED,
      generated.MSIINSTALLCONTEXT_USERUNMANAGED,
      generated.MSIINSTALLCONTEXT_MACHINE,
    ]).toEqual([1, 2, 4]);
  });

  it('have no hand-declared copy in lib/', () => {
    const copies: string[] = [];
    for (const file of tsFiles(LIB)) {
      if (file.endsWith('.generated.ts')) continue;
      const code = stripComments(fs.readFileSync(file, 'utf8'));
      const rel = path.relative(LIB, file);
      for (const m of code.matchAll(/\b([A-Z][A-Z0-9_]{3,})\s*[=:]\s*(0x[0-9a-fA-F]+|\d+)\b/g)) {
        if (names.has(m[1])) copies.push(`${rel}: ${m[0]}`);
      }
      for (const m of code.matchAll(/\b0x[0-9a-fA-F]{8}\b/g)) {
        const name = hresultValues.get(Number(m[0]));
        if (name) copies.push(`${rel}: ${m[0]} (${name})`);
      }
    }
    expect(copies).toEqual([]);
  });
});

describe('lib/errors/hresult.ts (shared with scripts/gen-error-table.js)', () => {
  it('wraps Win32 codes as HRESULT_FROM_WIN32 does', () => {
    expect(wrapWin32(5)).toBe(0x80070005);
    expect(wrapWin32(0)).toBe(0);
    expect(wrapWin32(0x80070005)).toBe(0x80070005);
    expect(wrapWin32(-2147024891)).toBe(0x80070005);
  });

  it('groups the tabled WU_E_ codes as the generator did', () => {
    const groups = generated.GROUPS as readonly string[];
    let checked = 0;
    for (const [value, name, group] of HRESULT_ROWS) {
      if (!/^WU_E_/.test(name) || /^WU_E_PT_/.test(name)) continue;
      expect([name, windowsUpdateGroup(value)]).toEqual([name, groups[group]]);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });
});
