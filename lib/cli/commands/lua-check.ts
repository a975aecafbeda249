// `msi-lua lua-check` (offline, any OS): UAC patching from the files.
import { checkLuaPatching } from '../../lua/offline';
import { LuaExitCode } from '../exit-codes';
import { toJson } from '../format';
import { printReport } from '../lua-report';
import { checkReadable } from '../open';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const luaCheckCommand: CliCommand = {
  ...listing('lua-check'),
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
