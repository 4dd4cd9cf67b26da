// The sandboxed preload: exposes one object, `window.verikiosk` (the contract's KioskApi), through
// contextBridge. Bundled into dist/main/shell/preload.cjs (a sandboxed preload is one CommonJS file).
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-api.js';

contextBridge.exposeInMainWorld('verikiosk', createPreloadApi(ipcRenderer));
