// `msi-lua lua-check` (offline, any OS) and `msi-lua lua-status` (on the machine).
import { PlatformNotSupportedError, UnknownProductError } from '../../errors';
import { toJson } from '../format';
import { checkReadable } from '../open';
import { type CliCommand, type CliStream, getCommand, registerCommand, UsageError } from '../registry';
import { isBracedGuid } from '../../validate';
import { evaluateLuaPatching } from '../../lua/machine';
import { checkLuaPatching, type OfflineLuaReport } from '../../lua/offline';
import type { LuaReport } from '../../lua/rules';

/** Exit codes of the UAC-patching commands beyond the common ones. */
export const LuaExitCode = {
  /** lua-check: a file opens but part of it cannot be decoded, so checks that depend on it are undecided. */
  DAMAGED: 7,
  /** A check that can be decided fails (lua-check) / the patch is not eligible (lua-status). */
  NOT_ELIGIBLE: 8,
  /** lua-status needs Windows. */
  WINDOWS_ONLY: 9,
  /** lua-status: the product is not installed (in the context asked, for this user). */
  NOT_INSTALLED: 10,
} as const;

const MARK: Record<string, string> = { pass: 'pass', fail: 'FAIL', unknown: '?', 'not-applicable': 'n/a' };

function printReport(
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

export const luaCheckCommand: CliCommand = {
  name: 'lua-check',
  summary: 'can a standard user apply these patches without elevation? (offline, from the files)',
  usage: 'lua-check <app.msi> [patch.msp ...] [--json]',
  description:
    'Checks an .msi and its patches, in sequence order, against the conditions of UAC (LUA) patching that the files decide: ' +
    'per-machine installation, minimum installer version 300, an MsiPatchCertificate table pointing at real certificates, ' +
    'MSIDISABLELUAPATCHING not set, and for each patch: it targets the product, it is signed, its signer is listed, its digest ' +
    'and signature verify. What only the target machine knows (policy, revocation, administrative image, AuthorizedLUAApp) is ' +
    'reported as unknown. A patch signed with an MD5 or SHA-1 digest is reported as a warning. ' +
    'Exit code 0 only when every check that can be decided passes, every patch targets the product and no file is damaged; ' +
    'a file that is not an installation package (first argument) or not a patch (the others) is a usage error. ' +
    'There is no limit on the number of patches.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, Number.MAX_SAFE_INTEGER],
  exitCodes: [
    [LuaExitCode.DAMAGED, 'a file is damaged, so checks that depend on it could not be decided'],
    [LuaExitCode.NOT_ELIGIBLE, 'a check that the files decide fails, or a patch does not target the product'],
  ],
  async run({ io, args }) {
    const [msi, ...patches] = args.positionals as [string, ...string[]];
    // Only regular files: a FIFO or /dev/zero would never end.
    for (const path of args.positionals) await checkReadable(path);
    const report = await checkLuaPatching(msi, patches);
    const damaged = report.damaged.length > 0;
    if (args.options.json) io.stdout.write(toJson(report));
    else {
      printReport(
        io.stdout,
        report,
        report.decidableChecksPass
          ? `${msi}: every check the files can decide passes; the rest is decided on the target machine.`
          : damaged
            ? `${msi}: cannot be judged: ${report.damaged.map((d) => d.file).join(', ')} ${report.damaged.length > 1 ? 'are' : 'is'} damaged.`
            : `${msi}: not ready for UAC patching.`,
        report.productCode,
        report.damaged,
      );
    }
    if (report.decidableChecksPass) return 0;
    // A failing check outranks damage: the verdict is "no" whatever the damaged file holds.
    const failing = report.patchesNotTargeting.length > 0 || report.checks.some((c) => c.status === 'fail');
    return failing ? LuaExitCode.NOT_ELIGIBLE : LuaExitCode.DAMAGED;
  },
};

export const luaStatusCommand: CliCommand = {
  name: 'lua-status',
  summary: 'can a standard user patch this installed product without elevation? (Windows)',
  usage: 'lua-status <productCode> [--patch file.msp] [--json]',
  description:
    'Evaluates an installed product (and optionally a patch) on this machine: AuthorizedLUAApp, the DisableLUAPatching policy, ' +
    'the cached package and applied patches for MsiPatchCertificate, the patch signature through MsiGetFileSignatureInformation ' +
    'and WinVerifyTrust with revocation checking. Exit code 0 when a standard user can apply it; 8 when not, whoever runs it ' +
    '(an elevated administrator is told it needs no further elevation, and the JSON says elevationRequired: false).',
  options: [
    { name: 'patch', type: 'string', description: 'the .msp to judge' },
    { name: 'json', type: 'boolean', description: 'machine-readable JSON' },
  ],
  positionals: [1, 1],
  exitCodes: [
    [LuaExitCode.NOT_ELIGIBLE, 'a standard user cannot apply it without elevation'],
    [LuaExitCode.WINDOWS_ONLY, 'this command needs Windows'],
    [LuaExitCode.NOT_INSTALLED, 'the product is not installed'],
  ],
  classifyError(error) {
    if (error instanceof UnknownProductError) {
      return {
        exitCode: LuaExitCode.NOT_INSTALLED,
        message: `the product is not installed for this user or in the context asked (${error.code})`,
      };
    }
    if (error instanceof PlatformNotSupportedError) return { exitCode: LuaExitCode.WINDOWS_ONLY, message: error.message };
    return undefined;
  },
  async run({ io, args }) {
    const productCode = args.positionals[0] as string;
    if (!isBracedGuid(productCode)) {
      throw new UsageError(
        `the product code must be a braced GUID such as {12345678-1234-1234-1234-123456789ABC}; received ${JSON.stringify(productCode)}`,
      );
    }
    const patch = typeof args.options.patch === 'string' ? args.options.patch : undefined;
    if (patch !== undefined) await checkReadable(patch);
    const report = await evaluateLuaPatching({ productCode, ...(patch ? { patch } : {}) });
    if (args.options.json) io.stdout.write(toJson(report));
    else printReport(io.stdout, report, statusVerdict(productCode, report), productCode);
    return report.eligible ? 0 : LuaExitCode.NOT_ELIGIBLE;
  },
};

/** The verdict line: one meaning for eligible and elevationRequired (see LuaReport). */
function statusVerdict(productCode: string, report: LuaReport): string {
  if (report.eligible) return `${productCode}: a standard user can apply this without elevation.`;
  if (report.elevationRequired) return `${productCode}: elevation required: a standard user cannot apply this without elevation.`;
  return `${productCode}: not eligible for UAC patching: a standard user cannot apply this without elevation; this process is an elevated administrator, so it needs no further elevation.`;
}

export function registerLuaCommands(): void {
  for (const command of [luaCheckCommand, luaStatusCommand]) if (!getCommand(command.name)) registerCommand(command);
}
