// Keeps the screen alive: a renderer that crashes, is killed or fails to load is reloaded with
// back-off (a crash loop cannot spin the CPU), one that hangs is crashed and reloaded, and each
// fault is reported so the kiosk can record it in the audit log.
import type { WebContents } from 'electron';

export interface RendererFault {
  /** Electron's reason (`crashed`, `oom`, `killed`, `launch-failed`, …), or `hung`, `load_failed`. */
  readonly reason: string;
  readonly exitCode?: number;
  /** How many faults in a row, this one included. */
  readonly streak: number;
  /** When the reload is due, ms from now. */
  readonly reloadInMs: number;
}

export interface RecoveryTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RecoveryOptions {
  /** Loads the screen again (the shell: `contents.loadURL(APP_ENTRY_URL)`). */
  readonly reload: () => void;
  readonly onFault?: (fault: RendererFault) => void;
  /** First wait before a reload; doubles with each fault in a row. Default 500 ms. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A screen up this long ends the streak. Default 60 s. */
  readonly stableMs?: number;
  /** How long an unresponsive renderer gets before it is crashed and reloaded. Default 10 s. */
  readonly hangMs?: number;
  readonly timers?: RecoveryTimers;
}

type WatchedContents = Pick<WebContents, 'on' | 'off' | 'isDestroyed' | 'forcefullyCrashRenderer'>;

/** Watches `contents`; returns the function that stops watching (call it before closing the window). */
export function recoverRenderer(contents: WatchedContents, options: RecoveryOptions): () => void {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const stableMs = options.stableMs ?? 60_000;
  const hangMs = options.hangMs ?? 10_000;
  const timers: RecoveryTimers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  let streak = 0;
  let stopped = false;
  let reloadTimer: unknown;
  let stableTimer: unknown;
  let hangTimer: unknown;

  const clear = (handle: unknown) => {
    if (handle !== undefined) timers.clearTimeout(handle);
  };

  const fault = (reason: string, exitCode?: number) => {
    if (stopped || contents.isDestroyed()) return;
    clear(stableTimer);
    stableTimer = undefined;
    clear(hangTimer);
    hangTimer = undefined;
    if (reloadTimer !== undefined) return; // one reload pending is enough
    streak++;
    const delay = Math.min(max, initial * 2 ** (streak - 1));
    options.onFault?.({ reason, ...(exitCode !== undefined ? { exitCode } : {}), streak, reloadInMs: delay });
    reloadTimer = timers.setTimeout(() => {
      reloadTimer = undefined;
      if (!stopped && !contents.isDestroyed()) options.reload();
    }, delay);
  };

  const onGone = (_event: unknown, details: { reason: string; exitCode: number }) => {
    // A clean exit is the window closing, not a fault.
    if (details.reason === 'clean-exit') return;
    fault(details.reason, details.exitCode);
  };
  const onFailLoad = (_event: unknown, errorCode: number, _description: string, _url: string, isMainFrame: boolean) => {
    // -3 (ABORTED) is a load replaced by another, e.g. our own reload.
    if (isMainFrame && errorCode !== -3) fault('load_failed', errorCode);
  };
  const onLoaded = () => {
    clear(stableTimer);
    stableTimer = timers.setTimeout(() => {
      stableTimer = undefined;
      streak = 0;
    }, stableMs);
  };
  const onUnresponsive = () => {
    if (hangTimer !== undefined || stopped) return;
    hangTimer = timers.setTimeout(() => {
      hangTimer = undefined;
      if (!stopped && !contents.isDestroyed()) contents.forcefullyCrashRenderer();
    }, hangMs);
  };
  const onResponsive = () => {
    clear(hangTimer);
    hangTimer = undefined;
  };

  contents.on('render-process-gone', onGone);
  contents.on('did-fail-load', onFailLoad);
  contents.on('did-finish-load', onLoaded);
  contents.on('unresponsive', onUnresponsive);
  contents.on('responsive', onResponsive);

  return () => {
    stopped = true;
    for (const handle of [reloadTimer, stableTimer, hangTimer]) clear(handle);
    contents.off('render-process-gone', onGone);
    contents.off('did-fail-load', onFailLoad);
    contents.off('did-finish-load', onLoaded);
    contents.off('unresponsive', onUnresponsive);
    contents.off('responsive', onResponsive);
  };
}
