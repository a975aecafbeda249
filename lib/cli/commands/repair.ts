// `msi-lua repair` (Windows).
import { REINSTALL_MODES, repairProduct, type ReinstallMode } from '../../installer';
import { ACTION_EXIT_CODES } from '../exit-codes';
import { jsonOption, logOf, logOption, runAction } from '../installer-support';
import type { CliCommand } from '../registry';

export const repairCommand: CliCommand = {
  name: 'repair',
  summary: 'repair an installed product (Windows)',
  usage: 'repair <productCode> [--mode a,b,...] [--log FILE] [--json]',
  description: `Repairs a product (MsiReinstallProduct). --mode takes reinstall modes by name (${Object.keys(REINSTALL_MODES).join(', ')}); the default is fileOlderVersion,machineData,userData,shortcut ("omus").`,
  options: [{ name: 'mode', type: 'string', description: 'reinstall modes, comma-separated' }, logOption, jsonOption],
  positionals: [1, 1],
  exitCodes: ACTION_EXIT_CODES,
  async run({ io, args }) {
    const mode =
      typeof args.options.mode === 'string' ? { mode: args.options.mode.split(',').map((m) => m.trim()) as ReinstallMode[] } : {};
    return runAction(io, 'repair', args.options.json === true, (o) =>
      repairProduct(args.positionals[0] as string, { ...o, ...mode, ...logOf(args.options) }),
    );
  },
};
