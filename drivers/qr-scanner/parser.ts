// The serial QR scanner's byte stream → messages: framing by terminator or by silence, the
// scanner's prefix/suffix stripped, and the 4,296-character bound enforced while buffering.
import { Transform, type TransformCallback } from 'node:stream';
import { DelimiterParser, InterByteTimeoutParser } from 'serialport';

/** How the scanner ends a code: a terminator byte sequence, or nothing (a pause ends it). */
export const TERMINATORS = ['cr', 'lf', 'crlf', 'none'] as const;
export type Terminator = (typeof TERMINATORS)[number];

/** The largest QR code holds 4,296 characters (version 40, alphanumeric); eid-qr.md §1 bounds the text to it too. */
export const MAX_CODE_LENGTH = 4296;
export const DEFAULT_INTER_BYTE_TIMEOUT_MS = 50;

/** How the scanner is configured to frame codes; every field has a default. */
export interface QrFraming {
  /** Default `cr`, which also accepts CRLF (a stray leading LF is dropped). */
  terminator?: Terminator;
  /** Text the scanner sends before every code (e.g. an AIM identifier or STX); stripped when present. */
  prefix?: string;
  /** Text the scanner sends after every code, before the terminator; stripped when present. */
  suffix?: string;
  /** `none` only: silence that ends a code, in milliseconds. */
  interByteTimeoutMs?: number;
  /** Longest code accepted, in UTF-16 code units like the verifier's count. */
  maxLength?: number;
}

export type CheckedFraming = Required<QrFraming>;

/** What the parser emits, in the order the scanner sent it. `dropped` counts every too-long code so far. */
export type ScannerMessage = { type: 'code'; text: string } | { type: 'too_long'; dropped: number };

const TERMINATOR_BYTES = { cr: '\r', lf: '\n', crlf: '\r\n' } as const;
const CR = 0x0d;
const LF = 0x0a;
/** A framer's signal, in place of a frame, that a code overflowed and was dropped. */
const OVERSIZE = Symbol('oversize');
type Frame = Buffer | typeof OVERSIZE;

/** Checks framing options as they arrive; a bad one throws a TypeError naming it. */
export function checkFraming(options: QrFraming): CheckedFraming {
  const known = new Set(['terminator', 'prefix', 'suffix', 'interByteTimeoutMs', 'maxLength']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`QR scanner framing: unknown option "${key}" (known: ${[...known].join(', ')})`);
  }
  const { terminator = 'cr', prefix = '', suffix = '', interByteTimeoutMs = DEFAULT_INTER_BYTE_TIMEOUT_MS, maxLength = MAX_CODE_LENGTH } = options;
  if (!(TERMINATORS as readonly unknown[]).includes(terminator)) {
    throw new TypeError(`QR scanner framing: option "terminator" must be one of ${TERMINATORS.join(', ')} (got ${JSON.stringify(terminator)})`);
  }
  for (const [name, value] of [['prefix', prefix], ['suffix', suffix]] as const) {
    if (typeof value !== 'string') throw new TypeError(`QR scanner framing: option "${name}" must be a string`);
    // A CR or LF inside an affix would be taken for the terminator (or the CRLF tolerance) and cut codes apart.
    if (terminator !== 'none' && /[\r\n]/.test(value)) {
      throw new TypeError(`QR scanner framing: option "${name}" may not contain CR or LF when terminator is "${terminator}"`);
    }
  }
  if (typeof interByteTimeoutMs !== 'number' || !Number.isInteger(interByteTimeoutMs) || interByteTimeoutMs < 1) {
    throw new TypeError(`QR scanner framing: option "interByteTimeoutMs" must be a whole number of milliseconds ≥ 1 (got ${String(interByteTimeoutMs)})`);
  }
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 1) {
    throw new TypeError(`QR scanner framing: option "maxLength" must be a whole number ≥ 1 (got ${String(maxLength)})`);
  }
  return { terminator, prefix, suffix, interByteTimeoutMs, maxLength };
}

/**
 * Turns scanner bytes into {@link ScannerMessage}s. Bytes in, objects out; a code is decoded
 * only once its frame is complete, so UTF-8 split across reads is whole again.
 */
export class QrCodeParser extends Transform {
  readonly framing: CheckedFraming;
  private readonly framer: Transform;
  private readonly decoder = new TextDecoder('utf-8');
  private dropped = 0;

  constructor(options: QrFraming = {}) {
    super({ readableObjectMode: true });
    this.framing = checkFraming(options);
    const { terminator, prefix, suffix, maxLength, interByteTimeoutMs } = this.framing;
    // A UTF-16 code unit is at most 3 UTF-8 bytes; +1 for a stray CR/LF of the tolerance below.
    const maxFrameBytes = 3 * maxLength + Buffer.byteLength(prefix) + Buffer.byteLength(suffix) + 1;
    this.framer =
      terminator === 'none'
        ? new BoundedInterByteTimeoutParser(interByteTimeoutMs, maxFrameBytes)
        : new BoundedDelimiterParser(Buffer.from(TERMINATOR_BYTES[terminator]), maxFrameBytes);
    this.framer.on('data', (frame: Frame) => this.onFrame(frame));
    this.framer.on('error', (err: Error) => this.destroy(err));
  }

  /** Too-long codes dropped since this parser was made. */
  get tooLongCount(): number {
    return this.dropped;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.framer.write(chunk, (err) => callback(err));
  }

  override _flush(callback: TransformCallback): void {
    this.framer.once('end', () => callback());
    this.framer.end();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.framer.destroy();
    callback(error);
  }

  private onFrame(frame: Frame): void {
    if (frame === OVERSIZE) {
      this.reject();
      return;
    }
    let bytes = frame;
    // Some firmware set to CR still sends CRLF (and vice versa): the extra byte is not part of the code.
    if (this.framing.terminator === 'cr' && bytes[0] === LF) bytes = bytes.subarray(1);
    if (this.framing.terminator === 'lf' && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    if (bytes.length === 0) return; // a blank line is no code
    let text = this.decoder.decode(bytes);
    const { prefix, suffix } = this.framing;
    if (prefix !== '' && text.startsWith(prefix)) text = text.slice(prefix.length);
    if (suffix !== '' && text.endsWith(suffix)) text = text.slice(0, text.length - suffix.length);
    if (text.length > this.framing.maxLength) {
      this.reject();
      return;
    }
    if (text === '') return;
    this.push({ type: 'code', text } satisfies ScannerMessage);
  }

  private reject(): void {
    this.dropped += 1;
    this.push({ type: 'too_long', dropped: this.dropped } satisfies ScannerMessage);
  }
}

/**
 * serialport's DelimiterParser, kept from buffering without bound: once the partial frame
 * passes `maxBytes` it is thrown away, and the tail that the next terminator closes becomes OVERSIZE.
 * An unterminated frame at the end of the stream is incomplete and is dropped.
 */
class BoundedDelimiterParser extends DelimiterParser {
  private discarding = false;

  constructor(
    delimiter: Buffer,
    private readonly maxBytes: number,
  ) {
    super({ delimiter, readableObjectMode: true });
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (err) => {
      if (this.buffer.length > this.maxBytes) {
        // Keep what could be the start of a CRLF split across reads.
        this.buffer = Buffer.from(this.buffer.subarray(this.buffer.length - (this.delimiter.length - 1)));
        this.discarding = true;
      }
      callback(err);
    });
  }

  override _flush(callback: TransformCallback): void {
    if (this.discarding) super.push(OVERSIZE);
    this.discarding = false;
    this.buffer = Buffer.alloc(0);
    callback();
  }

  // The base pushes every frame it finds; this is the one place to see them in order.
  override push(frame: Buffer | null): boolean {
    if (frame === null) return super.push(null);
    if (this.discarding || frame.length > this.maxBytes) {
      this.discarding = false;
      return super.push(OVERSIZE);
    }
    return super.push(frame);
  }
}

/**
 * serialport's InterByteTimeoutParser, told apart when its buffer fills: a full buffer means an
 * oversize code, which is dropped up to the silence that ends it and reported as OVERSIZE.
 */
class BoundedInterByteTimeoutParser extends InterByteTimeoutParser {
  private discarding = false;

  constructor(interval: number, maxBytes: number) {
    super({ interval, maxBufferSize: maxBytes + 1, readableObjectMode: true });
  }

  // The base calls this when its buffer fills and when the line falls silent (or ends).
  override emitPacket(): void {
    if (this.currentPacket.length >= this.maxBufferSize) {
      this.currentPacket = [];
      this.discarding = true;
      return;
    }
    if (this.discarding) {
      clearTimeout(this.intervalID);
      this.currentPacket = [];
      this.discarding = false;
      this.push(OVERSIZE);
      return;
    }
    super.emitPacket();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.intervalID);
    callback(error);
  }
}
