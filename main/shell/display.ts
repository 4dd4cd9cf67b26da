// Keeps the kiosk window covering the screen: after a monitor is plugged, unplugged or changes
// resolution, and for as long as the kiosk runs, the display stays awake.
import type { BrowserWindow, PowerSaveBlocker, Screen } from 'electron';

type KioskWindow = Pick<BrowserWindow, 'isDestroyed' | 'setBounds' | 'setKiosk' | 'setFullScreen' | 'show'>;

/** Re-asserts kiosk mode on the primary display after any display change; returns the undo. */
export function keepCoveringScreen(screen: Pick<Screen, 'on' | 'off' | 'getPrimaryDisplay'>, window: KioskWindow, kiosk: boolean): () => void {
  const reassert = () => {
    // A developer's windowed run is left to the window manager.
    if (!kiosk || window.isDestroyed()) return;
    // A window left on a display that went away would sit off-screen: move it to the primary one.
    window.setBounds(screen.getPrimaryDisplay().bounds);
    window.setKiosk(true);
    window.setFullScreen(true);
    window.show();
  };
  screen.on('display-added', reassert);
  screen.on('display-removed', reassert);
  screen.on('display-metrics-changed', reassert);
  return () => {
    screen.off('display-added', reassert);
    screen.off('display-removed', reassert);
    screen.off('display-metrics-changed', reassert);
  };
}

/**
 * The display never blanks while the kiosk runs (a blank screen looks like a broken kiosk).
 * Takes Electron's powerSaveBlocker so a test can hand in its own (as Signal's
 * PreventDisplaySleepService does).
 */
export class DisplayKeepAwake {
  #id: number | undefined;

  constructor(private readonly blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>) {}

  start(): void {
    if (this.#id !== undefined && this.blocker.isStarted(this.#id)) return;
    this.#id = this.blocker.start('prevent-display-sleep');
  }

  stop(): void {
    if (this.#id === undefined) return;
    if (this.blocker.isStarted(this.#id)) this.blocker.stop(this.#id);
    this.#id = undefined;
  }
}
