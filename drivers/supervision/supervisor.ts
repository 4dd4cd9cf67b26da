// DeviceSupervisor: keeps one device connected — opens it, notices when it goes, reopens it with
// capped, jittered exponential back-off — and reports its health (ready, absent, faulty + why).
import { EventEmitter } from 'node:events';

export type DeviceHealth = { state: 'ready' } | { state: 'absent'; why: string } | { state: 'faulty'; why: string };

/** Timers and time; tests pass a fake clock (or use vitest's fake timers with the default). */
export interface DeviceClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: DeviceClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Handed to `connect`: how the device's own code tells the supervisor what happened to it. */
export interface ConnectionReport {
  /** The device went away or broke: the supervisor disconnects, reports `health` and reopens later. */
  lost(health: DeviceHealth): void;
  /** The device is connected but its state changed (a reader whose SAM module reports a fault). */
  report(health: DeviceHealth): void;
}

/** Closes what `connect` opened; called once, after `lost` or on stop(). */
export type Disconnect = () => void | Promise<void>;

export interface BackOff {
  /** Delay before the first reopen. Default 250 ms. */
  firstMs?: number;
  /** The cap. Default 30 s: a kiosk whose reader was unplugged for the night retries twice a minute. */
  maxMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /** Up to this fraction is taken off each delay at random, so devices that failed together do not retry in step. Default 0.2. */
  jitter?: number;
}

export interface DeviceSupervisorOptions {
  /** What the device is, for messages: "card reader", "QR scanner". */
  name: string;
  /** Opens the device and wires its events to `report`; throws when it cannot be opened. */
  connect: (report: ConnectionReport) => Promise<Disconnect>;
  /** Health for an error `connect` threw. Default: describeOpenError without a path, naming the device. */
  describeError?: (err: unknown) => DeviceHealth;
  backOff?: BackOff;
  /** A connection that lasted this long counts as healthy again: the next loss retries from firstMs. Default 10 s. */
  stableMs?: number;
  clock?: DeviceClock;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
}

export interface RetryScheduled {
  /** Failed attempts in a row, this one included. */
  attempt: number;
  delayMs: number;
  health: DeviceHealth;
}

export interface DeviceSupervisorEvents {
  /** Fires only when the state (or its reason) changes. */
  health: [DeviceHealth];
  retry: [RetryScheduled];
}

interface Connection {
  disconnect: Disconnect;
  since: number;
}

export class DeviceSupervisor extends EventEmitter<DeviceSupervisorEvents> {
  readonly name: string;
  private readonly connectDevice: DeviceSupervisorOptions['connect'];
  private readonly describeError: (err: unknown) => DeviceHealth;
  private readonly firstMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly stableMs: number;
  private readonly clock: DeviceClock;
  private readonly random: () => number;
  private current: DeviceHealth = { state: 'absent', why: 'not started' };
  private running = false;
  private connection: Connection | undefined;
  /** Identifies the current connect attempt; reports from an older one are ignored. */
  private generation = 0;
  private connecting: Promise<void> | undefined;
  private retryTimer: unknown;
  private failures = 0;

  constructor(options: DeviceSupervisorOptions) {
    super();
    const { name, connect, describeError = (err: unknown) => describeOpenError(undefined, err, name), backOff = {}, stableMs = 10_000, clock = systemClock, random = Math.random } = options;
    if (typeof name !== 'string' || name === '') throw new TypeError('DeviceSupervisor: option "name" must say what the device is, e.g. "QR scanner"');
    if (typeof connect !== 'function') throw new TypeError('DeviceSupervisor: option "connect" must be a function that opens the device');
    const { firstMs = 250, maxMs = 30_000, factor = 2, jitter = 0.2 } = backOff;
    if (!Number.isFinite(firstMs) || firstMs < 1) throw new TypeError(`DeviceSupervisor: option "backOff.firstMs" must be ≥ 1 (got ${String(firstMs)})`);
    if (!Number.isFinite(maxMs) || maxMs < firstMs) throw new TypeError(`DeviceSupervisor: option "backOff.maxMs" must be ≥ backOff.firstMs (got ${String(maxMs)})`);
    if (!Number.isFinite(factor) || factor < 1) throw new TypeError(`DeviceSupervisor: option "backOff.factor" must be ≥ 1 (got ${String(factor)})`);
    if (!Number.isFinite(jitter) || jitter < 0 || jitter >= 1) throw new TypeError(`DeviceSupervisor: option "backOff.jitter" must be in [0, 1) (got ${String(jitter)})`);
    if (!Number.isFinite(stableMs) || stableMs < 0) throw new TypeError(`DeviceSupervisor: option "stableMs" must be ≥ 0 (got ${String(stableMs)})`);
    this.name = name;
    this.connectDevice = connect;
    this.describeError = describeError;
    this.firstMs = firstMs;
    this.maxMs = maxMs;
    this.factor = factor;
    this.jitter = jitter;
    this.stableMs = stableMs;
    this.clock = clock;
    this.random = random;
  }

  get health(): DeviceHealth {
    return this.current;
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  /** Resolves once the first attempt to open the device is over, whatever its health. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    await this.attempt();
  }

  /** Cancels any reopen, closes the device; health becomes absent ("stopped"). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.cancelRetry();
    await this.connecting;
    const connection = this.connection;
    this.connection = undefined;
    this.generation++;
    if (connection) await closeQuietly(connection.disconnect);
    this.report({ state: 'absent', why: 'stopped' });
  }

  /** Tries at once instead of waiting out the back-off (a udev "add" event, an operator's button). */
  async retryNow(): Promise<void> {
    if (!this.running || this.connection || this.connecting) return this.connecting;
    this.cancelRetry();
    await this.attempt();
  }

  private attempt(): Promise<void> {
    this.retryTimer = undefined;
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    if (!this.running) return;
    const generation = ++this.generation;
    let lostEarly: DeviceHealth | undefined;
    let reported = false;
    const handle: ConnectionReport = {
      lost: (health) => {
        if (generation !== this.generation) return;
        if (this.connection) this.onLost(health);
        else lostEarly ??= health;
      },
      report: (health) => {
        if (generation !== this.generation) return;
        reported = true;
        this.report(health);
      },
    };
    let disconnect: Disconnect;
    try {
      disconnect = await this.connectDevice(handle);
    } catch (err) {
      if (generation !== this.generation) return;
      this.report(this.describeError(err));
      this.retryLater();
      return;
    }
    if (generation !== this.generation || !this.running) {
      await closeQuietly(disconnect);
      return;
    }
    if (lostEarly) {
      // Gone between opening and being handed over: treat it as never connected.
      await closeQuietly(disconnect);
      this.report(lostEarly);
      this.retryLater();
      return;
    }
    this.connection = { disconnect, since: this.clock.now() };
    if (!reported) this.report({ state: 'ready' });
  }

  private onLost(health: DeviceHealth): void {
    const connection = this.connection!;
    this.connection = undefined;
    this.generation++;
    if (this.clock.now() - connection.since >= this.stableMs) this.failures = 0;
    void closeQuietly(connection.disconnect);
    this.report(health);
    this.retryLater();
  }

  private retryLater(): void {
    if (!this.running || this.retryTimer !== undefined) return;
    const base = Math.min(this.firstMs * this.factor ** this.failures, this.maxMs);
    const delayMs = Math.max(1, Math.round(base * (1 - this.jitter * this.random())));
    this.failures++;
    this.retryTimer = this.clock.setTimeout(() => void this.attempt(), delayMs);
    this.emit('retry', { attempt: this.failures, delayMs, health: this.current });
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private report(health: DeviceHealth): void {
    const before = this.current;
    this.current = health;
    const same = before.state === health.state && (before.state === 'ready' || (health.state !== 'ready' && before.why === health.why));
    if (!same) this.emit('health', health);
  }
}

async function closeQuietly(disconnect: Disconnect): Promise<void> {
  try {
    await disconnect();
  } catch {
    // The device is being dropped: a failing close says nothing the health does not already.
  }
}

/**
 * Health for an error met opening the device `name` at `path`: a missing device is absent (it
 * may be plugged in later); anything else is a fault, with what to do about it where known.
 */
export function describeOpenError(path: string | undefined, err: unknown, name = 'the device'): DeviceHealth {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const where = path ?? name;
  if (/ENOENT|ENODEV|ENXIO/.test(code) || /No such file or directory|No such device|does not exist|File not found|ENOENT|ENODEV|ENXIO/i.test(message)) {
    return { state: 'absent', why: path ? `no device at ${path}` : `${name} not found` };
  }
  if (code === 'EACCES' || /Permission denied|EACCES/i.test(message)) {
    return { state: 'faulty', why: `permission denied on ${where}: add the kiosk user to the dialout group (or install config/udev/99-verikiosk.rules) and log in again` };
  }
  if (code === 'EBUSY' || /lock|busy|EBUSY/i.test(message)) {
    return { state: 'faulty', why: `${where} is in use by another program (ModemManager? see config/udev/99-verikiosk.rules)` };
  }
  return { state: 'faulty', why: message };
}
