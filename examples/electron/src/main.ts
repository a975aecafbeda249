// The main process owns msi-lua: native modules load here (or in a utilityProcess), never
// in the renderer. The window asks over IPC and gets plain data back.
import { app, BrowserWindow, ipcMain } from 'electron';
import * as path from 'node:path';

import { listProducts, MsiLuaError, NativeBindingNotFoundError, PlatformNotSupportedError } from 'msi-lua';

import type { ProductRow, ProductsReply } from './shared';

async function products(): Promise<ProductsReply> {
  try {
    const found = await listProducts({ properties: ['ProductName', 'VersionString'] });
    const rows: ProductRow[] = found.map((p) => ({
      productCode: p.productCode,
      context: p.context,
      name: p.properties.ProductName ?? null,
      version: p.properties.VersionString ?? null,
    }));
    return { ok: true, rows };
  } catch (error) {
    if (error instanceof PlatformNotSupportedError) return { ok: false, reason: 'Windows only', code: error.code };
    // A packaging mistake: the addon stayed inside app.asar or was bundled (see asarUnpack).
    if (error instanceof NativeBindingNotFoundError) return { ok: false, reason: error.message, code: error.code };
    if (error instanceof MsiLuaError) return { ok: false, reason: error.message, code: error.code };
    throw error;
  }
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 900,
    height: 600,
    webPreferences: { preload: path.join(__dirname, 'preload.js'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  void win.loadFile(path.join(__dirname, '..', 'index.html'));
}

ipcMain.handle('msi-lua:products', () => products());

void app.whenReady().then(() => {
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
