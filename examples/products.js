'use strict';
// Lists installed Windows Installer products and the UAC-patching facts of the first one.
const { getProductInfo, isLuaPatchingAuthorized, getLuaPatchingPolicy, listProducts } = require('..');

async function main() {
  const products = await listProducts({ properties: ['ProductName', 'VersionString'] });
  for (const product of products) {
    console.log(product.productCode, product.context, product.properties.ProductName, product.properties.VersionString);
  }
  if (products.length > 0) {
    const code = products[0].productCode;
    console.log(await getProductInfo(code, ['ProductName', 'Publisher', 'LocalPackage']));
    console.log('standard users may patch it:', await isLuaPatchingAuthorized(code));
  }
  console.log(await getLuaPatchingPolicy());
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
