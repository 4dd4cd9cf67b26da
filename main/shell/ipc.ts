// The kiosk API over Electron IPC, main's side: the contract's channels only, each call checked
// to come from our window's top frame on app://kiosk and its arguments validated with zod.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS } from '../api/channels.js';
import { Command } from '../api/contract.js';
import type { CommandResult, KioskState, OperatorStatus } from '../api/contract.js';
import type { KioskService } from '../kiosk/index.js';
import { isAppUrl } from './protocol.js';

export type ShellService = Pick<KioskService, 'state' | 'handle' | 'on'>;

const CommandArgs = z.tuple([Command]);
const NoArgs = z.tuple([]);

/** Raised to the renderer (its invoke rejects) when a call does not come from our screen. */
export class SenderRefused extends Error {
  override readonly name = 'SenderRefused';
  readonly code = 'sender_refused';
}

/** True only for our window's web contents, its top frame, showing a page of app://kiosk. */
export function isKioskSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, contents: WebContents): boolean {
  const frame = event.senderFrame;
  if (event.sender !== contents || frame === null) return false;
  return frame.parent === null && isAppUrl(frame.url);
}

export interface KioskIpcOptions {
  readonly service: ShellService;
  /** The kiosk window's web contents: the only sender answered, the only receiver of pushes. */
  readonly contents: WebContents;
  /** Told of a refused call (the channel), for the log: never the arguments. */
  readonly onRefused?: (channel: string, why: 'sender' | 'arguments') => void;
}

/** Registers the handlers and the pushes; returns the function that removes them. */
export function serveKioskIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: KioskIpcOptions): () => void {
  const { service, contents } = options;
  const refused = options.onRefused ?? (() => {});

  const checkSender = (channel: string, event: IpcMainInvokeEvent): void => {
    if (isKioskSender(event, contents)) return;
    refused(channel, 'sender');
    throw new SenderRefused(`${channel}: not the kiosk screen`);
  };

  ipcMain.handle(IPC_CHANNELS.getState, (event, ...args: unknown[]): KioskState => {
    checkSender(IPC_CHANNELS.getState, event);
    if (!NoArgs.safeParse(args).success) {
      refused(IPC_CHANNELS.getState, 'arguments');
      throw new TypeError(`${IPC_CHANNELS.getState} takes no arguments`);
    }
    return service.state();
  });

  ipcMain.handle(IPC_CHANNELS.command, async (event, ...args: unknown[]): Promise<CommandResult> => {
    checkSender(IPC_CHANNELS.command, event);
    const parsed = CommandArgs.safeParse(args);
    if (!parsed.success) {
      refused(IPC_CHANNELS.command, 'arguments');
      return { ok: false, error: 'invalid_command' };
    }
    try {
      return await service.handle(parsed.data[0]);
    } catch {
      return { ok: false, error: 'failed' };
    }
  });

  const push = (channel: string, payload: KioskState | OperatorStatus) => {
    if (!contents.isDestroyed()) contents.send(channel, payload);
  };
  const unsubscribe = [
    service.on('state', (state) => push(IPC_CHANNELS.state, state)),
    service.on('operator', (status) => push(IPC_CHANNELS.operator, status)),
  ];

  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.getState);
    ipcMain.removeHandler(IPC_CHANNELS.command);
    for (const off of unsubscribe) off();
  };
}
