// The kiosk's devices, chosen once at start-up: the real drivers from the configuration, or in
// simulation mode their fake twins (which the simulation panel drives). A section set to null is
// a device this kiosk does not have.
import { FakeCamera, FswebcamCamera, type Camera } from '../../drivers/camera/index.js';
import { FakeCardReader, SerialCardReader, type CardReader } from '../../drivers/card-reader/index.js';
import { FakeSignals, openSignals, type SignalsNotice, type Signals, type SignalsSettings } from '../../drivers/gpio/index.js';
import { FakeQrScanner } from '../../drivers/qr-scanner/fake.js';
import { SerialQrScanner, type QrScanner } from '../../drivers/qr-scanner/scanner.js';
import type { SiteProfile } from '../../config/profiles.js';
import type { KioskConfig } from './config.js';

export interface KioskDeviceSet {
  readonly cardReader?: CardReader;
  readonly qrScanner?: QrScanner;
  readonly camera?: Camera;
  readonly signals?: Signals;
}

/** The fakes, in simulation mode: what the `simulate` commands act on. */
export interface SimulatedDevices {
  readonly cardReader?: FakeCardReader;
  readonly qrScanner?: FakeQrScanner;
  readonly camera?: FakeCamera;
  readonly signals?: FakeSignals;
}

export interface OpenedDevices {
  readonly devices: KioskDeviceSet;
  /** Present in simulation mode. */
  readonly simulated?: SimulatedDevices;
  /** Real GPIO was wanted but could not be driven: the fake stands in (openSignals says why). */
  readonly signalsNotice?: SignalsNotice;
}

/** The signals section as the profile allows it: a profile whose relay is `never` never energises it. */
export function effectiveSignals(settings: SignalsSettings, profile: SiteProfile): SignalsSettings {
  return profile.relay === 'never' ? { ...settings, relay: { ...settings.relay, enabled: false } } : settings;
}

/** Makes the devices the configuration names (not yet started). */
export async function openDevices(config: KioskConfig, profile: SiteProfile): Promise<OpenedDevices> {
  const signalsSettings = config.signals && effectiveSignals(config.signals, profile);
  if (config.simulation) {
    const simulated: SimulatedDevices = {
      ...(config.cardReader ? { cardReader: new FakeCardReader({ pollIntervalMs: config.cardReader.pollIntervalMs }) } : {}),
      ...(config.qrScanner ? { qrScanner: new FakeQrScanner() } : {}),
      ...(config.camera ? { camera: new FakeCamera() } : {}),
      ...(signalsSettings ? { signals: new FakeSignals(signalsSettings) } : {}),
    };
    return { devices: simulated, simulated };
  }
  const devices: { -readonly [K in keyof KioskDeviceSet]: KioskDeviceSet[K] } = {};
  if (config.cardReader) {
    devices.cardReader = new SerialCardReader({ path: config.cardReader.port, baudRate: config.cardReader.baudRate, pollIntervalMs: config.cardReader.pollIntervalMs });
  }
  if (config.qrScanner) {
    const q = config.qrScanner;
    devices.qrScanner = new SerialQrScanner({
      path: q.port,
      baudRate: q.baudRate,
      terminator: q.terminator,
      prefix: q.prefix,
      suffix: q.suffix,
      ...(q.interByteTimeoutMs !== undefined ? { interByteTimeoutMs: q.interByteTimeoutMs } : {}),
    });
  }
  if (config.camera) devices.camera = new FswebcamCamera({ device: config.camera.device, width: config.camera.width, height: config.camera.height });
  let signalsNotice: SignalsNotice | undefined;
  if (signalsSettings) {
    const opened = await openSignals(signalsSettings);
    devices.signals = opened.signals;
    signalsNotice = opened.notice;
  }
  return { devices, ...(signalsNotice ? { signalsNotice } : {}) };
}
