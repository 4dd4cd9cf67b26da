// The shell's face for other Electron entries (the demo launcher's): run the kiosk shell in this
// Electron main process. Importing this file imports `electron`: only an Electron process may.
import * as electron from 'electron';
import { runKioskShell } from './run.js';
import type { RunShellOptions } from './run.js';

export type { RunShellOptions } from './run.js';

/** Call at the entry's top level without awaiting it (see runKioskShell). */
export function launchShell(options: RunShellOptions): Promise<void> {
  return runKioskShell(electron, options);
}
