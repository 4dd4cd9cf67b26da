// The installed kiosk's entry run as `verikiosk <command>` (the packaged wrapper passes
// --verikiosk-cli): the command line runs, no lock is taken, no window opens, its status is the exit.
import { describe, expect, it, vi } from 'vitest';
import { stubElectron } from './stub-electron.js';

const stub = stubElectron();
const ran: string[][] = [];

vi.mock('electron', () => stub.electron);
vi.mock('../../../main/cli/index.js', () => ({
  main: async (argv: string[]) => {
    ran.push(argv);
    return 1;
  },
}));

describe('main/shell/main.ts with --verikiosk-cli', () => {
  it('runs the command and exits with its status, leaving the running kiosk alone', async () => {
    const argv = process.argv;
    process.argv = ['/opt/verikiosk/verikiosk', '--ozone-platform=headless', '--disable-gpu', '--verikiosk-cli', 'doctor', '--config', '/etc/verikiosk/config.json'];
    try {
      await import('../../../main/shell/main.js');
      await vi.waitFor(() => expect(stub.app.exit).toHaveBeenCalledWith(1));
    } finally {
      process.argv = argv;
    }
    expect(ran).toEqual([['doctor', '--config', '/etc/verikiosk/config.json']]);
    expect(stub.calls).not.toContain('requestSingleInstanceLock');
    expect(stub.windows).toHaveLength(0);
  });
});
