// Issuer keys: kid derivation, SPKI and certificate import, and per-algorithm verification
// round trips with node:crypto signers, wrong algorithms and malformed signatures.
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../../../main/verify/cbor.js';
import { coseToBeSigned, coseToBeSignedParts, decodeCoseSign1 } from '../../../main/verify/cose.js';
import { computeKid, importCertificate, importSpki } from '../../../main/verify/keys.js';
import { Sm2PublicKey } from '../../../main/verify/sm2.js';
import { COSE_ALG } from '../../../main/verify/types.js';

const ALGS = Object.values(COSE_ALG);
const spkiOf = (key: KeyObject) => new Uint8Array(key.export({ type: 'spki', format: 'der' }));
const payload = encodeCbor(new Map<number, unknown>([[1, 'CN-BJ'], [6, 1700000000]]));

/** A signed COSE_Sign1 and the bytes its signature covers, as the verifier will see them. */
function signedMessage(alg: number, signer: (data: Uint8Array) => Uint8Array, kid: Uint8Array) {
  const protectedBytes = encodeCbor(new Map<number, unknown>([[1, alg], [4, kid]]));
  const tbs = coseToBeSigned({ protectedBytes, payload });
  const bytes = encodeCbor([protectedBytes, new Map(), payload, signer(tbs)]);
  return decodeCoseSign1(bytes);
}

const flip = (bytes: Uint8Array, index: number) => {
  const copy = new Uint8Array(bytes);
  copy[index]! ^= 0x01;
  return copy;
};

describe('computeKid', () => {
  it('is the first 8 bytes of SHA-256 over the DER', () => {
    const der = new TextEncoder().encode('any DER bytes');
    expect(Buffer.from(computeKid(der))).toEqual(createHash('sha256').update(der).digest().subarray(0, 8));
    expect(computeKid(der)).toHaveLength(8);
  });
});

describe('round trips with node:crypto signers', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' });

  const cases = [
    { name: 'ES256', alg: COSE_ALG.ES256, family: 'ec-p256', pair: ec, signer: (d: Uint8Array) => sign('sha256', d, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }) },
    { name: 'EdDSA', alg: COSE_ALG.EdDSA, family: 'ed25519', pair: ed, signer: (d: Uint8Array) => sign(null, d, ed.privateKey) },
    {
      name: 'PS256 (rsaEncryption key)',
      alg: COSE_ALG.PS256,
      family: 'rsa',
      pair: rsa,
      signer: (d: Uint8Array) => sign('sha256', d, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    },
    {
      name: 'PS256 (id-RSASSA-PSS key)',
      alg: COSE_ALG.PS256,
      family: 'rsa',
      pair: rsaPss,
      signer: (d: Uint8Array) => sign('sha256', d, { key: rsaPss.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    },
  ] as const;

  for (const c of cases) {
    describe(c.name, () => {
      const spki = spkiOf(c.pair.publicKey);
      const key = importSpki(spki);
      const msg = signedMessage(c.alg, (d) => new Uint8Array(c.signer(d)), computeKid(spki));

      it('imports with the right family and supports only its algorithm', () => {
        expect(key.family).toBe(c.family);
        expect(key.spki).toEqual(spki);
        for (const alg of ALGS) expect(key.supports(alg)).toBe(alg === c.alg);
      });

      it('verifies a genuine signature', () => {
        expect(key.verify(c.alg, coseToBeSigned(msg), msg.signature)).toBe(true);
      });

      it('gives the same answers over the Sig_structure in parts (streamed where the algorithm allows)', () => {
        const parts = coseToBeSignedParts(msg);
        expect(Buffer.concat(parts)).toEqual(Buffer.from(coseToBeSigned(msg)));
        expect(key.verifyParts(c.alg, parts, msg.signature)).toBe(true);
        expect(key.verifyParts(c.alg, [parts[0], flip(parts[1], 3)], msg.signature)).toBe(false);
        expect(key.verifyParts(c.alg, [flip(parts[0], 5), parts[1]], msg.signature)).toBe(false);
        expect(key.verifyParts(c.alg, parts, flip(msg.signature, 0))).toBe(false);
        expect(key.verifyParts(c.alg, parts, msg.signature.subarray(1))).toBe(false);
        const other = ALGS.find((alg) => alg !== c.alg)!;
        expect(key.verifyParts(other, parts, msg.signature)).toBe(false);
      });

      it('refuses a changed payload, a changed protected header and a changed signature', () => {
        expect(key.verify(c.alg, coseToBeSigned({ protectedBytes: msg.protectedBytes, payload: flip(msg.payload, 3) }), msg.signature)).toBe(false);
        expect(key.verify(c.alg, coseToBeSigned({ protectedBytes: flip(msg.protectedBytes, 1), payload: msg.payload }), msg.signature)).toBe(false);
        expect(key.verify(c.alg, coseToBeSigned(msg), flip(msg.signature, 10))).toBe(false);
      });

      it('says false, never throws, for other algorithms and malformed signatures', () => {
        const tbs = coseToBeSigned(msg);
        for (const alg of [...ALGS.filter((a) => a !== c.alg), 0, -35, 1, Number.NaN]) expect(key.verify(alg, tbs, msg.signature)).toBe(false);
        const malformed = [
          new Uint8Array(0),
          msg.signature.subarray(0, msg.signature.length - 1),
          Uint8Array.of(...msg.signature, 0),
          new Uint8Array(msg.signature.length),
          new Uint8Array(msg.signature.length).fill(0xff),
          new Uint8Array(72).fill(0x30),
        ];
        for (const sig of malformed) expect(key.verify(c.alg, tbs, sig)).toBe(false);
        expect(key.verify(c.alg, null as unknown as Uint8Array, msg.signature)).toBe(false);
        expect(key.verify(c.alg, tbs, 'sig' as unknown as Uint8Array)).toBe(false);
      });
    });
  }

  it('refuses an ES256 signature in DER (ASN.1) form: COSE carries r ‖ s', () => {
    const key = importSpki(spkiOf(ec.publicKey));
    const data = Uint8Array.of(1, 2, 3);
    const der = sign('sha256', data, ec.privateKey); // default dsaEncoding: der
    expect(key.verify(COSE_ALG.ES256, data, der)).toBe(false);
  });

  it('refuses PS256 signatures with another salt length or PKCS#1 v1.5 padding', () => {
    const key = importSpki(spkiOf(rsa.publicKey));
    const data = Uint8Array.of(1, 2, 3);
    const salt20 = sign('sha256', data, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 });
    const pkcs1 = sign('sha256', data, rsa.privateKey);
    expect(key.verify(COSE_ALG.PS256, data, salt20)).toBe(false);
    expect(key.verify(COSE_ALG.PS256, data, pkcs1)).toBe(false);
  });
});

describe('SM2 keys go to the SM2 implementation', () => {
  // The standard's own example (eid-qr.md §2), signer ID "1234567812345678".
  const point = Buffer.from(
    '04' + '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' + 'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
    'hex',
  );
  const signature = Buffer.from(
    'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' + 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
    'hex',
  );
  const message = new TextEncoder().encode('message digest');
  const key = importSpki(Sm2PublicKey.fromPoint(new Uint8Array(point)).toSpki());

  it('verifies the known answer with alg -65537 only', () => {
    expect(key.family).toBe('sm2');
    expect(key.supports(COSE_ALG.SM2_SM3)).toBe(true);
    expect(key.verify(COSE_ALG.SM2_SM3, message, signature)).toBe(true);
    expect(key.verify(COSE_ALG.ES256, message, signature)).toBe(false);
    expect(key.verify(COSE_ALG.SM2_SM3, flip(message, 0), signature)).toBe(false);
    expect(key.verify(COSE_ALG.SM2_SM3, message, signature.subarray(0, 63))).toBe(false);
    // In parts: joined before the check (SM2's Z_A comes first, so it does not stream here).
    expect(key.verifyParts(COSE_ALG.SM2_SM3, [message.subarray(0, 5), message.subarray(5)], signature)).toBe(true);
    expect(key.verifyParts(COSE_ALG.SM2_SM3, [message.subarray(0, 5), flip(message.subarray(5), 0)], signature)).toBe(false);
  });
});

describe('importSpki refuses what it cannot use', () => {
  it.each([
    ['P-384', () => spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey), /P-256/],
    ['secp256k1', () => spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), /P-256/],
    ['X25519', () => spkiOf(generateKeyPairSync('x25519').publicKey), /unsupported key type x25519/],
    ['Ed448', () => spkiOf(generateKeyPairSync('ed448').publicKey), /unsupported key type ed448/],
    ['RSA 1024', () => spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), /too short/],
    ['garbage', () => Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00), /SubjectPublicKeyInfo/],
    ['nothing', () => new Uint8Array(0), /SubjectPublicKeyInfo/],
  ])('%s', (_name, make, message) => {
    expect(() => importSpki(make())).toThrow(message);
  });

  it('keeps its own copy of the SPKI', () => {
    const spki = spkiOf(generateKeyPairSync('ed25519').publicKey);
    const key = importSpki(spki);
    const before = new Uint8Array(key.spki);
    spki.fill(0);
    expect(key.spki).toEqual(before);
  });
});

describe('importCertificate', () => {
  // Document signing certificates from the EU DCC test data (shared/corpus/dcc, Apache-2.0).
  const AT_DSC =
    'MIIBvTCCAWOgAwIBAgIKAXk8i88OleLsuTAKBggqhkjOPQQDAjA2MRYwFAYDVQQDDA1BVCBER0MgQ1NDQSAxMQswCQYDVQQGEwJBVDEPMA0GA1UECgwGQk1TR1BLMB4XDTIxMDUwNTEyNDEwNloXDTIzMDUwNTEyNDEwNlowPTERMA8GA1UEAwwIQVQgRFNDIDExCzAJBgNVBAYTAkFUMQ8wDQYDVQQKDAZCTVNHUEsxCjAIBgNVBAUTATEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASt1Vz1rRuW1HqObUE9MDe7RzIk1gq4XW5GTyHuHTj5cFEn2Rge37+hINfCZZcozpwQKdyaporPUP1TE7UWl0F3o1IwUDAOBgNVHQ8BAf8EBAMCB4AwHQYDVR0OBBYEFO49y1ISb6cvXshLcp8UUp9VoGLQMB8GA1UdIwQYMBaAFP7JKEOflGEvef2iMdtopsetwGGeMAoGCCqGSM49BAMCA0gAMEUCIQDG2opotWG8tJXN84ZZqT6wUBz9KF8D+z9NukYvnUEQ3QIgdBLFSTSiDt0UJaDF6St2bkUQuVHW6fQbONd731/M4nc=';
  const EMPTY_EKU_DSC =
    'MIIBLjCB1aADAgECAgRLjHN4MAoGCCqGSM49BAMCMBAxDjAMBgNVBAMMBUVDLU1lMB4XDTIxMDUwMzE4MDAwMFoXDTIxMDYwMjE4MDAwMFowEDEOMAwGA1UEAwwFRUMtTWUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARERUS7CffuF7/9hcAkZFB+eXprw8J7ezKbMZWLHGP33OAZ3gFK3WRIjWWtgcMurG/4ZwXHkX/8OlA9pN9kNgT6ox0wGzAOBgNVHQ8BAf8EBAMCBaAwCQYDVR0lBAIwADAKBggqhkjOPQQDAgNIADBFAiBM9mMQFCjaQdSXW+l++d1EyfNeVuegIoVpEbto56APzwIhAM4ZGsK7GXrh/IZpffDY7ORFKz+9aps3QFvVo+fcCaxg';
  const TEST_EKU_DSC =
    'MIIBPDCB5KADAgECAgUAvEGyzjAKBggqhkjOPQQDAjAQMQ4wDAYDVQQDDAVFQy1NZTAeFw0yMTA1MDMxODAwMDBaFw0yMTA2MDIxODAwMDBaMBAxDjAMBgNVBAMMBUVDLU1lMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOKHKHk0ASF7i925oLcO+jFJZyfxOiL/CxdR2lA2vbY9fZOVXUmvjKY1iRgaUCKhqlRwBwF4Df5CT5vBsK8t+KqMrMCkwDgYDVR0PAQH/BAQDAgWgMBcGA1UdJQQQMA4GDCsGAQQBAI43j2UBATAKBggqhkjOPQQDAgNHADBEAiBsdrXpMxWmSFeiUK+mxrkzASYoWVI6ZNWALMlQm8A+wQIgT2bbkf1P9PEWO3T2n98QfBdDZK9lm+4H/uLTXmSyzhk=';
  const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

  it('reads key, kid over the certificate, validity in seconds; no EKU extension → no extendedKeyUsage', () => {
    const cert = importCertificate(der(AT_DSC));
    expect(cert.key.family).toBe('ec-p256');
    // The kid the AT codes carry in their protected header.
    expect(Buffer.from(cert.kid).toString('hex')).toBe('d919375fc1e7b6b2');
    expect(cert.kid).toEqual(computeKid(der(AT_DSC)));
    expect(cert.notBefore).toBe(Date.UTC(2021, 4, 5, 12, 41, 6) / 1000);
    expect(cert.notAfter).toBe(Date.UTC(2023, 4, 5, 12, 41, 6) / 1000);
    expect(cert).not.toHaveProperty('extendedKeyUsage');
  });

  it('tells an empty EKU extension from a missing one, and reads the OIDs in dotted form', () => {
    expect(importCertificate(der(EMPTY_EKU_DSC)).extendedKeyUsage).toEqual([]);
    const cert = importCertificate(der(TEST_EKU_DSC));
    expect(cert.extendedKeyUsage).toEqual(['1.3.6.1.4.1.0.1847.2021.1.1']);
    expect(cert.notBefore).toBe(Date.UTC(2021, 4, 3, 18, 0, 0) / 1000);
    expect(cert.notAfter).toBe(Date.UTC(2021, 5, 2, 18, 0, 0) / 1000);
  });

  it('refuses bytes that are not a certificate', () => {
    expect(() => importCertificate(Uint8Array.of(0x30, 0x00))).toThrow(/not a DER X.509 certificate/);
    expect(() => importCertificate(der(AT_DSC).subarray(0, 100))).toThrow(/not a DER X.509 certificate/);
  });
});
