// FakeQrScanner: the QR scanner's twin for simulation mode and tests. Same events, same
// asynchronous timing, same length bound; codes come from scan() instead of a serial port.
import { EventEmitter } from 'node:events';
import { MAX_CODE_LENGTH } from './parser.js';
import type { QrScanner, QrScannerEvents, QrScannerHealth } from './scanner.js';

export interface FakeQrScannerOptions {
  /** Clock for `at`, default Date.now. */
  now?: () => number;
  /** Longest code delivered; longer ones become `too_long`, as with the real framing. Default 4,296. */
  maxLength?: number;
  /** Whether the device starts plugged in. Default true. */
  plugged?: boolean;
}

export class FakeQrScanner extends EventEmitter<QrScannerEvents> implements QrScanner {
  private readonly now: () => number;
  private readonly maxLength: number;
  private plugged: boolean;
  private running = false;
  private current: QrScannerHealth = { state: 'absent', why: 'not started' };
  private dropped = 0;

  constructor(options: FakeQrScannerOptions = {}) {
    super();
    const { now = Date.now, maxLength = MAX_CODE_LENGTH, plugged = true } = options;
    if (typeof now !== 'function') throw new TypeError('FakeQrScanner: option "now" must be a function returning milliseconds');
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new TypeError(`FakeQrScanner: option "maxLength" must be a whole number ≥ 1 (got ${String(maxLength)})`);
    if (typeof plugged !== 'boolean') throw new TypeError('FakeQrScanner: option "plugged" must be true or false');
    this.now = now;
    this.maxLength = maxLength;
    this.plugged = plugged;
  }

  get health(): QrScannerHealth {
    return this.current;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.dropped = 0;
    await nextTurn();
    this.report(this.plugged ? { state: 'ready' } : { state: 'absent', why: 'unplugged' });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await nextTurn();
    this.report({ state: 'absent', why: 'stopped' });
  }

  /** Presents a code to the scanner; `scan` (or `too_long`) follows on a later turn of the event loop. */
  scan(text: string): void {
    if (typeof text !== 'string' || text === '') throw new TypeError('FakeQrScanner.scan: pass the code text (a non-empty string)');
    if (!this.running) throw new Error('FakeQrScanner.scan: the scanner is not started; call start() first');
    if (!this.plugged) throw new Error('FakeQrScanner.scan: the scanner is unplugged; call replug() first');
    setImmediate(() => {
      if (!this.running || !this.plugged) return; // unplugged before the bytes arrived, as on the wire
      const at = this.now();
      if (text.length > this.maxLength) {
        this.dropped += 1;
        this.emit('too_long', { dropped: this.dropped, at });
      } else {
        this.emit('scan', { text, at });
      }
    });
  }

  /** Pulls the cable: health becomes absent until replug(). */
  unplug(): void {
    this.plugged = false;
    setImmediate(() => {
      if (this.running && !this.plugged) this.report({ state: 'absent', why: 'unplugged' });
    });
  }

  replug(): void {
    this.plugged = true;
    setImmediate(() => {
      if (this.running && this.plugged) this.report({ state: 'ready' });
    });
  }

  private report(health: QrScannerHealth): void {
    const before = this.current;
    this.current = health;
    const same = before.state === health.state && (before.state === 'ready' || (health.state !== 'ready' && before.why === health.why));
    if (!same) this.emit('health', health);
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
