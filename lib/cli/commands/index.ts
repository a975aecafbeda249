// The package reader commands. Other commands register themselves the same
// way from their own modules (see lib/cli/registry.ts).

import { getCommand, registerCommand } from '../registry';
import { exportCommand } from './export';
import { infoCommand } from './info';
import { signatureCommand } from './signature';
import { tablesCommand } from './tables';
import { updatesCommand } from './updates';

export function registerPackageCommands(): void {
  for (const command of [infoCommand, tablesCommand, exportCommand, signatureCommand]) {
    if (!getCommand(command.name)) registerCommand(command);
  }
}

/** `msi-lua updates ...` (Windows Update; Windows only). */
export function registerUpdatesCommands(): void {
  if (!getCommand(updatesCommand.name)) registerCommand(updatesCommand);
}

export { exportCommand, infoCommand, signatureCommand, tablesCommand, updatesCommand };
