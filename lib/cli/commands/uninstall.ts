// `msi-lua uninstall` (Windows).
import { uninstallProduct } from '../../installer';
import { ACTION_EXIT_CODES } from '../exit-codes';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import type { CliCommand } from '../registry';

export const uninstallCommand: CliCommand = {
  name: 'uninstall',
  summary: 'uninstall a product (Windows)',
  usage: 'uninstall <productCode> [--log FILE] [--json]',
  description: 'Removes a product (MsiConfigureProductEx, INSTALLSTATE_ABSENT).',
  options: [logOption, jsonOption],
  positionals: [1, 1],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    return runAction(io, 'uninstall', args.options.json === true, (o) =>
      uninstallProduct(args.positionals[0] as string, { ...o, ...logOf(args.options) }),
    );
  },
};
