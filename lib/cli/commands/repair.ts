// `msi-lua repair` (Windows).
import { REINSTALL_MODES, repairProduct, type ReinstallMode } from '../../installer';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const repairCommand: CliCommand = {
  ...listing('repair'),
  usage: 'repair <productCode> [--mode a,b,...] [--log FILE] [--json]',
  description: `Repairs a product (MsiReinstallProduct). --mode takes reinstall modes by name (${Object.keys(REINSTALL_MODES).join(', ')}); the default is fileOlderVersion,machineData,userData,shortcut ("omus").`,
  options: [{ name: 'mode', type: 'string', description: 'reinstall modes, comma-separated' }, logOption, jsonOption],
  positionals: [1, 1],
  async run({ io, args }) {
    const mode =
      typeof args.options.mode === 'string' ? { mode: args.options.mode.split(',').map((m) => m.trim()) as ReinstallMode[] } : {};
    return runAction(io, 'repair', args.options.json === true, (o) =>
      repairProduct(args.positionals[0] as string, { ...o, ...mode, ...logOf(args.options) }),
    );
  },
};
