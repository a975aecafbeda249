// `msi-lua unpatch` (Windows).
import { removePatches } from '../../installer';
import { ACTION_EXIT_CODES } from '../exit-codes';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import type { CliCommand } from '../registry';

export const unpatchCommand: CliCommand = {
  name: 'unpatch',
  summary: 'remove patches from a product (Windows)',
  usage: 'unpatch <productCode> <patchCode ...> [--log FILE] [--json]',
  description: 'Removes applied patches by patch code (MsiRemovePatches).',
  options: [logOption, jsonOption],
  positionals: [2, 128],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    const [product, ...codes] = args.positionals as [string, ...string[]];
    return runAction(io, 'unpatch', args.options.json === true, (o) => removePatches(product, codes, { ...o, ...logOf(args.options) }));
  },
};
