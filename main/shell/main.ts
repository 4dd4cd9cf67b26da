// The Electron main entry of the installed kiosk: reads the configuration (VERIKIOSK_CONFIG, or
// /etc/verikiosk/config.json), starts the kiosk with its real devices and opens the screen. Run
// with --verikiosk-cli (the packaged `verikiosk` wrapper does), it is the command line instead.
import * as electron from 'electron';
import { createKioskLogger, loadConfig, startKiosk } from '../kiosk/index.js';
import { CLI_FLAG, runKioskShell } from './run.js';
const DEFAULT_CONFIG = '/etc/verikiosk/config.json';

const cliAt = process.argv.indexOf(CLI_FLAG);
if (cliAt >= 0) {
  // No single-instance lock and no window: the kiosk itself may be running beside this.
  import('../cli/index.js')
    .then(({ main }) => main(process.argv.slice(cliAt + 1)))
    .then(
      (code) => electron.app.exit(code),
      (err: unknown) => {
        process.stderr.write(`verikiosk: ${err instanceof Error ? err.message : String(err)}\n`);
        electron.app.exit(2);
      },
    );
} else {
  const configPath = process.env.VERIKIOSK_CONFIG ?? DEFAULT_CONFIG;
  const log = createKioskLogger({ level: process.env.VERIKIOSK_LOG_LEVEL ?? 'info' });
  // No top-level await: Electron's `ready` waits for this module to settle (see run.ts).
  runKioskShell(electron, {
    log,
    startService: async () => {
      const config = loadConfig(configPath);
      return startKiosk({ config, version: electron.app.getVersion(), logger: log });
    },
  }).catch((err: unknown) => {
    log.fatal({ event: 'shell_failed', error: err instanceof Error ? err.name : typeof err }, 'the kiosk shell failed');
    electron.app.exit(1);
  });
}
