// `lists inspect`: what the summary of a trust or status list says, signature status included.
import { describe, expect, it } from 'vitest';
import { TrustError } from '../../../main/trust/errors.js';
import { toHex } from '../../../main/trust/hex.js';
import { inspectList } from '../../../main/trust/inspect.js';
import { signStatusDelta, signStatusList, signTrustList } from '../../../tools/issuer/lists.js';
import { DAY, DE_CERT_CASE, NOW, anchorsOf, corpusCertificate, flipByte, issuerKey, salt } from './fixtures.js';

const bureau = issuerKey('bureau');
const alpha = issuerKey('issuer-alpha');
const sm2 = issuerKey('issuer-sm2', 'SM2');

describe('inspectList', () => {
  const tl = signTrustList(bureau, {
    seq: 42,
    iat: NOW,
    nu: NOW + DAY,
    keys: [
      { iss: 'CN-Bureau-A', spki: alpha.spki, dt: ['CN-RIC'], nbf: NOW, exp: NOW + 10 * DAY },
      { iss: 'CN-Bureau-S', spki: sm2.spki, st: 'revoked' },
      { iss: 'DE', x5c: corpusCertificate(DE_CERT_CASE) },
      { iss: 'CN-Bureau-X', spki: alpha.spki, kid: sm2.kid },
    ],
  });

  it('summarises a trust list and checks its signature against the anchors given', () => {
    const summary = inspectList(tl, anchorsOf(bureau));
    expect(summary).toMatchObject({
      kind: 'TL1',
      variant: null,
      seq: 42,
      base: null,
      iat: new Date(NOW * 1000).toISOString(),
      nu: new Date((NOW + DAY) * 1000).toISOString(),
      signer: { kid: toHex(bureau.kid), alg: -7, algName: 'ES256' },
      signature: { status: 'valid', anchorKid: toHex(bureau.kid) },
      entries: null,
    });
    expect(summary.keys?.count).toBe(3);
    expect(summary.keys?.entries).toEqual([
      {
        kid: toHex(alpha.kid),
        iss: 'CN-Bureau-A',
        dt: ['CN-RIC'],
        status: 'active',
        source: 'spki',
        nbf: new Date(NOW * 1000).toISOString(),
        exp: new Date((NOW + 10 * DAY) * 1000).toISOString(),
        certificate: null,
      },
      expect.objectContaining({ kid: toHex(sm2.kid), iss: 'CN-Bureau-S', dt: null, status: 'revoked', source: 'spki' }),
      expect.objectContaining({
        kid: '0c4b15512be91401',
        source: 'x5c',
        certificate: { notBefore: '2021-04-27T09:31:22.000Z', notAfter: '2022-04-30T09:31:22.000Z', extendedKeyUsage: null },
      }),
    ]);
    expect(summary.keys?.dropped).toEqual([expect.objectContaining({ index: 3, kid: toHex(sm2.kid), reason: 'kid_mismatch' })]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('reports the signature as not checked, unknown anchor or bad, without refusing', () => {
    expect(inspectList(tl).signature).toEqual({ status: 'not_checked' });
    expect(inspectList(tl, anchorsOf(issuerKey('other'))).signature.status).toBe('unknown_anchor');
    const bad = inspectList(flipByte(tl, tl.length - 1), anchorsOf(bureau));
    expect(bad.signature.status).toBe('bad');
    expect(bad.seq).toBe(42);
  });

  it('summarises full and delta status lists with their entry counts', () => {
    const documents = [
      { dt: 'CN-RIC', dn: '11010519491231002X' },
      { dt: 'CN-RIC', dn: '110101199003074477' },
    ];
    const full = inspectList(signStatusList(bureau, { seq: 3, iat: NOW, nu: NOW + DAY, salt: salt(1), documents }), anchorsOf(bureau));
    expect(full).toMatchObject({ kind: 'SL1', variant: 'full', seq: 3, base: null, keys: null, entries: { add: 2, del: 0 } });
    expect(full.signature.status).toBe('valid');
    const delta = inspectList(
      signStatusDelta(sm2, { seq: 4, base: 3, iat: NOW, nu: NOW + DAY, salt: salt(1), add: documents.slice(0, 1), del: documents.slice(1) }),
    );
    expect(delta).toMatchObject({ kind: 'SL1', variant: 'delta', seq: 4, base: 3, entries: { add: 1, del: 1 } });
    expect(delta.signer.algName).toBe('SM2-SM3');
  });

  it('refuses bytes that are no signed list at all', () => {
    expect(() => inspectList(new Uint8Array([1, 2, 3]))).toThrow(TrustError);
  });
});
