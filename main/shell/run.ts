// One Electron main process from start to quit: the shell prepared before ready, the kiosk
// service started, the window opened, renderer faults recorded, and a clean close on quit.
import { fileURLToPath } from 'node:url';
import type { KioskService } from '../kiosk/index.js';
import type { RendererFault } from './recovery.js';
import { openKioskShell, prepareShell } from './shell.js';
import type { ShellElectron, ShellLogger } from './shell.js';

/**
 * On the main entry's command line, everything after it is a `verikiosk` command (doctor, verify,
 * pin, …), run without a window: the packaged /usr/bin/verikiosk passes it.
 */
export const CLI_FLAG = '--verikiosk-cli';

/** Exit status when the kiosk cannot start because native modules were built for plain Node. */
export const EXIT_NATIVE_ABI = 3;
/** Exit status for any other failure to start. */
export const EXIT_START_FAILED = 1;

export interface RunShellOptions {
  readonly startService: () => Promise<KioskService>;
  readonly log: ShellLogger;
  readonly kiosk?: boolean;
  /** Default: the folder holding dist/ (the project, or app.asar when packaged). */
  readonly appRoot?: string;
}

/** The project root (or app.asar): this file is dist/main/shell/run.js. */
export const APP_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Call from the main entry WITHOUT a top-level await: Electron emits `ready` only once the entry
 * module has settled, and everything before the first await here must happen before `ready`.
 */
export async function runKioskShell(electron: ShellElectron, options: RunShellOptions): Promise<void> {
  const { app } = electron;
  const { log } = options;
  if (!prepareShell(electron, log)) return;
  app.on('window-all-closed', () => app.quit());

  let service: KioskService;
  try {
    service = await options.startService();
  } catch (err) {
    const native = isNativeAbiError(err);
    log.error(
      // Start-up errors are about files, configuration and the database; no holder data exists yet.
      { event: 'kiosk_start_failed', error: errorCode(err), message: err instanceof Error ? err.message : String(err), native },
      native
        ? 'native modules are built for Node, not Electron: run `npx electron-builder install-app-deps` (and `npm rebuild` to go back to Node)'
        : 'the kiosk could not start',
    );
    app.exit(native ? EXIT_NATIVE_ABI : EXIT_START_FAILED);
    return;
  }

  const shell = await openKioskShell(electron, {
    service,
    appRoot: options.appRoot ?? APP_ROOT,
    kiosk: options.kiosk ?? true,
    log,
    onRendererFault: (fault) => recordFault(service, fault),
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    shell.close();
    service.close().then(
      () => app.exit(0),
      (err: unknown) => {
        log.error({ event: 'kiosk_close_failed', error: errorCode(err) }, 'the kiosk did not close cleanly');
        app.exit(1);
      },
    );
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}

/** A screen fault is a device fault of the kiosk: it goes into the audit log like a reader's. */
export function recordFault(service: Pick<KioskService, 'audit'>, fault: RendererFault): void {
  const code = fault.reason.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48);
  void service.audit
    .append({
      kind: 'device_fault',
      device: 'screen',
      fault: /^[a-z]/.test(code) ? code : 'renderer_gone',
      note: `renderer ${fault.reason}${fault.exitCode !== undefined ? ` (exit ${fault.exitCode})` : ''}, fault ${fault.streak} in a row`,
    })
    .catch(() => undefined);
}

export function isNativeAbiError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as Error & { code?: string }).code;
  return code === 'ERR_DLOPEN_FAILED' || /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(err.message);
}

function errorCode(err: unknown): string {
  if (err instanceof Error) return (err as Error & { code?: string }).code ?? err.name;
  return typeof err;
}
