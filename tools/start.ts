// `npm start`: the kiosk on a fresh machine with no configuration — demo data in var/demo, the
// reference bureau on loopback, simulated devices — shown in the Electron shell when Electron's
// binary is installed, else in browser mode (Chromium in kiosk mode when there is a display).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createKioskLogger, loadConfig, startKiosk } from '../main/kiosk/index.js';
import type { KioskService } from '../main/kiosk/index.js';
import { EXIT_NATIVE_ABI } from '../main/shell/run.js';
import { startWebServer } from '../main/web/index.js';
import type { WebServer } from '../main/web/index.js';
import { demoSamples } from './demo/samples.js';
import { DEMO_PIN, prepareDemoWorld } from './demo/setup.js';
import type { DemoWorld } from './demo/setup.js';

const USAGE = `usage: npm start -- [options]
  --browser        browser mode even when Electron is installed
  --no-open        browser mode: print the URL, do not open Chromium
  --windowed       Electron: a normal window instead of kiosk mode
  --port N         browser mode: port on 127.0.0.1 (default: any free port)
  --data DIR       the demo folder (default var/demo); delete it to start afresh
  --log-level L    pino level for the logs in DIR/logs (default info)`;

/** The project root: the folder of package.json above this file (tools/ or dist/tools/). */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('start: package.json not found above tools/');
    dir = up;
  }
  return dir;
}

/**
 * The Electron executable when its binary was downloaded, else undefined. Decided from the
 * package's path.txt rather than by requiring `electron`: when the binary is missing, the
 * package's index.js tries to download it.
 */
export function electronBinary(root: string): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  // As the package's own index.js: path.txt names the executable inside dist/ (or inside
  // ELECTRON_OVERRIDE_DIST_PATH, where a developer keeps a binary fetched by hand).
  const pathFile = join(packageDir, 'path.txt');
  const relativeExe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !relativeExe) return undefined;
  const exe = join(override ?? join(packageDir, 'dist'), relativeExe ?? 'electron');
  return isExecutable(exe) ? exe : undefined;
}

/** Debian's `chromium`, or Raspberry Pi OS's older `chromium-browser`, from PATH. */
export function chromiumBinary(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Chromium as a kiosk screen: full screen, its own throw-away profile, no calls home. */
export function chromiumArgs(url: string, profileDir: string, runningAsRoot: boolean): string[] {
  return [
    '--kiosk',
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=Translate,MediaRouter',
    '--password-store=basic',
    '--noerrdialogs',
    '--disable-session-crashed-bubble',
    '--autoplay-policy=no-user-gesture-required',
    // Chromium refuses to run as root with its sandbox (containers, CI); anywhere else it keeps it.
    ...(runningAsRoot ? ['--no-sandbox'] : []),
  ];
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface Running {
  world?: DemoWorld;
  service?: KioskService;
  web?: WebServer;
  chromium?: ChildProcess;
  chromiumProfile?: string;
  electron?: ChildProcess;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        browser: { type: 'boolean' },
        'no-open': { type: 'boolean' },
        windowed: { type: 'boolean' },
        port: { type: 'string' },
        data: { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`start: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`start: --port must be 0..65535\n${USAGE}\n`);
    return 2;
  }
  const logLevel = values['log-level'] ?? 'info';

  const root = projectRoot();
  const rendererDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('start: the screen is not built (dist/renderer); run `npm run build` first\n');
    return 2;
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const running: Running = {};
  let stopping: Promise<number> | undefined;
  const stop = (code: number): Promise<number> => (stopping ??= shutdown(running, code));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        say('start: stopping now');
        process.exit(130);
      }
      say('\nstart: stopping (Ctrl-C again to force)…');
      void stop(0).then((code) => process.exit(code));
    });
  }

  try {
    const dataDir = resolve(root, values.data ?? join('var', 'demo'));
    running.world = await prepareDemoWorld({ dataDir, logLevel });
    const world = running.world;
    say(`verikiosk ${version} — demo kiosk with simulated devices`);
    say(`  data       ${world.dataDir}  (delete it to start afresh)`);
    say(`  bureau     ${world.bureau.url}  (reference bureau, demo keys)`);
    say(`  config     ${world.configFile}`);
    say(`  logs       ${world.logsDir}/kiosk.log, bureau.log`);
    say(`  operator   PIN ${DEMO_PIN} (demo only)`);

    const electronExe = values.browser ? undefined : electronBinary(root);
    if (electronExe && hasDisplay()) {
      const code = await runElectron(running, electronExe, root, world, values.windowed ?? false);
      if (code !== EXIT_NATIVE_ABI) return stop(code);
      say('start: Electron cannot load the native modules built for Node (better-sqlite3, serialport):');
      say('       `npx electron-builder install-app-deps` rebuilds them for Electron (`npm rebuild` goes back).');
      say('start: continuing in browser mode');
    } else if (electronExe) {
      say('start: Electron is installed but there is no display ($DISPLAY / $WAYLAND_DISPLAY): browser mode');
    }

    const logger = createKioskLogger({ level: logLevel, destination: pino.destination({ dest: join(world.logsDir, 'kiosk.log'), mkdir: true, sync: false }) });
    running.service = await startKiosk({
      config: loadConfig(world.configFile),
      version,
      logger,
      samples: demoSamples(world.manifest, world.fixturesDir),
    });
    running.web = await startWebServer({ service: running.service, rendererDir, host: '127.0.0.1', port, logger });
    say('');
    say(`  screen     ${running.web.url}`);
    say('');
    const chromium = values['no-open'] ? undefined : chromiumBinary();
    if (chromium && hasDisplay()) {
      running.chromiumProfile = mkdtempSync(join(world.dataDir, 'chromium-'));
      const child = spawn(chromium, chromiumArgs(running.web.url, running.chromiumProfile, process.getuid?.() === 0), { stdio: 'ignore' });
      running.chromium = child;
      child.on('error', (err) => say(`start: Chromium did not start (${err.message}); open the URL above yourself`));
      child.on('exit', () => {
        if (!stopping) say('start: Chromium closed; the kiosk still runs at the URL above (Ctrl-C stops it)');
        running.chromium = undefined;
      });
      say(`start: opened Chromium in kiosk mode (${chromium}); Ctrl-C here stops everything`);
    } else {
      const why = values['no-open'] ? '--no-open' : !chromium ? 'Chromium is not installed' : 'no display ($DISPLAY / $WAYLAND_DISPLAY)';
      say(`start: open the URL above in Chromium (${why}); Ctrl-C stops the kiosk`);
    }
    return await new Promise<number>(() => {
      // Runs until a signal calls stop().
    });
  } catch (err) {
    process.stderr.write(`start: ${err instanceof Error ? err.message : String(err)}\n`);
    return stop(1);
  }
}

/** Runs the demo in Electron until it exits; resolves with its exit status. */
function runElectron(running: Running, exe: string, root: string, world: DemoWorld, windowed: boolean): Promise<number> {
  const entry = join(root, 'dist', 'tools', 'demo', 'electron-main.js');
  say(`start: opening the Electron shell (${exe})`);
  const child = spawn(exe, [entry], {
    stdio: 'inherit',
    env: {
      ...process.env,
      VERIKIOSK_DEMO_CONFIG: world.configFile,
      VERIKIOSK_DEMO_FIXTURES: world.fixturesDir,
      VERIKIOSK_DEMO_LOGS: world.logsDir,
      VERIKIOSK_DEMO_WINDOWED: windowed ? '1' : '0',
      // Whatever the developer's shell holds, the shell runs as Electron, not as Node.
      ELECTRON_RUN_AS_NODE: '',
    },
  });
  running.electron = child;
  return new Promise((resolveExit) => {
    child.on('error', () => resolveExit(1));
    child.on('exit', (code, signal) => {
      running.electron = undefined;
      resolveExit(code ?? (signal ? 0 : 1));
    });
  });
}

async function shutdown(running: Running, code: number): Promise<number> {
  const quietly = async (what: string, action: () => Promise<unknown> | unknown) => {
    try {
      await action();
    } catch (err) {
      process.stderr.write(`start: closing ${what}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
  await quietly('Chromium', () => endChild(running.chromium));
  await quietly('Electron', () => endChild(running.electron));
  await quietly('the screen server', () => running.web?.close());
  await quietly('the kiosk', () => running.service?.close());
  await quietly('the bureau', () => running.world?.close());
  if (running.chromiumProfile) rmSync(running.chromiumProfile, { recursive: true, force: true });
  return code;
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child is gone. */
function endChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveEnd) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolveEnd();
    });
    child.kill('SIGTERM');
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
