// The QR scanner simulator, library form: writes codes to a serial port (one end of a socat pty
// pair) framed the way a configured scanner would, optionally in random small chunks with pauses.
import { SerialPort } from 'serialport';
import { checkFraming, type QrFraming, type Terminator } from '../../../drivers/qr-scanner/parser.js';

const TERMINATOR_BYTES: Record<Terminator, string> = { cr: '\r', lf: '\n', crlf: '\r\n', none: '' };

/** Splitting a code as a slow UART or USB adapter might deliver it. */
export interface Chunking {
  /** Largest chunk in bytes (each is 1..maxBytes, uniformly). */
  maxBytes: number;
  /** Largest pause between chunks (each is 0..maxDelayMs, uniformly). */
  maxDelayMs: number;
}

export interface QrScannerSimulatorOptions {
  terminator?: Terminator;
  prefix?: string;
  suffix?: string;
  baudRate?: number;
  /** Split every code into chunks; default false (one write per code). */
  chunking?: Chunking | false;
  /** For terminator `none`: silence after each code so the reader sees it end. Default 150 ms. */
  gapMs?: number;
  /** Source of randomness for chunking, default Math.random (tests pass a seeded one). */
  random?: () => number;
}

type Framing = Pick<QrFraming, 'terminator' | 'prefix' | 'suffix'>;

/** The bytes a scanner configured with `framing` sends for `code`. */
export function frameCode(code: string, framing: Framing = {}): Buffer {
  const { terminator, prefix, suffix } = checkFraming(framing);
  return Buffer.from(prefix + code + suffix + TERMINATOR_BYTES[terminator], 'utf8');
}

/** Cuts `bytes` into chunks of 1..maxBytes; UTF-8 sequences are cut too, on purpose. */
export function splitIntoChunks(bytes: Buffer, maxBytes: number, random: () => number = Math.random): Buffer[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new TypeError(`splitIntoChunks: maxBytes must be a whole number ≥ 1 (got ${String(maxBytes)})`);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxBytes);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** A simulated scanner writing to `path`. Open with {@link QrScannerSimulator.open}. */
export class QrScannerSimulator {
  private readonly whenClosed: Promise<{ disconnected: boolean }>;

  private constructor(
    private readonly port: SerialPort,
    private readonly framing: Framing,
    private readonly chunking: Chunking | false,
    private readonly gapMs: number,
    private readonly random: () => number,
  ) {
    this.whenClosed = new Promise((resolve) => port.once('close', (err?: { disconnected?: boolean }) => resolve({ disconnected: err?.disconnected === true })));
  }

  static async open(path: string, options: QrScannerSimulatorOptions = {}): Promise<QrScannerSimulator> {
    const { terminator = 'cr', prefix = '', suffix = '', baudRate = 9600, chunking = false, gapMs = 150, random = Math.random } = options;
    const framing = { terminator, prefix, suffix };
    checkFraming(framing);
    if (chunking) {
      splitIntoChunks(Buffer.alloc(0), chunking.maxBytes);
      if (!Number.isFinite(chunking.maxDelayMs) || chunking.maxDelayMs < 0) throw new TypeError('QrScannerSimulator: chunking.maxDelayMs must be ≥ 0');
      if (terminator === 'none' && chunking.maxDelayMs >= gapMs) {
        throw new TypeError('QrScannerSimulator: with terminator "none", chunking.maxDelayMs must stay below gapMs, or pauses would end codes');
      }
    }
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    // Write failures reach send()'s promise; the stream's own 'error' echo must not crash the process.
    port.on('error', () => undefined);
    // Read (and ignore) whatever the host sends: only a pending read notices the line going away.
    port.resume();
    return new QrScannerSimulator(port, framing, chunking, gapMs, random);
  }

  /** Sends one code, framed; resolves when its bytes are written (and, for `none`, the gap has passed). */
  async send(code: string): Promise<void> {
    await this.sendBytes(frameCode(code, this.framing));
    if (this.framing.terminator === 'none') await sleep(this.gapMs);
  }

  /** Sends bytes as they are (e.g. two codes glued into one write, or a broken frame). */
  async sendBytes(bytes: Buffer): Promise<void> {
    const chunks = this.chunking ? splitIntoChunks(bytes, this.chunking.maxBytes, this.random) : [bytes];
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0 && this.chunking) await sleep(this.random() * this.chunking.maxDelayMs);
      await this.write(chunk);
    }
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  /** Resolves once the port closes; `disconnected` when it went away (e.g. the pty pair was torn down). */
  closed(): Promise<{ disconnected: boolean }> {
    return this.whenClosed;
  }

  private write(chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port.write(chunk, (err) => {
        if (err) reject(err);
        else this.port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
      });
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
