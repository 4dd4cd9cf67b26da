// CBOR decoding details the verifier relies on: floats are never mistaken for integers.
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
