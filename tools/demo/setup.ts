// The demo's world in one data folder (var/demo): the reference bureau with the issuer toolkit's
// demo fixtures, the anchors it signs with, and a kiosk configuration wired to both — enrolment
// code, simulated devices, a demo operator PIN. Made on first start, refreshed on each.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { PinHashSchema, hashPin } from '../../config/index.js';
import type { ConfigInput, PinHash } from '../../config/index.js';
import { bureauLogger, startBureau } from '../bureau/index.js';
import type { Bureau } from '../bureau/index.js';
import type { DemoManifest } from '../issuer/index.js';

/** The operator console's PIN on the demo kiosk (printed at start; never use it on a real one). */
export const DEMO_PIN = '2468';
export const DEMO_SITE_NAME = 'Demo Hotel 示例酒店';

export interface DemoWorld {
  readonly dataDir: string;
  readonly bureau: Bureau;
  /** The kiosk configuration written for this start (bureau URL included). */
  readonly configFile: string;
  /** Where the fixture files named in `manifest` are (the bureau's data folder). */
  readonly fixturesDir: string;
  readonly manifest: DemoManifest;
  readonly logsDir: string;
  /** Stops the bureau. */
  close(): Promise<void>;
}

export interface DemoWorldOptions {
  readonly dataDir: string;
  readonly logLevel?: string;
}

/**
 * Starts the bureau on a free loopback port (demo fixtures on first start), publishes fresh lists
 * so that an old demo folder is never stale, and writes the kiosk configuration.
 */
export async function prepareDemoWorld(options: DemoWorldOptions): Promise<DemoWorld> {
  const dataDir = resolve(options.dataDir);
  const logsDir = join(dataDir, 'logs');
  const fixturesDir = join(dataDir, 'bureau');
  mkdirSync(logsDir, { recursive: true, mode: 0o700 });

  const bureau = await startBureau({
    port: 0,
    host: '127.0.0.1',
    dataDir: fixturesDir,
    demo: true,
    // The admin endpoints are for tests; nobody is given this token.
    adminToken: randomBytes(24).toString('base64url'),
    logger: bureauLogger(pino.destination({ dest: join(logsDir, 'bureau.log'), mkdir: true, sync: false }), options.logLevel ?? 'info'),
  });
  try {
    const manifest = bureau.demo?.manifest;
    if (!manifest) throw new Error(`demo: ${fixturesDir} holds a bureau without demo fixtures; remove the folder to start afresh`);
    bureau.publishTrustList();
    bureau.publishStatusList();

    const anchorsFile = join(dataDir, 'anchors.pem');
    writeFileSync(anchorsFile, bureau.anchorsPem());
    const configFile = join(dataDir, 'verikiosk.json');
    const previous = readPrevious(configFile);
    const enrolmentCode = previous.enrolmentCode ?? bureau.unusedEnrolmentCodes()[0];
    const pin = previous.pin ?? (await hashPin(DEMO_PIN));

    // Paths relative to the configuration file, so the folder can be moved.
    const config: ConfigInput = {
      site: { profile: 'hotel', name: DEMO_SITE_NAME },
      language: 'zh-CN',
      dataDir: 'kiosk',
      trust: {
        anchors: [{ file: 'anchors.pem' }],
        baselineTrustList: join('bureau', manifest.trustList),
        baselineStatusList: join('bureau', manifest.statusList),
      },
      bureau: { url: bureau.url, ...(enrolmentCode ? { enrolmentCode } : {}), syncIntervalSeconds: 60 },
      signals: {},
      operator: { pin },
      simulation: true,
      logLevel: (options.logLevel ?? 'info') as ConfigInput['logLevel'],
    };
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    return { dataDir, bureau, configFile, fixturesDir, manifest, logsDir, close: () => bureau.close() };
  } catch (err) {
    await bureau.close();
    throw err;
  }
}

/** What a previous start chose and should keep: the enrolment code used and the PIN hash. */
function readPrevious(configFile: string): { enrolmentCode?: string; pin?: PinHash } {
  if (!existsSync(configFile)) return {};
  try {
    const json = JSON.parse(readFileSync(configFile, 'utf8')) as { bureau?: { enrolmentCode?: unknown }; operator?: { pin?: unknown } };
    const code = typeof json.bureau?.enrolmentCode === 'string' ? json.bureau.enrolmentCode : undefined;
    const pin = PinHashSchema.safeParse(json.operator?.pin);
    return { ...(code ? { enrolmentCode: code } : {}), ...(pin.success ? { pin: pin.data } : {}) };
  } catch {
    return {};
  }
}
