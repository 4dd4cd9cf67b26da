// SM2 signatures with SM3 (GB/T 32918.2, eid-qr.md §2 alg -65537) on sm2p256v1, pure TypeScript
// over @noble/curves, because Electron's BoringSSL has neither SM2 nor SM3.
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { mapHashToField, mod } from '@noble/curves/abstract/modular.js';
import { bytesToNumberBE, equalBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { sm3 } from './sm3.js';

export { sm3 } from './sm3.js';

/** The signer ID both GB/T 32918 and the EID1 profile use when none is agreed: ASCII "1234567812345678". */
export const SM2_DEFAULT_SIGNER_ID: Uint8Array = new TextEncoder().encode('1234567812345678');

const CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;
const N = CURVE.n;

const Point = weierstrass<bigint>(CURVE);
type Sm2Point = WeierstrassPoint<bigint>;

// Fixed-base tables: the library builds them lazily on first use (≈40 ms once per process), after
// which s·G is about 33 table additions and no doublings.
const G = Point.BASE.precompute(8);
// Per issuer key: a kiosk checks many codes against a handful of keys, so a table per key pays
// for itself after a few verifications. W=8 costs ~40 ms once per key, W=6 ~15 ms and ~20% slower.
const KEY_WINDOW = 8;

/** a ‖ b ‖ xG ‖ yG: the curve part of every Z_A. */
const CURVE_BYTES = concatBytes(
  numberToBytesBE(CURVE.a, 32),
  numberToBytesBE(CURVE.b, 32),
  numberToBytesBE(CURVE.Gx, 32),
  numberToBytesBE(CURVE.Gy, 32),
);

// DER is canonical, so every valid SPKI of an SM2 key is these 27 bytes followed by x ‖ y:
// SEQUENCE { SEQUENCE { id-ecPublicKey 1.2.840.10045.2.1, sm2p256v1 1.2.156.10197.1.301 },
//            BIT STRING { 0 unused bits, 04 } } — matching bytes is a complete parse.
// prettier-ignore
const SPKI_PREFIX = Uint8Array.of(
  0x30, 0x59,
  0x30, 0x13,
  0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d,
  0x03, 0x42, 0x00,
  0x04,
);
const SPKI_LENGTH = SPKI_PREFIX.length + 64;
/** Both OIDs, to tell "an SM2 key in another form" from "not SM2" in error messages. */
const SM2_OIDS = SPKI_PREFIX.subarray(4, 23);

/** True when `der` is the DER SubjectPublicKeyInfo of an SM2 key (uncompressed point); the point itself is not checked. */
export function isSm2Spki(der: Uint8Array): boolean {
  return (
    der instanceof Uint8Array &&
    der.length === SPKI_LENGTH &&
    equalBytes(der.subarray(0, SPKI_PREFIX.length), SPKI_PREFIX)
  );
}

/** ENTL ‖ ID: ENTL is the ID's length in bits, two bytes big-endian, so the ID is at most 8191 bytes. */
function entlAndId(signerId: Uint8Array): Uint8Array {
  if (!(signerId instanceof Uint8Array)) throw new TypeError('SM2 signer ID must be a Uint8Array');
  if (signerId.length > 0x1fff) throw new RangeError('SM2 signer ID longer than 8191 bytes (ENTL is 16 bits)');
  const bits = signerId.length * 8;
  return concatBytes(Uint8Array.of(bits >>> 8, bits & 0xff), signerId);
}

/** Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA). */
function signerDigest(signerId: Uint8Array, point: Uint8Array): Uint8Array {
  return sm3.create().update(entlAndId(signerId)).update(CURVE_BYTES).update(point.subarray(1)).digest();
}

/** e = SM3(Z_A ‖ M) as an integer. */
function messageScalar(za: Uint8Array, message: Uint8Array): bigint {
  return bytesToNumberBE(sm3.create().update(za).update(message).digest());
}

function decodePoint(uncompressed: Uint8Array): Sm2Point {
  if (!(uncompressed instanceof Uint8Array) || uncompressed.length !== 65 || uncompressed[0] !== 0x04) {
    throw new Error('SM2 public key must be an uncompressed point: 65 bytes, 04 ‖ x ‖ y');
  }
  let point: Sm2Point;
  try {
    // fromBytes checks both coordinates are field elements and the curve equation holds.
    point = Point.fromBytes(uncompressed);
  } catch {
    throw new Error('SM2 public key is not a point on the curve sm2p256v1');
  }
  return point;
}

/** Builds a key from a point already known to be valid; assigned inside the class so that no public static exposes the curve library's point type. */
let fromCurvePoint: (point: Sm2Point) => Sm2PublicKey;

const sameSignerId = (id: Uint8Array): boolean => id === SM2_DEFAULT_SIGNER_ID || equalBytes(id, SM2_DEFAULT_SIGNER_ID);

/** An SM2 public key, parsed and checked once; it caches its Z_A and multiplication table for repeated verification. */
export class Sm2PublicKey {
  /** 04 ‖ x ‖ y, 65 bytes. */
  readonly point: Uint8Array;
  readonly #P: Sm2Point;
  #defaultZa: Uint8Array | undefined;
  #hasTable = false;

  static {
    fromCurvePoint = (point) => new Sm2PublicKey(point);
  }

  private constructor(point: Sm2Point) {
    this.#P = point;
    this.point = point.toBytes(false);
  }

  /** Parses a DER SubjectPublicKeyInfo; throws when it is not an SM2 key or its point is not on the curve. */
  static fromSpki(der: Uint8Array): Sm2PublicKey {
    if (!isSm2Spki(der)) {
      const namesSm2 =
        der instanceof Uint8Array && der.length >= 23 && equalBytes(der.subarray(4, 23), SM2_OIDS);
      throw new Error(
        namesSm2
          ? 'SM2 SubjectPublicKeyInfo is malformed or holds a compressed point (expected 91 bytes of DER with 04 ‖ x ‖ y)'
          : 'not an SM2 SubjectPublicKeyInfo (expected id-ecPublicKey with curve sm2p256v1, 1.2.156.10197.1.301)',
      );
    }
    return new Sm2PublicKey(decodePoint(der.subarray(SPKI_PREFIX.length - 1)));
  }

  /** From the uncompressed point 04 ‖ x ‖ y (65 bytes); throws when it is not on the curve. */
  static fromPoint(uncompressed: Uint8Array): Sm2PublicKey {
    return new Sm2PublicKey(decodePoint(uncompressed));
  }

  /** The DER SubjectPublicKeyInfo (91 bytes). */
  toSpki(): Uint8Array {
    return concatBytes(SPKI_PREFIX.subarray(0, SPKI_PREFIX.length - 1), this.point);
  }

  /** Z_A for `signerId`; cached for the default ID, the only one the profile uses. */
  #signerDigest(signerId: Uint8Array): Uint8Array {
    // From the point itself rather than `this.point`, whose bytes a caller could overwrite.
    if (!sameSignerId(signerId)) return signerDigest(signerId, this.#P.toBytes(false));
    this.#defaultZa ??= signerDigest(SM2_DEFAULT_SIGNER_ID, this.#P.toBytes(false));
    return this.#defaultZa;
  }

  /**
   * Checks the signature r ‖ s (64 bytes) over `message`. Never throws: any malformed input
   * (wrong length, r or s out of [1, n−1], an over-long signer ID) is simply not a valid signature.
   */
  verify(message: Uint8Array, signature: Uint8Array, signerId: Uint8Array = SM2_DEFAULT_SIGNER_ID): boolean {
    try {
      if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array) || signature.length !== 64) return false;
      const r = bytesToNumberBE(signature.subarray(0, 32));
      const s = bytesToNumberBE(signature.subarray(32));
      if (r < 1n || r >= N || s < 1n || s >= N) return false;
      const t = mod(r + s, N);
      if (t === 0n) return false;
      const e = messageScalar(this.#signerDigest(signerId), message);
      if (!this.#hasTable) {
        this.#P.precompute(KEY_WINDOW);
        this.#hasTable = true;
      }
      const sum = G.multiplyUnsafe(s).add(this.#P.multiplyUnsafe(t));
      if (sum.is0()) return false;
      return mod(e + sum.toAffine().x, N) === r;
    } catch {
      return false;
    }
  }
}

/** d as a scalar in [1, n−2] (n−1 is excluded because signing inverts 1 + d). */
function privateScalar(privateKey: Uint8Array): bigint {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== 32) {
    throw new Error('SM2 private key must be 32 bytes');
  }
  const d = bytesToNumberBE(privateKey);
  if (d < 1n || d > N - 2n) throw new Error('SM2 private key out of range [1, n-2]');
  return d;
}

export function sm2PublicKeyFromPrivate(privateKey: Uint8Array): Sm2PublicKey {
  return fromCurvePoint(G.multiply(privateScalar(privateKey)));
}

export function sm2GenerateKeyPair(): { privateKey: Uint8Array; publicKey: Sm2PublicKey } {
  // 48 random bytes reduced into [1, n−2]: bias below 2^-128 (FIPS 186-5 A.2.1).
  const privateKey = mapHashToField(randomBytes(48), N - 1n);
  return { privateKey, publicKey: sm2PublicKeyFromPrivate(privateKey) };
}

/**
 * Signs `message` as r ‖ s (64 bytes) with Z_A over `signerId` (default "1234567812345678").
 * `k` fixes the nonce, for known-answer tests only: reusing a k reveals the private key.
 */
export function sm2Sign(
  privateKey: Uint8Array,
  message: Uint8Array,
  options: { signerId?: Uint8Array; k?: bigint } = {},
): Uint8Array {
  const d = privateScalar(privateKey);
  const za = signerDigest(options.signerId ?? SM2_DEFAULT_SIGNER_ID, G.multiply(d).toBytes(false));
  const e = messageScalar(za, message);
  const inverse = Point.Fn.inv(1n + d);
  for (;;) {
    const k = options.k ?? bytesToNumberBE(mapHashToField(randomBytes(48), N));
    if (k < 1n || k >= N) throw new Error('SM2 nonce k out of range [1, n-1]');
    const r = mod(e + G.multiply(k).toAffine().x, N);
    const s = r === 0n || r + k === N ? 0n : mod(inverse * (k - r * d), N);
    if (s !== 0n) return concatBytes(numberToBytesBE(r, 32), numberToBytesBE(s, 32));
    if (options.k !== undefined) throw new Error('SM2 nonce k gives r = 0, r + k = n or s = 0; choose another');
  }
}
