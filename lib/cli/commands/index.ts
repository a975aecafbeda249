// The package reader commands. Other commands register themselves the same
// way from their own modules (see lib/cli/registry.ts).

import { getCommand, registerCommand } from '../registry';
import { dumpCommand } from './dump';
import { exportCommand } from './export';
import { infoCommand } from './info';
import { installerCommands } from './installer';
import { signatureCommand } from './signature';
import { tablesCommand } from './tables';

export function registerPackageCommands(): void {
  for (const command of [infoCommand, tablesCommand, exportCommand, dumpCommand, signatureCommand]) {
    if (!getCommand(command.name)) registerCommand(command);
  }
  registerInstallerCommands();
}

/** The Windows Installer action and query commands (lib/cli/commands/installer.ts). */
export function registerInstallerCommands(): void {
  for (const command of installerCommands) if (!getCommand(command.name)) registerCommand(command);
}

export { dumpCommand, exportCommand, infoCommand, signatureCommand, tablesCommand };
