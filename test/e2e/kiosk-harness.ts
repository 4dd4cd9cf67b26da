// The real kiosk for end-to-end tests and the kiosk benchmark: the launcher's demo world (reference
// bureau on loopback, demo anchors, samples) in a temp folder, startKiosk + browser mode in-process,
// socat pty pairs for the serial path, and a teardown that stops every process even on failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { ConfigInput } from '../../config/index.js';
import type { Command, CommandResult, ServerMessage } from '../../main/api/contract.js';
import { createKioskLogger, loadConfig, startKiosk, type KioskService, type SampleSource, type StartKioskOptions } from '../../main/kiosk/index.js';
import { startWebServer, type WebServer } from '../../main/web/index.js';
import { demoSamples } from '../../tools/demo/samples.js';
import { prepareDemoWorld, type DemoWorld } from '../../tools/demo/setup.js';
import { newKioskContext } from './renderer-fixture.js';
import { stopChild, track } from '../support/pty.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_DIR = join(ROOT, 'dist', 'renderer');

/** Undo steps run newest first; every step runs even when an earlier one throws. */
export class Teardown {
  readonly #steps: Array<{ what: string; undo: () => unknown }> = [];

  defer(what: string, undo: () => unknown): void {
    this.#steps.push({ what, undo });
  }

  async run(): Promise<void> {
    const failures: string[] = [];
    for (const { what, undo } of this.#steps.splice(0).reverse()) {
      try {
        await undo();
      } catch (err) {
        failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length > 0) throw new Error(`teardown: ${failures.join('; ')}`);
  }
}

/** Tracks `child` (test/support/pty.ts kills tracked children at exit) and stops it at teardown. */
export function own(teardown: Teardown, child: ChildProcess, what: string): ChildProcess {
  track(child);
  teardown.defer(what, () => stopChild(child));
  return child;
}

export { stopChild };

export interface DemoFolder {
  readonly dir: string;
  readonly world: DemoWorld;
  /** A sample source of the test's own, from the same demo keys as the kiosk's (fresh codes to type or send). */
  readonly codes: SampleSource;
}

/** The launcher's demo world in a fresh temp folder; the bureau stops and the folder goes at teardown. */
export async function prepareDemoFolder(teardown: Teardown, prefix = 'verikiosk-e2e-'): Promise<DemoFolder> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // VERIKIOSK_E2E_KEEP=1 keeps the folder (the kiosk's and the bureau's logs) for a look after a failure.
  if (process.env.VERIKIOSK_E2E_KEEP === '1') process.stderr.write(`e2e: demo folder kept at ${dir}\n`);
  else teardown.defer('demo folder', () => rmSync(dir, { recursive: true, force: true }));
  const world = await prepareDemoWorld({ dataDir: dir, logLevel: 'info' });
  teardown.defer('bureau', () => world.close());
  return { dir, world, codes: demoSamples(world.manifest, world.fixturesDir) };
}

/**
 * A kiosk configuration beside the demo's own (same folder, so its relative paths hold): the demo
 * configuration as the launcher wrote it, changed by `edit`. Returns the file's path.
 */
export function writeKioskConfig(world: DemoWorld, name: string, edit: (config: ConfigInput) => ConfigInput): string {
  const demo = JSON.parse(readFileSync(world.configFile, 'utf8')) as ConfigInput;
  const file = join(world.dataDir, `verikiosk-${name}.json`);
  writeFileSync(file, `${JSON.stringify(edit(demo), null, 2)}\n`, { mode: 0o600 });
  return file;
}

export interface RunningKiosk {
  readonly kiosk: KioskService;
  readonly web: WebServer;
  /** The screen's address with its per-start token, as the launcher prints it. */
  readonly url: string;
  /** The kiosk's JSON log lines (for a failing test's message). */
  readonly logFile: string;
}

export interface KioskStart extends Omit<StartKioskOptions, 'config' | 'logger'> {
  /** Default: the demo configuration the launcher wrote. */
  readonly configFile?: string;
  /** Names the log file: `logs/kiosk-NAME.log`. */
  readonly name?: string;
  readonly logLevel?: string;
}

/** startKiosk + startWebServer as `npm start` composes them in browser mode (tools/start.ts), stopped at teardown. */
export async function startKioskServer(teardown: Teardown, world: DemoWorld, options: KioskStart = {}): Promise<RunningKiosk> {
  const { configFile = world.configFile, name = 'main', logLevel = 'info', ...rest } = options;
  const logFile = join(world.logsDir, `kiosk-${name}.log`);
  const destination = pino.destination({ dest: logFile, mkdir: true, sync: false });
  const kiosk = await startKiosk({
    config: loadConfig(configFile),
    version: 'e2e',
    logger: createKioskLogger({ level: logLevel, destination }),
    samples: demoSamples(world.manifest, world.fixturesDir),
    ...rest,
  });
  teardown.defer(`kiosk ${name}`, async () => {
    await kiosk.close();
    // Ends the asynchronous log file once everything queued is written.
    await new Promise<void>((resolve) => {
      destination.once('close', () => resolve());
      destination.end();
    });
  });
  const web = await startWebServer({ service: kiosk, rendererDir: RENDERER_DIR, host: '127.0.0.1' });
  teardown.defer(`web server ${name}`, () => web.close());
  return { kiosk, web, url: web.url, logFile };
}

export interface PtyPair {
  /** The simulator (the scanner's side) writes here. */
  readonly simEnd: string;
  /** The kiosk's SerialQrScanner reads here. */
  readonly kioskEnd: string;
}

/** A socat pseudo-terminal pair, as test/integration/qr-scanner.test.ts makes it; killed at teardown. */
export async function startPtyPair(teardown: Teardown, dir: string, name = 'qr'): Promise<PtyPair> {
  const simEnd = join(dir, `${name}-sim`);
  const kioskEnd = join(dir, `${name}-kiosk`);
  const socat = own(teardown, spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${simEnd}`, `pty,raw,echo=0,link=${kioskEnd}`], { stdio: ['ignore', 'ignore', 'pipe'] }), 'socat');
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (data: Buffer): void => {
      seen += data.toString();
      if (seen.includes('starting data transfer loop')) {
        socat.stderr?.off('data', onData);
        socat.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`socat exited (${String(code)}) before its pty pair was ready: ${seen}`));
    socat.once('error', (err) => reject(new Error(`socat did not start (${err.message}): is it installed?`)));
    socat.stderr?.on('data', onData);
    socat.once('exit', onExit);
  });
  if (!existsSync(simEnd) || !existsSync(kioskEnd)) throw new Error('socat did not create its pty links');
  return { simEnd, kioskEnd };
}

export interface KioskPage {
  readonly page: Page;
  /** Script errors and console errors seen in the page. */
  readonly errors: string[];
}

/** The screen as Chromium shows it at the printed URL (1280×800, reduced motion), once it is waiting. */
export async function openKioskPage(teardown: Teardown, browser: Browser, url: string): Promise<KioskPage> {
  const context = await newKioskContext(browser);
  teardown.defer('browser context', () => context.close());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(url);
  await page.waitForSelector('.kiosk[data-screen=waiting]');
  return { page, errors };
}

/** A second screen on browser mode's WebSocket: sends the contract's commands as the renderer does. */
export interface ScreenClient {
  send(command: Command): Promise<CommandResult>;
  close(): void;
}

export async function connectScreenClient(teardown: Teardown, url: string): Promise<ScreenClient> {
  const address = new URL(url);
  const socket = new WebSocket(`ws://${address.host}/ws?token=${address.searchParams.get('token') ?? ''}`, { headers: { Origin: address.origin } });
  teardown.defer('screen client', () => socket.terminate());
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: CommandResult) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.kind === 'result') pending.get(message.id)?.(message.result);
  });
  return {
    send(command) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, kind: 'command', command }));
      });
    },
    close: () => socket.close(),
  };
}
