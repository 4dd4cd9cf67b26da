// The zlib layer: what counts as zlib, the exact output limit, a zip bomb, and corrupt streams.
import { deflateRawSync, deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inflateBounded, looksLikeZlib } from '../../../main/verify/inflate.js';
import { codeOf } from '../../support/verify-error.js';

describe('looksLikeZlib (eid-qr.md §1)', () => {
  it('accepts the zlib headers real encoders write', () => {
    for (const level of [0, 1, 6, 9]) expect(looksLikeZlib(deflateSync(Buffer.from('x'), { level }))).toBe(true);
    expect(looksLikeZlib(Uint8Array.of(0x78, 0x9c))).toBe(true);
    expect(looksLikeZlib(Uint8Array.of(0x78, 0xda))).toBe(true);
    expect(looksLikeZlib(Uint8Array.of(0x78, 0x01))).toBe(true);
  });

  it('refuses a bare COSE message, a failing header check, other window sizes and short input', () => {
    expect(looksLikeZlib(Uint8Array.of(0xd2, 0x84))).toBe(false); // tag 18, array of 4
    expect(looksLikeZlib(Uint8Array.of(0x84, 0x43))).toBe(false);
    expect(looksLikeZlib(Uint8Array.of(0x78, 0x9d))).toBe(false);
    expect(looksLikeZlib(Uint8Array.of(0x68, 0x81))).toBe(false); // valid zlib, 16 KiB window: not 0x78
    expect(looksLikeZlib(Uint8Array.of(0x78))).toBe(false);
    expect(looksLikeZlib(new Uint8Array(0))).toBe(false);
  });
});

describe('inflateBounded', () => {
  it('inflates a stream to a plain Uint8Array', () => {
    const out = inflateBounded(deflateSync(Buffer.from('hello kiosk')));
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(new TextDecoder().decode(out)).toBe('hello kiosk');
  });

  it('accepts output of exactly the limit and refuses one byte more', () => {
    const exact = randomBytes(65536);
    expect(Buffer.from(inflateBounded(deflateSync(exact)))).toEqual(exact);
    expect(codeOf(() => inflateBounded(deflateSync(randomBytes(65537))))).toBe('too_large');
    // The same edge with a small explicit limit, and compressible data.
    expect(inflateBounded(deflateSync(Buffer.alloc(1000, 7)), 1000)).toHaveLength(1000);
    expect(codeOf(() => inflateBounded(deflateSync(Buffer.alloc(1001, 7)), 1000))).toBe('too_large');
  });

  it('stops a 100 MB zip bomb at the limit without allocating its output', () => {
    const bomb = deflateSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const before = process.memoryUsage().arrayBuffers;
    expect(codeOf(() => inflateBounded(bomb))).toBe('too_large');
    // Inflating first and measuring after would have allocated ~100 MB here.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('reports corrupt, truncated and non-zlib input as bad_compression', () => {
    const good = deflateSync(Buffer.from('a signed identity, compressed'));
    const badChecksum = Buffer.from(good);
    badChecksum[badChecksum.length - 1]! ^= 0xff;
    expect(codeOf(() => inflateBounded(badChecksum))).toBe('bad_compression');
    expect(codeOf(() => inflateBounded(good.subarray(0, good.length - 3)))).toBe('bad_compression');
    expect(codeOf(() => inflateBounded(good.subarray(0, 2)))).toBe('bad_compression');
    expect(codeOf(() => inflateBounded(new Uint8Array(0)))).toBe('bad_compression');
    expect(codeOf(() => inflateBounded(deflateRawSync(Buffer.from('raw deflate, no zlib header'))))).toBe('bad_compression');
    expect(codeOf(() => inflateBounded(Uint8Array.of(0xd2, 0x84, 0x43, 0xa1)))).toBe('bad_compression');
  });

  it('refuses bytes after the end of the zlib stream', () => {
    const good = deflateSync(Buffer.from('payload'));
    expect(codeOf(() => inflateBounded(Buffer.concat([good, Buffer.from([0])])))).toBe('bad_compression');
    expect(codeOf(() => inflateBounded(Buffer.concat([good, good])))).toBe('bad_compression');
  });
});
