// Public face of the kiosk: startKiosk and its service, loadConfig, and the parts the launcher,
// the shell and browser mode may need to name.
export { startKiosk, type KioskEvents, type KioskService, type StartKioskOptions } from './kiosk.js';
export { loadConfig, profileOf, type KioskConfig } from './config.js';
export { createKioskLogger, REDACT_PATHS, type KioskLogger } from './log.js';
export type { KioskClock, KioskLists, KioskSync, SampleSource, SampleCard, SampleCode } from './ports.js';
export type { KioskDeviceSet, SimulatedDevices } from './devices.js';
export type { FrameDecoder } from './camera-codes.js';
