// `msi-lua lua-status` (on the machine, Windows): UAC patching of an installed product.
import { PlatformNotSupportedError, UnknownProductError } from '../../errors';
import { evaluateLuaPatching } from '../../lua/machine';
import type { LuaReport } from '../../lua/rules';
import { isBracedGuid } from '../../validate';
import { LuaExitCode } from '../exit-codes';
import { toJson } from '../format';
import { printReport } from '../lua-report';
import { checkReadable } from '../open';
import { UsageError, type CliCommand } from '../registry';
import { listing } from './listings';

export const luaStatusCommand: CliCommand = {
  ...listing('lua-status'),
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
