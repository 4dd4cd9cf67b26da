// Device enrolment: a one-time code binds a device id to its Ed25519 key. Enrolling again with
// the same code and key answers the same (a kiosk that lost the first answer retries safely).
import { createPublicKey } from 'node:crypto';
import { emptyLog } from './audit-intake.js';
import type { BureauDatabase } from './db.js';
import { BureauError, EnrolmentRequestSchema, b64, issuesOf } from './wire.js';

export interface Enrolment {
  readonly deviceId: string;
  readonly highWater: number;
  /** False when this exact enrolment had already happened. */
  readonly created: boolean;
}

const same = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && Buffer.from(a).equals(b);

/** The raw 32-byte key inside a DER SubjectPublicKeyInfo, which must be Ed25519. */
export function ed25519FromSpki(der: Uint8Array): Uint8Array {
  let x: unknown;
  try {
    const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(key.asymmetricKeyType);
    x = key.export({ format: 'jwk' }).x;
  } catch {
    throw new BureauError('malformed_request', 'publicKey must be the base64 DER SubjectPublicKeyInfo of an Ed25519 key');
  }
  if (typeof x !== 'string') throw new BureauError('malformed_request', 'publicKey has no Ed25519 point');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

export function enrol(db: BureauDatabase, json: unknown, nowMs: number): Enrolment {
  const parsed = EnrolmentRequestSchema.safeParse(json);
  if (!parsed.success) throw new BureauError('malformed_request', issuesOf(parsed.error));
  const { enrolmentCode, deviceId } = parsed.data;
  const publicKey = ed25519FromSpki(b64(parsed.data.publicKey));
  return db.transaction(() => {
    const code = db.enrolmentCode(enrolmentCode);
    if (!code) throw new BureauError('unknown_code', 'this enrolment code is not known to the bureau');
    const device = db.device(deviceId);
    if (code.deviceId !== null) {
      if (code.deviceId === deviceId && same(code.publicKey, publicKey)) {
        return { deviceId, highWater: device?.highWater ?? 0, created: false };
      }
      throw new BureauError('code_used', 'this enrolment code was already used for another device');
    }
    if (device && !same(device.publicKey, publicKey)) {
      // A code must not let anyone take over an enrolled device id with a key of their own.
      throw new BureauError('device_exists', 'this device id is enrolled with another key');
    }
    if (!device) {
      const log = emptyLog();
      db.insertDevice(deviceId, publicKey, nowMs, log.chainHash, log.frontier);
    }
    db.useEnrolmentCode(enrolmentCode, deviceId, publicKey, nowMs);
    return { deviceId, highWater: device?.highWater ?? 0, created: true };
  });
}
