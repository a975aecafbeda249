// The sandboxed renderer sees one function, not msi-lua itself.
import { contextBridge, ipcRenderer } from 'electron';

import type { MsiLuaBridge, ProductsReply } from './shared';

const bridge: MsiLuaBridge = {
  products: () => ipcRenderer.invoke('msi-lua:products') as Promise<ProductsReply>,
};
contextBridge.exposeInMainWorld('msiLua', bridge);
