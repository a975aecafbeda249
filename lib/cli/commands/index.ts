// The package reader commands. Other commands register themselves the same
// way from their own modules (see lib/cli/registry.ts).

import { getCommand, registerCommand } from '../registry';
import { dumpCommand } from './dump';
import { exportCommand } from './export';
import { infoCommand } from './info';
import { installerCommands } from './installer';
import { signatureCommand } from './signature';
import { tablesCommand } from './tables';
import { updatesCommand } from './updates';

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

/** `msi-lua updates ...` (Windows Update; Windows only). */
export function registerUpdatesCommands(): void {
  if (!getCommand(updatesCommand.name)) registerCommand(updatesCommand);
}

export { dumpCommand, exportCommand, infoCommand, signatureCommand, tablesCommand, updatesCommand };
