// The card reader's fake twin for simulation mode and kiosk tests: cards are placed and lifted
// by calls, events keep the real reader's asynchronous timing (poll interval + read time).
import { EventEmitter } from 'node:events';
import { CardReaderError, ReaderStatusError } from './errors.js';
import { MIN_POLL_INTERVAL_MS, type CardReader, type CardReaderEvents, type ReaderHealth } from './reader.js';
import type { CardRecord } from './text.js';

export interface FakeCardReaderOptions {
  /** Default 300, like the real reader. */
  pollIntervalMs?: number;
  /** Time a full read takes; default 150 (1,359 bytes of wire time at 115200 plus the SAM). */
  readMs?: number;
}

type Placed = { record: CardRecord; failWith?: number; state: 'waiting' | 'emitted' | 'must_lift' };

export class FakeCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  private readonly pollIntervalMs: number;
  private readonly readMs: number;
  private currentHealth: ReaderHealth = { state: 'absent', why: 'The card reader has not been started.', code: 'stopped' };
  private placed: Placed | undefined;
  /** A card that was read or failed, until a poll sees the reader empty. */
  private seen: Placed | undefined;
  private plugged = true;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(options: FakeCardReaderOptions = {}) {
    super();
    this.pollIntervalMs = options.pollIntervalMs ?? MIN_POLL_INTERVAL_MS;
    this.readMs = options.readMs ?? 150;
    if (!Number.isInteger(this.pollIntervalMs) || this.pollIntervalMs < 1) {
      throw new RangeError(`FakeCardReader: "pollIntervalMs" must be a positive integer, got ${this.pollIntervalMs}`);
    }
  }

  get health(): ReaderHealth {
    return this.currentHealth;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await new Promise((r) => setImmediate(r));
    this.setHealth(this.plugged ? { state: 'ready' } : absent());
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.seen = undefined;
  }

  /**
   * Places a card; the next poll reads it. `failWith` makes the read answer that SW3 (e.g.
   * 0x41): the reader then reports the error and ignores the card until it is lifted.
   */
  present(record: CardRecord, options: { failWith?: number } = {}): void {
    if (this.placed) throw new Error('FakeCardReader.present: a card is already on the reader; call lift() first');
    this.placed = { record, failWith: options.failWith, state: 'waiting' };
  }

  lift(): void {
    if (!this.placed) throw new Error('FakeCardReader.lift: no card is on the reader; call present(record) first');
    this.placed = undefined;
  }

  /** Pulls the cable: health becomes absent at the next poll, and a read card is removed. */
  unplug(): void {
    this.plugged = false;
  }

  /** Puts the cable back. */
  plug(): void {
    this.plugged = true;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    if (!this.plugged) {
      if (this.seen?.state === 'emitted') this.emit('removed');
      this.seen = undefined;
      if (this.currentHealth.state !== 'absent') {
        this.setHealth(absent());
        this.raise(new CardReaderError('disconnected', 'fake reader unplugged'));
      }
      this.schedule(this.pollIntervalMs);
      return;
    }
    this.setHealth({ state: 'ready' });
    const placed = this.placed;
    if (this.seen && this.seen !== placed) {
      if (this.seen.state === 'emitted') this.emit('removed');
      this.seen = undefined;
    }
    if (placed && placed.state === 'waiting') {
      await new Promise((r) => setTimeout(r, this.readMs));
      if (!this.running) return;
      if (this.placed === placed) {
        if (placed.failWith !== undefined) {
          placed.state = 'must_lift';
          this.raise(new ReaderStatusError(placed.failWith, 'readTextPhoto'));
        } else {
          placed.state = 'emitted';
          this.emit('card', placed.record);
        }
        this.seen = placed;
      }
    }
    this.schedule(Math.max(0, this.pollIntervalMs - (Date.now() - started)));
  }

  private raise(err: CardReaderError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private setHealth(h: ReaderHealth): void {
    if (h.state === this.currentHealth.state) return;
    this.currentHealth = h;
    this.emit('health', h);
  }
}

function absent(): ReaderHealth {
  return { state: 'absent', why: 'The fake card reader is unplugged (call plug()).', code: 'disconnected' };
}
