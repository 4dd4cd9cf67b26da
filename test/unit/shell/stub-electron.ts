// A stub of the `electron` module for the shell's unit tests: records what the shell asks of
// Electron (window options, handlers, permissions) and lets a test play Electron's events.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { ShellElectron } from '../../../main/shell/shell.js';

export class StubFrame {
  parent: StubFrame | null = null;
  constructor(public url: string) {}
}

export class StubWebContents extends EventEmitter {
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: Array<[string, unknown]> = [];
  readonly loaded: string[] = [];
  mainFrame = new StubFrame('app://kiosk/index.html');
  crashed = 0;
  loadURL = vi.fn(async (url: string) => {
    this.loaded.push(url);
  });
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  forcefullyCrashRenderer(): void {
    this.crashed++;
  }
}

/** An Electron-style event: preventDefault is recorded. */
export function stubEvent<T extends object>(extra: T = {} as T): T & { preventDefault: () => void; defaultPrevented: boolean } {
  const e = {
    ...extra,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

export interface ElectronStub {
  readonly electron: ShellElectron;
  readonly app: EventEmitter & Record<string, ReturnType<typeof vi.fn> | unknown>;
  readonly windows: StubWindow[];
  readonly handlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  readonly session: EventEmitter & {
    permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
    permissionCheck?: (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
    devicePermission?: (details: unknown) => boolean;
  };
  readonly calls: string[];
  readonly screen: EventEmitter;
  readonly blocker: { start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn>; isStarted: ReturnType<typeof vi.fn> };
  protocolHandler(): ((request: Request) => Promise<Response>) | undefined;
  privileged(): unknown;
}

export class StubWindow extends EventEmitter {
  readonly webContents = new StubWebContents();
  destroyed = false;
  readonly bounds: unknown[] = [];
  kiosk: boolean[] = [];
  fullScreen: boolean[] = [];
  shown = 0;
  constructor(readonly options: Record<string, unknown>) {
    super();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setBounds(b: unknown): void {
    this.bounds.push(b);
  }
  setKiosk(v: boolean): void {
    this.kiosk.push(v);
  }
  setFullScreen(v: boolean): void {
    this.fullScreen.push(v);
  }
  show(): void {
    this.shown++;
  }
  focus(): void {}
  destroy(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
  }
}

export function stubElectron(options: { lock?: boolean; packaged?: boolean } = {}): ElectronStub {
  const calls: string[] = [];
  const windows: StubWindow[] = [];
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  let protocolHandler: ((request: Request) => Promise<Response>) | undefined;
  let privileged: unknown;

  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.packaged ?? true,
    requestSingleInstanceLock: vi.fn(() => {
      calls.push('requestSingleInstanceLock');
      return options.lock ?? true;
    }),
    quit: vi.fn(() => calls.push('quit')),
    exit: vi.fn((code: number) => calls.push(`exit ${code}`)),
    enableSandbox: vi.fn(() => calls.push('enableSandbox')),
    whenReady: vi.fn(async () => {
      calls.push('whenReady');
    }),
    getVersion: () => '0.1.0',
  });

  const session = Object.assign(new EventEmitter(), {
    permissionRequest: undefined,
    permissionCheck: undefined,
    devicePermission: undefined,
    setPermissionRequestHandler(h: never) {
      session.permissionRequest = h;
    },
    setPermissionCheckHandler(h: never) {
      session.permissionCheck = h;
    },
    setDevicePermissionHandler(h: never) {
      session.devicePermission = h;
    },
  }) as unknown as ElectronStub['session'];

  const screen = Object.assign(new EventEmitter(), {
    getPrimaryDisplay: () => ({ bounds: { x: 0, y: 0, width: 1920, height: 1080 } }),
  });
  const blocker = {
    start: vi.fn(() => 7),
    stop: vi.fn(),
    isStarted: vi.fn(() => true),
  };

  class BrowserWindow extends StubWindow {
    constructor(opts: Record<string, unknown>) {
      super(opts);
      windows.push(this);
      calls.push('new BrowserWindow');
      app.emit('web-contents-created', stubEvent(), this.webContents);
    }
  }

  const electron = {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: vi.fn((schemes: unknown) => {
        calls.push('registerSchemesAsPrivileged');
        privileged = schemes;
      }),
      handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
        calls.push(`protocol.handle ${scheme}`);
        protocolHandler = handler;
      }),
    },
    session: { defaultSession: session },
    ipcMain: {
      handle: vi.fn((channel: string, h: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, h)),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
    Menu: { setApplicationMenu: vi.fn((menu: unknown) => calls.push(`setApplicationMenu ${String(menu)}`)) },
    screen,
    powerSaveBlocker: blocker,
    net: { fetch: vi.fn(async () => new Response('x', { headers: { 'content-type': 'text/html' } })) },
  } as unknown as ShellElectron;

  return {
    electron,
    app: app as unknown as ElectronStub['app'],
    windows,
    handlers,
    session,
    calls,
    screen,
    blocker,
    protocolHandler: () => protocolHandler,
    privileged: () => privileged,
  };
}
