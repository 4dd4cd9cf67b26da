// The screen's KioskApi over Electron IPC, as the preload builds it: the contract's four calls
// on the contract's channels, and nothing of ipcRenderer or its events reaching the page.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { IPC_CHANNELS } from '../api/channels.js';
import type { Command, CommandResult, KioskApi, KioskState, OperatorStatus } from '../api/contract.js';

export function createPreloadApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): KioskApi {
  const subscribe = <T>(channel: string, listener: (payload: T) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('verikiosk: a listener must be a function');
    // The page gets the payload only: the IPC event would hand it `sender` (ipcRenderer itself).
    const relay = (_event: IpcRendererEvent, payload: T) => listener(payload);
    ipc.on(channel, relay);
    return () => void ipc.removeListener(channel, relay);
  };
  return {
    getState: () => ipc.invoke(IPC_CHANNELS.getState) as Promise<KioskState>,
    send: (command: Command) => ipc.invoke(IPC_CHANNELS.command, command) as Promise<CommandResult>,
    onState: (listener) => subscribe<KioskState>(IPC_CHANNELS.state, listener),
    onOperator: (listener) => subscribe<OperatorStatus>(IPC_CHANNELS.operator, listener),
  };
}
