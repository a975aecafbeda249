import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildPropertyString, checkPatchPaths, reinstallModeFlags } from '../../../lib/installer/arguments';

test('properties are quoted as Windows Installer parses them', () => {
  expect(buildPropertyString({ INSTALLDIR: 'C:\\Program Files\\App', GREETING: 'say "hi"', EMPTY: '', N: 3, YES: true, NO: false })).toBe(
    'INSTALLDIR="C:\\Program Files\\App" GREETING="say ""hi""" EMPTY="" N="3" YES="1" NO=""',
  );
  expect(buildPropertyString(undefined)).toBe('');
  expect(buildPropertyString({ _private: 'x', 'A.B': 'y' })).toBe('_private="x" A.B="y"');
});

test.each([
  [{ 'BAD NAME': 'x' }, /not a Windows Installer identifier: "BAD NAME"/],
  [{ '1ST': 'x' }, /not a Windows Installer identifier/],
  [{ 'A=B': 'x' }, /not a Windows Installer identifier/],
  [{ NAME: 'a\0b' }, /"options\.properties\.NAME" argument must not contain a NUL/],
  [{ NAME: {} }, /must be a string, a finite number or a boolean/],
  [{ NAME: Infinity }, /must be a string, a finite number or a boolean/],
  [[], /must be an object/],
])('rejects %p', (properties, message) => {
  expect(() => buildPropertyString(properties)).toThrow(TypeError);
  expect(() => buildPropertyString(properties)).toThrow(message);
});

test('reinstall modes by name; the default is omus', () => {
  expect(reinstallModeFlags(undefined)).toBe(0x4 | 0x80 | 0x100 | 0x200);
  expect(reinstallModeFlags(['fileVerify', 'package'])).toBe(0x20 | 0x400);
  expect(() => reinstallModeFlags(['o'])).toThrow(/unknown reinstall mode/);
  expect(() => reinstallModeFlags([])).toThrow(TypeError);
  expect(() => reinstallModeFlags('omus')).toThrow(TypeError);
});

test('patch paths must exist and hold no ";"', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-lua-args-'));
  try {
    const file = path.join(dir, 'a.msp');
    fs.writeFileSync(file, '');
    await expect(checkPatchPaths(file)).resolves.toEqual([file]);
    await expect(checkPatchPaths([file, path.join(dir, 'missing.msp')])).rejects.toThrow(
      /"patchPaths\[1\]" argument must be a path to an existing file/,
    );
    const semi = path.join(dir, 'a;b.msp');
    fs.writeFileSync(semi, '');
    await expect(checkPatchPaths([semi])).rejects.toThrow(/must not contain ";"/);
    await expect(checkPatchPaths([])).rejects.toThrow(TypeError);
    await expect(checkPatchPaths([dir])).rejects.toThrow(/existing file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
