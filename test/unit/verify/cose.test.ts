// COSE_Sign1: accepted envelopes (tag 18, untagged, CWT tag 61), shapes refused, the
// protected-first header rule, and the exact Sig_structure bytes.
import { describe, expect, it } from 'vitest';
import { CborTag as Tag, decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { coseToBeSigned, decodeCoseSign1 } from '../../../main/verify/cose.js';
import { codeOf } from '../../support/verify-error.js';

const KID = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const OTHER_KID = Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1);
const PAYLOAD = encodeCbor(new Map<number, unknown>([[1, 'issuer'], [4, 1700000300], [6, 1700000000]]));
const SIGNATURE = new Uint8Array(64).fill(0xab);

const header = (entries: [number, unknown][]) => encodeCbor(new Map(entries));
const PROTECTED = header([[1, -7], [4, KID]]);

function message(parts: { protectedBytes?: Uint8Array; unprotected?: Map<unknown, unknown>; payload?: unknown; signature?: unknown } = {}): unknown[] {
  return [parts.protectedBytes ?? PROTECTED, parts.unprotected ?? new Map(), 'payload' in parts ? parts.payload : PAYLOAD, parts.signature ?? SIGNATURE];
}

describe('decodeCoseSign1 envelopes', () => {
  const bare = message();
  it.each([
    ['tag 18', new Tag(18, bare)],
    ['untagged', bare],
    ['CWT tag 61 around tag 18', new Tag(61, new Tag(18, bare))],
    ['CWT tag 61 alone', new Tag(61, bare)],
  ])('reads a message %s', (_name, envelope) => {
    const msg = decodeCoseSign1(encodeCbor(envelope));
    expect(msg.protectedBytes).toEqual(PROTECTED);
    expect(msg.payload).toEqual(PAYLOAD);
    expect(msg.signature).toEqual(SIGNATURE);
    expect(msg.alg).toBe(-7);
    expect(msg.kid).toEqual(KID);
    expect(msg.kidProtected).toBe(true);
    expect(msg.protectedHeader.get(1)).toBe(-7);
  });

  it.each([
    ['COSE_Mac0 tag 17', encodeCbor(new Tag(17, bare))],
    ['COSE_Sign tag 98', encodeCbor(new Tag(98, bare))],
    ['tag 18 around tag 61', encodeCbor(new Tag(18, new Tag(61, bare)))],
    ['double tag 18', encodeCbor(new Tag(18, new Tag(18, bare)))],
    ['three elements', encodeCbor(bare.slice(0, 3))],
    ['five elements', encodeCbor([...bare, 0])],
    ['a map', encodeCbor(new Map([[1, 2]]))],
    ['detached (nil) payload', encodeCbor(message({ payload: null }))],
    ['text payload', encodeCbor(message({ payload: 'text' }))],
    ['text signature', encodeCbor(message({ signature: 'sig' }))],
    ['protected header as a map, not a bstr', encodeCbor([new Map([[1, -7]]), new Map(), PAYLOAD, SIGNATURE])],
    ['protected bstr holding an array', encodeCbor(message({ protectedBytes: encodeCbor([1, -7]) }))],
    ['protected bstr holding garbage', encodeCbor(message({ protectedBytes: Uint8Array.of(0xa1, 0x01) }))],
    ['protected bstr with trailing bytes', encodeCbor(message({ protectedBytes: Uint8Array.of(0xa1, 0x01, 0x26, 0x00) }))],
    ['unprotected header not a map', encodeCbor([PROTECTED, [], PAYLOAD, SIGNATURE])],
    ['trailing bytes after the message', Uint8Array.of(...encodeCbor(new Tag(18, bare)), 0x00)],
    ['truncated message', encodeCbor(new Tag(18, bare)).subarray(0, 40)],
    ['empty input', new Uint8Array(0)],
    ['duplicate label in the protected header', encodeCbor(message({ protectedBytes: Uint8Array.of(0xa2, 0x01, 0x26, 0x01, 0x27) }))],
  ])('refuses %s as bad_cose', (_name, bytes) => {
    expect(codeOf(() => decodeCoseSign1(bytes))).toBe('bad_cose');
  });

  it('refuses CBOR nested deeper than 16 levels, accepts 16', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 0 : [nest(levels - 1)]);
    // Tag + message array + unprotected map = 3 levels before the nested value.
    const withNesting = (levels: number) => encodeCbor(new Tag(18, message({ unprotected: new Map([[99, nest(levels)]]) })));
    expect(codeOf(() => decodeCoseSign1(withNesting(13)))).toBe('no error');
    expect(codeOf(() => decodeCoseSign1(withNesting(14)))).toBe('bad_cose');
    expect(codeOf(() => decodeCbor(encodeCbor(nest(16))))).toBe('no error');
    expect(codeOf(() => decodeCbor(encodeCbor(nest(17))))).toBe('bad_cose');
    expect(codeOf(() => decodeCbor(encodeCbor(nest(1000))))).toBe('bad_cose');
  });
});

describe('header resolution: protected first', () => {
  it('reads an empty protected header sent as a zero-length bstr, with alg and kid unprotected', () => {
    const msg = decodeCoseSign1(encodeCbor(message({ protectedBytes: new Uint8Array(0), unprotected: new Map<number, unknown>([[1, -37], [4, KID]]) })));
    expect(msg.protectedBytes).toHaveLength(0);
    expect(msg.protectedHeader.size).toBe(0);
    expect(msg.alg).toBe(-37);
    expect(msg.kid).toEqual(KID);
    expect(msg.kidProtected).toBe(false);
  });

  it('accepts an empty protected header encoded as an empty map (a0) and keeps its bytes', () => {
    const msg = decodeCoseSign1(encodeCbor(message({ protectedBytes: Uint8Array.of(0xa0), unprotected: new Map<number, unknown>([[1, -8]]) })));
    expect(msg.protectedBytes).toEqual(Uint8Array.of(0xa0));
    expect(msg.alg).toBe(-8);
  });

  it('lets a protected label win over the same label unprotected', () => {
    const msg = decodeCoseSign1(encodeCbor(message({ unprotected: new Map<number, unknown>([[1, -8], [4, OTHER_KID]]) })));
    expect(msg.alg).toBe(-7);
    expect(msg.kid).toEqual(KID);
    expect(msg.kidProtected).toBe(true);
  });

  it('takes from the unprotected header only what the protected one lacks', () => {
    const msg = decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7]]), unprotected: new Map<number, unknown>([[4, OTHER_KID], [1, -8]]) })));
    expect(msg.alg).toBe(-7);
    expect(msg.kid).toEqual(OTHER_KID);
    expect(msg.kidProtected).toBe(false);
  });

  it('ignores a malformed unprotected label that the protected header overrides', () => {
    const msg = decodeCoseSign1(encodeCbor(message({ unprotected: new Map<number, unknown>([[4, 'not bytes'], [1, 'x']]) })));
    expect(msg.kid).toEqual(KID);
    expect(msg.alg).toBe(-7);
  });

  it('keeps a kid of any length (a wrong one is unknown_kid later, not malformed)', () => {
    const msg = decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7], [4, Uint8Array.of(0x66, 0x6f, 0x6f)]]) })));
    expect(msg.kid).toEqual(Uint8Array.of(0x66, 0x6f, 0x6f));
  });

  it('leaves alg undefined when absent or a text string, refuses other alg types', () => {
    expect(decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[4, KID]]) }))).alg).toBeUndefined();
    expect(decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, 'ES256']]) }))).alg).toBeUndefined();
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, Uint8Array.of(1)]]) }))))).toBe('bad_cose');
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, 1.5]]) }))))).toBe('bad_cose');
    expect(decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -65537]]) }))).alg).toBe(-65537);
  });

  it('refuses a kid that is not a byte string', () => {
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7], [4, 'kid']]) }))))).toBe('bad_cose');
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7]]), unprotected: new Map<number, unknown>([[4, 12]]) }))))).toBe('bad_cose');
  });

  it('honours crit: labels it understands pass, others and an unprotected crit are refused', () => {
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7], [2, [1, 4]], [4, KID]]) }))))).toBe('no error');
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7], [2, [99]]]) }))))).toBe('bad_cose');
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -7], [2, []]]) }))))).toBe('bad_cose');
    expect(codeOf(() => decodeCoseSign1(encodeCbor(message({ unprotected: new Map<number, unknown>([[2, [1]]]) }))))).toBe('bad_cose');
  });
});

describe('the protected header kept between scans', () => {
  it('gives the same header again after the first scan buffer was overwritten, and tells headers apart', () => {
    const first = encodeCbor(message());
    const decoded = decodeCoseSign1(first);
    expect(decoded.kid).toEqual(KID);
    first.fill(0); // the pooled buffer a scan was decoded from is reused by the next one
    expect(decoded.kid).toEqual(KID);
    expect(decodeCoseSign1(encodeCbor(message())).kid).toEqual(KID);
    const other = decodeCoseSign1(encodeCbor(message({ protectedBytes: header([[1, -8], [4, OTHER_KID]]) })));
    expect(other).toMatchObject({ alg: -8, kid: OTHER_KID, kidProtected: true });
    expect(decodeCoseSign1(encodeCbor(message())).alg).toBe(-7);
  });

  it('still refuses a malformed protected header every time it comes', () => {
    const broken = encodeCbor(message({ protectedBytes: Uint8Array.of(0xa1, 0x01) }));
    expect(codeOf(() => decodeCoseSign1(broken))).toBe('bad_cose');
    expect(codeOf(() => decodeCoseSign1(broken))).toBe('bad_cose');
  });
});

describe('coseToBeSigned', () => {
  const reference = (protectedBytes: Uint8Array, payload: Uint8Array) => encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);

  it('equals the CBOR encoder output for every bstr length boundary', () => {
    for (const pLength of [0, 24]) {
      for (const length of [0, 1, 23, 24, 255, 256, 65535, 65536]) {
        const protectedBytes = new Uint8Array(pLength).fill(0xa1);
        const payload = new Uint8Array(length).fill(length & 0xff);
        expect(Buffer.from(coseToBeSigned({ protectedBytes, payload }))).toEqual(Buffer.from(reference(protectedBytes, payload)));
      }
    }
  });

  it('uses the protected header bytes as received, not a re-encoding', () => {
    // {1: -7} with the label in a needlessly long form: re-encoding would give a1 01 26.
    const longForm = Uint8Array.of(0xa1, 0x18, 0x01, 0x26);
    const msg = decodeCoseSign1(encodeCbor(new Tag(18, message({ protectedBytes: longForm }))));
    expect(msg.alg).toBe(-7);
    const tbs = coseToBeSigned(msg);
    expect(Buffer.from(tbs)).toEqual(Buffer.from(reference(longForm, PAYLOAD)));
    expect(Buffer.from(tbs).includes(Buffer.from(longForm))).toBe(true);
  });

  it('encodes an empty protected header as a zero-length bstr', () => {
    const tbs = coseToBeSigned({ protectedBytes: new Uint8Array(0), payload: Uint8Array.of(1) });
    expect(Buffer.from(tbs).toString('hex')).toBe('846a5369676e61747572653140404101');
  });
});
