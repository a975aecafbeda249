// The hand-written text: complete where the issue asks for it, and every key names a real code.
import { describeCode, describeHResult, describeWin32, errorFromHResult } from '../../../lib/errors';
import { EXPLANATIONS } from '../../../lib/errors/messages';
import { DESCRIPTIONS } from '../../../lib/errors/descriptions';
import { GROUPS, HRESULT_ROWS, WIN32_ROWS } from '../../../lib/errors/table.generated';

const EXPLAINED_WU_GROUPS = new Set(['general', 'windows-installer-minor', 'update-handler', 'ui']);

test('every key of the hand-written files names a code in the table', () => {
  const unknown = [...Object.keys(EXPLANATIONS), ...Object.keys(DESCRIPTIONS)].filter((k) => describeCode(k)?.code !== k);
  expect(unknown).toEqual([]);
  const both = Object.keys(DESCRIPTIONS).filter((k) => k in EXPLANATIONS);
  expect(both).toEqual([]);
});

test('every WU code of the general, Windows Installer, update handler and installation-results ranges, and every WU_S code, is explained', () => {
  const missing = HRESULT_ROWS.filter(
    (r) => (r[1].startsWith('WU_S_') || (r[1].startsWith('WU_E_') && EXPLAINED_WU_GROUPS.has(GROUPS[r[2]]))) && !EXPLANATIONS[r[1]],
  ).map((r) => r[1]);
  expect(missing).toEqual([]);
  expect(HRESULT_ROWS.filter((r) => r[1].startsWith('WU_E_') && GROUPS[r[2]] === 'general').length).toBeGreaterThan(90);
});

test('every Windows Installer code is explained', () => {
  const msi = WIN32_ROWS.filter((r) => GROUPS[r[2]] === 'windows-installer');
  expect(msi.length).toBeGreaterThanOrEqual(54);
  expect(msi.filter((r) => !EXPLANATIONS[r[1]]).map((r) => r[1])).toEqual([]);
});

test('every WU code has hand-written text, so none falls back to the generic sentence', () => {
  const missing = HRESULT_ROWS.filter((r) => /^WU_[SE]_/.test(r[1]) && !EXPLANATIONS[r[1]] && !DESCRIPTIONS[r[1]]).map((r) => r[1]);
  expect(missing).toEqual([]);
});

test('texts are tidy sentences', () => {
  for (const [key, text] of [...Object.entries(EXPLANATIONS), ...Object.entries(DESCRIPTIONS)]) {
    expect({ key, ok: /^[A-Z"].*[.)]$/s.test(text) && !/\s{2}/.test(text) && text === text.trim() }).toEqual({ key, ok: true });
  }
});

test('describe* and the errors use the hand-written text', () => {
  expect(describeHResult(0x80240020).message).toBe(EXPLANATIONS.WU_E_NO_INTERACTIVE_USER);
  expect(describeHResult(0x80246002).message).toBe(DESCRIPTIONS.WU_E_DM_INCORRECTFILEHASH);
  expect(describeWin32(1618).message).toBe(EXPLANATIONS.ERROR_INSTALL_ALREADY_RUNNING);
  expect(errorFromHResult(0x80070652).message).toBe(
    `ERROR_INSTALL_ALREADY_RUNNING (0x80070652, Win32 1618): ${EXPLANATIONS.ERROR_INSTALL_ALREADY_RUNNING}`,
  );
});

test('the no-interactive-user explanation says what happened and what to do', () => {
  const text = EXPLANATIONS.WU_E_NO_INTERACTIVE_USER;
  expect(text).toMatch(/Secondary Logon/);
  expect(text).toMatch(/Run As/);
  expect(text).toMatch(/interactive user's own session/);
  expect(text).toMatch(/InstallationBehavior\.CanRequestUserInput is false/);
  expect(text).toMatch(/scheduled task or a service/);
});

test('codes without hand-written text get a generic sentence naming their kind', () => {
  const d = describeCode('ERROR_DS_NO_ATTRIBUTE_OR_VALUE');
  expect(d?.message).toBe('Windows (Win32) error (ds no attribute or value).');
  expect(describeCode('CO_E_CLASSSTRING')?.message).toBe('COM error (classstring).');
  expect(describeCode('SCARD_E_NO_SMARTCARD')?.message).toBe('Windows error (no smartcard).');
});
