// CBOR decoding details the verifier relies on: floats are never mistaken for integers, and large
// byte strings (a status list) are views into the input, never copies.
import { describe, expect, it } from 'vitest';
import { CborFloat, decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { CLAIM, readCwtClaims, readEidIdentity } from '../../../main/verify/claims.js';

/** A CBOR double (major type 7, 0xfb) holding `value`. */
function float64(value: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0xfb;
  new DataView(out.buffer).setFloat64(1, value);
  return out;
}

describe('CBOR floats', () => {
  it('keeps an integral float apart from the integer of the same value', () => {
    const f = decodeCbor(float64(1750000300));
    expect(f).toBeInstanceOf(CborFloat);
    expect((f as CborFloat).value).toBe(1750000300);
    expect(decodeCbor(encodeCbor(1750000300))).toBe(1750000300);
  });

  it('makes a float claim malformed even when its value is whole', () => {
    const payload = decodeCbor(Uint8Array.of(0xa1, 0x04, ...float64(1750000300))) as Map<unknown, unknown>;
    const { claims, problems } = readCwtClaims(payload);
    expect(claims.exp).toBeUndefined();
    expect(problems).toContain(`claim ${CLAIM.exp} is not an integer`);
    const eid = new Map<string, unknown>([['sx', decodeCbor(float64(1))]]);
    expect(readEidIdentity(eid).problems).toContain('eid.sx has the wrong type');
  });
});

describe('large byte strings', () => {
  it('come back as views into the input at every head size, nested or not, and equal to what was encoded', () => {
    for (const size of [4095, 4096, 65_535, 65_536, 300_000]) {
      const bytes = new Uint8Array(size).map((_, i) => i * 7);
      const input = encodeCbor(new Map<unknown, unknown>([[1, bytes], [2, [bytes.subarray(0, 10)]]]));
      const decoded = decodeCbor(input) as Map<number, unknown>;
      const got = decoded.get(1) as Uint8Array;
      expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(true);
      // Below 4 KiB a copy is fine; from 4 KiB on the input is shared, never copied.
      expect(got.buffer === input.buffer).toBe(size >= 4096);
      expect(decoded.get(2)).toEqual([bytes.subarray(0, 10)]);
    }
  });

  it('refuses one whose length runs past the input, as any truncated CBOR', () => {
    const input = encodeCbor(new Uint8Array(70_000));
    expect(() => decodeCbor(input.subarray(0, input.length - 1))).toThrow(/malformed CBOR/);
    expect(() => decodeCbor(Uint8Array.of(0x5b, 0xff, 0, 0, 0, 0, 0, 0, 1))).toThrow(/malformed CBOR/);
  });

  it('takes what follows one as the next item', () => {
    const input = encodeCbor([new Uint8Array(5000).fill(1), 'after', new Uint8Array(5000).fill(2)]);
    const [first, text, second] = decodeCbor(input) as [Uint8Array, string, Uint8Array];
    expect(first.every((b) => b === 1) && first.length === 5000).toBe(true);
    expect(text).toBe('after');
    expect(second.every((b) => b === 2) && second.length === 5000).toBe(true);
  });
});
