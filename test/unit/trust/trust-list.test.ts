// TL1 payloads: strict types, ignored unknown keys, entries dropped for kid mismatch or unusable
// keys, x5c entries from the EU DCC corpus, and keys installed directly from PEM.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../main/trust/hex.js';
import { parseTrustList, trustViewFromPem } from '../../../main/trust/trust-list.js';
import { encodeCbor } from '../../../main/verify/cbor.js';
import { computeKid } from '../../../main/verify/keys.js';
import { toPem } from '../../../tools/issuer/keys.js';
import { statusListPayload, trustListPayload, type TrustListInput } from '../../../tools/issuer/lists.js';
import { DAY, DE_CERT_CASE, EKU_CERT_CASE, NOW, corpusCertificate, issuerKey, salt, refusal } from './fixtures.js';

const alpha = issuerKey('issuer-alpha');
const beta = issuerKey('issuer-beta', 'EdDSA');
const gamma = issuerKey('issuer-gamma', 'SM2');

function payloadOf(input: TrustListInput): Uint8Array {
  return encodeCbor(trustListPayload(input));
}

const base: TrustListInput = {
  seq: 12,
  iat: NOW,
  nu: NOW + DAY,
  keys: [
    { iss: 'CN-Bureau-A', spki: alpha.spki, dt: ['CN-RIC', 'CN-HMT'], nbf: NOW - 100 * DAY, exp: NOW + 300 * DAY },
    { iss: 'CN-Bureau-B', spki: beta.spki, st: 'revoked' },
    { iss: 'CN-Bureau-C', spki: gamma.spki },
  ],
};

describe('parseTrustList', () => {
  it('reads seq, dates and every entry, and finds keys by kid', () => {
    const list = parseTrustList(payloadOf(base));
    expect([list.seq, list.iat, list.nu, list.nextUpdate]).toEqual([12, NOW, NOW + DAY, NOW + DAY]);
    expect(list.keys).toHaveLength(3);
    expect(list.dropped).toEqual([]);

    const a = list.findKey(alpha.kid);
    expect(a?.kidHex).toBe(toHex(alpha.kid));
    expect(a?.issuer).toBe('CN-Bureau-A');
    expect(a?.documentTypes).toEqual(['CN-RIC', 'CN-HMT']);
    expect([a?.notBefore, a?.notAfter]).toEqual([NOW - 100 * DAY, NOW + 300 * DAY]);
    expect(a?.status).toBe('active');
    expect(a?.key.family).toBe('ec-p256');
    expect(a?.certificate).toBeUndefined();

    const b = list.findKey(Uint8Array.from(beta.kid));
    expect(b?.status).toBe('revoked');
    expect(b?.documentTypes).toBeUndefined();
    expect(list.findKey(gamma.kid)?.key.family).toBe('sm2');
    expect(list.findKey(issuerKey('stranger').kid)).toBeUndefined();
    expect(list.findKey(new Uint8Array(3))).toBeUndefined();
  });

  it('ignores unknown keys at the top level and in entries', () => {
    const list = parseTrustList(
      payloadOf({
        ...base,
        overrides: { comment: 'future field', ext: new Map([[1, 2]]) },
        keys: [{ iss: 'CN-Bureau-A', spki: alpha.spki, overrides: { policy: ['x'] } }],
      }),
    );
    expect(list.keys).toHaveLength(1);
  });

  it('drops and reports an entry whose kid does not match its key material, and never finds it', () => {
    const list = parseTrustList(
      payloadOf({
        ...base,
        keys: [
          { iss: 'CN-Bureau-A', spki: alpha.spki },
          { iss: 'CN-Bureau-B', spki: beta.spki, kid: gamma.kid },
        ],
      }),
    );
    expect(list.keys.map((k) => k.kidHex)).toEqual([toHex(alpha.kid)]);
    expect(list.findKey(gamma.kid)).toBeUndefined();
    expect(list.findKey(beta.kid)).toBeUndefined();
    expect(list.dropped).toEqual([
      expect.objectContaining({ index: 1, kidHex: toHex(gamma.kid), issuer: 'CN-Bureau-B', reason: 'kid_mismatch' }),
    ]);
    expect(list.dropped[0]?.detail).toContain(toHex(beta.kid));
  });

  it('drops an entry whose key cannot be used, and both entries of a duplicated kid', () => {
    const junk = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);
    const list = parseTrustList(
      payloadOf({
        ...base,
        keys: [
          { iss: 'CN-Bureau-A', spki: alpha.spki },
          { iss: 'CN-Bureau-X', spki: junk },
          { iss: 'CN-Bureau-B', spki: beta.spki },
          { iss: 'CN-Bureau-B2', spki: beta.spki, st: 'revoked' },
        ],
      }),
    );
    expect(list.keys.map((k) => k.issuer)).toEqual(['CN-Bureau-A']);
    expect(list.dropped.map((d) => [d.index, d.reason])).toEqual([
      [1, 'unusable_key'],
      [2, 'duplicate_kid'],
      [3, 'duplicate_kid'],
    ]);
    expect(list.findKey(beta.kid)).toBeUndefined();
  });

  it('reads x5c entries through the certificate: kid over the DER certificate, validity and EKU carried', () => {
    const de = corpusCertificate(DE_CERT_CASE);
    const co6 = corpusCertificate(EKU_CERT_CASE);
    const list = parseTrustList(
      payloadOf({ ...base, keys: [{ iss: 'DE', x5c: de }, { iss: 'XX', x5c: co6 }, { iss: 'bad', x5c: de, kid: alpha.kid }] }),
    );
    const deKey = list.findKey(Buffer.from('0c4b15512be91401', 'hex'));
    expect(deKey?.issuer).toBe('DE');
    expect(deKey?.key.family).toBe('ec-p256');
    expect(deKey?.certificate).toEqual({
      notBefore: Date.UTC(2021, 3, 27, 9, 31, 22) / 1000,
      notAfter: Date.UTC(2022, 3, 30, 9, 31, 22) / 1000,
    });
    const ekuKey = list.findKey(computeKid(co6));
    expect(ekuKey?.certificate?.extendedKeyUsage).toEqual(['1.3.6.1.4.1.0.1847.2021.1.1']);
    expect(list.dropped.map((d) => d.reason)).toEqual(['kid_mismatch']);
  });

  const malformed: Array<[string, TrustListInput]> = [
    ['v missing', { ...base, overrides: { v: undefined } }],
    ['v 2', { ...base, overrides: { v: 2 } }],
    ['seq negative', { ...base, overrides: { seq: -1 } }],
    ['seq text', { ...base, overrides: { seq: '12' } }],
    ['seq too large for a safe integer', { ...base, overrides: { seq: 2n ** 64n - 1n } }],
    ['iat fractional', { ...base, overrides: { iat: NOW + 0.5 } }],
    ['nu missing', { ...base, overrides: { nu: undefined } }],
    ['keys a map', { ...base, overrides: { keys: new Map() } }],
    ['entry not a map', { ...base, overrides: { keys: [[1, 2]] } }],
    ['kid of 7 bytes', { ...base, keys: [{ iss: 'A', spki: alpha.spki, kid: alpha.kid.subarray(0, 7) }] }],
    ['kid text', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { kid: 'abc' } }] }],
    ['iss missing', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { iss: undefined } }] }],
    ['iss bytes', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { iss: new Uint8Array(2) } }] }],
    ['spki and x5c', { ...base, keys: [{ iss: 'A', spki: alpha.spki, x5c: corpusCertificate(DE_CERT_CASE) }] }],
    ['neither spki nor x5c', { ...base, keys: [{ iss: 'A', kid: alpha.kid }] }],
    ['spki text', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { spki: 'MFkw' } }] }],
    ['dt text', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { dt: 'CN-RIC' } }] }],
    ['dt with a number', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { dt: ['CN-RIC', 1] } }] }],
    ['nbf text', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { nbf: '2025-01-01' } }] }],
    ['exp float', { ...base, keys: [{ iss: 'A', spki: alpha.spki, exp: 1.5 }] }],
    ['st unknown', { ...base, keys: [{ iss: 'A', spki: alpha.spki, st: 'suspended' }] }],
    ['st missing', { ...base, keys: [{ iss: 'A', spki: alpha.spki, overrides: { st: undefined } }] }],
  ];
  it.each(malformed)('refuses the whole list when %s', (_name, input) => {
    expect(refusal(() => parseTrustList(payloadOf(input))).code).toBe('malformed_list');
  });

  it('refuses a payload that is not a CBOR map, and a status list', () => {
    expect(refusal(() => parseTrustList(encodeCbor([1, 2]))).code).toBe('malformed_list');
    expect(refusal(() => parseTrustList(new Uint8Array([0xff]))).code).toBe('malformed_list');
    const status = encodeCbor(statusListPayload({ seq: 1, iat: NOW, nu: NOW + DAY, salt: salt(1) }));
    expect(refusal(() => parseTrustList(status)).code).toBe('wrong_list_kind');
  });
});

describe('trustViewFromPem', () => {
  it('reads a file mixing public keys and certificates, with kids over SPKI and certificate', () => {
    const de = corpusCertificate(DE_CERT_CASE);
    const co6 = corpusCertificate(EKU_CERT_CASE);
    const text = [alpha.publicKeyPem(), toPem(de, 'CERTIFICATE'), 'text between', gamma.publicKeyPem(), toPem(co6, 'CERTIFICATE')].join('\n');
    const view = trustViewFromPem(text);
    expect(view.nextUpdate).toBeUndefined();
    expect(view.keys.map((k) => k.kidHex)).toEqual(
      [alpha.spki, de, gamma.spki, co6].map((der) => toHex(computeKid(der))),
    );
    const a = view.findKey(alpha.kid);
    expect(a?.status).toBe('active');
    expect(a?.issuer).toBeUndefined();
    expect(a?.certificate).toBeUndefined();
    const cert = view.findKey(Buffer.from('0c4b15512be91401', 'hex'));
    expect(cert?.certificate?.notAfter).toBe(Date.UTC(2022, 3, 30, 9, 31, 22) / 1000);
    expect(cert?.issuer).toBeUndefined();
    expect(view.findKey(computeKid(co6))?.certificate?.extendedKeyUsage).toEqual(['1.3.6.1.4.1.0.1847.2021.1.1']);
  });

  it('refuses other blocks, unreadable material and an empty file', () => {
    expect(refusal(() => trustViewFromPem(alpha.privateKeyPem())).code).toBe('bad_pem');
    expect(refusal(() => trustViewFromPem(toPem(new Uint8Array([0x30, 0x00]), 'CERTIFICATE'))).code).toBe('bad_pem');
    expect(refusal(() => trustViewFromPem('')).code).toBe('bad_pem');
  });
});
