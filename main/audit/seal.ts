// Sealing the personal data a site must report (a hotel's guest registration) to the bureau's
// public key with HPKE (RFC 9180), so the kiosk keeps only what it cannot read back.
//
// Suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode. @hpke/core ships
// X25519 and AES-GCM on Node 20's WebCrypto; ChaCha20-Poly1305 (faster on a Pi 4, which lacks
// AES instructions) needs the separate @hpke/chacha20poly1305 package, and payloads of a few
// hundred bytes do not make the difference worth a dependency.
//   info = canonical CBOR ["verikiosk-seal-v1", deviceId, seq]   (binds device and record)
//   aad  = the record's leaf hash SHA-256(0x00 ‖ record bytes)    (binds the exact record)
//   plaintext = canonical CBOR of the GuestRegistration
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { z } from 'zod';
import { decodeCanonical, encodeCanonical } from './canonical-cbor.js';
import { AuditError } from './errors.js';

export const SEAL_SUITE_NAME = 'DHKEM(X25519,HKDF-SHA256)/HKDF-SHA256/AES-128-GCM';

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

/** What a hotel must report per guest. Validated on arrival; never logged, never stored in clear. */
export const GuestRegistrationSchema = z.strictObject({
  name: z.string().min(1).max(200),
  documentType: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'expected a document type code'),
  documentNumber: z.string().min(1).max(64),
  /** As the document gives it: YYYY, YYYY-MM or YYYY-MM-DD (dashes optional). */
  birthDate: z.string().regex(/^\d{4}(-?\d{2}(-?\d{2})?)?$/, 'expected YYYY-MM-DD'),
  address: z.string().max(400),
  checkInMs: z.int(),
});
export type GuestRegistration = z.output<typeof GuestRegistrationSchema>;

export interface SealedPayload {
  readonly suite: string;
  /** The HPKE encapsulated key, 32 bytes. */
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** Which record a payload belongs to: bound into info and aad, so it opens only there. */
export interface SealBinding {
  readonly deviceId: string;
  readonly seq: number;
  readonly leafHash: Uint8Array;
}

export function sealInfo(deviceId: string, seq: number): Uint8Array {
  return encodeCanonical(['verikiosk-seal-v1', deviceId, seq]);
}

export function parseGuestRegistration(value: unknown): GuestRegistration {
  const parsed = GuestRegistrationSchema.safeParse(value);
  // The issues name fields only: the rejected values (personal data) stay out of the message.
  if (!parsed.success) {
    throw new AuditError('invalid_event', `guest registration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join(', ')}`);
  }
  return parsed.data;
}

export async function sealRegistration(
  bureauPublicKey: Uint8Array,
  binding: SealBinding,
  registration: GuestRegistration,
): Promise<SealedPayload> {
  const recipientPublicKey = await suite.kem.deserializePublicKey(bureauPublicKey);
  const plaintext = encodeCanonical(registration);
  const { ct, enc } = await suite.seal(
    { recipientPublicKey, info: sealInfo(binding.deviceId, binding.seq) },
    plaintext,
    binding.leafHash,
  );
  plaintext.fill(0);
  return { suite: SEAL_SUITE_NAME, enc: new Uint8Array(enc), ciphertext: new Uint8Array(ct) };
}

/** HPKE base-mode open with this suite; throws on any mismatch. */
export async function openHpke(
  privateKey: Uint8Array,
  enc: Uint8Array,
  ciphertext: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const recipientKey = await suite.kem.deserializePrivateKey(privateKey);
  return new Uint8Array(await suite.open({ recipientKey, enc, info }, ciphertext, aad));
}

/**
 * The bureau's side: opens a payload with its X25519 private key (raw 32 bytes) for the record
 * it came with. AuditError('unsealable') when key, record or bytes do not match.
 */
export async function openSealed(bureauPrivateKey: Uint8Array, binding: SealBinding, payload: SealedPayload): Promise<GuestRegistration> {
  if (payload.suite !== SEAL_SUITE_NAME) throw new AuditError('unsealable', `unknown seal suite ${payload.suite}`);
  let plaintext: Uint8Array;
  try {
    plaintext = await openHpke(bureauPrivateKey, payload.enc, payload.ciphertext, sealInfo(binding.deviceId, binding.seq), binding.leafHash);
  } catch (err) {
    throw new AuditError('unsealable', `the sealed payload of record ${binding.seq} does not open with this key for this record`, { cause: err });
  }
  let value: unknown;
  try {
    value = decodeCanonical(plaintext);
  } catch (err) {
    throw new AuditError('unsealable', `the sealed payload of record ${binding.seq} is not canonical CBOR`, { cause: err });
  }
  return parseGuestRegistration(value);
}

/** A bureau key pair, raw 32-byte X25519 keys (for tools/bureau and tests). */
export async function generateBureauKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const pair = await suite.kem.generateKeyPair();
  return {
    publicKey: new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
  };
}
