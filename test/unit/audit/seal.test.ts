// Sealing guest registrations: interop with the RFC 9180 A.1.1 vector, the round trip to the
// bureau, and that a payload opens only with the bureau's key for its own record.
import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../main/audit/errors.js';
import { leafHash } from '../../../main/audit/merkle.js';
import {
  SEAL_SUITE_NAME,
  generateBureauKeyPair,
  openHpke,
  openSealed,
  parseGuestRegistration,
  sealRegistration,
  type GuestRegistration,
} from '../../../main/audit/seal.js';

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

const GUEST: GuestRegistration = {
  name: 'Canary Guestname',
  documentType: 'ID',
  documentNumber: '11010519491231002X',
  birthDate: '1949-12-31',
  address: '1 Canary Lane',
  checkInMs: 1_700_000_000_000,
};

describe('HPKE suite', () => {
  it('opens the RFC 9180 A.1.1 base-mode vector (X25519, HKDF-SHA256, AES-128-GCM)', async () => {
    const plaintext = await openHpke(
      unhex('4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8'),
      unhex('37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431'),
      unhex('f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a'),
      new TextEncoder().encode('Ode on a Grecian Urn'),
      new TextEncoder().encode('Count-0'),
    );
    expect(new TextDecoder().decode(plaintext)).toBe('Beauty is truth, truth beauty');
  });
});

describe('sealed guest registrations', () => {
  const binding = { deviceId: 'kiosk-1', seq: 42, leafHash: leafHash(new Uint8Array([42])) };

  it('round-trips to the bureau, and the ciphertext holds no plaintext', async () => {
    const bureau = await generateBureauKeyPair();
    const sealed = await sealRegistration(bureau.publicKey, binding, GUEST);
    expect(sealed.suite).toBe(SEAL_SUITE_NAME);
    expect(sealed.enc).toHaveLength(32);
    expect(Buffer.from(sealed.ciphertext).includes(Buffer.from('Canary'))).toBe(false);
    expect(await openSealed(bureau.privateKey, binding, sealed)).toEqual(GUEST);
  });

  it('opens only with the bureau key, for the record, device and seq it was sealed for', async () => {
    const bureau = await generateBureauKeyPair();
    const other = await generateBureauKeyPair();
    const sealed = await sealRegistration(bureau.publicKey, binding, GUEST);
    const attempts = [
      () => openSealed(other.privateKey, binding, sealed),
      () => openSealed(bureau.privateKey, { ...binding, seq: 43 }, sealed),
      () => openSealed(bureau.privateKey, { ...binding, deviceId: 'kiosk-2' }, sealed),
      () => openSealed(bureau.privateKey, { ...binding, leafHash: leafHash(new Uint8Array([43])) }, sealed),
      () => openSealed(bureau.privateKey, binding, { ...sealed, ciphertext: sealed.ciphertext.map((b, i) => (i === 3 ? b ^ 1 : b)) }),
      () => openSealed(bureau.privateKey, binding, { ...sealed, suite: 'something-else' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(AuditError);
      expect((error as AuditError).code).toBe('unsealable');
    }
  });

  it('refuses a malformed registration without echoing the personal data in the message', () => {
    let message = '';
    try {
      parseGuestRegistration({ ...GUEST, birthDate: 'Canary-31-12' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('birthDate');
    expect(message).not.toContain('Canary');
    expect(() => parseGuestRegistration({ ...GUEST, nickname: 'x' })).toThrow('invalid_event');
  });
});
