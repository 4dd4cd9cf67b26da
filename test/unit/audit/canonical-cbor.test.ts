// The record encoder against two independent implementations of core deterministic encoding
// (cbor2's CDE mode and cborg's RFC 8949 mode): byte-equal on arbitrary values of the record
// domain, and refusing what a record may not hold.
import { cdeEncodeOptions, encode } from 'cbor2';
import { encode as cborgEncode, rfc8949EncodeOptions } from 'cborg';
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
  it('is byte-equal to cbor2 in CDE mode and to cborg in RFC 8949 mode for every value of the record domain', () => {
    fc.assert(
      fc.property(value, (v) => {
        const ours = hex(encodeCanonical(v));
        expect(ours).toBe(hex(encode(v, cdeEncodeOptions)));
        expect(ours).toBe(hex(cborgEncode(v, rfc8949EncodeOptions)));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders keys first met inside nested maps, longer UTF-8 keys after shorter ones', () => {
    const nested: CanonicalValue[] = [
      [-64_784, { '\u0001': 'x', '\u0000': false, é: 1, zz: 2, ['\u{10000}']: 3 }, true],
      { outer: [{ b: 1, aa: 2, ['\u00ff']: 3, ['\u0100']: 4 }], a: [] },
    ];
    for (const v of nested) expect(hex(encodeCanonical(v))).toBe(hex(encode(v, cdeEncodeOptions)));
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

  it('refuses floats, null, undefined and objects outside the record domain', () => {
    expect(() => encodeCanonical(1.5)).toThrow(TypeError);
    expect(() => encodeCanonical(Number.MAX_SAFE_INTEGER + 1)).toThrow(TypeError);
    expect(() => encodeCanonical(null as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical({ a: undefined } as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical(new Date() as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical(new Map() as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical(new Uint16Array(2) as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => encodeCanonical(10n as unknown as CanonicalValue)).toThrow(TypeError);
  });

  it('leaves out undefined map entries at any depth when asked, and still refuses undefined elsewhere', () => {
    const v = { b: 1, a: undefined, c: { d: undefined, e: [1] } } as unknown as CanonicalValue;
    expect(hex(encodeCanonical(v, { omitUndefined: true }))).toBe(hex(encode({ b: 1, c: { e: [1] } }, cdeEncodeOptions)));
    expect(() => encodeCanonical(v)).toThrow(TypeError);
    expect(() => encodeCanonical([undefined] as unknown as CanonicalValue, { omitUndefined: true })).toThrow(TypeError);
  });

  it('refuses a cyclic value instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => encodeCanonical(cyclic as CanonicalValue)).toThrow(/nested deeper/);
  });

  it('encodes values larger than its scratch buffer, and the next small one after them', () => {
    const big = new Uint8Array(200_000).fill(7);
    expect(hex(encodeCanonical({ big, n: 1 }))).toBe(hex(encode({ big, n: 1 }, cdeEncodeOptions)));
    expect(hex(encodeCanonical({ n: 2 }))).toBe('a1616e02');
  });
});
