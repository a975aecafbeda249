// `msi-lua lua-check` (offline, any OS) and `msi-lua lua-status` (on the machine).
import { PlatformNotSupportedError } from '../errors';
import { toJson } from '../cli/format';
import { type CliCommand, type CliStream, getCommand, registerCommand } from '../cli/registry';
import { evaluateLuaPatching } from './machine';
import { checkLuaPatching } from './offline';
import type { LuaReport } from './rules';

/** Exit codes of the UAC-patching commands beyond the common ones. */
export const LuaExitCode = {
  /** A check that can be decided fails (lua-check) / the patch is not eligible (lua-status). */
  NOT_ELIGIBLE: 8,
  /** lua-status needs Windows. */
  WINDOWS_ONLY: 9,
} as const;

const MARK: Record<string, string> = { pass: 'pass', fail: 'FAIL', unknown: '?', 'not-applicable': 'n/a' };

function printReport(out: CliStream, report: LuaReport, verdict: string): void {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  out.write(`${verdict}\n\n`);
  for (const check of report.checks) out.write(`  ${MARK[check.status]?.padEnd(4)}  ${check.id.padEnd(width)}  ${check.summary}\n`);
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
    "reported as unknown. Exit code 0 only when every check that can be decided passes.",
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 64],
  exitCodes: [[LuaExitCode.NOT_ELIGIBLE, 'a check that the files decide fails']],
  async run({ io, args }) {
    const [msi, ...patches] = args.positionals as [string, ...string[]];
    const report = await checkLuaPatching(msi, patches);
    if (args.options.json) io.stdout.write(toJson(report));
    else {
      printReport(
        io.stdout,
        report,
        report.decidableChecksPass
          ? `${msi}: every check the files can decide passes; the rest is decided on the target machine.`
          : `${msi}: not ready for UAC patching.`,
      );
    }
    return report.decidableChecksPass ? 0 : LuaExitCode.NOT_ELIGIBLE;
  },
};

export const luaStatusCommand: CliCommand = {
  name: 'lua-status',
  summary: 'can a standard user patch this installed product without elevation? (Windows)',
  usage: 'lua-status <productCode> [--patch file.msp] [--json]',
  description:
    'Evaluates an installed product (and optionally a patch) on this machine: AuthorizedLUAApp, the DisableLUAPatching policy, ' +
    'the cached package and applied patches for MsiPatchCertificate, the patch signature through MsiGetFileSignatureInformation ' +
    'and WinVerifyTrust with revocation checking. Exit code 0 when a standard user can apply it.',
  options: [
    { name: 'patch', type: 'string', description: 'the .msp to judge' },
    { name: 'json', type: 'boolean', description: 'machine-readable JSON' },
  ],
  positionals: [1, 1],
  exitCodes: [
    [LuaExitCode.NOT_ELIGIBLE, 'a standard user cannot apply it without elevation'],
    [LuaExitCode.WINDOWS_ONLY, 'this command needs Windows'],
  ],
  async run({ io, args }) {
    const productCode = args.positionals[0] as string;
    const patch = typeof args.options.patch === 'string' ? args.options.patch : undefined;
    try {
      const report = await evaluateLuaPatching({ productCode, ...(patch ? { patch } : {}) });
      if (args.options.json) io.stdout.write(toJson(report));
      else printReport(io.stdout, report, report.eligible ? `${productCode}: a standard user can apply this without elevation.` : `${productCode}: elevation required.`);
      return report.eligible ? 0 : LuaExitCode.NOT_ELIGIBLE;
    } catch (error) {
      if (error instanceof PlatformNotSupportedError) {
        io.stderr.write(`msi-lua lua-status: ${error.message}\n`);
        return LuaExitCode.WINDOWS_ONLY;
      }
      throw error;
    }
  },
};

export function registerLuaCommands(): void {
  for (const command of [luaCheckCommand, luaStatusCommand]) if (!getCommand(command.name)) registerCommand(command);
}
