// The demo kiosk's Electron entry (`npm start` when Electron's binary is present): the kiosk of
// the demo configuration, with the simulation panel's samples, in the hardened shell.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { createKioskLogger, loadConfig, startKiosk } from '../../main/kiosk/index.js';
import { launchShell } from '../../main/shell/index.js';
import type { DemoManifest } from '../issuer/index.js';
import { demoSamples } from './samples.js';

// Handed over by tools/start.ts, which prepared the demo folder and runs the bureau.
const configFile = required('VERIKIOSK_DEMO_CONFIG');
const fixturesDir = required('VERIKIOSK_DEMO_FIXTURES');
const logsDir = required('VERIKIOSK_DEMO_LOGS');
const log = createKioskLogger({ destination: pino.destination({ dest: join(logsDir, 'kiosk.log'), mkdir: true, sync: false }) });

// No top-level await: Electron's `ready` waits for this module (see main/shell/run.ts).
launchShell({
  log,
  kiosk: process.env.VERIKIOSK_DEMO_WINDOWED !== '1',
  startService: async () => {
    const manifest = JSON.parse(readFileSync(join(fixturesDir, 'manifest.json'), 'utf8')) as DemoManifest;
    const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    return startKiosk({ config: loadConfig(configFile), version, logger: log, samples: demoSamples(manifest, fixturesDir) });
  },
}).catch((err: unknown) => {
  log.fatal({ event: 'demo_shell_failed', error: err instanceof Error ? err.message : String(err) }, 'the demo shell failed');
  process.exit(1);
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`electron-main: ${name} is not set; start the demo with \`npm start\`\n`);
    process.exit(2);
  }
  return value;
}
