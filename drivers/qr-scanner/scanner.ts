// The QR scanner driver: the QrScanner interface the kiosk sees, and SerialQrScanner, the real
// one on a serial port (USB CDC or RS-232), which reopens the port after an unplug.
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { DeviceSupervisor, type ConnectionReport, type DeviceHealth, type Disconnect } from '../supervision/supervisor.js';
import { checkFraming, QrCodeParser, type CheckedFraming, type QrFraming, type ScannerMessage } from './parser.js';

export type QrScannerHealth = DeviceHealth;

/** One code as the scanner read it; `at` is milliseconds since the epoch on the driver's clock. */
export interface QrScan {
  text: string;
  at: number;
}

/** A code longer than the framing allows was dropped; `dropped` counts them since start(). */
export interface QrTooLong {
  dropped: number;
  at: number;
}

export interface QrScannerEvents {
  scan: [QrScan];
  health: [QrScannerHealth];
  too_long: [QrTooLong];
}

/**
 * What the kiosk knows of a QR scanner, real or fake. Events arrive asynchronously; `health`
 * fires only when the state (or its reason) changes. Codes are personal data: never log `text`.
 */
export interface QrScanner extends EventEmitter<QrScannerEvents> {
  readonly health: QrScannerHealth;
  /** Resolves once the first attempt to reach the device is over, whatever its health. */
  start(): Promise<void>;
  /** Stops reading and releases the device; health becomes absent ("stopped"). */
  stop(): Promise<void>;
}

/** The part of serialport's SerialPort (or SerialPortMock) this driver uses. */
export interface SerialLine {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  get(callback: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (err?: Error & { disconnected?: boolean }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
}
export type SerialLineFactory = (options: { path: string; baudRate: number; autoOpen: false }) => SerialLine;

export interface SerialQrScannerOptions extends QrFraming {
  /** The device, e.g. /dev/ttyACM0 or a /dev/serial/by-id/… link. */
  path: string;
  /** Default 9600; 115200 is the other common setting. */
  baudRate?: number;
  /** Makes the port; default the real serialport. Tests pass SerialPortMock. */
  openPort?: SerialLineFactory;
  /** Clock for `at`, default Date.now. */
  now?: () => number;
  /** Back-off between attempts to reopen a missing or failed port: doubles from `firstMs` to `maxMs`. */
  reopen?: { firstMs?: number; maxMs?: number };
  /** How often to ask the open port for its modem status, to notice an unplug reads miss; 0 = never. Default 1000 ms. */
  probeMs?: number;
}

const DRIVER_KEYS = new Set(['path', 'baudRate', 'openPort', 'now', 'reopen', 'probeMs']);
const FRAMING_KEYS = new Set(['terminator', 'prefix', 'suffix', 'interByteTimeoutMs', 'maxLength']);
/** What the OS answers on a line whose device is gone (a hung-up tty answers ioctls with EIO). */
const GONE = /Input\/output error|EIO|ENXIO|ENODEV|No such device|bad file descriptor|EBADF/i;

/**
 * The real scanner on a serial port. Opening, noticing the port go, reopening it with doubling
 * back-off and the health that follows are the DeviceSupervisor's; this class owns the line.
 */
export class SerialQrScanner extends EventEmitter<QrScannerEvents> implements QrScanner {
  readonly path: string;
  readonly baudRate: number;
  readonly framing: CheckedFraming;
  private readonly openPort: SerialLineFactory;
  private readonly now: () => number;
  private readonly probeMs: number;
  private readonly supervisor: DeviceSupervisor;
  private running = false;
  private dropped = 0;

  constructor(options: SerialQrScannerOptions) {
    super();
    const framing: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options)) {
      if (DRIVER_KEYS.has(key)) continue;
      if (!FRAMING_KEYS.has(key)) throw new TypeError(`SerialQrScanner: unknown option "${key}" (known: ${[...DRIVER_KEYS, ...FRAMING_KEYS].join(', ')})`);
      framing[key] = value;
    }
    this.framing = checkFraming(framing);
    const { path, baudRate = 9600, openPort = (o) => new SerialPort(o), now = Date.now, reopen = {}, probeMs = 1000 } = options;
    if (typeof path !== 'string' || path === '') throw new TypeError('SerialQrScanner: option "path" must name the serial device, e.g. /dev/ttyACM0');
    if (!Number.isInteger(baudRate) || baudRate < 1) throw new TypeError(`SerialQrScanner: option "baudRate" must be a positive whole number (got ${String(baudRate)})`);
    if (typeof openPort !== 'function') throw new TypeError('SerialQrScanner: option "openPort" must be a function returning a SerialPort');
    if (typeof now !== 'function') throw new TypeError('SerialQrScanner: option "now" must be a function returning milliseconds');
    const { firstMs = 250, maxMs = 5000 } = reopen;
    if (!Number.isFinite(firstMs) || firstMs < 1) throw new TypeError(`SerialQrScanner: option "reopen.firstMs" must be ≥ 1 (got ${String(firstMs)})`);
    if (!Number.isFinite(maxMs) || maxMs < firstMs) throw new TypeError(`SerialQrScanner: option "reopen.maxMs" must be ≥ reopen.firstMs (got ${String(maxMs)})`);
    if (!Number.isInteger(probeMs) || probeMs < 0) throw new TypeError(`SerialQrScanner: option "probeMs" must be a whole number of milliseconds, 0 to disable (got ${String(probeMs)})`);
    this.path = path;
    this.baudRate = baudRate;
    this.openPort = openPort;
    this.now = now;
    this.probeMs = probeMs;
    this.supervisor = new DeviceSupervisor({
      name: 'QR scanner',
      connect: (report) => this.connect(report),
      describeError: (err) => describeOpenFailure(path, err),
      // Exact doubling, and a port that opened counts as healthy: after a loss the next reopen is firstMs away.
      backOff: { firstMs, maxMs, factor: 2, jitter: 0 },
      stableMs: 0,
    });
    this.supervisor.on('health', (health) => this.emit('health', health));
  }

  get health(): QrScannerHealth {
    return this.supervisor.health;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.dropped = 0;
    await this.supervisor.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.supervisor.stop();
  }

  /** Opens the port and wires it up; what it returns closes it again (after a loss, or on stop). */
  private async connect(report: ConnectionReport): Promise<Disconnect> {
    const port = this.openPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    // An 'error' without a listener would crash the kiosk; the open callback and 'close' carry what matters.
    port.on('error', (err: Error) => report.lost({ state: 'faulty', why: err.message }));
    const opened = await new Promise<Error | null>((resolve) => port.open((err) => resolve(err ?? null)));
    if (opened) {
      port.removeAllListeners();
      throw opened;
    }
    const parser = new QrCodeParser(this.framing);
    parser.on('data', (message: ScannerMessage) => this.deliver(message));
    port.on('data', (chunk: Buffer) => parser.write(chunk));
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      report.lost({ state: 'absent', why: err?.disconnected ? `disconnected: ${err.message}` : 'port closed' });
    });
    // serialport's unix read (bindings-cpp 13, issue #162) can spin on the zero-byte reads of a hung-up tty
    // instead of reporting the disconnect; the modem-status ioctl fails with EIO there, so ask it.
    const probeTimer = this.probeMs > 0 ? setInterval(() => probe(port, report), this.probeMs) : undefined;
    // Dropping the port drops any half-read code with it.
    return async () => {
      clearInterval(probeTimer);
      port.removeAllListeners();
      // Errors of a port being discarded must not become uncaught exceptions.
      port.on('error', () => undefined);
      parser.destroy();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    };
  }

  private deliver(message: ScannerMessage): void {
    if (message.type === 'code') {
      this.emit('scan', { text: message.text, at: this.now() });
    } else {
      this.dropped += 1;
      this.emit('too_long', { dropped: this.dropped, at: this.now() });
    }
  }
}

function probe(port: SerialLine, report: ConnectionReport): void {
  port.get((err) => {
    // Other failures (a pty or adapter without modem lines says ENOTTY) say nothing about presence.
    if (err && GONE.test(err.message)) report.lost({ state: 'absent', why: `disconnected: ${err.message}` });
  });
}

/** A missing device is absent (it may be plugged in later); anything else is a fault to fix. */
function describeOpenFailure(path: string, err: unknown): QrScannerHealth {
  const message = err instanceof Error ? err.message : String(err);
  if (/No such file or directory|No such device|does not exist|File not found|ENOENT|ENODEV|ENXIO/i.test(message)) {
    return { state: 'absent', why: `no device at ${path}` };
  }
  if (/Permission denied|EACCES/i.test(message)) {
    return { state: 'faulty', why: `permission denied on ${path}: add the kiosk user to the dialout group` };
  }
  if (/lock|busy|EBUSY/i.test(message)) {
    return { state: 'faulty', why: `${path} is in use by another program` };
  }
  return { state: 'faulty', why: message };
}
