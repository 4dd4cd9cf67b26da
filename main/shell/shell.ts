// The Electron shell assembled: what must happen before the app is ready (one instance, the
// app:// scheme, sandbox everywhere, every web contents guarded), then the kiosk window with its
// IPC, recovery, display and power handling. Electron is a parameter, so a test hands in a stub.
import { join } from 'node:path';
import type * as ElectronModule from 'electron';
import type { BrowserWindow } from 'electron';
import { serveKioskIpc } from './ipc.js';
import type { ShellService } from './ipc.js';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './protocol.js';
import { recoverRenderer } from './recovery.js';
import type { RendererFault } from './recovery.js';
import { DisplayKeepAwake, keepCoveringScreen } from './display.js';
import { createKioskWindow, guardSession, guardWebContents } from './window.js';

export type ShellElectron = Pick<
  typeof ElectronModule,
  'app' | 'BrowserWindow' | 'protocol' | 'session' | 'ipcMain' | 'Menu' | 'screen' | 'powerSaveBlocker' | 'net'
>;

/** pino-shaped; the shell logs event codes only. */
export interface ShellLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const QUIET: ShellLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Where the built app keeps the screen and the preload (the project root, or app.asar). */
export function shellPaths(appRoot: string): { rendererDir: string; preload: string } {
  return { rendererDir: join(appRoot, 'dist', 'renderer'), preload: join(appRoot, 'dist', 'main', 'shell', 'preload.cjs') };
}

/**
 * Call first, before the app is ready. False when another kiosk already runs: this process then
 * quits (the running one is brought to the front by its `second-instance` handler).
 */
export function prepareShell(electron: Pick<ShellElectron, 'app' | 'protocol'>, log: ShellLogger = QUIET): boolean {
  const { app, protocol } = electron;
  if (!app.requestSingleInstanceLock()) {
    log.warn({ event: 'second_instance' }, 'another kiosk is already running; this one quits');
    app.quit();
    return false;
  }
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([...APP_SCHEME_PRIVILEGES]);
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, (what) => log.warn({ event: 'screen_refused', what }, 'the screen tried something it may not')),
  );
  return true;
}

export interface ShellOptions {
  readonly service: ShellService;
  /** Holds dist/renderer and dist/main/shell/preload.cjs. */
  readonly appRoot: string;
  /** Default true; false gives a developer a normal window. */
  readonly kiosk?: boolean;
  readonly log?: ShellLogger;
  /** Each renderer crash, hang or failed load (for the audit log's device_fault). */
  readonly onRendererFault?: (fault: RendererFault) => void;
}

export interface KioskShell {
  readonly window: BrowserWindow;
  /** Stops recovery, IPC, display handling and the keep-awake; closes the window. */
  close(): void;
}

/** After prepareShell: waits for the app, then opens the kiosk window on app://kiosk. */
export async function openKioskShell(electron: ShellElectron, options: ShellOptions): Promise<KioskShell> {
  const { app, BrowserWindow, protocol, session, ipcMain, Menu, screen, powerSaveBlocker, net } = electron;
  const log = options.log ?? QUIET;
  const kiosk = options.kiosk ?? true;
  const { rendererDir, preload } = shellPaths(options.appRoot);

  await app.whenReady();
  Menu.setApplicationMenu(null);
  guardSession(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir, net));

  const window = createKioskWindow(BrowserWindow, { preload, kiosk, devTools: !app.isPackaged });
  const contents = window.webContents;
  const stopIpc = serveKioskIpc(ipcMain, {
    service: options.service,
    contents,
    onRefused: (channel, why) => log.warn({ event: 'ipc_refused', channel, why }, 'an IPC call was refused'),
  });
  const load = () => {
    contents.loadURL(APP_ENTRY_URL).catch(() => {
      // did-fail-load has already told recovery, which reloads with back-off.
    });
  };
  const stopRecovery = recoverRenderer(contents, {
    reload: load,
    onFault: (fault) => {
      log.error({ event: 'renderer_fault', reason: fault.reason, exitCode: fault.exitCode, streak: fault.streak }, 'the screen failed; reloading');
      options.onRendererFault?.(fault);
    },
  });
  const stopDisplay = keepCoveringScreen(screen, window, kiosk);
  const awake = new DisplayKeepAwake(powerSaveBlocker);
  awake.start();
  const toFront = () => {
    if (window.isDestroyed()) return;
    window.show();
    window.focus();
  };
  app.on('second-instance', toFront);
  window.once('ready-to-show', () => window.show());
  load();

  let closed = false;
  return {
    window,
    close() {
      if (closed) return;
      closed = true;
      app.off('second-instance', toFront);
      stopRecovery();
      stopDisplay();
      stopIpc();
      awake.stop();
      if (!window.isDestroyed()) window.destroy();
    },
  };
}
