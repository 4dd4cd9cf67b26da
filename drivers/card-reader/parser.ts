// The byte-stream parser of SAM reader frames: finds frames by preamble and LEN whatever the
// read boundaries, drops and counts corrupt ones, and emits parsed requests or responses.
import { Transform, type TransformCallback, type TransformOptions } from 'node:stream';
import { HEADER_BYTES, MAX_LEN, PREAMBLE, xorChecksum, type SamRequest, type SamResponse } from './frame.js';

export interface SamFrameParserOptions extends Omit<TransformOptions, 'objectMode' | 'readableObjectMode'> {
  /**
   * Which end of the line this parser sits on: a host reads `response` frames (SW1 SW2 SW3 …),
   * the simulator reads `request` frames (CMD PARA …). Default `response`.
   */
  direction?: 'response' | 'request';
  /**
   * Largest whole frame accepted, preamble to CHK. A LEN that would exceed it is taken for
   * noise, so a corrupt LEN never makes the parser wait for 64 KiB. Default 4096 (the largest
   * answer, text + photo + fingerprint, is 2,321 bytes).
   */
  maxFrameSize?: number;
}

/** What was thrown away, for health reporting and tests. Never reset except by `reset()`. */
export interface SamFrameParserStats {
  frames: number;
  badChecksum: number;
  badLength: number;
  discardedBytes: number;
}

const DEFAULT_MAX_FRAME = 4096;

/**
 * Emits one object per good frame: `SamResponse` ({sw1, sw2, sw3, data}) or `SamRequest`
 * ({cmd, para, data}). A frame with a bad checksum or an impossible LEN costs only its first
 * byte: the search restarts one byte later, so a real frame hidden behind a false preamble in
 * noise is still found. Decisions depend only on the bytes, never on how they were chunked.
 */
export class SamFrameParser extends Transform {
  readonly stats: SamFrameParserStats = { frames: 0, badChecksum: 0, badLength: 0, discardedBytes: 0 };
  private readonly direction: 'response' | 'request';
  private readonly maxFrameSize: number;
  private readonly minLen: number;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(options: SamFrameParserOptions = {}) {
    const { direction = 'response', maxFrameSize = DEFAULT_MAX_FRAME, ...rest } = options;
    if (direction !== 'response' && direction !== 'request') {
      throw new TypeError(`SamFrameParser: "direction" must be "response" or "request", got ${String(direction)}`);
    }
    checkMaxFrameSize(maxFrameSize, direction);
    super({ ...rest, readableObjectMode: true });
    this.direction = direction;
    this.maxFrameSize = maxFrameSize;
    this.minLen = minLenOf(direction);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Forgets a partly received frame (counted as discarded). A host calls this before it
   * resends after a timeout, so a false preamble with a large LEN cannot hold answers back.
   */
  reset(): void {
    this.stats.discardedBytes += this.buffer.length;
    this.buffer = Buffer.alloc(0);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.scan();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.reset();
    callback();
  }

  private scan(): void {
    let buf = this.buffer;
    for (;;) {
      const at = buf.indexOf(PREAMBLE);
      if (at < 0) {
        // Keep a tail that could be the start of a preamble split across reads.
        const keep = tailPreamblePrefix(buf);
        this.stats.discardedBytes += buf.length - keep;
        buf = buf.subarray(buf.length - keep);
        break;
      }
      if (at > 0) {
        this.stats.discardedBytes += at;
        buf = buf.subarray(at);
      }
      if (buf.length < HEADER_BYTES) break;
      const len = buf.readUInt16BE(5);
      if (len < this.minLen || HEADER_BYTES + len > this.maxFrameSize) {
        this.stats.badLength++;
        this.stats.discardedBytes++;
        buf = buf.subarray(1);
        continue;
      }
      const end = HEADER_BYTES + len;
      if (buf.length < end) break;
      if (xorChecksum(buf, 5, end - 1) !== buf[end - 1]) {
        this.stats.badChecksum++;
        this.stats.discardedBytes++;
        buf = buf.subarray(1);
        continue;
      }
      // Copy out: the chunk's memory belongs to the port's pool and will be reused.
      const body = Buffer.from(buf.subarray(HEADER_BYTES, end - 1));
      buf = buf.subarray(end);
      this.stats.frames++;
      this.push(this.direction === 'response' ? toResponse(body) : toRequest(body));
    }
    this.buffer = buf;
  }
}

/** Smallest LEN: SW1 SW2 SW3 CHK, or CMD PARA CHK. */
function minLenOf(direction: 'response' | 'request'): number {
  return direction === 'response' ? 4 : 3;
}

/** Throws a RangeError naming the option unless `maxFrameSize` can hold the smallest frame and fits LEN. */
export function checkMaxFrameSize(maxFrameSize: number, direction: 'response' | 'request'): void {
  const min = HEADER_BYTES + minLenOf(direction);
  if (!Number.isInteger(maxFrameSize) || maxFrameSize < min || maxFrameSize > HEADER_BYTES + MAX_LEN) {
    throw new RangeError(`SamFrameParser: "maxFrameSize" must be an integer from ${min} to ${HEADER_BYTES + MAX_LEN}, got ${maxFrameSize}`);
  }
}

function toResponse(body: Uint8Array): SamResponse {
  return { sw1: body[0]!, sw2: body[1]!, sw3: body[2]!, data: body.subarray(3) };
}

function toRequest(body: Uint8Array): SamRequest {
  return { cmd: body[0]!, para: body[1]!, data: body.subarray(2) };
}

/** Length of the longest suffix of `buf` that is a proper prefix of the preamble. */
function tailPreamblePrefix(buf: Buffer): number {
  for (let n = Math.min(PREAMBLE.length - 1, buf.length); n > 0; n--) {
    let match = true;
    for (let i = 0; i < n; i++) {
      if (buf[buf.length - n + i] !== PREAMBLE[i]) {
        match = false;
        break;
      }
    }
    if (match) return n;
  }
  return 0;
}
