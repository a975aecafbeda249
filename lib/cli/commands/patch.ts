// `msi-lua patch` (Windows).
import { applyPatch } from '../../installer';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import { checkReadable } from '../open';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const patchCommand: CliCommand = {
  ...listing('patch'),
  usage: 'patch <patch.msp ...> [--product CODE] [--log FILE] [--json]',
  description:
    'Applies one or several patches in one transaction (MsiApplyMultiplePatches), to one product or to every product they target.',
  options: [{ name: 'product', type: 'string', description: 'only this product code' }, logOption, jsonOption],
  positionals: [1, 127],
  async run({ io, args }) {
    // A file that cannot be read is exit 3, as for every command (applyPatch's own check is a TypeError).
    for (const file of args.positionals) await checkReadable(file);
    const product = typeof args.options.product === 'string' ? { productCode: args.options.product } : {};
    return runAction(io, 'patch', args.options.json === true, (o) =>
      applyPatch(args.positionals, { ...o, ...product, ...logOf(args.options) }),
    );
  },
};
