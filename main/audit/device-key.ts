// The kiosk's own identity: a device id and an Ed25519 key pair made on first start and kept in
// the store, plus the per-device secret behind document pseudonyms.
//
// On a Pi with a TPM or secure element the private key (and the pseudonym key) belong there,
// non-exportable, with sign/HMAC done by the chip: a stolen SD card then yields neither. Not
// built yet — here both live in the database, which protects them no better than the records.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { Store } from '../store/index.js';
import { sha256 } from './merkle.js';
import type { DocumentRef } from './record.js';

export interface DeviceKey {
  /** The raw 32-byte Ed25519 public key (RFC 8032), what the bureau enrols. */
  readonly publicKey: Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}

/** The device id, generated (a random UUID) the first time it is asked for. */
export function loadDeviceId(store: Store): string {
  return store.meta.claim('device_id', randomUUID());
}

/** The device key pair, generated the first time it is asked for. */
export function loadDeviceKey(store: Store): DeviceKey {
  let pkcs8 = store.meta.get('device_key');
  if (pkcs8 === undefined) {
    const fresh = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
    pkcs8 = store.meta.claim('device_key', new Uint8Array(fresh));
  }
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  return {
    publicKey,
    sign: (data) => new Uint8Array(sign(null, data, privateKey)),
  };
}

/** The device's public key, when it has one, without loading the private key for use. */
export function storedDevicePublicKey(store: Store): Uint8Array | undefined {
  const pkcs8 = store.meta.get('device_key');
  if (pkcs8 === undefined) return undefined;
  return rawPublicKey(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })));
}

/** Ed25519 verification against a raw public key; false for malformed keys or signatures. */
export function verifyDeviceSignature(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('an Ed25519 public key exports its point as x');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

/** The secret behind document pseudonyms, generated the first time it is asked for. */
export function loadPseudonymKey(store: Store): Uint8Array {
  return store.meta.get('pseudonym_key') ?? store.meta.claim('pseudonym_key', new Uint8Array(randomBytes(32)));
}

/**
 * HMAC-SHA-256 (RFC 2104) under one fixed key: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), the padded keys
 * made once, the two hashes through merkle.ts's one-shot sha256. node:crypto's createHmac builds
 * an Hmac object with a native handle per call: about 3.7 µs and collector work, a quarter of an
 * audit append's JavaScript, where this takes about 1 µs. The tests hold it equal to createHmac
 * and to RFC 4231's vectors.
 */
export class HmacSha256 {
  static readonly BLOCK = 64;
  readonly #ipad: Uint8Array;
  readonly #opad: Uint8Array;

  constructor(key: Uint8Array) {
    const k = new Uint8Array(HmacSha256.BLOCK);
    k.set(key.length > HmacSha256.BLOCK ? sha256(key) : key);
    this.#ipad = k.map((b) => b ^ 0x36);
    this.#opad = k.map((b) => b ^ 0x5c);
    k.fill(0);
  }

  /** The MAC of `message` (UTF-8 when a string). */
  mac(message: string | Uint8Array): Uint8Array<ArrayBuffer> {
    const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    const mac = sha256(this.#opad, sha256(this.#ipad, bytes));
    // A document number must not linger in the buffer pool.
    if (bytes !== message) bytes.fill(0);
    return mac as Uint8Array<ArrayBuffer>;
  }
}

/**
 * HMAC-SHA-256(key, "type:NUMBER"): the same document gives the same pseudonym on this kiosk
 * (so repeated checks can be told apart from new ones) and the number itself is never stored.
 * An `x` check digit is upper-cased first, as the status list does.
 */
export function documentPseudonym(key: Uint8Array | HmacSha256, document: DocumentRef): Uint8Array<ArrayBuffer> {
  const mac = key instanceof HmacSha256 ? key : new HmacSha256(key);
  return mac.mac(`${document.type}:${document.number.toUpperCase()}`);
}
