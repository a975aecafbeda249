// `msi-lua install` (Windows).
import { installProduct } from '../../installer';
import { jsonOption, logOf, logOption, parsePropertyArguments, runAction } from '../installer-support';
import { checkReadable } from '../open';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const installCommand: CliCommand = {
  ...listing('install'),
  usage: 'install <package.msi> [NAME=VALUE ...] [--log FILE] [--json]',
  description:
    "Installs a package (MsiInstallProduct) with the given properties, without Windows Installer's own UI. Ctrl+C cancels: Windows rolls back.",
  options: [logOption, jsonOption],
  positionals: [1, 256],
  async run({ io, args }) {
    const [msi, ...rest] = args.positionals as [string, ...string[]];
    const properties = parsePropertyArguments(rest);
    // A file that cannot be read is exit 3, as for every command (installProduct's own check is a TypeError).
    await checkReadable(msi);
    return runAction(io, 'install', args.options.json === true, (o) => installProduct(msi, { ...o, ...logOf(args.options), properties }));
  },
};
