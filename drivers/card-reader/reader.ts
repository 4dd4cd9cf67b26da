// The CardReader interface and its real implementation over a serial SAM reader: the polling
// read cycle (find → select → read), health, the lift-after-failure rule and one-shot reads.
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { COMMANDS, SW3_FOUND, SW3_OK, type SamResponse } from './frame.js';
import { CardReaderError, ReaderStatusError, type CardReaderErrorCode } from './errors.js';
import { SamLink, type OpenSerialPort, type SerialPortLike } from './link.js';
import { checkMaxFrameSize } from './parser.js';
import type { PhotoDecoder } from './photo.js';
import { decodeCard, PHOTO_BLOCK_BYTES, TEXT_BLOCK_BYTES, withDecodedPhoto, type CardRecord } from './text.js';

export type ReaderHealth =
  | { readonly state: 'ready' }
  | { readonly state: 'absent'; readonly why: string; readonly code: CardReaderErrorCode }
  | { readonly state: 'faulty'; readonly why: string; readonly code: CardReaderErrorCode };

export interface CardReaderEvents {
  /** A card was read. Emitted once per placement: not again while the card stays. */
  card: [record: CardRecord];
  /** The card that was read (or that failed) left the reader. */
  removed: [];
  /** A failure. Only emitted when someone listens, so a kiosk without a listener never crashes. */
  error: [error: CardReaderError];
  /** Emitted on every change. */
  health: [health: ReaderHealth];
}

/** What main/kiosk sees of a card reader; the real one and the fake twin both implement it. */
export interface CardReader {
  readonly health: ReaderHealth;
  start(): Promise<void>;
  stop(): Promise<void>;
  on<K extends keyof CardReaderEvents>(event: K, listener: (...args: CardReaderEvents[K]) => void): this;
  off<K extends keyof CardReaderEvents>(event: K, listener: (...args: CardReaderEvents[K]) => void): this;
  once<K extends keyof CardReaderEvents>(event: K, listener: (...args: CardReaderEvents[K]) => void): this;
}

export const MIN_POLL_INTERVAL_MS = 300;

export interface CommandTimeouts {
  /** SAM status at start-up. Default 1000. */
  status: number;
  find: number;
  select: number;
  /** Read text + photo: 1,295 bytes take 112 ms of wire time at 115200, readers take 2–3 s. Default 3000. */
  read: number;
}

export interface SerialCardReaderOptions {
  /** Serial device, e.g. /dev/ttyUSB0. */
  path: string;
  /** Default 115200 (the reader's default). */
  baudRate?: number;
  /** Makes the (not yet open) port; default `new SerialPort({ path, baudRate, autoOpen: false })`. */
  openPort?: OpenSerialPort;
  /** Start-to-start time between polls for a card; at least 300 ms (spec). Default 300. */
  pollIntervalMs?: number;
  /** Per-command timeouts in ms; defaults find 1000, select 1000, read 3000, status 1000. */
  timeouts?: Partial<CommandTimeouts>;
  /** Resends after a timeout. Default 1. */
  resends?: number;
  /** How often to retry opening an absent port. Default 2000. */
  reopenIntervalMs?: number;
  /** A site's WLT decoder; without one the photo stays raw. */
  photoDecoder?: PhotoDecoder;
  /** Largest frame the parser accepts. Default 4096. */
  maxFrameSize?: number;
}

const DEFAULT_TIMEOUTS: CommandTimeouts = { status: 1000, find: 1000, select: 1000, read: 3000 };

/** Statuses that say the reader itself (not the card) is unwell. */
const FAULT_STATUSES = new Set([0x10, 0x11, 0x21, 0x23, 0x24, 0x47, 0x60, 0x66]);

type CardState =
  | { kind: 'none' }
  | { kind: 'emitted'; serial: string }
  /** A read failed: nothing is tried until the reader reports no card (spec: lift and place again). */
  | { kind: 'must_lift' };

function positiveInt(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`SerialCardReader: "${name}" must be an integer ≥ ${min}, got ${v}`);
  return v;
}

const defaultOpenPort: OpenSerialPort = ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });

export class SerialCardReader extends EventEmitter<CardReaderEvents> implements CardReader {
  private readonly path: string;
  private readonly baudRate: number;
  private readonly openPort: OpenSerialPort;
  private readonly pollIntervalMs: number;
  private readonly timeouts: CommandTimeouts;
  private readonly resends: number;
  private readonly reopenIntervalMs: number;
  private readonly photoDecoder: PhotoDecoder | undefined;
  private readonly maxFrameSize: number | undefined;

  private currentHealth: ReaderHealth = { state: 'absent', why: 'The card reader has not been started.', code: 'stopped' };
  private link: SamLink | undefined;
  private card: CardState = { kind: 'none' };
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(options: SerialCardReaderOptions) {
    super();
    if (typeof options.path !== 'string' || options.path === '') throw new TypeError('SerialCardReader: "path" must name the serial device');
    this.path = options.path;
    this.baudRate = positiveInt('baudRate', options.baudRate ?? 115200);
    this.openPort = options.openPort ?? defaultOpenPort;
    this.pollIntervalMs = positiveInt('pollIntervalMs', options.pollIntervalMs ?? MIN_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    for (const [k, v] of Object.entries(this.timeouts)) positiveInt(`timeouts.${k}`, v);
    this.resends = positiveInt('resends', options.resends ?? 1, 0);
    this.reopenIntervalMs = positiveInt('reopenIntervalMs', options.reopenIntervalMs ?? 2000);
    this.photoDecoder = options.photoDecoder;
    this.maxFrameSize = options.maxFrameSize;
    if (this.maxFrameSize !== undefined) checkMaxFrameSize(this.maxFrameSize, 'response');
  }

  get health(): ReaderHealth {
    return this.currentHealth;
  }

  /** The open link's counters (parser drops, resends), for diagnostics; undefined when closed. */
  get linkStats(): { parser: SamLink['parser']['stats']; link: SamLink['stats'] } | undefined {
    return this.link && { parser: this.link.parser.stats, link: this.link.stats };
  }

  /** Opens the port and starts polling. Resolves after the first open attempt; see `health`. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
    this.loopDone = this.loop();
  }

  /** Stops polling and closes the port; resolves once nothing runs any more. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    const link = this.link;
    this.link = undefined;
    await link?.close();
    await this.loopDone;
    this.loopDone = undefined;
    this.card = { kind: 'none' };
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      if (this.link) {
        await this.cycle(this.link);
        await this.sleep(Math.max(0, this.pollIntervalMs - (Date.now() - started)));
      } else {
        await this.sleep(this.reopenIntervalMs);
        if (this.running) await this.connect();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async connect(): Promise<void> {
    let port: SerialPortLike;
    try {
      port = this.openPort({ path: this.path, baudRate: this.baudRate });
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      this.becomeAbsent(new CardReaderError('port_unavailable', `${this.path}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    if (!this.running) {
      port.close(() => {});
      return;
    }
    const link = new SamLink(port, { maxFrameSize: this.maxFrameSize });
    link.onLost((why) => {
      if (this.link !== link) return;
      this.link = undefined;
      void link.close();
      if (this.running) this.becomeAbsent(why);
    });
    this.link = link;
    try {
      const status = await link.exchange(COMMANDS.samStatus, { timeoutMs: this.timeouts.status, resends: this.resends });
      if (status.sw3 === SW3_OK) this.setHealth({ state: 'ready' });
      else this.reportStatus(new ReaderStatusError(status.sw3, 'samStatus'));
    } catch (err) {
      this.onLinkError(err);
    }
  }

  /** One poll: find → (select → read) following the card state. Never throws. */
  private async cycle(link: SamLink): Promise<void> {
    try {
      const find = await link.exchange(COMMANDS.findCard, { timeoutMs: this.timeouts.find, resends: this.resends });
      if (find.sw3 !== SW3_FOUND && find.sw3 !== 0x80) {
        this.reportStatus(new ReaderStatusError(find.sw3, 'findCard'));
        return;
      }
      this.setHealth({ state: 'ready' });
      if (find.sw3 === 0x80) {
        if (this.card.kind === 'emitted') this.emit('removed');
        this.card = { kind: 'none' };
        return;
      }
      if (this.card.kind === 'must_lift') return;

      const select = await link.exchange(COMMANDS.selectCard, { timeoutMs: this.timeouts.select, resends: this.resends });
      if (select.sw3 !== SW3_OK) {
        // A card already read may refuse a second select while it rests on the reader.
        if (this.card.kind === 'emitted') return;
        this.failCard(new ReaderStatusError(select.sw3, 'selectCard'));
        return;
      }
      const serial = Buffer.from(select.data).toString('hex');
      if (this.card.kind === 'emitted') {
        if (this.card.serial === serial) return;
        this.emit('removed'); // swapped faster than one poll
        this.card = { kind: 'none' };
      }

      const read = await link.exchange(COMMANDS.readTextPhoto, { timeoutMs: this.timeouts.read, resends: this.resends });
      if (read.sw3 !== SW3_OK) {
        this.failCard(new ReaderStatusError(read.sw3, 'readTextPhoto'));
        return;
      }
      let record = decodeCard(...splitTextPhoto(read));
      if (this.photoDecoder) record = await withDecodedPhoto(record, this.photoDecoder);
      if (!this.running) return;
      this.card = { kind: 'emitted', serial };
      this.emit('card', record);
    } catch (err) {
      if (err instanceof CardReaderError && (err.code === 'bad_response' || err.code === 'bad_text_block' || err.code === 'unknown_card_type')) {
        this.failCard(err);
      } else {
        this.onLinkError(err);
      }
    }
  }

  private failCard(err: CardReaderError): void {
    if (err instanceof ReaderStatusError && FAULT_STATUSES.has(err.sw3)) this.reportStatus(err);
    else this.raise(err);
    this.card = { kind: 'must_lift' };
  }

  private reportStatus(err: ReaderStatusError): void {
    if (FAULT_STATUSES.has(err.sw3)) this.setHealth({ state: 'faulty', why: err.message, code: err.code });
    this.raise(err);
  }

  private onLinkError(err: unknown): void {
    if (!this.running) return;
    const e = err instanceof CardReaderError ? err : new CardReaderError('disconnected', String(err), { cause: err });
    if (e.code === 'stopped') return;
    this.becomeAbsent(e);
  }

  /** The port is gone or the reader is silent: any card state is void. Errors once per outage. */
  private becomeAbsent(err: CardReaderError): void {
    if (this.card.kind === 'emitted') this.emit('removed');
    this.card = { kind: 'none' };
    const wasAbsent = this.currentHealth.state === 'absent' && this.currentHealth.code === err.code;
    this.setHealth({ state: 'absent', why: err.message, code: err.code });
    if (!wasAbsent) this.raise(err);
  }

  private raise(err: CardReaderError): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private setHealth(h: ReaderHealth): void {
    const c = this.currentHealth;
    if (c.state === h.state && (h.state === 'ready' || (c.state !== 'ready' && c.code === h.code && c.why === h.why))) return;
    this.currentHealth = h;
    this.emit('health', h);
  }
}

/** The text and photo blocks of a read answer: `LEN_TEXT LEN_PHOTO` (big-endian), then the blocks. */
export function splitTextPhoto(read: SamResponse): [text: Uint8Array, photo: Uint8Array] {
  const d = read.data;
  if (d.length < 4) throw new CardReaderError('bad_response', `read answer of ${d.length} bytes`);
  const textLen = (d[0]! << 8) | d[1]!;
  const photoLen = (d[2]! << 8) | d[3]!;
  if (textLen !== TEXT_BLOCK_BYTES || photoLen !== PHOTO_BLOCK_BYTES || d.length !== 4 + textLen + photoLen) {
    throw new CardReaderError('bad_response', `block lengths ${textLen}/${photoLen} in ${d.length} bytes`);
  }
  return [d.subarray(4, 4 + textLen), d.subarray(4 + textLen)];
}

export interface ReadCardOnceOptions {
  /** Serial device path. */
  port: string;
  /** Default 115200. */
  baud?: number;
  /** How long to wait for a card. */
  timeoutMs: number;
  openPort?: OpenSerialPort;
  photoDecoder?: PhotoDecoder;
}

/**
 * For `verikiosk read-card`: waits for one card and returns its record, or throws a
 * CardReaderError (`port_unavailable`, `timeout`, a status code, `no_card_in_time`, …).
 */
export async function readCardOnce(options: ReadCardOnceOptions): Promise<CardRecord> {
  const reader = new SerialCardReader({
    path: options.port,
    baudRate: options.baud ?? 115200,
    openPort: options.openPort,
    photoDecoder: options.photoDecoder,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<CardRecord>((resolve, reject) => {
      timer = setTimeout(() => reject(new CardReaderError('no_card_in_time', `${options.timeoutMs} ms`)), options.timeoutMs);
      reader.on('card', resolve);
      reader.on('error', reject);
      reader.start().catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await reader.stop();
  }
}
