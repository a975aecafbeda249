// The shipped mingw-w64 binaries, read from their PE headers with binutils' objdump:
// the machine type, the Node-API exports, only system DLLs imported (node.exe is
// delay-loaded, so renamed hosts work), and the DllCharacteristics hardening bits.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { objdump, REPO_ROOT } from './support';

const IMAGE_DLLCHARACTERISTICS = {
  HIGH_ENTROPY_VA: 0x0020,
  DYNAMIC_BASE: 0x0040,
  NX_COMPAT: 0x0100,
  GUARD_CF: 0x4000,
};

// What the addon may import at load time: Windows' own DLLs (msvcrt.dll is the system CRT
// mingw-w64 targets), never libstdc++/libgcc/winpthread DLLs nor node.exe by name.
const SYSTEM_DLLS = new Set([
  'advapi32.dll',
  'crypt32.dll',
  'kernel32.dll',
  'msi.dll',
  'msvcrt.dll',
  'ole32.dll',
  'oleaut32.dll',
  'user32.dll',
  'wintrust.dll',
  'wtsapi32.dll',
  'userenv.dll',
  'api-ms-win-crt-runtime-l1-1-0.dll',
]);

const cases = [
  { arch: 'x64', triple: 'x86_64-w64-mingw32', format: 'pei-x86-64', magic: 'PE32+', entropy: true },
  { arch: 'ia32', triple: 'i686-w64-mingw32', format: 'pei-i386', magic: 'PE32', entropy: false },
] as const;

describe.each(cases)('prebuilds/win32-$arch/node.napi.node', ({ arch, triple, format, magic, entropy }) => {
  const file = path.join(REPO_ROOT, 'prebuilds', `win32-${arch}`, 'node.napi.node');
  let headers = '';
  beforeAll(() => {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: the ship tier builds it`);
    headers = objdump(triple, file);
  });

  test('is a DLL for the right machine', () => {
    expect(objdump(triple, file, '-f')).toContain(`file format ${format}`);
    expect(headers).toMatch(new RegExp(`^Magic\\s+[0-9a-f]+\\s+\\(${magic.replace('+', '\\+')}\\)`, 'm'));
    expect(headers).toMatch(/^Characteristics 0x[0-9a-f]+\n(?:\t.*\n)*\tDLL\n/m);
  });

  test('exports exactly the Node-API module entry points', () => {
    const exported = [...headers.matchAll(/^\t\[\s*\d+\] (\S+)$/gm)].map((m) => m[1]).sort();
    expect(exported).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
  });

  test('imports only system DLLs; Node-API comes through the delay-load thunks', () => {
    const dlls = [...headers.matchAll(/^\tDLL Name: (\S+)$/gm)].map((m) => (m[1] as string).toLowerCase());
    expect(dlls.length).toBeGreaterThan(3);
    for (const dll of dlls) expect(SYSTEM_DLLS).toContain(dll);
    // node.exe appears only as the delay-load library name the hook redirects.
    expect(fs.readFileSync(file).includes(Buffer.from('node.exe\0'))).toBe(true);
    expect(fs.readFileSync(file).includes(Buffer.from('napi_create_string_utf8\0'))).toBe(true);
  });

  test('DllCharacteristics: ASLR and DEP on, high-entropy ASLR on 64-bit; no Control Flow Guard (GNU ld)', () => {
    const match = headers.match(/^DllCharacteristics\s+([0-9a-f]+)$/m);
    expect(match).not.toBeNull();
    const flags = parseInt((match as RegExpMatchArray)[1] as string, 16);
    expect(flags & IMAGE_DLLCHARACTERISTICS.DYNAMIC_BASE).toBeTruthy();
    expect(flags & IMAGE_DLLCHARACTERISTICS.NX_COMPAT).toBeTruthy();
    expect(Boolean(flags & IMAGE_DLLCHARACTERISTICS.HIGH_ENTROPY_VA)).toBe(entropy);
    // Documented as missing (README, Hardening): if a toolchain ever adds it, update the README.
    expect(flags & IMAGE_DLLCHARACTERISTICS.GUARD_CF).toBe(0);
    // ASLR needs relocations to apply.
    expect(headers).toMatch(/^Entry 5 [0-9a-f]+ [0-9a-f]*[1-9a-f][0-9a-f]* Base Relocation Directory/m);
  });
});

// The unstripped link output keeps the symbols that show the delay-load wiring: dlltool's
// delay import descriptor for node.exe, mingw-w64's __delayLoadHelper2 (stdcall, so
// decorated @8 on i686), and our notify hook (native/delay_load_hook.cc) as the one
// definition of __pfnDliNotifyHook2, which the helper calls before loading "node.exe".
describe.each([
  {
    arch: 'x64',
    triple: 'x86_64-w64-mingw32',
    prefix: '',
    helper: '__delayLoadHelper2',
    hook: 'ResolveHostForNodeImportsEjP13DelayLoadInfo',
  },
  {
    arch: 'ia32',
    triple: 'i686-w64-mingw32',
    prefix: '_',
    helper: '___delayLoadHelper2@8',
    hook: 'ResolveHostForNodeImportsEjP13DelayLoadInfo@8',
  },
] as const)('the $arch delay-load wiring', ({ arch, triple, prefix, helper, hook }) => {
  test('node.exe is delay-loaded through the helper and our hook', () => {
    const file = path.join(REPO_ROOT, 'build', `prebuild-${arch}`, 'Release', 'msi_lua.node');
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: the ship tier builds it`);
    const symbols = objdump(triple, file, '-t');
    const defined = (name: string): RegExp => new RegExp(`\\(sec\\s+\\d+\\).* ${name.replace(/[@$]/g, '\\$&')}$`, 'm');
    expect(symbols).toMatch(defined(helper));
    expect(symbols).toMatch(defined(`${prefix}__pfnDliNotifyHook2`));
    expect(symbols).toMatch(new RegExp(`${hook.replace('@', '\\@')}$`, 'm'));
    expect(symbols).toMatch(/ __DELAY_IMPORT_DESCRIPTOR_\w*libnode_api_delay_a$/m);
    expect(symbols).toMatch(defined(`__imp_${prefix}napi_create_string_utf8`));
    expect(symbols.match(new RegExp(` ${prefix}__pfnDliNotifyHook2$`, 'gm'))).toHaveLength(1);
  });
});
