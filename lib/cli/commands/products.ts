// `msi-lua products` (Windows).
import { listProducts } from '../../products';
import { ExitCode } from '../exit-codes';
import { toJson } from '../format';
import { reportError } from '../installer-support';
import type { CliCommand } from '../registry';
import { listing } from './listings';

export const productsCommand: CliCommand = {
  ...listing('products'),
  usage: 'products [--json]',
  description: 'Lists the products this user sees (MsiEnumProductsEx): product code, context, name and version.',
  options: [{ name: 'json', type: 'boolean', description: 'machine-readable JSON' }],
  positionals: [0, 0],
  async run({ io, args }) {
    try {
      const products = await listProducts({ properties: ['ProductName', 'VersionString'] });
      if (args.options.json) io.stdout.write(toJson(products));
      else
        for (const p of products)
          io.stdout.write(
            `${p.productCode}  ${p.context.padEnd(13)}  ${p.properties.ProductName ?? ''} ${p.properties.VersionString ?? ''}\n`,
          );
      return 0;
    } catch (error) {
      return reportError(io, 'products', args.options.json === true, error, ExitCode.SYSTEM_ERROR);
    }
  },
};
