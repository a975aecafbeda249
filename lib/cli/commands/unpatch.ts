// `msi-lua unpatch` (Windows).
import { removePatches } from '../../installer';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const unpatchCommand: CliCommand = {
  ...listing('unpatch'),
  usage: 'unpatch <productCode> <patchCode ...> [--log FILE] [--json]',
  description: 'Removes applied patches by patch code (MsiRemovePatches).',
  options: [logOption, jsonOption],
  positionals: [2, 128],
  async run({ io, args }) {
    const [product, ...codes] = args.positionals as [string, ...string[]];
    return runAction(io, 'unpatch', args.options.json === true, (o) => removePatches(product, codes, { ...o, ...logOf(args.options) }));
  },
};
