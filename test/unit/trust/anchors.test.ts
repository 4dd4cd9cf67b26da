// Trust anchors: loading them from PEM, and rule 1 of lists.md — a list is read only after an
// installed anchor verified it (protected alg and kid, unknown anchor, tampering).
import { describe, expect, it } from 'vitest';
import { loadAnchors, openSignedList, verifySignedList } from '../../../main/trust/anchors.js';
import { toHex } from '../../../main/trust/hex.js';
import { encodeCbor } from '../../../main/verify/cbor.js';
import { computeKid } from '../../../main/verify/keys.js';
import { signCoseSign1 } from '../../../tools/issuer/cose.js';
import { toPem } from '../../../tools/issuer/keys.js';
import { signTrustList } from '../../../tools/issuer/lists.js';
import { DE_CERT_CASE, NOW, anchorsOf, corpusCertificate, flipByte, indexOfBytes, issuerKey, refusal } from './fixtures.js';

const bureau = issuerKey('bureau');
const payload = encodeCbor(new Map<string, unknown>([['v', 1], ['seq', 1], ['iat', NOW], ['nu', NOW + 1], ['keys', []]]));

describe('loadAnchors', () => {
  it('reads one or more PUBLIC KEY blocks and computes each kid over the SPKI', () => {
    const other = issuerKey('bureau-next', 'EdDSA');
    const sm2 = issuerKey('bureau-sm2', 'SM2');
    const text = `# bureau anchors\n${bureau.publicKeyPem()}\ncomment between blocks\n${other.publicKeyPem()}${sm2.publicKeyPem()}`;
    const anchors = loadAnchors(text);
    expect(anchors.map((a) => a.kidHex)).toEqual([bureau, other, sm2].map((k) => toHex(computeKid(k.spki))));
    expect(anchors.map((a) => a.key.family)).toEqual(['ec-p256', 'ed25519', 'sm2']);
  });

  it('keeps one anchor when the same key is installed twice', () => {
    expect(loadAnchors(bureau.publicKeyPem() + bureau.publicKeyPem())).toHaveLength(1);
  });

  it('refuses a file without keys, a private key, a certificate, broken base64 and an unclosed block', () => {
    expect(refusal(() => loadAnchors('no pem here')).code).toBe('bad_pem');
    const priv = refusal(() => loadAnchors(bureau.privateKeyPem()));
    expect(priv.code).toBe('bad_pem');
    expect(priv.message).toMatch(/private key must never be installed/);
    expect(refusal(() => loadAnchors(toPem(corpusCertificate(DE_CERT_CASE), 'CERTIFICATE'))).message).toMatch(
      /expected "PUBLIC KEY"/,
    );
    expect(refusal(() => loadAnchors('-----BEGIN PUBLIC KEY-----\n@@@@\n-----END PUBLIC KEY-----')).code).toBe('bad_pem');
    expect(refusal(() => loadAnchors(bureau.publicKeyPem().replace(/-----END[^]*$/, ''))).code).toBe('bad_pem');
    expect(refusal(() => loadAnchors(toPem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), 'PUBLIC KEY'))).message).toMatch(
      /not a usable public key/,
    );
  });
});

describe('verifySignedList', () => {
  const anchors = anchorsOf(bureau);

  it('returns the payload and the anchor that verified it, for every anchor algorithm', () => {
    for (const alg of ['ES256', 'EdDSA', 'PS256', 'SM2'] as const) {
      const key = issuerKey(`bureau-${alg}`, alg);
      const signed = verifySignedList(signCoseSign1(key, payload), anchorsOf(bureau, key));
      expect(signed.anchor.kidHex).toBe(toHex(key.kid));
      expect(signed.alg).toBe(key.coseAlg);
      expect(signed.payload).toEqual(payload);
    }
  });

  it('accepts the message with or without tag 18', () => {
    expect(verifySignedList(signCoseSign1(bureau, payload, { tagged: false }), anchors).payload).toEqual(payload);
  });

  it('refuses bytes that are not a COSE_Sign1 message (an unsigned payload, garbage, nothing)', () => {
    expect(refusal(() => verifySignedList(payload, anchors)).code).toBe('malformed_list');
    expect(refusal(() => verifySignedList(new Uint8Array([1, 2, 3]), anchors)).code).toBe('malformed_list');
    expect(refusal(() => verifySignedList(new Uint8Array(0), anchors)).code).toBe('malformed_list');
  });

  it('refuses a list whose alg or kid is not in the protected header', () => {
    const kidOutside = refusal(() => verifySignedList(signCoseSign1(bureau, payload, { kidIn: 'unprotected' }), anchors));
    expect(kidOutside.code).toBe('malformed_list');
    expect(kidOutside.message).toMatch(/kid/);
    const algOutside = refusal(() => verifySignedList(signCoseSign1(bureau, payload, { algIn: 'unprotected' }), anchors));
    expect(algOutside.code).toBe('malformed_list');
    expect(algOutside.message).toMatch(/alg/);
    expect(refusal(() => verifySignedList(signCoseSign1(bureau, payload, { kidIn: 'none' }), anchors)).code).toBe(
      'malformed_list',
    );
    expect(refusal(() => verifySignedList(signCoseSign1(bureau, payload, { alg: null }), anchors)).code).toBe('malformed_list');
    const shortKid = signCoseSign1(bureau, payload, { kid: new Uint8Array(4) });
    expect(refusal(() => verifySignedList(shortKid, anchors)).code).toBe('malformed_list');
  });

  it('refuses a list signed by a key that is not an installed anchor', () => {
    const foreign = issuerKey('foreign');
    const error = refusal(() => verifySignedList(signCoseSign1(foreign, payload), anchors));
    expect(error.code).toBe('unknown_anchor');
    expect(error.message).toContain(toHex(foreign.kid));
  });

  it('refuses a foreign signature that names an installed anchor', () => {
    const forged = signCoseSign1(issuerKey('foreign'), payload, { kid: bureau.kid });
    expect(refusal(() => verifySignedList(forged, anchors)).code).toBe('bad_list_signature');
  });

  it('refuses a tampered signature and a tampered payload', () => {
    expect(refusal(() => verifySignedList(signCoseSign1(bureau, payload, { corruptSignature: true }), anchors)).code).toBe(
      'bad_list_signature',
    );
    const list = signTrustList(bureau, { seq: 7, iat: NOW, nu: NOW + 86_400, keys: [] });
    const seqAt = indexOfBytes(list, new Uint8Array([0x63, 0x73, 0x65, 0x71, 0x07])); // "seq": 7
    expect(seqAt).toBeGreaterThan(0);
    const tampered = flipByte(list, seqAt + 4); // seq 7 → 6, same length
    expect(openSignedList(tampered).payload).not.toEqual(openSignedList(list).payload);
    expect(refusal(() => verifySignedList(tampered, anchors)).code).toBe('bad_list_signature');
  });

  it('refuses an algorithm the anchor cannot verify', () => {
    const error = refusal(() => verifySignedList(signCoseSign1(bureau, payload, { alg: -8 }), anchors));
    expect(error.code).toBe('bad_list_signature');
    expect(error.message).toMatch(/cannot verify COSE alg -8/);
  });
});
