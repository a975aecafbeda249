// `msi-lua patches` (Windows).
import { listPatches } from '../../installer';
import { ExitCode } from '../exit-codes';
import { toJson } from '../format';
import { reportError } from '../installer-support';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const patchesCommand: CliCommand = {
  ...listing('patches'),
  usage: 'patches <productCode> [--json]',
  description:
    'Lists the patches of an installed product (MsiEnumPatchesEx, MsiGetPatchInfoEx): code, state, display name and cached package.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 1],
  async run({ io, args }) {
    try {
      const patches = await listPatches(args.positionals[0] as string);
      if (args.options.json) io.stdout.write(toJson(patches));
      else
        for (const p of patches)
          io.stdout.write(`${p.patchCode}  ${(p.state ?? '?').padEnd(10)}  ${p.displayName ?? ''}  ${p.localPackage ?? ''}\n`);
      return 0;
    } catch (error) {
      return reportError(io, 'patches', args.options.json === true, error, ExitCode.SYSTEM_ERROR);
    }
  },
};
