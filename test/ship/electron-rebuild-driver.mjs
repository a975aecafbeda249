// Runs @electron/rebuild's programmatic API (the one Electron Forge and electron-builder
// call) on an app folder and prints what happened as one JSON line on stdout. Its debug log
// ("Found prebuilt Node-API module", "built via node-gyp") goes to stderr with
// DEBUG=electron-rebuild. Usage: node electron-rebuild-driver.mjs <appDir> <platform> <arch> <electronVersion>
import { rebuild } from '@electron/rebuild';

const [buildPath, platform, arch, electronVersion] = process.argv.slice(2);
const events = [];
let error = null;
try {
  const running = rebuild({ buildPath, platform, arch, electronVersion, force: true, mode: 'sequential' });
  for (const name of ['modules-found', 'module-found', 'module-done', 'module-skip']) {
    running.lifecycle.on(name, (value) => events.push([name, value]));
  }
  await running;
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
process.stdout.write(`${JSON.stringify({ events, error })}\n`);
