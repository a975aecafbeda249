// The readable report of lua-check and lua-status: the verdict, one line per check, and
// what is damaged, warned about and how to fix it.
import type { OfflineLuaReport } from '../lua/offline';
import type { LuaReport } from '../lua/rules';
import type { CliStream } from './registry';

const MARK: Record<string, string> = { pass: 'pass', fail: 'FAIL', unknown: '?', 'not-applicable': 'n/a' };

export function printReport(
  out: CliStream,
  report: LuaReport,
  verdict: string,
  productCode: string | null,
  damaged: OfflineLuaReport['damaged'] = [],
): void {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  out.write(`${verdict}\n\n`);
  for (const check of report.checks) out.write(`  ${MARK[check.status]?.padEnd(4)}  ${check.id.padEnd(width)}  ${check.summary}\n`);
  if (report.patchesNotTargeting.length > 0) {
    out.write('\nPatches that do not target the product (Windows Installer will not apply them):\n');
    for (const patch of report.patchesNotTargeting)
      out.write(`  FAIL  ${patch} does not list ${productCode ?? 'the product'} among its targets\n`);
  }
  if (damaged.length > 0) {
    out.write('\nDamaged files (the checks that depend on them could not be decided):\n');
    for (const entry of damaged) out.write(`  FAIL  ${entry.file}: ${entry.reason.replace(/\s*\n\s*/g, ' ')}\n`);
  }
  if (report.warnings.length > 0) {
    out.write('\nWarnings:\n');
    for (const warning of report.warnings) out.write(`  ${warning}\n`);
  }
  const hints = report.checks.filter((c) => c.hint && c.status === 'fail');
  if (hints.length > 0) {
    out.write('\nTo fix:\n');
    for (const check of hints) out.write(`  ${check.id}: ${check.hint}\n`);
  }
}
