// The package reader commands. Other commands register themselves the same
// way from their own modules (see lib/cli/registry.ts).

import { getCommand, registerCommand } from '../registry';
import { dumpCommand } from './dump';
import { exportCommand } from './export';
import { infoCommand } from './info';
import { signatureCommand } from './signature';
import { tablesCommand } from './tables';

export function registerPackageCommands(): void {
  for (const command of [infoCommand, tablesCommand, exportCommand, dumpCommand, signatureCommand]) {
    if (!getCommand(command.name)) registerCommand(command);
  }
}

export { dumpCommand, exportCommand, infoCommand, signatureCommand, tablesCommand };
