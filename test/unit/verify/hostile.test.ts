// Hostile input for the decoding layer: random and mutated text and bytes never crash it with
// anything but a VerifyError carrying its step's reason, and never produce unbounded output.
import { generateKeyPairSync, sign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase45, encodeBase45 } from '../../../main/verify/base45.js';
import { CborTag as Tag, decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { coseToBeSigned, decodeCoseSign1, type CoseSign1 } from '../../../main/verify/cose.js';
import { readDccPayload } from '../../../main/verify/dcc.js';
import { inflateBounded, looksLikeZlib } from '../../../main/verify/inflate.js';
import { computeKid, importSpki } from '../../../main/verify/keys.js';
import { VerifyError, type Reason } from '../../../main/verify/reasons.js';
import { COSE_ALG } from '../../../main/verify/types.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Runs `fn`; a VerifyError must carry one of `allowed`, any other throw fails the property. */
function guarded<T>(allowed: readonly Reason[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err;
    expect(allowed).toContain(err.code);
    return undefined;
  }
}

// Mutations of a valid input: a few bit flips, truncations, insertions and deletions.
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

// Bit flips weigh most: they leave the structure readable more often, so later steps get exercised.
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }), weight: 2 },
);

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = new Uint8Array(input);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    switch (m.kind) {
      case 'flip':
        if (at < out.length) out[at]! ^= 1 << m.bit;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert':
        out = Uint8Array.of(...out.subarray(0, at), ...m.bytes, ...out.subarray(at));
        break;
      case 'delete':
        out = Uint8Array.of(...out.subarray(0, at), ...out.subarray(at + m.count));
        break;
    }
  }
  return out;
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

// Seeds: genuine signed messages in every envelope the profile accepts.
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spki = new Uint8Array(signer.publicKey.export({ type: 'spki', format: 'der' }));
const key = importSpki(spki);
const payload = encodeCbor(
  new Map<number, unknown>([
    [1, 'AT'],
    [4, 1700000000],
    [6, 1690000000],
    [-260, new Map([[1, { ver: '1.3.0', nam: { fn: 'Doe', gn: 'Jane' }, dob: '1970-01-01', v: [{ dn: 1, sd: 2 }] }]])],
  ]),
);

function signedSeed(protectedEntries: [number, unknown][], unprotected: Map<number, unknown>, wrap: (m: unknown[]) => unknown): Uint8Array {
  const protectedBytes = protectedEntries.length === 0 ? new Uint8Array(0) : encodeCbor(new Map(protectedEntries));
  const signature = sign('sha256', coseToBeSigned({ protectedBytes, payload }), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return encodeCbor(wrap([protectedBytes, unprotected, payload, new Uint8Array(signature)]));
}

const KID = computeKid(spki);
const SEEDS = [
  signedSeed([[1, COSE_ALG.ES256], [4, KID]], new Map(), (m) => new Tag(18, m)),
  signedSeed([[1, COSE_ALG.ES256]], new Map([[4, KID]]), (m) => m),
  signedSeed([], new Map<number, unknown>([[1, COSE_ALG.ES256], [4, KID]]), (m) => new Tag(61, new Tag(18, m))),
];
const seed = fc.constantFrom(...SEEDS.map((bytes, index) => ({ bytes, index })));
const ORIGINALS = SEEDS.map((bytes) => decodeCoseSign1(bytes));

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function checkShape(msg: CoseSign1, inputLength: number): void {
  for (const part of [msg.protectedBytes, msg.payload, msg.signature]) {
    expect(part).toBeInstanceOf(Uint8Array);
    expect(part.length).toBeLessThanOrEqual(inputLength);
  }
  expect(msg.protectedHeader).toBeInstanceOf(Map);
  expect(msg.unprotectedHeader).toBeInstanceOf(Map);
  if (msg.kid !== undefined) expect(msg.kid).toBeInstanceOf(Uint8Array);
  if (msg.alg !== undefined) expect(Number.isSafeInteger(msg.alg)).toBe(true);
}

describe('Base45 under hostile text', () => {
  const base45ish = fc.string({ unit: fc.constantFrom(...ALPHABET, 'a', 'z', '#', '=', '\n', 'é', '\u0000'), maxLength: 64 });

  it('either decodes canonically or reports bad_base45', () => {
    fc.assert(
      fc.property(fc.oneof(base45ish, fc.string({ maxLength: 64 })), (text) => {
        const out = guarded(['bad_base45'], () => decodeBase45(text));
        if (out) {
          expect(out.length).toBe(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
          // Every valid Base45 text is the encoding of what it decodes to.
          expect(encodeBase45(out)).toBe(text);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(decodeBase45(encodeBase45(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('inflateBounded under hostile bytes', () => {
  const check = (z: Uint8Array) => {
    const out = guarded(['bad_compression', 'too_large'], () => inflateBounded(z, 4096));
    if (out) expect(out.length).toBeLessThanOrEqual(4096);
  };

  it('random bytes with a zlib header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => check(Uint8Array.of(0x78, 0x9c, ...tail))),
      { numRuns: 300 },
    );
  });

  it('mutated streams, including ones that would inflate past the limit', () => {
    const streams = [deflateSync(Buffer.from(SEEDS[0]!)), deflateSync(Buffer.alloc(10_000, 0x41)), deflateSync(Buffer.alloc(4096, 0x42))];
    fc.assert(
      fc.property(fc.constantFrom(...streams), mutations, (z, ms) => check(mutate(z, ms))),
      { numRuns: 500 },
    );
  });
});

describe('decodeCbor and decodeCoseSign1 under hostile bytes', () => {
  it('random bytes: a value or bad_cose', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        guarded(['bad_cose'], () => decodeCbor(bytes));
        const msg = guarded(['bad_cose'], () => decodeCoseSign1(bytes));
        if (msg) checkShape(msg, bytes.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated signed messages: a well-shaped message or bad_cose, and a signature that holds only over the original content', () => {
    fc.assert(
      fc.property(seed, mutations, ({ bytes, index }, ms) => {
        const input = mutate(bytes, ms);
        const msg = guarded(['bad_cose'], () => decodeCoseSign1(input));
        if (!msg) return;
        checkShape(msg, input.length);
        const claims = guarded(['bad_cose'], () => decodeCbor(msg.payload));
        if (claims instanceof Map) readDccPayload(claims);
        const verified = msg.alg !== undefined && key.verify(msg.alg, coseToBeSigned(msg), msg.signature);
        if (verified) {
          // Mutations outside the signed parts (the unprotected header, the envelope) may keep a
          // valid signature; the signed bytes themselves must then be the original ones.
          const original = ORIGINALS[index]!;
          expect(same(msg.protectedBytes, original.protectedBytes)).toBe(true);
          expect(same(msg.payload, original.payload)).toBe(true);
          expect(same(msg.signature, original.signature)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the decoding chain from scanned text', () => {
  const texts = SEEDS.map((bytes) => encodeBase45(deflateSync(Buffer.from(bytes))));
  const textMutation = fc.record({ at: fc.nat(), char: fc.constantFrom(...ALPHABET, 'a', '#'), op: fc.constantFrom('replace', 'insert', 'delete') });

  it('mutated codes end in a value or a VerifyError of the step that refused them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(textMutation, { minLength: 1, maxLength: 3 }), (original, edits) => {
        let text = original;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = e.op === 'insert' ? text.slice(0, at) + e.char + text.slice(at) : text.slice(0, at) + (e.op === 'replace' ? e.char : '') + text.slice(at + 1);
        }
        guarded(['bad_base45', 'bad_compression', 'too_large', 'bad_cose'], () => {
          const z = decodeBase45(text);
          const coseBytes = looksLikeZlib(z) ? inflateBounded(z) : z;
          const msg = decodeCoseSign1(coseBytes);
          const claims = decodeCbor(msg.payload);
          if (claims instanceof Map) readDccPayload(claims);
          key.verify(msg.alg ?? COSE_ALG.ES256, coseToBeSigned(msg), msg.signature);
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('verification keys under hostile signatures', () => {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = [key, importSpki(new Uint8Array(ed.publicKey.export({ type: 'spki', format: 'der' }))), importSpki(new Uint8Array(rsa.publicKey.export({ type: 'spki', format: 'der' })))];

  it('answer false, never throw, for random signatures of every length and any alg', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.constantFrom(...Object.values(COSE_ALG), 0, -36),
        fc.uint8Array({ maxLength: 64 }),
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 300 }).map((n) => new Uint8Array(n))),
        (k, alg, data, signature) => {
          expect(k.verify(alg, data, signature)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
