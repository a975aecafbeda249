'use strict';
// The packages the unit tests build and cache under .cache/fixtures/package/
// (`npm run test:unit` once), found by name for the benches.

const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/** Path of the cached fixture `<prefix>.msi` (e.g. 'small', 'lua-machine'), or null when none is cached. */
function cachedFixture(prefix) {
  const dir = path.join(root, '.cache', 'fixtures', 'package');
  if (!fs.existsSync(dir)) return null;
  for (const sub of fs.readdirSync(dir).filter((d) => d.startsWith(`${prefix}-`))) {
    const file = path.join(dir, sub, `${prefix}.msi`);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

module.exports = { cachedFixture };
