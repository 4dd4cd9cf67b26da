// The record encoder against cbor2's core deterministic encoding: byte-equal on arbitrary values
// of the record domain, and refusing what a record may not hold.
import { cdeEncodeOptions, encode } from 'cbor2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical, type CanonicalValue } from '../../../main/audit/canonical-cbor.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const value: fc.Arbitrary<CanonicalValue> = fc.letrec<{ v: CanonicalValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.maxSafeInteger(),
    fc.integer({ min: -70_000, max: 70_000 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.boolean(),
    fc.uint8Array({ maxLength: 300 }),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 30 }), tie('v'), { maxKeys: 6 }),
  ),
})).v;

describe('canonical CBOR', () => {
  it('is byte-equal to cbor2 in CDE mode for every value of the record domain', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(hex(encodeCanonical(v))).toBe(hex(encode(v, cdeEncodeOptions)));
      }),
      { numRuns: 2000 },
    );
  });

  it('uses the shortest heads at every size boundary', () => {
    const cases: [CanonicalValue, string][] = [
      [0, '00'],
      [23, '17'],
      [24, '1818'],
      [255, '18ff'],
      [256, '190100'],
      [65_535, '19ffff'],
      [65_536, '1a00010000'],
      [4_294_967_295, '1affffffff'],
      [4_294_967_296, '1b0000000100000000'],
      [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
      [-1, '20'],
      [-25, '3818'],
      [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
      ['', '60'],
      [new Uint8Array(24), `5818${'00'.repeat(24)}`],
      [true, 'f5'],
      [false, 'f4'],
      [{ b: 1, a: 2, aa: 3 }, 'a3616102616201626161' + '03'],
    ];
    for (const [v, expected] of cases) expect(hex(encodeCanonical(v)), JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x))).toBe(expected);
  });

  it('refuses floats, null and undefined values', () => {
    expect(() => encodeCanonical(1.5)).toThrow(TypeError);
    expect(() => encodeCanonical(Number.MAX_SAFE_INTEGER + 1)).toThrow(TypeError);
    expect(() => encodeCanonical(null as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical({ a: undefined } as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical(new Date() as unknown as CanonicalValue)).toThrow(TypeError);
  });
});
