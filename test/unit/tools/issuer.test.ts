// The issuer toolkit: keys and their files, COSE messages (usual and deliberately odd), EID1
// codes, TL1/SL1 lists, QR images, the command line and the demo fixture set.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, getCurves, randomBytes, verify, constants } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { CborTag as Tag } from '../../../main/verify/cbor.js';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeBase45 } from '../../../main/verify/base45.js';
import { decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { Sm2PublicKey } from '../../../main/verify/sm2.js';
import { verifyCode } from '../../../main/verify/verifier.js';
import { loadAnchors, verifySignedList } from '../../../main/trust/anchors.js';
import { parseStatusList, StatusList } from '../../../main/trust/status-list.js';
import { parseTrustList } from '../../../main/trust/trust-list.js';
import {
  ISSUER_ALGS,
  buildDemoFixtures,
  citizenIdNumber,
  generateIssuerKey,
  importIssuerKey,
  issueEid,
  qrSegments,
  readIssuerKey,
  renderQrPng,
  signCoseSign1,
  signStatusDelta,
  signStatusList,
  signTrustList,
  sortEntries,
  spkiFromPem,
  statusEntry,
  toPem,
  writeIssuerKey,
} from '../../../tools/issuer/index.js';
import type { EidHolder, IssuerAlg, IssuerKey } from '../../../tools/issuer/index.js';
import { runIssuerCommand } from '../../../tools/issuer/cli.js';

const work = mkdtempSync(join(tmpdir(), 'issuer-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const keys = new Map<IssuerAlg, IssuerKey>(ISSUER_ALGS.map((alg) => [alg, generateIssuerKey(alg)]));
const keyOf = (alg: IssuerAlg): IssuerKey => keys.get(alg)!;

const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash('sha256').update(data).digest());
const sameBytes = (a: unknown, b: Uint8Array) => a instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

/** Checks a COSE-form signature with an implementation other than the signer's. */
function verifiesIndependently(key: IssuerKey, data: Uint8Array, signature: Uint8Array): boolean {
  const publicKey = key.alg === 'SM2' ? undefined : createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
  switch (key.alg) {
    case 'ES256':
      return verify('sha256', data, { key: publicKey!, dsaEncoding: 'ieee-p1363' }, signature);
    case 'EdDSA':
      return verify(null, data, publicKey!, signature);
    case 'PS256':
      return verify('sha256', data, { key: publicKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    case 'SM2':
      return Sm2PublicKey.fromSpki(key.spki).verify(data, signature);
  }
}

interface Sign1 {
  tagged: boolean;
  protectedBytes: Uint8Array;
  protectedHeader: Map<unknown, unknown>;
  unprotectedHeader: Map<unknown, unknown>;
  payload: Uint8Array;
  signature: Uint8Array;
}

function openSign1(message: Uint8Array): Sign1 {
  let item = decodeCbor(message);
  const tagged = item instanceof Tag;
  if (item instanceof Tag) {
    expect(item.tag).toBe(18);
    item = item.value;
  }
  const [protectedBytes, unprotectedHeader, payload, signature] = item as [Uint8Array, Map<unknown, unknown>, Uint8Array, Uint8Array];
  const protectedHeader = protectedBytes.length === 0 ? new Map() : (decodeCbor(protectedBytes) as Map<unknown, unknown>);
  return { tagged, protectedBytes, protectedHeader, unprotectedHeader, payload, signature };
}

function signatureHolds(key: IssuerKey, sign1: Sign1): boolean {
  const toBeSigned = encodeCbor(['Signature1', sign1.protectedBytes, new Uint8Array(0), sign1.payload]);
  return verifiesIndependently(key, toBeSigned, sign1.signature);
}

const zhangSan: EidHolder = {
  documentType: 'CN-RIC',
  documentNumber: '11010519491231002X',
  name: '张三',
  sex: 1,
  ethnicity: '01',
  birthDate: '1949-12-31',
  address: '北京市朝阳区示例路1号',
  authority: '北京市公安局朝阳分局',
  validFrom: '2020-05-01',
  validTo: '2040-05-01',
};

describe('issuer keys', () => {
  it.each(ISSUER_ALGS)('%s: kid is SHA-256(spki)[0..8] and the key round-trips through its PEM files', (alg) => {
    const key = keyOf(alg);
    expect(key.alg).toBe(alg);
    expect(key.kid).toEqual(sha256(key.spki).subarray(0, 8));
    expect(key.privateKeyPem()).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    expect(spkiFromPem(key.publicKeyPem())).toEqual(key.spki);

    const prefix = join(work, `roundtrip-${alg}`);
    const files = writeIssuerKey(key, prefix);
    expect(files).toEqual({ keyFile: `${prefix}.key`, publicFile: `${prefix}.pub.pem` });
    const again = readIssuerKey(files.keyFile);
    expect(again.alg).toBe(alg);
    expect(again.coseAlg).toBe(key.coseAlg);
    expect(again.spki).toEqual(key.spki);
    expect(again.kid).toEqual(key.kid);
    expect(again.privateKeyPem()).toBe(key.privateKeyPem());
    // The reloaded key signs for the original public key.
    const data = new TextEncoder().encode(`round trip ${alg}`);
    expect(verifiesIndependently(key, data, again.sign(data))).toBe(true);
  });

  it.each(ISSUER_ALGS)('%s: signatures are in COSE form and verify independently', (alg) => {
    const key = keyOf(alg);
    const data = new Uint8Array(randomBytes(200));
    const signature = key.sign(data);
    expect(signature.length).toBe(alg === 'PS256' ? 256 : 64);
    expect(verifiesIndependently(key, data, signature)).toBe(true);
    const other = Uint8Array.from(data);
    other[0]! ^= 1;
    expect(verifiesIndependently(key, other, signature)).toBe(false);
  });

  it('COSE algorithm numbers follow eid-qr.md §2', () => {
    expect(ISSUER_ALGS.map((alg) => keyOf(alg).coseAlg)).toEqual([-7, -8, -37, -65537]);
  });

  it('public keys have the SPKI forms the spec names', () => {
    const sm2 = keyOf('SM2').spki;
    expect(sm2.length).toBe(91);
    // id-ecPublicKey, then sm2p256v1 (1.2.156.10197.1.301), then 04 ‖ x ‖ y.
    expect(Buffer.from(sm2.subarray(0, 27)).toString('hex')).toBe(
      '3059301306072a8648ce3d020106082a811ccf5501822d03420004',
    );
    expect(createPublicKey({ key: Buffer.from(keyOf('ES256').spki), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve).toBe(
      'prime256v1',
    );
    expect(createPublicKey({ key: Buffer.from(keyOf('PS256').spki), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('rsa');
  });

  it.runIf(getCurves().includes('SM2'))('the SM2 key file is the PKCS#8 OpenSSL reads and writes', () => {
    const key = keyOf('SM2');
    // OpenSSL reads our file and derives the same public key…
    // (OpenSSL loads it as its own SM2 key type, which Node does not name.)
    const viaOpenSsl = createPrivateKey(key.privateKeyPem());
    expect(new Uint8Array(createPublicKey(viaOpenSsl).export({ type: 'spki', format: 'der' }))).toEqual(key.spki);
    // …and we read a key OpenSSL made, byte for byte the same file back.
    const made = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const pem = made.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const imported = importIssuerKey(pem);
    expect(imported.alg).toBe('SM2');
    expect(imported.spki).toEqual(new Uint8Array(made.publicKey.export({ type: 'spki', format: 'der' })));
    expect(imported.privateKeyPem()).toBe(pem);
  });

  it('refuses keys it cannot sign COSE with', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => importIssuerKey(p384)).toThrow(/P-256/);
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => importIssuerKey(x25519)).toThrow(/x25519/);
    expect(() => importIssuerKey(keyOf('ES256').publicKeyPem())).toThrow(/PRIVATE KEY/);
  });
});

describe('signCoseSign1', () => {
  const payload = encodeCbor(new Map([[1, 'payload']]));

  it.each(ISSUER_ALGS)('%s: tagged, alg and kid protected, signature over Sig_structure', (alg) => {
    const key = keyOf(alg);
    const message = signCoseSign1(key, payload);
    expect(message[0]).toBe(0xd2);
    const sign1 = openSign1(message);
    expect(sign1.tagged).toBe(true);
    expect(sign1.protectedHeader).toEqual(new Map<number, unknown>([[1, key.coseAlg], [4, key.kid]]));
    expect(sign1.unprotectedHeader.size).toBe(0);
    expect(sign1.payload).toEqual(payload);
    expect(signatureHolds(key, sign1)).toBe(true);
  });

  it('untagged, kid unprotected, both or absent, a wrong kid', () => {
    const key = keyOf('ES256');
    const untagged = signCoseSign1(key, payload, { tagged: false });
    expect(untagged[0]).toBe(0x84); // array of 4
    expect(openSign1(untagged).tagged).toBe(false);

    const unprotectedKid = openSign1(signCoseSign1(key, payload, { kidIn: 'unprotected' }));
    expect(unprotectedKid.protectedHeader).toEqual(new Map([[1, -7]]));
    expect(unprotectedKid.unprotectedHeader).toEqual(new Map([[4, key.kid]]));
    expect(signatureHolds(key, unprotectedKid)).toBe(true);

    const both = openSign1(signCoseSign1(key, payload, { kidIn: 'both' }));
    expect(both.protectedHeader.get(4)).toEqual(key.kid);
    expect(both.unprotectedHeader.get(4)).toEqual(key.kid);

    const none = openSign1(signCoseSign1(key, payload, { kidIn: 'none' }));
    expect(none.protectedHeader.has(4) || none.unprotectedHeader.has(4)).toBe(false);

    const wrong = bytes('0102030405060708');
    const wrongKid = openSign1(signCoseSign1(key, payload, { kid: wrong }));
    expect(wrongKid.protectedHeader.get(4)).toEqual(wrong);
    expect(signatureHolds(key, wrongKid)).toBe(true);
  });

  it('alg overridden, moved or omitted; extra headers; no protected header at all', () => {
    const key = keyOf('EdDSA');
    expect(openSign1(signCoseSign1(key, payload, { alg: -7 })).protectedHeader.get(1)).toBe(-7);
    const moved = openSign1(signCoseSign1(key, payload, { algIn: 'unprotected' }));
    expect(moved.protectedHeader.has(1)).toBe(false);
    expect(moved.unprotectedHeader.get(1)).toBe(-8);
    expect(openSign1(signCoseSign1(key, payload, { alg: null })).protectedHeader.has(1)).toBe(false);

    const extra = openSign1(
      signCoseSign1(key, payload, {
        protectedExtra: new Map<number | string, unknown>([[3, 'application/cwt'], ['x', 1]]),
        unprotectedExtra: new Map([[4, bytes('ffffffffffffffff')]]),
      }),
    );
    expect(extra.protectedHeader.get(3)).toBe('application/cwt');
    expect(extra.protectedHeader.get('x')).toBe(1);
    expect(extra.unprotectedHeader.get(4)).toEqual(bytes('ffffffffffffffff'));
    expect(signatureHolds(key, extra)).toBe(true);

    const bare = openSign1(signCoseSign1(key, payload, { alg: null, kidIn: 'none' }));
    expect(bare.protectedBytes.length).toBe(0); // RFC 9052: an empty protected header is h''
    expect(signatureHolds(key, bare)).toBe(true);
  });

  it.each(ISSUER_ALGS)('%s: a corrupted signature no longer verifies', (alg) => {
    const key = keyOf(alg);
    const sign1 = openSign1(signCoseSign1(key, payload, { corruptSignature: true }));
    expect(sign1.signature.length).toBe(alg === 'PS256' ? 256 : 64);
    expect(signatureHolds(key, sign1)).toBe(false);
  });
});

describe('issueEid', () => {
  const iat = 1_760_000_000;
  const cti = bytes('00112233445566778899aabbccddeeff');

  /** EID1 text → claims, the way a verifier unwraps it (prefix, Base45, zlib, COSE, CBOR). */
  function unwrap(text: string, compressed = true): { sign1: Sign1; claims: Map<unknown, unknown> } {
    expect(text.startsWith('EID1:')).toBe(true);
    const z = decodeBase45(text.slice(5));
    const cose = compressed ? new Uint8Array(inflateSync(z)) : z;
    const sign1 = openSign1(cose);
    return { sign1, claims: decodeCbor(sign1.payload) as Map<unknown, unknown> };
  }

  it.each(ISSUER_ALGS)('%s: the QR text decodes back to exactly the claims given', (alg) => {
    const key = keyOf(alg);
    const issued = issueEid(key, { iss: 'CN-BJ-PSB', holder: zhangSan, iat, cti });
    const { sign1, claims } = unwrap(issued.text);
    expect(claims).toEqual(
      new Map<number, unknown>([
        [1, 'CN-BJ-PSB'],
        [4, iat + 300],
        [6, iat],
        [7, cti],
        [
          -65537,
          new Map<string, unknown>([
            ['dt', 'CN-RIC'],
            ['dn', '11010519491231002X'],
            ['nm', '张三'],
            ['sx', 1],
            ['na', '01'],
            ['db', '1949-12-31'],
            ['ad', '北京市朝阳区示例路1号'],
            ['ia', '北京市公安局朝阳分局'],
            ['vf', '2020-05-01'],
            ['vt', '2040-05-01'],
          ]),
        ],
      ]),
    );
    expect(claims).toEqual(issued.claims);
    expect(sign1.payload).toEqual(issued.payload);
    expect(new Uint8Array(inflateSync(issued.transported))).toEqual(issued.cose);
    expect(sign1.protectedHeader.get(4)).toEqual(key.kid);
    expect(signatureHolds(key, sign1)).toBe(true);
  });

  it('fills exp from ttl, nbf when asked, a random 16-byte cti, the optional fields', () => {
    const holder: EidHolder = {
      ...zhangSan,
      documentType: 'CN-FPR',
      latinName: 'SMITH, JOHN',
      nationality: 'USA',
      ethnicity: undefined,
      validTo: null,
      portraitHash: 'ab'.repeat(32),
    };
    const issued = issueEid(keyOf('EdDSA'), { iss: 'CN-NIA', holder, iat, ttl: 60, nbf: iat - 5 });
    const claims = unwrap(issued.text).claims;
    expect(claims.get(4)).toBe(iat + 60);
    expect(claims.get(5)).toBe(iat - 5);
    expect((claims.get(7) as Uint8Array).length).toBe(16);
    const eid = claims.get(-65537) as Map<string, unknown>;
    expect(eid.get('en')).toBe('SMITH, JOHN');
    expect(eid.get('nt')).toBe('USA');
    expect(eid.has('na')).toBe(false);
    expect(eid.has('vt')).toBe(false); // long-term
    expect(eid.get('ph')).toEqual(bytes('ab'.repeat(32)));
    const other = unwrap(issueEid(keyOf('EdDSA'), { iss: 'CN-NIA', holder, iat }).text).claims;
    expect(other.get(7)).not.toEqual(claims.get(7));
  });

  it('any claim can be set to anything, removed or added', () => {
    const issued = issueEid(keyOf('ES256'), {
      iss: 'CN-BJ-PSB',
      holder: zhangSan,
      iat,
      cti,
      claims: new Map<number | string, unknown>([
        [1, undefined],
        [4, 'tomorrow'],
        [99, 'unknown claim'],
      ]),
      eid: { dn: 110105, nm: undefined, zz: 'unknown key' },
    });
    const claims = unwrap(issued.text).claims;
    expect(claims.has(1)).toBe(false);
    expect(claims.get(4)).toBe('tomorrow');
    expect(claims.get(99)).toBe('unknown claim');
    const eid = claims.get(-65537) as Map<string, unknown>;
    expect(eid.get('dn')).toBe(110105);
    expect(eid.has('nm')).toBe(false);
    expect(eid.get('zz')).toBe('unknown key');

    const notAMap = unwrap(
      issueEid(keyOf('ES256'), { iss: 'x', holder: zhangSan, iat, claims: new Map([[-65537, 'not a map']]) }).text,
    ).claims;
    expect(notAMap.get(-65537)).toBe('not a map');
  });

  it('uncompressed, untagged, kid unprotected, another prefix', () => {
    const key = keyOf('SM2');
    const issued = issueEid(key, { iss: 'CN-MPS', holder: zhangSan, iat }, { compress: false, tagged: false, kidIn: 'unprotected' });
    expect(issued.transported).toEqual(issued.cose);
    expect(decodeBase45(issued.text.slice(5))[0]).toBe(0x84);
    const { sign1 } = unwrap(issued.text, false);
    expect(sign1.tagged).toBe(false);
    expect(sign1.protectedHeader.has(4)).toBe(false);
    expect(sign1.unprotectedHeader.get(4)).toEqual(key.kid);
    expect(signatureHolds(key, sign1)).toBe(true);
    expect(issueEid(key, { iss: 'CN-MPS', holder: zhangSan }, { prefix: 'EID9:' }).text.startsWith('EID9:')).toBe(true);
  });

  it('citizen numbers carry the GB 11643 check character', () => {
    expect(citizenIdNumber('110105', '1949-12-31', 2)).toBe('11010519491231002X'); // the spec's example
    expect(citizenIdNumber('110105', '1990-03-07', 123)).toMatch(/^11010519900307123[\dX]$/);
    expect(() => citizenIdNumber('1101', '1990-03-07', 1)).toThrow(/6 digits/);
  });
});

describe('status lists', () => {
  const salt = bytes('000102030405060708090a0b0c0d0e0f');

  it('an entry is SHA-256(salt ‖ dt ":" dn)[0..8], x upper-cased', () => {
    // Computed by hand (Python hashlib) for salt 00…0f and CN-RIC:11010519491231002X.
    expect(Buffer.from(statusEntry(salt, 'CN-RIC', '11010519491231002X')).toString('hex')).toBe('7808b58e666384fb');
    expect(statusEntry(salt, 'CN-RIC', '11010519491231002x')).toEqual(statusEntry(salt, 'CN-RIC', '11010519491231002X'));
    const concatenated = Buffer.concat([salt, Buffer.from('CN-FPR:911840198503150015', 'utf8')]);
    expect(statusEntry(salt, 'CN-FPR', '911840198503150015')).toEqual(sha256(concatenated).subarray(0, 8));
  });

  it('sortEntries sorts 8-byte values ascending and drops duplicates', () => {
    const raw = new Uint8Array(randomBytes(8 * 1000));
    raw.copyWithin(8 * 10, 8 * 20, 8 * 21); // one duplicate
    const sorted = sortEntries(raw);
    const expected = [...new Set(Array.from({ length: 1000 }, (_, i) => Buffer.from(raw.subarray(i * 8, i * 8 + 8)).toString('hex')))].sort();
    expect(sorted.length).toBe(8 * expected.length);
    expect(expected.length).toBe(999);
    expect(Array.from({ length: expected.length }, (_, i) => Buffer.from(sorted.subarray(i * 8, i * 8 + 8)).toString('hex'))).toEqual(expected);
    expect(() => sortEntries(new Uint8Array(12))).toThrow(/multiple of 8/);
  });

  it('a full list: v, seq, iat, nu, salt, add sorted; no base, no del; signed by the anchor', () => {
    const anchor = keyOf('ES256');
    const documents = [
      { dt: 'CN-RIC', dn: '11010519491231002X' },
      { dt: 'CN-RIC', dn: '11010519491231002x' }, // the same document
      { dt: 'CN-HMT', dn: citizenIdNumber('810000', '1993-02-14', 37) },
      { dt: 'CN-RIC', dn: citizenIdNumber('310104', '1988-11-23', 24) },
    ];
    const sign1 = openSign1(signStatusList(anchor, { seq: 7, iat: 100, nu: 200, salt, documents }));
    expect(sign1.protectedHeader.get(4)).toEqual(anchor.kid);
    expect(signatureHolds(anchor, sign1)).toBe(true);
    const payload = decodeCbor(sign1.payload) as Map<string, unknown>;
    expect([...payload.keys()].sort()).toEqual(['add', 'iat', 'nu', 'salt', 'seq', 'v']);
    expect(payload.get('v')).toBe(1);
    expect(payload.get('seq')).toBe(7);
    expect(payload.get('iat')).toBe(100);
    expect(payload.get('nu')).toBe(200);
    expect(payload.get('salt')).toEqual(salt);
    const expected = documents
      .slice(1)
      .map((d) => Buffer.from(statusEntry(salt, d.dt, d.dn)).toString('hex'))
      .sort()
      .join('');
    expect(Buffer.from(payload.get('add') as Uint8Array).toString('hex')).toBe(expected);
  });

  it('a delta: base, add and del, each sorted', () => {
    const anchor = keyOf('SM2');
    const add = [
      { dt: 'CN-RIC', dn: citizenIdNumber('110108', '1975-06-18', 51) },
      { dt: 'CN-RIC', dn: citizenIdNumber('120101', '1960-07-01', 210) },
    ];
    const del = [{ dt: 'CN-RIC', dn: '11010519491231002X' }];
    const sign1 = openSign1(signStatusDelta(anchor, { seq: 8, base: 7, iat: 300, nu: 400, salt, add, del }));
    expect(signatureHolds(anchor, sign1)).toBe(true);
    const payload = decodeCbor(sign1.payload) as Map<string, unknown>;
    expect([...payload.keys()].sort()).toEqual(['add', 'base', 'del', 'iat', 'nu', 'salt', 'seq', 'v']);
    expect(payload.get('base')).toBe(7);
    const hexes = (docs: typeof add) => docs.map((d) => Buffer.from(statusEntry(salt, d.dt, d.dn)).toString('hex')).sort().join('');
    expect(Buffer.from(payload.get('add') as Uint8Array).toString('hex')).toBe(hexes(add));
    expect(Buffer.from(payload.get('del') as Uint8Array).toString('hex')).toBe(hexes(del));
  });

  it('raw entries: used as given when presorted, sorted otherwise; overrides reach the payload', () => {
    const anchor = keyOf('EdDSA');
    const raw = new Uint8Array(randomBytes(8 * 50_000));
    const sorted = sortEntries(raw);
    const asGiven = decodeCbor(openSign1(signStatusList(anchor, { seq: 1, nu: 2, salt, entries: sorted, presorted: true })).payload) as Map<string, unknown>;
    // (Buffer.equals: a deep equality walk over 400 kB is needlessly slow.)
    expect(sameBytes(asGiven.get('add'), sorted)).toBe(true);
    const sortedHere = decodeCbor(openSign1(signStatusList(anchor, { seq: 1, nu: 2, salt, entries: raw })).payload) as Map<string, unknown>;
    expect(sameBytes(sortedHere.get('add'), sorted)).toBe(true);
    // Raw entries and documents together: one sorted run.
    const doc = { dt: 'CN-RIC', dn: '11010519491231002X' };
    const mixed = decodeCbor(openSign1(signStatusList(anchor, { seq: 1, nu: 2, salt, entries: raw.subarray(0, 80), documents: [doc] })).payload) as Map<string, unknown>;
    const both = new Uint8Array(88);
    both.set(raw.subarray(0, 80));
    both.set(statusEntry(salt, doc.dt, doc.dn), 80);
    expect(mixed.get('add')).toEqual(sortEntries(both));
    // Deliberately bad data passes straight through.
    const bad = decodeCbor(
      openSign1(signStatusList(anchor, { seq: 1, nu: 2, salt, entries: raw, presorted: true, overrides: { v: 2, salt: undefined, extra: 'x' } })).payload,
    ) as Map<string, unknown>;
    expect(sameBytes(bad.get('add'), raw)).toBe(true);
    expect(bad.get('v')).toBe(2);
    expect(bad.has('salt')).toBe(false);
    expect(bad.get('extra')).toBe('x');
  });
});

describe('trust lists', () => {
  it('entries carry kid, iss, spki or x5c, dt, nbf, exp, st; the anchor signs', () => {
    const anchor = keyOf('ES256');
    const certificate = new Uint8Array(randomBytes(300)); // only hashed here, never parsed
    const wrongKid = bytes('0000000000000000');
    const message = signTrustList(anchor, {
      seq: 3,
      iat: 1000,
      nu: 2000,
      keys: [
        { iss: 'CN-BJ-PSB', spki: keyOf('ES256').spki, dt: ['CN-RIC', 'CN-HMT'], nbf: 900, exp: 5000 },
        { iss: 'CN-MPS', spki: keyOf('SM2').spki, st: 'revoked' },
        { iss: 'DE', x5c: certificate },
        { iss: 'CN-SH-PSB', spki: keyOf('EdDSA').spki, kid: wrongKid, overrides: { st: 42 } },
      ],
    });
    const sign1 = openSign1(message);
    expect(sign1.protectedHeader.get(4)).toEqual(anchor.kid);
    expect(signatureHolds(anchor, sign1)).toBe(true);
    const payload = decodeCbor(sign1.payload) as Map<string, unknown>;
    expect([...payload.keys()].sort()).toEqual(['iat', 'keys', 'nu', 'seq', 'v']);
    expect([payload.get('v'), payload.get('seq'), payload.get('iat'), payload.get('nu')]).toEqual([1, 3, 1000, 2000]);
    const [bj, mps, dcc, sh] = payload.get('keys') as Map<string, unknown>[];
    expect(bj).toEqual(
      new Map<string, unknown>([
        ['kid', sha256(keyOf('ES256').spki).subarray(0, 8)],
        ['iss', 'CN-BJ-PSB'],
        ['spki', keyOf('ES256').spki],
        ['dt', ['CN-RIC', 'CN-HMT']],
        ['nbf', 900],
        ['exp', 5000],
        ['st', 'active'],
      ]),
    );
    expect(mps!.get('kid')).toEqual(keyOf('SM2').kid);
    expect(mps!.get('st')).toBe('revoked');
    expect(mps!.has('dt')).toBe(false);
    expect(dcc!.get('kid')).toEqual(sha256(certificate).subarray(0, 8));
    expect(dcc!.get('x5c')).toEqual(certificate);
    expect(dcc!.has('spki')).toBe(false);
    expect(sh!.get('kid')).toEqual(wrongKid);
    expect(sh!.get('st')).toBe(42);
  });
});

describe('renderQrPng', () => {
  const text = issueEid(keyOf('ES256'), { iss: 'CN-BJ-PSB', holder: zhangSan }).text;

  it('writes a PNG of the code: error correction M, byte mode', async () => {
    const file = join(work, 'code.png');
    const png = await renderQrPng(text, { file });
    expect(readFileSync(file)).toEqual(png);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');

    const symbol = QRCode.create(qrSegments(text), { errorCorrectionLevel: 'M' });
    expect(symbol.errorCorrectionLevel.bit).toBe(QRCode.create('x', { errorCorrectionLevel: 'M' }).errorCorrectionLevel.bit);
    expect(symbol.segments.map((s) => s.mode.id)).toEqual(['Byte']);
    expect(Buffer.from(symbol.segments[0]!.data as Uint8Array).toString()).toBe(text);
    // 4 px per module and a 4-module quiet zone each side.
    const side = (symbol.modules.size + 8) * 4;
    expect(png.readUInt32BE(16)).toBe(side);
    expect(png.readUInt32BE(20)).toBe(side);
    expect(idatBytes(png).length).toBeGreaterThan(0);
  });

  it('alphanumeric mode makes a smaller symbol for the same Base45 text', () => {
    const byte = QRCode.create(qrSegments(text, 'byte'), { errorCorrectionLevel: 'M' });
    const alphanumeric = QRCode.create(qrSegments(text, 'alphanumeric'), { errorCorrectionLevel: 'M' });
    expect(alphanumeric.modules.size).toBeLessThan(byte.modules.size);
  });
});

/** The image data of a PNG: its IDAT chunks joined and inflated (checks the chunk structure on the way). */
function idatBytes(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    if (type === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
    if (type === 'IEND') expect(at).toBe(png.length);
  }
  return inflateSync(Buffer.concat(parts));
}

describe('the issuer command', () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runIssuerCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it('keygen writes PREFIX.key and PREFIX.pub.pem', async () => {
    const prefix = join(work, 'cli-sm2');
    const { code, out } = await run('keygen', '--alg', 'SM2', '--out', prefix);
    expect(code).toBe(0);
    const key = readIssuerKey(`${prefix}.key`);
    expect(key.alg).toBe('SM2');
    expect(spkiFromPem(readFileSync(`${prefix}.pub.pem`, 'utf8'))).toEqual(key.spki);
    expect(out[0]).toContain(Buffer.from(key.kid).toString('hex'));
  });

  it('eid prints a code that decodes to the claims, and writes its QR', async () => {
    const keyFile = writeIssuerKey(keyOf('PS256'), join(work, 'cli-ps256')).keyFile;
    const claimsFile = join(work, 'claims.json');
    writeFileSync(claimsFile, JSON.stringify({ ...zhangSan, eid: { zz: 1 } }));
    const qr = join(work, 'cli.png');
    const { code, out } = await run('eid', '--key', keyFile, '--iss', 'CN-NIA', '--ttl', '120', '--claims', `@${claimsFile}`, '--untagged', '--qr', qr);
    expect(code).toBe(0);
    const sign1 = openSign1(new Uint8Array(inflateSync(decodeBase45(out[0]!.slice(5)))));
    expect(sign1.tagged).toBe(false);
    expect(signatureHolds(keyOf('PS256'), sign1)).toBe(true);
    const claims = decodeCbor(sign1.payload) as Map<unknown, unknown>;
    expect(claims.get(1)).toBe('CN-NIA');
    expect((claims.get(4) as number) - (claims.get(6) as number)).toBe(120);
    expect((claims.get(-65537) as Map<string, unknown>).get('nm')).toBe('张三');
    expect((claims.get(-65537) as Map<string, unknown>).get('zz')).toBe(1);
    expect(readFileSync(qr).subarray(1, 4).toString()).toBe('PNG');

    const plain = await run('eid', '--key', keyFile, '--iss', 'CN-NIA', '--claims', JSON.stringify(zhangSan), '--no-compress', '--kid-unprotected');
    const raw = openSign1(decodeBase45(plain.out[0]!.slice(5)));
    expect(raw.unprotectedHeader.get(4)).toEqual(keyOf('PS256').kid);
  });

  it('tl, sl and sl-delta write signed lists', async () => {
    const anchorFile = writeIssuerKey(keyOf('EdDSA'), join(work, 'cli-anchor')).keyFile;
    const pub = writeIssuerKey(keyOf('ES256'), join(work, 'cli-es256')).publicFile;
    const tlFile = join(work, 'cli.tl1');
    const tl = await run('tl', '--anchor', anchorFile, '--seq', '5', '--nu', '+7d', '--out', tlFile, '--entry', `iss=CN-BJ-PSB,pub=${pub},dt=CN-RIC+CN-HMT,st=active`);
    expect(tl.code).toBe(0);
    const tlSign1 = openSign1(new Uint8Array(readFileSync(tlFile)));
    expect(signatureHolds(keyOf('EdDSA'), tlSign1)).toBe(true);
    const tlPayload = decodeCbor(tlSign1.payload) as Map<string, unknown>;
    expect(tlPayload.get('seq')).toBe(5);
    const [entry] = tlPayload.get('keys') as Map<string, unknown>[];
    expect(entry!.get('kid')).toEqual(keyOf('ES256').kid);
    expect(entry!.get('dt')).toEqual(['CN-RIC', 'CN-HMT']);

    const saltHex = '0f'.repeat(16);
    const slFile = join(work, 'cli.sl1');
    const sl = await run('sl', '--anchor', anchorFile, '--seq', '1', '--nu', '2030-01-01T00:00:00Z', '--salt', saltHex, '--doc', 'CN-RIC:11010519491231002x', '--out', slFile);
    expect(sl.code).toBe(0);
    const slPayload = decodeCbor(openSign1(new Uint8Array(readFileSync(slFile))).payload) as Map<string, unknown>;
    expect(slPayload.get('nu')).toBe(Date.UTC(2030, 0, 1) / 1000);
    expect(slPayload.get('add')).toEqual(statusEntry(bytes(saltHex), 'CN-RIC', '11010519491231002X'));

    const deltaJson = join(work, 'delta.json');
    writeFileSync(deltaJson, JSON.stringify({ seq: 2, base: 1, nu: 4_000_000_000, salt: saltHex, del: [{ dt: 'CN-RIC', dn: '11010519491231002X' }] }));
    const deltaFile = join(work, 'cli-delta.sl1');
    const delta = await run('sl-delta', '--anchor', anchorFile, '--from', deltaJson, '--add', 'CN-HMT:810000199302140379', '--out', deltaFile);
    expect(delta.code).toBe(0);
    const deltaPayload = decodeCbor(openSign1(new Uint8Array(readFileSync(deltaFile))).payload) as Map<string, unknown>;
    expect(deltaPayload.get('base')).toBe(1);
    expect(deltaPayload.get('del')).toEqual(slPayload.get('add'));
    expect(deltaPayload.get('add')).toEqual(statusEntry(bytes(saltHex), 'CN-HMT', '810000199302140379'));
  });

  it('bad arguments: one line, exit 2', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['keygen', '--alg', 'RS1', '--out', join(work, 'x')],
      ['keygen', '--alg', 'ES256'],
      ['keygen', '--alg', 'ES256', '--out', join(work, 'x'), '--colour', 'red'],
      ['sl', '--anchor', join(work, 'cli-anchor.key'), '--seq', 'one', '--nu', '+1d', '--out', join(work, 'x.sl1')],
      ['sl-delta', '--anchor', join(work, 'cli-anchor.key'), '--seq', '2', '--base', '1', '--nu', '+1d', '--out', join(work, 'x.sl1')],
      ['eid', '--key', join(work, 'cli-anchor.key'), '--iss', 'X', '--claims', '{"name":"张三"}'],
    ]) {
      const { code, err } = await run(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toHaveLength(1);
      expect(err[0], argv.join(' ')).toMatch(/^issuer: [^\n]+$/);
    }
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^usage: issuer/);
    const missing = await run('eid', '--key', join(work, 'no-such.key'), '--iss', 'X', '--claims', '{}');
    expect(missing.code).toBe(1);
  });
});

describe('buildDemoFixtures', () => {
  it('writes the anchor, issuer keys, lists, codes and QR images', async () => {
    const dir = join(work, 'demo');
    const now = 1_760_000_000;
    const manifest = await buildDemoFixtures(dir, { now });
    expect(manifest.now).toBe(now);

    const anchor = readIssuerKey(join(dir, manifest.anchor.keyFile));
    expect(spkiFromPem(readFileSync(join(dir, manifest.anchor.publicFile), 'utf8'))).toEqual(anchor.spki);
    expect(new Set(manifest.issuers.map((i) => i.alg))).toEqual(new Set(ISSUER_ALGS));

    const tl = openSign1(new Uint8Array(readFileSync(join(dir, manifest.trustList))));
    expect(signatureHolds(anchor, tl)).toBe(true);
    const listed = (decodeCbor(tl.payload) as Map<string, unknown>).get('keys') as Map<string, unknown>[];
    expect(listed.map((e) => Buffer.from(e.get('kid') as Uint8Array).toString('hex')).sort()).toEqual(
      manifest.issuers.filter((i) => i.listed).map((i) => i.kid).sort(),
    );
    for (const issuer of manifest.issuers) {
      expect(readIssuerKey(join(dir, issuer.keyFile)).kid).toEqual(bytes(issuer.kid));
    }

    const sl = openSign1(new Uint8Array(readFileSync(join(dir, manifest.statusList))));
    expect(signatureHolds(anchor, sl)).toBe(true);
    expect(((decodeCbor(sl.payload) as Map<string, unknown>).get('add') as Uint8Array).length).toBe(3 * 8);
    const delta = decodeCbor(openSign1(new Uint8Array(readFileSync(join(dir, manifest.statusDelta)))).payload) as Map<string, unknown>;
    expect(delta.get('base')).toBe(1);

    const names = manifest.codes.map((c) => c.name);
    for (const wanted of ['valid-es256', 'valid-eddsa', 'valid-ps256', 'valid-sm2', 'expired', 'revoked', 'tampered', 'foreign-issuer']) {
      expect(names).toContain(wanted);
    }
    for (const code of manifest.codes) {
      expect(readFileSync(join(dir, code.textFile), 'utf8')).toMatch(/^EID1:[0-9A-Z $%*+\-./:]+\n$/);
      expect(readFileSync(join(dir, code.pngFile)).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    }
    // Every holder number in the codes carries a right check character.
    for (const code of manifest.codes) {
      const text = readFileSync(join(dir, code.textFile), 'utf8').trim();
      const eid = (decodeCbor(openSign1(new Uint8Array(inflateSync(decodeBase45(text.slice(5))))).payload) as Map<number, unknown>).get(-65537) as Map<string, string>;
      const dn = eid.get('dn')!;
      expect(citizenIdNumber(dn.slice(0, 6), `${dn.slice(6, 10)}-${dn.slice(10, 12)}-${dn.slice(12, 14)}`, Number(dn.slice(14, 17)))).toBe(dn);
    }

    // The kiosk's own pipeline (anchors → lists → verifier) gives each code the verdict the manifest promises.
    const anchors = loadAnchors(readFileSync(join(dir, manifest.anchor.publicFile), 'utf8'));
    const trust = parseTrustList(verifySignedList(new Uint8Array(readFileSync(join(dir, manifest.trustList))), anchors).payload);
    expect(trust.dropped).toEqual([]);
    const status = StatusList.fromFull(parseStatusList(verifySignedList(new Uint8Array(readFileSync(join(dir, manifest.statusList))), anchors).payload));
    for (const code of manifest.codes) {
      const text = readFileSync(join(dir, code.textFile), 'utf8').trim();
      const verdict = verifyCode(text, { now: now + 10, clockTrusted: true, trust, status });
      expect({ name: code.name, result: verdict.result, reasons: verdict.reasons }).toEqual({ name: code.name, ...code.expect });
    }

    // A second run keeps the keys, so an installed anchor stays valid.
    const again = await buildDemoFixtures(dir, { now });
    expect(again.anchor.kid).toBe(manifest.anchor.kid);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    const fresh = await buildDemoFixtures(join(work, 'demo-fresh'), { now, reuseKeys: false });
    expect(fresh.anchor.kid).not.toBe(manifest.anchor.kid);
  });
});

it('toPem wraps at 64 columns, as OpenSSL writes PEM', () => {
  const pem = toPem(new Uint8Array(100), 'PUBLIC KEY'); // 136 Base64 characters
  expect(pem.split('\n').map((line) => line.length)).toEqual([26, 64, 64, 8, 24, 0]);
});
