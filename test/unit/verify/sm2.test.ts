// SM3 and SM2-SM3 signatures: the standards' vectors, interoperability with the independent
// sm-crypto package in both directions, rejection of malformed input, and the SPKI form.
import { generateKeyPairSync, getCurves } from 'node:crypto';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  SM2_DEFAULT_SIGNER_ID,
  Sm2PublicKey,
  isSm2Spki,
  sm2GenerateKeyPair,
  sm2PublicKeyFromPrivate,
  sm2Sign,
  sm3,
} from '../../../main/verify/sm2.js';

const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;

// GM/T 0003.5 / GB/T 32918 example on sm2p256v1, as quoted in eid-qr.md §2; k is the example's nonce.
const KAT = {
  message: utf8ToBytes('message digest'),
  d: hexToBytes('3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8'),
  x: '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020',
  y: 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
};
const katSignature = hexToBytes(KAT.r + KAT.s);

const n32 = (v: bigint): Uint8Array => hexToBytes(v.toString(16).padStart(64, '0'));
const sigOf = (r: bigint, s: bigint): Uint8Array => concatBytes(n32(r), n32(s));
const randomBytes = (length: number): Uint8Array => crypto.getRandomValues(new Uint8Array(length));
function longRandom(length: number): Uint8Array {
  // getRandomValues fills at most 65,536 bytes per call.
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}
const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = bytes.slice();
  out[bit >>> 3]! ^= 1 << (bit & 7);
  return out;
};

describe('sm3', () => {
  it('matches the GB/T 32905 examples', () => {
    expect(bytesToHex(sm3(utf8ToBytes('abc')))).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(bytesToHex(sm3(utf8ToBytes('abcd'.repeat(16))))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it('hashes the empty message', () => {
    expect(bytesToHex(sm3(new Uint8Array(0)))).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
  });

  it('agrees with sm-crypto on every length across several block boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const data = randomBytes(length);
      expect(bytesToHex(sm3(data)), `length ${length}`).toBe(smCrypto.sm3(Array.from(data)));
    }
    const long = longRandom(100_003);
    expect(bytesToHex(sm3(long))).toBe(smCrypto.sm3(Array.from(long)));
  });

  it('gives the same digest when fed in pieces', () => {
    const data = randomBytes(1000);
    const oneShot = bytesToHex(sm3(data));
    for (const cut of [0, 1, 55, 56, 63, 64, 65, 128, 999, 1000]) {
      const hasher = sm3.create();
      hasher.update(data.subarray(0, cut)).update(data.subarray(cut));
      expect(bytesToHex(hasher.digest())).toBe(oneShot);
    }
  });
});

describe('SM2-SM3 known answer (eid-qr.md §2)', () => {
  it('uses the ASCII signer ID 1234567812345678', () => {
    expect(SM2_DEFAULT_SIGNER_ID).toEqual(utf8ToBytes('1234567812345678'));
  });

  it('derives the published public key from the private key', () => {
    const key = sm2PublicKeyFromPrivate(KAT.d);
    expect(bytesToHex(key.point)).toBe(`04${KAT.x}${KAT.y}`.toLowerCase());
  });

  it('signs to the published r, s with the example nonce', () => {
    expect(bytesToHex(sm2Sign(KAT.d, KAT.message, { k: KAT.k }))).toBe(`${KAT.r}${KAT.s}`.toLowerCase());
  });

  it('verifies the published signature, and sm-crypto agrees', () => {
    const key = Sm2PublicKey.fromPoint(hexToBytes(`04${KAT.x}${KAT.y}`));
    expect(key.verify(KAT.message, katSignature)).toBe(true);
    expect(key.verify(KAT.message, katSignature, SM2_DEFAULT_SIGNER_ID)).toBe(true);
    expect(smCrypto.sm2.doVerifySignature('message digest', KAT.r + KAT.s, `04${KAT.x}${KAT.y}`, { hash: true, der: false })).toBe(true);
  });

  it('refuses the published signature for another message or signer ID', () => {
    const key = Sm2PublicKey.fromPoint(hexToBytes(`04${KAT.x}${KAT.y}`));
    expect(key.verify(utf8ToBytes('message digesT'), katSignature)).toBe(false);
    expect(key.verify(KAT.message, katSignature, utf8ToBytes('1234567812345679'))).toBe(false);
    expect(key.verify(KAT.message, katSignature, new Uint8Array(0))).toBe(false);
  });
});

describe('interoperability with sm-crypto', () => {
  // Empty, short, block-boundary and long messages, each under a fresh key.
  const lengths = [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 350, 1000, 4096, 100_000];

  it('sm-crypto verifies our signatures', () => {
    for (const length of lengths) {
      const { privateKey, publicKey } = sm2GenerateKeyPair();
      const message = longRandom(length);
      const signature = sm2Sign(privateKey, message);
      expect(signature).toHaveLength(64);
      const pubHex = bytesToHex(publicKey.point);
      expect(smCrypto.sm2.doVerifySignature(message, bytesToHex(signature), pubHex, { hash: true, der: false }), `length ${length}`).toBe(true);
      expect(smCrypto.sm2.doVerifySignature(concatBytes(message, Uint8Array.of(0)), bytesToHex(signature), pubHex, { hash: true, der: false })).toBe(false);
      expect(publicKey.verify(message, signature)).toBe(true);
    }
  });

  it('we verify sm-crypto signatures, and refuse them when tampered', () => {
    for (const length of lengths) {
      const pair = smCrypto.sm2.generateKeyPairHex();
      const message = longRandom(length);
      const signatureHex = smCrypto.sm2.doSignature(message, pair.privateKey, { hash: true, der: false });
      const key = Sm2PublicKey.fromPoint(hexToBytes(pair.publicKey));
      const signature = hexToBytes(signatureHex);
      expect(key.verify(message, signature), `length ${length}`).toBe(true);
      expect(key.verify(message, flipBit(signature, 500))).toBe(false);
      if (length > 0) expect(key.verify(flipBit(message, length * 8 - 1), signature)).toBe(false);
    }
  });

  it('derives the same public keys as sm-crypto', () => {
    for (let i = 0; i < 10; i++) {
      const pair = smCrypto.sm2.generateKeyPairHex();
      expect(bytesToHex(sm2PublicKeyFromPrivate(hexToBytes(pair.privateKey)).point)).toBe(pair.publicKey);
      const ours = sm2GenerateKeyPair();
      expect(ours.privateKey).toHaveLength(32);
      expect(smCrypto.sm2.getPublicKeyFromPrivateKey(bytesToHex(ours.privateKey))).toBe(bytesToHex(ours.publicKey.point));
    }
  });

  it('agrees on Z_A for other signer IDs, including the empty one', () => {
    for (const id of ['alice@example.com', '', '身份核验终端']) {
      const idBytes = utf8ToBytes(id);
      const { privateKey, publicKey } = sm2GenerateKeyPair();
      const message = randomBytes(77);
      const ours = sm2Sign(privateKey, message, { signerId: idBytes });
      const pubHex = bytesToHex(publicKey.point);
      expect(smCrypto.sm2.doVerifySignature(message, bytesToHex(ours), pubHex, { hash: true, der: false, userId: id })).toBe(true);
      expect(smCrypto.sm2.doVerifySignature(message, bytesToHex(ours), pubHex, { hash: true, der: false })).toBe(false);
      const theirs = smCrypto.sm2.doSignature(message, bytesToHex(privateKey), { hash: true, der: false, userId: id });
      expect(publicKey.verify(message, hexToBytes(theirs), idBytes)).toBe(true);
      expect(publicKey.verify(message, hexToBytes(theirs))).toBe(false);
    }
  });
});

describe('Sm2PublicKey.verify rejects', () => {
  const { privateKey, publicKey } = sm2GenerateKeyPair();
  const message = utf8ToBytes('EID1 Sig_structure stand-in');
  const signature = sm2Sign(privateKey, message);
  const r = BigInt(`0x${bytesToHex(signature.subarray(0, 32))}`);
  const s = BigInt(`0x${bytesToHex(signature.subarray(32))}`);

  it('accepts the untouched signature (the baseline for the cases below)', () => {
    expect(publicKey.verify(message, signature)).toBe(true);
  });

  it('every single-bit change of the signature', () => {
    for (let bit = 0; bit < 512; bit++) expect(publicKey.verify(message, flipBit(signature, bit)), `bit ${bit}`).toBe(false);
  });

  it('r or s equal to 0, n or above n', () => {
    for (const bad of [0n, N, N + 1n, 2n ** 256n - 1n]) {
      expect(publicKey.verify(message, sigOf(bad, s))).toBe(false);
      expect(publicKey.verify(message, sigOf(r, bad))).toBe(false);
    }
  });

  it('r + s = n (t = 0)', () => {
    expect(publicKey.verify(message, sigOf(r, N - r))).toBe(false);
  });

  it('signatures of the wrong length, including the DER form', () => {
    expect(publicKey.verify(message, signature.subarray(0, 63))).toBe(false);
    expect(publicKey.verify(message, concatBytes(signature, Uint8Array.of(0)))).toBe(false);
    expect(publicKey.verify(message, new Uint8Array(0))).toBe(false);
    const der = smCrypto.sm2.doSignature(message, bytesToHex(privateKey), { hash: true, der: true });
    expect(publicKey.verify(message, hexToBytes(der))).toBe(false);
  });

  it('a wrong signer ID, without spoiling the cached default', () => {
    expect(publicKey.verify(message, signature, utf8ToBytes('8765432187654321'))).toBe(false);
    expect(publicKey.verify(message, signature, new Uint8Array(0x2000))).toBe(false); // ENTL overflow
    expect(publicKey.verify(message, signature)).toBe(true);
  });

  it('a signature by another key', () => {
    const other = sm2GenerateKeyPair();
    expect(other.publicKey.verify(message, signature)).toBe(false);
  });

  it('inputs of the wrong type, without throwing', () => {
    const loose = publicKey as unknown as { verify(...args: unknown[]): boolean };
    expect(loose.verify(undefined, signature)).toBe(false);
    expect(loose.verify(message, bytesToHex(signature))).toBe(false);
    expect(loose.verify(message, signature, 'ALICE123@YAHOO.COM')).toBe(false);
  });
});

describe('public keys', () => {
  const { publicKey } = sm2GenerateKeyPair();
  const x = BigInt(`0x${bytesToHex(publicKey.point.subarray(1, 33))}`);
  const y = BigInt(`0x${bytesToHex(publicKey.point.subarray(33))}`);

  it('round-trips through the SPKI form', () => {
    const spki = publicKey.toSpki();
    expect(spki).toHaveLength(91);
    expect(isSm2Spki(spki)).toBe(true);
    const back = Sm2PublicKey.fromSpki(spki);
    expect(back.point).toEqual(publicKey.point);
    expect(back.toSpki()).toEqual(spki);
    expect(Sm2PublicKey.fromPoint(publicKey.point).point).toEqual(publicKey.point);
  });

  it('refuses points that are not on the curve', () => {
    expect(() => Sm2PublicKey.fromPoint(concatBytes(Uint8Array.of(4), n32(x), n32((y + 1n) % P)))).toThrow(/not a point on the curve/);
    expect(() => Sm2PublicKey.fromPoint(new Uint8Array(65).fill(0, 1).fill(4, 0, 1))).toThrow(/not a point on the curve/);
    const tampered = publicKey.toSpki();
    tampered[90]! ^= 1;
    expect(isSm2Spki(tampered)).toBe(true); // the form is right; the point is not
    expect(() => Sm2PublicKey.fromSpki(tampered)).toThrow(/not a point on the curve/);
  });

  it('refuses coordinates not reduced modulo p', () => {
    // y and p − y are both on the curve for x; y + p is the same field element written unreduced.
    if (y + P < 2n ** 256n) {
      expect(() => Sm2PublicKey.fromPoint(concatBytes(Uint8Array.of(4), n32(x), n32(y + P)))).toThrow(/not a point on the curve/);
    }
    expect(() => Sm2PublicKey.fromPoint(concatBytes(Uint8Array.of(4), n32(P), n32(y)))).toThrow(/not a point on the curve/);
  });

  it('refuses points that are not 04 ‖ x ‖ y', () => {
    const compressed = concatBytes(Uint8Array.of(y % 2n === 0n ? 2 : 3), n32(x));
    expect(() => Sm2PublicKey.fromPoint(compressed)).toThrow(/uncompressed point/);
    expect(() => Sm2PublicKey.fromPoint(publicKey.point.subarray(1))).toThrow(/uncompressed point/);
    expect(() => Sm2PublicKey.fromPoint(concatBytes(Uint8Array.of(6), publicKey.point.subarray(1)))).toThrow(/uncompressed point/);
  });

  it('refuses malformed or foreign SPKI', () => {
    const spki = publicKey.toSpki();
    const foreign = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' });
    const cases: [string, Uint8Array, RegExp][] = [
      ['P-256 key', new Uint8Array(foreign), /not an SM2 SubjectPublicKeyInfo/],
      ['empty', new Uint8Array(0), /not an SM2 SubjectPublicKeyInfo/],
      ['truncated', spki.subarray(0, 90), /malformed/],
      ['trailing byte', concatBytes(spki, Uint8Array.of(0)), /malformed/],
      ['wrong outer length', Uint8Array.from(spki, (b, i) => (i === 1 ? 0x5a : b)), /not an SM2|malformed/],
      ['unused bits in the BIT STRING', Uint8Array.from(spki, (b, i) => (i === 25 ? 1 : b)), /malformed/],
      ['curve OID changed', Uint8Array.from(spki, (b, i) => (i === 22 ? 0x2e : b)), /not an SM2 SubjectPublicKeyInfo/],
      ['compressed point', concatBytes(Uint8Array.of(0x30, 0x39), spki.subarray(2, 23), Uint8Array.of(0x03, 0x22, 0x00), Uint8Array.of(2), n32(x)), /compressed/],
    ];
    for (const [name, der, message] of cases) {
      expect(isSm2Spki(der), name).toBe(false);
      expect(() => Sm2PublicKey.fromSpki(der), name).toThrow(message);
    }
    expect(isSm2Spki('3059' as unknown as Uint8Array)).toBe(false);
  });

  it.runIf(getCurves().includes('SM2'))('reads the SPKI that OpenSSL writes for an SM2 key, byte for byte', () => {
    const der = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'SM2' }).publicKey.export({ type: 'spki', format: 'der' }));
    expect(isSm2Spki(der)).toBe(true);
    const key = Sm2PublicKey.fromSpki(der);
    expect(key.toSpki()).toEqual(der);
    expect(key.point).toEqual(der.subarray(26));
  });
});

describe('private keys and nonces', () => {
  it('refuses private keys outside [1, n − 2] or not 32 bytes', () => {
    for (const d of [0n, N - 1n, N, 2n ** 256n - 1n]) {
      expect(() => sm2PublicKeyFromPrivate(n32(d))).toThrow(/out of range/);
      expect(() => sm2Sign(n32(d), new Uint8Array(1))).toThrow(/out of range/);
    }
    expect(() => sm2PublicKeyFromPrivate(new Uint8Array(31).fill(1))).toThrow(/32 bytes/);
    expect(bytesToHex(sm2PublicKeyFromPrivate(n32(N - 2n)).point)).toBe(
      smCrypto.sm2.getPublicKeyFromPrivateKey((N - 2n).toString(16)),
    );
  });

  it('refuses a fixed nonce outside [1, n − 1]', () => {
    for (const k of [0n, N, -1n]) expect(() => sm2Sign(KAT.d, KAT.message, { k })).toThrow(/nonce/);
  });

  it('draws a fresh nonce for each signature', () => {
    const a = sm2Sign(KAT.d, KAT.message);
    const b = sm2Sign(KAT.d, KAT.message);
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
    const key = sm2PublicKeyFromPrivate(KAT.d);
    expect(key.verify(KAT.message, a) && key.verify(KAT.message, b)).toBe(true);
  });

  it('refuses a signer ID longer than ENTL can state', () => {
    expect(() => sm2Sign(KAT.d, KAT.message, { signerId: new Uint8Array(0x2000) })).toThrow(/8191/);
    const longest = new Uint8Array(0x1fff).fill(0x41);
    const sig = sm2Sign(KAT.d, KAT.message, { signerId: longest });
    expect(sm2PublicKeyFromPrivate(KAT.d).verify(KAT.message, sig, longest)).toBe(true);
  });
});

describe('properties', () => {
  const { privateKey, publicKey } = sm2GenerateKeyPair();

  it('a signature verifies, and one flipped bit of the message breaks it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.nat(), (message, pick) => {
        const signature = sm2Sign(privateKey, message);
        expect(publicKey.verify(message, signature)).toBe(true);
        expect(publicKey.verify(flipBit(message, pick % (message.length * 8)), signature)).toBe(false);
        expect(publicKey.verify(message, flipBit(signature, pick % 512))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
