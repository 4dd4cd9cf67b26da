// The shell's lifecycle with a stubbed electron: prepared before any await, the kiosk started,
// renderer faults recorded as device_fault, native-module mismatch told apart, clean quit.
import { describe, expect, it, vi } from 'vitest';
import type { KioskService } from '../../../main/kiosk/index.js';
import { EXIT_NATIVE_ABI, EXIT_START_FAILED, isNativeAbiError, recordFault, runKioskShell } from '../../../main/shell/run.js';
import { FakeKiosk } from '../../support/fake-kiosk.js';
import { stubElectron, stubEvent } from './stub-electron.js';

const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function fakeService() {
  const kiosk = new FakeKiosk();
  const appended: unknown[] = [];
  const service = Object.assign(kiosk, {
    audit: { append: vi.fn(async (event: unknown) => void appended.push(event)) },
    close: vi.fn(async () => {}),
  });
  return { service: service as unknown as KioskService & { close: ReturnType<typeof vi.fn> }, appended };
}

describe('runKioskShell', () => {
  it('takes the lock and registers the scheme synchronously, before starting the kiosk', async () => {
    const stub = stubElectron();
    const { service } = fakeService();
    let callsAtStart: string[] = [];
    const running = runKioskShell(stub.electron, {
      log: quiet,
      appRoot: '/app',
      startService: async () => {
        callsAtStart = [...stub.calls];
        return service;
      },
    });
    // Nothing awaited yet: what must precede `ready` has happened.
    expect(stub.calls).toEqual(['requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged']);
    await running;
    expect(callsAtStart).not.toContain('whenReady');
    expect(stub.windows).toHaveLength(1);
  });

  it('does not start the kiosk when another instance runs', async () => {
    const stub = stubElectron({ lock: false });
    const startService = vi.fn();
    await runKioskShell(stub.electron, { log: quiet, startService });
    expect(startService).not.toHaveBeenCalled();
  });

  it('exits with a distinct status when native modules were built for Node', async () => {
    const stub = stubElectron();
    const err = Object.assign(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115'), { code: 'ERR_DLOPEN_FAILED' });
    await runKioskShell(stub.electron, { log: quiet, startService: async () => Promise.reject(err) });
    expect(stub.app.exit).toHaveBeenCalledWith(EXIT_NATIVE_ABI);
    expect(stub.windows).toHaveLength(0);

    const other = stubElectron();
    await runKioskShell(other.electron, { log: quiet, startService: async () => Promise.reject(new Error('config: trust.anchors: required')) });
    expect(other.app.exit).toHaveBeenCalledWith(EXIT_START_FAILED);
  });

  it('records a renderer crash in the audit log as a device fault of the screen', async () => {
    const stub = stubElectron();
    const { service, appended } = fakeService();
    await runKioskShell(stub.electron, { log: quiet, appRoot: '/app', startService: async () => service });
    stub.windows[0]!.webContents.emit('render-process-gone', stubEvent(), { reason: 'launch-failed', exitCode: 1 });
    await Promise.resolve();
    expect(appended).toEqual([{ kind: 'device_fault', device: 'screen', fault: 'launch_failed', note: 'renderer launch-failed (exit 1), fault 1 in a row' }]);
  });

  it('closes the window, then the kiosk, then exits on quit', async () => {
    const stub = stubElectron();
    const { service } = fakeService();
    await runKioskShell(stub.electron, { log: quiet, appRoot: '/app', startService: async () => service });
    const quit = stubEvent();
    stub.app.emit('before-quit', quit);
    expect(quit.defaultPrevented).toBe(true);
    expect(stub.windows[0]!.destroyed).toBe(true);
    await vi.waitFor(() => expect(stub.app.exit).toHaveBeenCalledWith(0));
    expect(service.close).toHaveBeenCalledOnce();
  });
});

describe('recordFault and isNativeAbiError', () => {
  it('turns any reason into an audit code', () => {
    const { service, appended } = fakeService();
    recordFault(service, { reason: 'integrity-failure', streak: 2, reloadInMs: 1000 });
    recordFault(service, { reason: '??', streak: 1, reloadInMs: 500 });
    expect(appended).toEqual([
      expect.objectContaining({ fault: 'integrity_failure' }),
      expect.objectContaining({ fault: 'renderer_gone' }),
    ]);
  });

  it('knows a module built for another ABI', () => {
    expect(isNativeAbiError(Object.assign(new Error('x'), { code: 'ERR_DLOPEN_FAILED' }))).toBe(true);
    expect(isNativeAbiError(new Error('ENOENT'))).toBe(false);
    expect(isNativeAbiError('NODE_MODULE_VERSION')).toBe(false);
  });
});
