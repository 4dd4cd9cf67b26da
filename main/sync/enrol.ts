// Device enrolment: a one-time code registers this kiosk's Ed25519 key with the bureau, which
// answers with the X25519 key guest registrations are sealed to (kept in store.meta).
import { createPublicKey } from 'node:crypto';
import { loadDeviceId, loadDeviceKey } from '../audit/index.js';
import type { Store } from '../store/index.js';
import { BureauClient, type BureauApi, type EnrolmentAnswer } from './client.js';
import { BureauError, SyncError } from './errors.js';

export interface EnrolOptions {
  readonly bureauUrl: string;
  /** The one-time enrolment code the bureau issued for this kiosk. */
  readonly code: string;
  readonly store: Store;
  /** Default: a client for `bureauUrl`. */
  readonly client?: BureauApi;
  readonly signal?: AbortSignal;
}

export interface Enrolment extends EnrolmentAnswer {
  readonly bureauUrl: string;
}

/**
 * Enrols the device (creating its id and key on first use) and stores the bureau's seal key.
 * Enrolling again with the same code is idempotent at the bureau; a different seal key than the
 * one stored is refused (SyncError `seal_key_changed`): records already sealed would not open.
 */
export async function enrol(options: EnrolOptions): Promise<Enrolment> {
  const code = options.code.trim();
  if (!/^[\x21-\x7e]{1,128}$/.test(code)) throw new SyncError('bad_enrolment', 'the enrolment code must be 1 to 128 printable characters');
  let client: BureauApi | undefined = options.client;
  try {
    client ??= new BureauClient({ baseUrl: options.bureauUrl });
  } catch (error) {
    throw new SyncError('bad_enrolment', (error as Error).message, { cause: error });
  }
  const deviceId = loadDeviceId(options.store);
  const key = loadDeviceKey(options.store);
  const answer = await client.enrol({ enrolmentCode: code, deviceId, publicKeySpki: ed25519Spki(key.publicKey) }, options.signal);
  if (answer.deviceId !== deviceId) {
    throw new BureauError('bureau_bad_answer', 'enrolment: the bureau answered for another device id');
  }
  const stored = options.store.meta.get('bureau_seal_key');
  if (stored && !Buffer.from(stored).equals(Buffer.from(answer.sealKey))) {
    throw new SyncError(
      'seal_key_changed',
      'the bureau answered with another seal key than the one this kiosk already seals to; records sealed before would not open',
    );
  }
  options.store.transaction(() => {
    options.store.meta.set('bureau_seal_key', answer.sealKey);
    options.store.meta.set('bureau_url', client.baseUrl);
  });
  return { ...answer, bureauUrl: client.baseUrl };
}

/** DER SubjectPublicKeyInfo of a raw Ed25519 public key, the form API.md enrols. */
export function ed25519Spki(raw: Uint8Array): Uint8Array {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}
