// The card-reader simulator's library form: speaks the SAM reader protocol over any byte
// transport (a pty via `CardReaderSimulator.openPath`, or a mock port in tests) and takes
// orders to place and lift cards and to misbehave (noise, split, glued, corrupt, error statuses).
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import {
  commandName,
  COMMANDS,
  encodeResponse,
  encodeTextPhotoData,
  SET_BAUD_CMD,
  SW3_FOUND,
  SW3_OK,
  type SamCommand,
  type SamRequest,
} from '../../../drivers/card-reader/frame.js';
import { SamFrameParser } from '../../../drivers/card-reader/parser.js';
import { CARDS, type SimulatedCard } from './fixtures.js';

/** A byte pipe to the host: the simulator sends answers and hears requests. */
export interface SimulatorTransport {
  send(bytes: Buffer): Promise<void>;
  onReceive(listener: (chunk: Buffer) => void): void;
  close(): Promise<void>;
}

/** Which command a fault applies to. */
export type FaultTarget = 'status' | 'find' | 'select' | 'read' | 'any';

export interface SimulatorStats {
  /** Requests heard, by command name (see COMMANDS). */
  requests: Record<string, number>;
  answers: number;
  bytesIn: number;
  bytesOut: number;
  /**
   * Time the simulator stretched its answers on purpose, in ms: the line time of each paced
   * answer (its last chunk is held until then), plus measured split delays.
   */
  deliberateDelayMs: number;
}

export interface CardReaderSimulatorOptions {
  /** Used for pacing. Default 115200. */
  baudRate?: number;
}

const SAM_ID = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);

function sameCommand(r: SamRequest, c: SamCommand): boolean {
  return r.cmd === c.cmd && r.para === c.para;
}

function targetOf(r: SamRequest): FaultTarget | undefined {
  if (sameCommand(r, COMMANDS.samStatus)) return 'status';
  if (sameCommand(r, COMMANDS.findCard)) return 'find';
  if (sameCommand(r, COMMANDS.selectCard)) return 'select';
  if (sameCommand(r, COMMANDS.readTextPhoto)) return 'read';
  return undefined;
}

/** Garbage a noisy line might carry: random bytes, a false preamble with a bad checksum, one with an absurd LEN, a stray half preamble. */
function noise(seed: number): Buffer {
  let x = seed | 1;
  const rnd = (n: number) =>
    Buffer.from(
      Array.from({ length: n }, () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        const b = x & 0xff;
        return b === 0xaa ? 0x55 : b;
      }),
    );
  return Buffer.concat([
    rnd(7),
    Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x00]),
    rnd(5),
    Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69, 0xff, 0xff]),
    Buffer.from([0xaa, 0xaa]),
  ]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class CardReaderSimulator {
  readonly stats: SimulatorStats = { requests: {}, answers: 0, bytesIn: 0, bytesOut: 0, deliberateDelayMs: 0 };
  private readonly baudRate: number;
  private readonly parser = new SamFrameParser({ direction: 'request' });
  private card: SimulatedCard | undefined;
  private faults: { target: FaultTarget; sw3: number; remaining: number }[] = [];
  private noisy = false;
  private noiseSeed = 0x2545f491;
  private split: { chunkBytes: number; delayMs: number } | undefined;
  private glued = false;
  private corruptions = 0;
  private muted = false;
  private paced = false;
  private sending: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly transport: SimulatorTransport,
    options: CardReaderSimulatorOptions = {},
  ) {
    this.baudRate = options.baudRate ?? 115200;
    this.parser.on('data', (r: SamRequest) => this.onRequest(r));
    transport.onReceive((chunk) => {
      this.stats.bytesIn += chunk.length;
      this.parser.write(chunk);
    });
  }

  /** Runs the simulator on a serial device or pty (one end of a socat pair). */
  static async openPath(path: string, options: CardReaderSimulatorOptions = {}): Promise<CardReaderSimulator> {
    const port = new SerialPort({ path, baudRate: options.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('error', () => {}); // the host end vanishing is not the simulator's failure
    const transport: SimulatorTransport = {
      send: (bytes) =>
        new Promise<void>((resolve, reject) => {
          port.write(bytes, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
        }),
      onReceive: (listener) => port.on('data', listener),
      close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
    };
    return new CardReaderSimulator(transport, options);
  }

  /** The card now on the reader, if any. */
  get placed(): SimulatedCard | undefined {
    return this.card;
  }

  /** Puts a card (or a fixture, by label) on the reader. */
  place(card: SimulatedCard | string): void {
    const c = typeof card === 'string' ? CARDS[card] : card;
    if (!c) throw new Error(`unknown card fixture "${String(card)}"; known: ${Object.keys(CARDS).join(', ')}`);
    this.card = c;
  }

  lift(): void {
    this.card = undefined;
  }

  /** Answers the next `times` requests for `target` with status `sw3` (and no data). */
  failNext(target: FaultTarget, sw3: number, times = 1): void {
    this.faults.push({ target, sw3, remaining: times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Puts garbage (with false preambles) before every answer. */
  setNoise(on: boolean): void {
    this.noisy = on;
  }

  /** Writes every answer in chunks of `chunkBytes` with `delayMs` between them; undefined = whole. */
  setSplit(split: { chunkBytes: number; delayMs: number } | undefined): void {
    if (split && (!Number.isInteger(split.chunkBytes) || split.chunkBytes < 1 || split.delayMs < 0)) {
      throw new RangeError('setSplit: chunkBytes must be a positive integer and delayMs ≥ 0');
    }
    this.split = split;
  }

  /** Sends every answer twice in one write, as a reader does that answered a resend as well. */
  setGlue(on: boolean): void {
    this.glued = on;
  }

  /** Corrupts the checksum of the next `times` answers. */
  corruptNext(times = 1): void {
    this.corruptions += times;
  }

  /** Stops answering (a powered-down reader behind a live USB bridge). */
  setMuted(on: boolean): void {
    this.muted = on;
  }

  /** Delivers answers no faster than the baud rate allows (10 bits per byte). */
  setPacing(on: boolean): void {
    this.paced = on;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sending.catch(() => {});
    await this.transport.close();
  }

  private onRequest(r: SamRequest): void {
    const name = commandName(r.cmd, r.para);
    this.stats.requests[name] = (this.stats.requests[name] ?? 0) + 1;
    if (this.muted || this.closed) return;
    let answer = this.answer(r);
    if (this.corruptions > 0) {
      this.corruptions--;
      answer = Buffer.from(answer);
      answer[answer.length - 1]! ^= 0xff;
    }
    let bytes = this.glued ? Buffer.concat([answer, answer]) : answer;
    if (this.noisy) bytes = Buffer.concat([noise(this.noiseSeed++), bytes]);
    this.stats.answers++;
    this.sending = this.sending.then(() => this.deliver(bytes)).catch(() => {});
  }

  private answer(r: SamRequest): Buffer {
    const target = targetOf(r);
    const fault = this.faults.find((f) => f.target === 'any' || f.target === target);
    if (fault) {
      if (--fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
      return encodeResponse({ sw3: fault.sw3 });
    }
    const card = this.card;
    if (sameCommand(r, COMMANDS.samStatus) || sameCommand(r, COMMANDS.resetSam) || r.cmd === SET_BAUD_CMD) {
      return encodeResponse({ sw3: SW3_OK });
    }
    if (sameCommand(r, COMMANDS.readSamId)) return encodeResponse({ sw3: SW3_OK, data: SAM_ID });
    if (sameCommand(r, COMMANDS.findCard)) {
      return card ? encodeResponse({ sw3: SW3_FOUND, data: new Uint8Array(4) }) : encodeResponse({ sw3: 0x80 });
    }
    if (sameCommand(r, COMMANDS.selectCard)) {
      return card ? encodeResponse({ sw3: SW3_OK, data: card.chipSerial }) : encodeResponse({ sw3: 0x81 });
    }
    if (sameCommand(r, COMMANDS.readTextPhoto)) {
      return card ? encodeResponse({ sw3: SW3_OK, data: encodeTextPhotoData(card.text, card.photo) }) : encodeResponse({ sw3: 0x41 });
    }
    if (sameCommand(r, COMMANDS.readAppendedAddress)) return encodeResponse({ sw3: 0x91 });
    return encodeResponse({ sw3: 0x21 });
  }

  private async deliver(bytes: Buffer): Promise<void> {
    const chunk = this.split?.chunkBytes ?? (this.paced ? 16 : bytes.length);
    const start = performance.now();
    if (this.paced) this.stats.deliberateDelayMs += ((bytes.length * 10) / this.baudRate) * 1000;
    for (let at = 0; at < bytes.length; at += chunk) {
      const end = Math.min(bytes.length, at + chunk);
      if (this.paced) {
        // A byte cannot arrive before the line has carried it: wait until this chunk's last bit.
        const due = start + ((end * 10) / this.baudRate) * 1000;
        await this.waitUntil(due);
      } else if (this.split && at > 0) {
        const t0 = performance.now();
        await sleep(this.split.delayMs);
        this.stats.deliberateDelayMs += performance.now() - t0;
      }
      if (this.closed) return;
      await this.transport.send(bytes.subarray(at, end));
      this.stats.bytesOut += end - at;
    }
  }

  private async waitUntil(due: number): Promise<void> {
    const left = due - performance.now();
    if (left >= 1) await sleep(Math.floor(left));
    while (performance.now() < due) await new Promise<void>((r) => setImmediate(r));
  }
}
