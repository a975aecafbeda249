// `msi-lua components` (Windows): where a product put its components (MsiGetComponentPathEx).
import { UnknownProductError } from '../../errors';
import { getComponentPath, listComponents, type ComponentPath } from '../../installer';
import { getInstalledProduct, type ProductQueryOptions } from '../../products';
import { assertProductCode } from '../../validate';
import { ExitCode, InstallerExitCode } from '../exit-codes';
import { printable, toJson } from '../format';
import { reportError } from '../installer-support';
import type { CliCommand } from '../registry';
import { listing } from './listings';

type Row = ComponentPath & { componentCode: string };

/** States in which the key path is installed (locally or run from the source). */
const INSTALLED = new Set(['local', 'source']);

export const componentsCommand: CliCommand = {
  ...listing('components'),
  usage: 'components <productCode> [componentCode ...] [--json]',
  description:
    "Where an installed product put its components (MsiGetComponentPathEx): component code, state and key path, raw (a registry key path reads \"02:\\SOFTWARE\\...\"). Without component codes: every installed component (MsiEnumComponentsEx) the product uses. Exits 10 when the product is not installed or a component named is neither 'local' nor 'source'.",
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [1, 256],
  async run({ io, args }) {
    const json = args.options.json === true;
    try {
      const [productCode, ...named] = args.positionals as [string, ...string[]];
      assertProductCode(productCode);
      named.forEach((code, i) => assertProductCode(code, `componentCode[${i}]`));
      let located;
      try {
        located = await getInstalledProduct(productCode);
      } catch (error) {
        if (!(error instanceof UnknownProductError)) throw error;
        return reportError(io, 'components', json, error, InstallerExitCode.NOT_INSTALLED);
      }
      const options: ProductQueryOptions =
        located.context === 'machine' ? { context: 'machine' } : { context: located.context, userSid: located.userSid ?? undefined };
      const codes = named.length > 0 ? named : (await listComponents(options)).map((c) => c.componentCode);
      const rows: Row[] = [];
      for (const componentCode of codes) {
        const found = await getComponentPath(productCode, componentCode, options);
        // Listing all: keep the components this product uses.
        if (named.length === 0 && found.state === 'unknown') continue;
        rows.push({ componentCode, ...found });
      }
      if (json) io.stdout.write(toJson(rows));
      else for (const r of rows) io.stdout.write(`${r.componentCode}  ${r.state.padEnd(12)}  ${printable(r.path ?? '')}\n`);
      return named.length > 0 && rows.some((r) => !INSTALLED.has(r.state)) ? InstallerExitCode.NOT_INSTALLED : 0;
    } catch (error) {
      return reportError(io, 'components', json, error, ExitCode.SYSTEM_ERROR);
    }
  },
};
