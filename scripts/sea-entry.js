'use strict';
// The entry point of msi-lua.exe, the single executable application (scripts/sea.js
// bundles it with dist/ into one file). The addon travels as the SEA asset "msi_lua.node":
// Windows can only load a DLL from a file, so it is written once to a private per-user
// folder named after its SHA-256 and loaded with process.dlopen. Several instances, and
// several versions of msi-lua.exe, can run at once: each content hash has its own file,
// written to a unique temporary name and renamed into place.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { setNativeBinding } = require('../dist/native/load.js');
const { main } = require('../dist/cli/main.js');

/**
 * %LOCALAPPDATA%\msi-lua\sea: per user (for SYSTEM, under systemprofile), not shared like
 * C:\Windows\Temp. MSI_LUA_ADDON_DIR overrides it (a locked-down profile, or a test).
 */
function privateFolder() {
  if (process.env.MSI_LUA_ADDON_DIR) return process.env.MSI_LUA_ADDON_DIR;
  const base = process.env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local');
  return path.join(base, 'msi-lua', 'sea');
}

function extractAddon(bytes) {
  const digest = crypto.createHash('sha256').update(bytes).digest('hex');
  const dir = privateFolder();
  const file = path.join(dir, `msi_lua-${digest.slice(0, 32)}.node`);
  try {
    // An existing file is used only if it is still what this executable carries.
    if (crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') === digest) return file;
  } catch {
    // absent or unreadable: write it below
  }
  fs.mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, bytes, { flag: 'wx' });
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    // Another instance renamed the same bytes into place first and has the file loaded
    // (Windows refuses to replace a loaded DLL): use theirs.
    fs.rmSync(temporary, { force: true });
    if (!fs.existsSync(file)) throw error;
  }
  return file;
}

function loadAddonAsset() {
  const sea = require('node:sea');
  const bytes = Buffer.from(sea.getRawAsset('msi_lua.node'));
  const addon = { exports: {} };
  process.dlopen(addon, extractAddon(bytes));
  return addon.exports;
}

if (require('node:sea').isSea()) {
  // Loaded on first use: the reader commands and --version never touch the addon, and a
  // failure to load becomes the rejection of the native call that needed it.
  let binding;
  setNativeBinding(
    new Proxy(
      {},
      {
        get(_target, property) {
          binding ??= loadAddonAsset();
          return binding[property];
        },
      },
    ),
  );
}
main();
