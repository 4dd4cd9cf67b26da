// The installed kiosk's Electron entry with `electron` and the kiosk mocked: it hands the real
// electron module to the shell and starts the kiosk from the file VERIKIOSK_CONFIG names.
import { describe, expect, it, vi } from 'vitest';
import { FakeKiosk } from '../../support/fake-kiosk.js';
import { stubElectron } from './stub-electron.js';

const stub = stubElectron();
const started: unknown[] = [];

vi.mock('electron', () => stub.electron);
vi.mock('../../../main/kiosk/index.js', () => ({
  createKioskLogger: () => ({ info: () => {}, warn: () => {}, error: () => {}, fatal: () => {} }),
  loadConfig: (path: string) => ({ from: path }),
  startKiosk: async (options: unknown) => {
    started.push(options);
    return Object.assign(new FakeKiosk(), { audit: { append: async () => {} }, close: async () => {} });
  },
}));

describe('main/shell/main.ts', () => {
  it('prepares the shell on import, then starts the kiosk from VERIKIOSK_CONFIG and opens the window', async () => {
    process.env.VERIKIOSK_CONFIG = '/etc/verikiosk/site.json';
    await import('../../../main/shell/main.js');
    expect(stub.calls.slice(0, 3)).toEqual(['requestSingleInstanceLock', 'enableSandbox', 'registerSchemesAsPrivileged']);
    await vi.waitFor(() => expect(stub.windows).toHaveLength(1));
    expect(started).toEqual([expect.objectContaining({ config: { from: '/etc/verikiosk/site.json' }, version: '0.1.0' })]);
    expect(stub.windows[0]!.webContents.loaded).toEqual(['app://kiosk/index.html']);
  });
});
