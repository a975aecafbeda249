import { INSTALLMESSAGE, ProgressDecoder, type InstallerProgressEvent, type RecordField } from '../../../lib/installer/progress';

const type = (kind: number) => (kind << 24) >>> 0;
type Rec = readonly [number, RecordField[] | null, string];
const progress = (...fields: RecordField[]): Rec => [type(INSTALLMESSAGE.PROGRESS), [null, ...fields], ''];

function decode(records: ReadonlyArray<Rec>) {
  const events: InstallerProgressEvent[] = [];
  const decoder = new ProgressDecoder((e) => events.push(e));
  for (const [t, f, text] of records) decoder.record(t, f, text);
  return { events, decoder };
}

test('script generation then execution: the fraction rises through both and never falls', () => {
  const { events, decoder } = decode([
    progress(0, 100, 0, 1), // master reset, generation
    progress(2, 50),
    progress(2, 50),
    progress(0, 1000, 0, 0), // execution
    progress(1, 10, 1), // each ActionData moves 10 ticks
    [type(INSTALLMESSAGE.ACTIONSTART), [null, 'InstallFiles', 'Copying new files', 'File: [1]'], ''],
    [type(INSTALLMESSAGE.ACTIONDATA), [null, 'a.txt'], 'File: a.txt'],
    progress(3, 1000), // add ticks: total 2000
    progress(2, 990),
  ]);
  expect(events.map((e) => e.type)).toEqual(['reset', 'progress', 'progress', 'reset', 'actionStart', 'actionData', 'progress']);
  expect(events[0]).toMatchObject({ type: 'reset', total: 100, direction: 'forward', phase: 'generation', fraction: 0 });
  expect(events[2]?.fraction).toBeCloseTo(0.1);
  expect(events[3]).toMatchObject({ phase: 'execution', fraction: 0.1 });
  expect(events[4]).toMatchObject({ action: 'InstallFiles', description: 'Copying new files' });
  expect(events[5]).toMatchObject({ type: 'actionData', action: 'InstallFiles', text: 'File: a.txt', fields: ['a.txt'] });
  expect(events[5]?.fraction).toBeCloseTo(0.1 + 0.9 * (10 / 1000));
  // After add-ticks the segment is 1000/2000: the bar may not jump back, it stays at its maximum.
  expect(events[6]).toMatchObject({ done: 1000, total: 2000 });
  expect(events[6]?.fraction).toBeCloseTo(0.55);
  for (let i = 1; i < events.length; i++) expect(events[i]!.fraction).toBeGreaterThanOrEqual(events[i - 1]!.fraction);
  decoder.finish();
  expect(events[events.length - 1]).toMatchObject({ type: 'done', fraction: 1 });
  expect(decoder.actions).toEqual(['InstallFiles']);
});

test('a rollback counts backwards, lowers the fraction and flags the events', () => {
  const { events } = decode([
    progress(0, 100, 0, 0),
    progress(2, 80),
    progress(0, 100, 1, 0), // backward master reset: rollback
    progress(2, 60),
  ]);
  expect(events[1]?.fraction).toBeCloseTo(0.82);
  expect(events[2]).toMatchObject({ type: 'reset', direction: 'backward', phase: 'rollback', rollback: true });
  expect(events[3]).toMatchObject({ type: 'progress', done: 40, rollback: true });
  expect(events[3]!.fraction).toBeCloseTo(0.1 + 0.9 * 0.4);
  expect(events[3]!.fraction).toBeLessThan(events[1]!.fraction);
  expect(events.slice(0, 2).every((e) => !e.rollback)).toBe(true);
});

test('error records: code, text and the failing custom action named by 1722', () => {
  const { events, decoder } = decode([
    [type(INSTALLMESSAGE.ACTIONSTART), [null, 'InstallFiles', 'Copying', null], ''],
    [type(INSTALLMESSAGE.ACTIONSTART), [null, 'MyCustomAction', '', null], ''],
    [
      type(INSTALLMESSAGE.ERROR) | 0x10,
      ['Error [1]: action [2] script error [3]', 1722, 'MyCustomAction', 'exit code 7'],
      'Error 1722: action MyCustomAction script error exit code 7',
    ],
    [type(INSTALLMESSAGE.ACTIONSTART), [null, 'Rollback', '', null], ''],
  ]);
  expect(decoder.failedAction).toBe('MyCustomAction');
  expect(decoder.messages).toEqual([
    { severity: 'error', code: 1722, text: 'Error 1722: action MyCustomAction script error exit code 7', action: 'MyCustomAction' },
  ]);
  expect(events.find((e) => e.type === 'message')).toMatchObject({ severity: 'error', code: 1722 });
});

test('without error records the action end records name the failure (Windows 3, Wine 0), never a top-level action', () => {
  const info = (action: string, value: number): Rec => [
    type(INSTALLMESSAGE.INFO),
    ['Action ended [Time]: [1]. Return value [2].', action, value],
    '',
  ];
  const start = (action: string): Rec => [type(INSTALLMESSAGE.ACTIONSTART), [null, action, '', null], ''];
  expect(decode([start('INSTALL'), start('A'), info('A', 1), start('B'), info('B', 3), info('INSTALL', 3)]).decoder.failedAction).toBe('B');
  expect(
    decode([start('INSTALL'), start('A'), info('A', 1), start('FailOnPurpose'), info('FailOnPurpose', 0), info('INSTALL', 0)]).decoder
      .failedAction,
  ).toBe('FailOnPurpose');
  expect(decode([start('A'), info('A', 0), start('B'), info('B', 3)]).decoder.failedAction).toBe('B');
  expect(decode([start('INSTALL'), info('INSTALL', 0)]).decoder.failedAction).toBeNull();
  // Info lines about names that never started as actions are not action ends.
  expect(
    decode([start('A'), info('A', 1), [type(INSTALLMESSAGE.INFO), ['Property(S): [1] = [2]', 'CostingComplete', 0], '']]).decoder
      .failedAction,
  ).toBeNull();
});

test('records without fields and unknown kinds are harmless', () => {
  const { events } = decode([
    [type(INSTALLMESSAGE.INITIALIZE), null, ''],
    [type(INSTALLMESSAGE.PROGRESS), null, ''],
    [type(0x7f), [null, 1], ''],
    [type(INSTALLMESSAGE.TERMINATE), null, ''],
  ]);
  expect(events).toEqual([]);
});
