// `msi-lua uninstall` (Windows).
import { uninstallProduct } from '../../installer';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const uninstallCommand: CliCommand = {
  ...listing('uninstall'),
  usage: 'uninstall <productCode> [--log FILE] [--json]',
  description: 'Removes a product (MsiConfigureProductEx, INSTALLSTATE_ABSENT).',
  options: [logOption, jsonOption],
  positionals: [1, 1],
  async run({ io, args }) {
    return runAction(io, 'uninstall', args.options.json === true, (o) =>
      uninstallProduct(args.positionals[0] as string, { ...o, ...logOf(args.options) }),
    );
  },
};
