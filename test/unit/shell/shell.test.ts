// The Electron shell against a stub of the electron module: what it asks of Electron before and
// after ready — one instance, sandboxed isolated window, app:// with the CSP, no menu, no way out.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../main/api/csp.js';
import { IPC_CHANNELS } from '../../../main/api/channels.js';
import { openKioskShell, prepareShell, shellPaths } from '../../../main/shell/shell.js';
import { FakeKiosk } from '../../support/fake-kiosk.js';
import { StubWebContents, stubElectron, stubEvent } from './stub-electron.js';
import type { ElectronStub } from './stub-electron.js';

async function openShell(stub: ElectronStub, options: { kiosk?: boolean } = {}) {
  expect(prepareShell(stub.electron)).toBe(true);
  const kiosk = new FakeKiosk();
  const shell = await openKioskShell(stub.electron, { service: kiosk, appRoot: '/opt/verikiosk/resources/app.asar', ...options });
  const window = stub.windows[0];
  if (!window) throw new Error('no window');
  return { shell, kiosk, window };
}

describe('prepareShell (before ready)', () => {
  it('takes the single-instance lock, then sandboxes every renderer and registers app:// as standard and secure', () => {
    const stub = stubElectron();
    expect(prepareShell(stub.electron)).toBe(true);
    expect(stub.calls.slice(0, 3)).toEqual(['requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged']);
    expect(stub.privileged()).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true, bypassCSP: false, allowServiceWorkers: false, corsEnabled: false, supportFetchAPI: false }),
      },
    ]);
  });

  it('quits at once when another kiosk holds the lock, touching nothing else', () => {
    const stub = stubElectron({ lock: false });
    expect(prepareShell(stub.electron)).toBe(false);
    expect(stub.calls).toEqual(['requestSingleInstanceLock', 'quit']);
  });
});

describe('openKioskShell: the window', () => {
  it('opens one window hardened to the checklist: sandbox, isolation, no Node, web security, no webview', async () => {
    const stub = stubElectron();
    const { window } = await openShell(stub);
    expect(stub.windows).toHaveLength(1);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    expect(prefs.preload).toBe(shellPaths('/opt/verikiosk/resources/app.asar').preload);
    expect(String(prefs.preload)).toMatch(/dist\/main\/shell\/preload\.cjs$/);
    expect(window.options).toMatchObject({ kiosk: true, fullscreen: true, show: false });
  });

  it('offers devTools only in an unpackaged build', async () => {
    const stub = stubElectron({ packaged: false });
    const { window } = await openShell(stub);
    expect((window.options.webPreferences as Record<string, unknown>).devTools).toBe(true);
  });

  it('loads app://kiosk/index.html, never file://', async () => {
    const stub = stubElectron();
    const { window } = await openShell(stub);
    expect(window.webContents.loaded).toEqual(['app://kiosk/index.html']);
  });

  it('removes the application menu and waits for ready before making the window', async () => {
    const stub = stubElectron();
    await openShell(stub);
    const order = stub.calls;
    expect(order).toContain('setApplicationMenu null');
    expect(order.indexOf('whenReady')).toBeLessThan(order.indexOf('new BrowserWindow'));
    expect(order.indexOf('protocol.handle app')).toBeLessThan(order.indexOf('new BrowserWindow'));
  });

  it('serves app:// with the same CSP as browser mode', async () => {
    const stub = stubElectron();
    await openShell(stub);
    const handler = stub.protocolHandler();
    expect(handler).toBeDefined();
    // The file does not exist in this test: even the refusal carries the policy.
    const res = await handler!(new Request('app://kiosk/index.html'));
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('keeps the display awake while open and lets it sleep once closed', async () => {
    const stub = stubElectron();
    const { shell } = await openShell(stub);
    expect(stub.blocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    shell.close();
    expect(stub.blocker.stop).toHaveBeenCalledWith(7);
  });

  it('brings itself to the front when a second instance is started', async () => {
    const stub = stubElectron();
    const { window } = await openShell(stub);
    const before = window.shown;
    stub.app.emit('second-instance', stubEvent(), [], '/');
    expect(window.shown).toBe(before + 1);
  });
});

describe('openKioskShell: navigation, windows and permissions', () => {
  it('refuses navigation, frame navigation, redirects, new windows and webviews', async () => {
    const stub = stubElectron();
    const { window } = await openShell(stub);
    const contents = window.webContents;
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = stubEvent({ url: 'https://evil.example/', isMainFrame: true });
      contents.emit(event, e, 'https://evil.example/');
      expect(e.defaultPrevented, event).toBe(true);
    }
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('guards every web contents Electron creates, not only the window', () => {
    const stub = stubElectron();
    prepareShell(stub.electron);
    // A web contents the renderer might get created (a popup that slipped through, devtools).
    const created = new StubWebContents();
    stub.app.emit('web-contents-created', stubEvent(), created);
    const e = stubEvent();
    created.emit('will-navigate', e, 'https://evil.example/');
    expect(e.defaultPrevented).toBe(true);
    expect(created.windowOpenHandler?.({ url: 'x' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check, and every device chooser', async () => {
    const stub = stubElectron();
    await openShell(stub);
    for (const permission of ['media', 'geolocation', 'notifications', 'fullscreen', 'serial', 'hid', 'usb', 'clipboard-read', 'openExternal', 'unknown']) {
      let granted: boolean | undefined;
      stub.session.permissionRequest?.({}, permission, (g) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(stub.session.permissionCheck?.({}, permission, 'app://kiosk', {}), permission).toBe(false);
    }
    expect(stub.session.devicePermission?.({ deviceType: 'usb' })).toBe(false);

    let port: string | undefined;
    const serial = stubEvent();
    stub.session.emit('select-serial-port', serial, [{ portId: '1' }], {}, (id: string) => (port = id));
    expect(serial.defaultPrevented).toBe(true);
    expect(port).toBe('');
    const hid = stubEvent();
    let hidChoice: unknown = 'unset';
    stub.session.emit('select-hid-device', hid, { deviceList: [{ deviceId: 'a' }] }, (id: unknown) => (hidChoice = id));
    expect(hidChoice).toBeNull();
    const download = stubEvent();
    stub.session.emit('will-download', download);
    expect(download.defaultPrevented).toBe(true);
  });
});

describe('openKioskShell: IPC and pushes', () => {
  it('registers exactly the contract channels and pushes state to the window', async () => {
    const stub = stubElectron();
    const { kiosk, window, shell } = await openShell(stub);
    expect([...stub.handlers.keys()].sort()).toEqual([IPC_CHANNELS.command, IPC_CHANNELS.getState].sort());
    kiosk.push({ ...kiosk.current, screen: 'reading' });
    expect(window.webContents.sent).toEqual([[IPC_CHANNELS.state, expect.objectContaining({ screen: 'reading' })]]);
    shell.close();
    expect(stub.handlers.size).toBe(0);
    expect(kiosk.listenerCount('state')).toBe(0);
  });
});

describe('openKioskShell: display changes', () => {
  it('re-asserts kiosk and full screen on the primary display after each display change', async () => {
    const stub = stubElectron();
    const { window } = await openShell(stub);
    for (const event of ['display-added', 'display-removed', 'display-metrics-changed']) stub.screen.emit(event, stubEvent(), {});
    expect(window.kiosk).toEqual([true, true, true]);
    expect(window.fullScreen).toEqual([true, true, true]);
    expect(window.bounds).toEqual(Array(3).fill({ x: 0, y: 0, width: 1920, height: 1080 }));
  });
});
