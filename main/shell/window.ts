// The kiosk window's options and the guards on everything the window's web contents and session
// could be asked to do: the Electron security checklist, as plain functions over passed-in objects.
import type { BrowserWindow as ElectronBrowserWindow, Session, WebContents } from 'electron';

export interface WindowSettings {
  /** The bundled preload (dist/main/shell/preload.cjs). */
  readonly preload: string;
  /** Kiosk (full screen, no way out) — the product; false only for a developer's windowed run. */
  readonly kiosk: boolean;
  /** Only in an unpackaged build. */
  readonly devTools: boolean;
}

/**
 * The kiosk window. The options are written out at the constructor so that a reviewer (and
 * electronegativity) sees every security-relevant preference where the window is made.
 */
export function createKioskWindow(BrowserWindow: typeof ElectronBrowserWindow, settings: WindowSettings): ElectronBrowserWindow {
  return new BrowserWindow({
    title: 'verikiosk',
    show: false,
    kiosk: settings.kiosk,
    fullscreen: settings.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#000000',
    webPreferences: {
      // Reviewed: the preload exposes only the contract's KioskApi through contextBridge (preload.ts).
      preload: settings.preload, // eng-disable PRELOAD_JS_CHECK
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // A middle click must not open anything either.
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: settings.devTools,
      // Verdict sounds play with nobody touching the screen.
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
}

/** Permissions the screen may be granted. None: the camera is opened by main, not the renderer. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

/** Every web contents (the window, and any the renderer might manage to create): no way elsewhere. */
export function guardWebContents(contents: WebContents, onRefused: (what: string) => void = () => {}): void {
  // The screen is one page; moving it anywhere (a link, a drag, location.href) is refused.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    onRefused('navigation');
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
    onRefused('frame_navigation');
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    onRefused('redirect');
  });
  contents.setWindowOpenHandler(() => {
    onRefused('new_window');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onRefused('webview');
  });
}

/** The window's session: every permission and device request refused unless listed, no downloads. */
export function guardSession(session: Session, allowed: ReadonlySet<string> = ALLOWED_PERMISSIONS): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(allowed.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => allowed.has(permission));
  session.setDevicePermissionHandler(() => false);
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('will-download', (event) => event.preventDefault());
}
