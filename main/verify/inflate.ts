// The zlib layer (RFC 1950) of a code: telling zlib from a bare COSE message, and inflating
// with a hard output limit so a small code cannot expand into a large allocation.
import { inflateSync } from 'node:zlib';
import { VerifyError } from './reasons.js';

/** eid-qr.md §1: Z is zlib only when b0 is 0x78 (deflate, 32 KiB window) and the header check passes. */
export function looksLikeZlib(z: Uint8Array): boolean {
  return z.length >= 2 && z[0] === 0x78 && (0x78 * 256 + z[1]!) % 31 === 0;
}

interface InflateInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/**
 * Inflates a zlib stream, stopping as soon as the output would pass `maxBytes` (zlib's
 * maxOutputLength is checked per output chunk, so memory stays near the limit however large the
 * stream claims to be). Output of exactly `maxBytes` is accepted.
 * Throws VerifyError('too_large') past the limit, VerifyError('bad_compression') for any zlib
 * error (bad header, corrupt data, wrong checksum, truncation) and for bytes after the stream's end.
 */
export function inflateBounded(z: Uint8Array, maxBytes = 65536): Uint8Array {
  let result: InflateInfo;
  try {
    // info: true hands back the engine, whose bytesWritten is how much input the stream used.
    // chunkSize 1024: a code inflates to well under 1 KiB, and Node pools buffers under 4 KiB; the
    // default 16 KiB output buffer, allocated afresh per scan, cost more than the inflation itself
    // (and a failed stream holds it until the next tick). A 64 KiB output just takes more chunks.
    result = inflateSync(z, { maxOutputLength: maxBytes, info: true, chunkSize: 1024 }) as unknown as InflateInfo;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new VerifyError('too_large', `inflated size exceeds ${maxBytes} bytes`, { cause: err });
    }
    throw new VerifyError('bad_compression', (err as Error).message ?? 'zlib error', { cause: err });
  }
  if (result.engine.bytesWritten !== z.length) {
    throw new VerifyError('bad_compression', `${z.length - result.engine.bytesWritten} bytes after the end of the zlib stream`);
  }
  const out = result.buffer;
  // A plain Uint8Array view: a Buffer would be encoded as an object by CBOR encoders downstream.
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
