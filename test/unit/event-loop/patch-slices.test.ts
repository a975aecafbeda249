// checkLuaPatching reads the certificate tables through its patches one patch per slice of the
// shared scheduler: with 16 patches, applying all their transforms in one slice held the event
// loop for 40 ms and more. Uses the corpus's psmsi-Example.msi and .msp (../shared/corpus).
import fs from 'node:fs';
import path from 'node:path';
import { checkLuaPatching } from '../../../lib/lua/offline';
import { TransformedDatabase } from '../../../lib/package';

// Each slice the check runs gets a number; currentSlice() is the running one (0 outside any).
jest.mock('../../../lib/package/scheduler', () => {
  const actual = jest.requireActual<typeof import('../../../lib/package/scheduler')>('../../../lib/package/scheduler');
  let current = 0;
  let next = 0;
  return {
    ...actual,
    currentSlice: () => current,
    slice: <T>(fn: () => T) =>
      actual.slice(() => {
        current = ++next;
        try {
          return fn();
        } finally {
          current = 0;
        }
      }),
  };
});
const { currentSlice } = jest.requireMock<{ currentSlice: () => number }>('../../../lib/package/scheduler');

const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const MSI = path.join(CORPUS, 'psmsi-Example.msi');
const MSP = path.join(CORPUS, 'psmsi-Example.msp');
const present = fs.existsSync(MSI) && fs.existsSync(MSP);
if (!present)
  console.warn(`patch-slices test skipped: ${CORPUS} has no psmsi-Example.msi and .msp (it is the repository's sibling ../shared/corpus)`);

(present ? test : test.skip)('each of 16 patches is applied in a slice of its own', async () => {
  const realApply = TransformedDatabase.prototype.applyPatch;
  const applied: number[] = [];
  const apply = jest.spyOn(TransformedDatabase.prototype, 'applyPatch').mockImplementation(function (this: TransformedDatabase, patch) {
    applied.push(currentSlice());
    return realApply.call(this, patch);
  });
  const patches = Array.from({ length: 16 }, () => MSP);
  try {
    const report = await checkLuaPatching(MSI, patches);
    expect(report.patches).toEqual(patches);
    expect(report.patchesNotTargeting).toEqual([]);
  } finally {
    apply.mockRestore();
  }
  expect(applied).toHaveLength(16);
  expect(applied.every((n) => n > 0)).toBe(true);
  expect(new Set(applied).size).toBe(16);
});
