// The EID1 pipeline end to end (eid-qr.md §4): every reason code, every algorithm and encoding
// variant, result precedence, and list updates seen through verdicts — all on real signed material.
import { deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase45 } from '../../../main/verify/base45.js';
import { CborTag, decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { CLAIM } from '../../../main/verify/claims.js';
import { decodeCoseSign1 } from '../../../main/verify/cose.js';
import { REASON_RESULT, RESULTS, resultOf, type Reason, type Result } from '../../../main/verify/reasons.js';
import type { ReplayView, StatusView, TrustView, Verdict, VerifyContext } from '../../../main/verify/types.js';
import { MAX_INFLATED, MAX_QR_TEXT, chinaDate, verifyCode } from '../../../main/verify/verifier.js';
import { loadAnchors } from '../../../main/trust/anchors.js';
import type { TrustError } from '../../../main/trust/errors.js';
import { acceptStatusList, acceptTrustList } from '../../../main/trust/lists.js';
import type { StatusList } from '../../../main/trust/status-list.js';
import type { TrustList } from '../../../main/trust/trust-list.js';
import {
  SAMPLE_HOLDERS,
  generateIssuerKey,
  issueEid,
  signCoseSign1,
  signStatusDelta,
  signStatusList,
  signTrustList,
  type EidHolder,
  type EidOptions,
  type EidRequest,
  type IssuerAlg,
  type IssuerKey,
  type StatusDocument,
  type TrustListEntryInput,
} from '../../../tools/issuer/index.js';

const NOW = 1_750_000_000; // 2025-06-15T15:06:40Z, 23:06:40 in Beijing
const DAY = 86_400;
const GRACE = 72 * 3600;

// Keys are made once for the file: PS256 and SM2 generation is not what is under test.
const bureau = generateIssuerKey('ES256');
const issuers: Record<IssuerAlg, IssuerKey> = {
  ES256: generateIssuerKey('ES256'),
  EdDSA: generateIssuerKey('EdDSA'),
  PS256: generateIssuerKey('PS256'),
  SM2: generateIssuerKey('SM2'),
};
const ISS: Record<IssuerAlg, string> = { ES256: 'CN-BJ-PSB', EdDSA: 'CN-SH-PSB', PS256: 'CN-NIA', SM2: 'CN-MPS' };
const revokedKey = generateIssuerKey('ES256');
const futureKey = generateIssuerKey('ES256');
const expiredKey = generateIssuerKey('ES256');
const everythingWrongKey = generateIssuerKey('EdDSA');
const unlistedKey = generateIssuerKey('ES256');
const anchors = loadAnchors(bureau.publicKeyPem());

const entry = (key: IssuerKey, iss: string, extra: Partial<TrustListEntryInput> = {}): TrustListEntryInput => ({
  iss,
  spki: key.spki,
  nbf: NOW - 30 * DAY,
  exp: NOW + 730 * DAY,
  ...extra,
});

const TL_ENTRIES: TrustListEntryInput[] = [
  // The ES256 issuer may sign resident cards and HMT permits only: the doctype rule is tested on it.
  entry(issuers.ES256, ISS.ES256, { dt: ['CN-RIC', 'CN-HMT'] }),
  entry(issuers.EdDSA, ISS.EdDSA),
  entry(issuers.PS256, ISS.PS256),
  entry(issuers.SM2, ISS.SM2),
  entry(revokedKey, 'CN-REV', { st: 'revoked' }),
  entry(futureKey, 'CN-FUT', { nbf: NOW + DAY }),
  entry(expiredKey, 'CN-EXP', { nbf: NOW - 800 * DAY, exp: NOW - DAY }),
  entry(everythingWrongKey, 'CN-OTHER', { st: 'revoked', exp: NOW - DAY, dt: ['CN-FPR'] }),
];

function trustList(seq: number, nu = NOW + 7 * DAY, keys = TL_ENTRIES): TrustList {
  return acceptTrustList(signTrustList(bureau, { seq, iat: nu - 7 * DAY, nu, keys }), anchors, {}).list;
}

const SALT = new Uint8Array(16).fill(0x5a);

function statusList(documents: readonly StatusDocument[], nu = NOW + 7 * DAY): StatusList {
  return acceptStatusList(signStatusList(bureau, { seq: 1, iat: nu - 7 * DAY, nu, salt: SALT, documents }), anchors, {}).list;
}

const zhang: EidHolder = SAMPLE_HOLDERS.zhangSan;
/** The spec's own example of an X check character (eid-qr.md §5). */
const withX: EidHolder = { ...zhang, documentNumber: '11010519491231002X', birthDate: '1949-12-31' };
const revokedHolder: EidHolder = { ...zhang, documentNumber: SAMPLE_HOLDERS.wangWu.documentNumber, birthDate: SAMPLE_HOLDERS.wangWu.birthDate };
const hmt: EidHolder = SAMPLE_HOLDERS.chenQi;
const fpr2023: EidHolder = SAMPLE_HOLDERS.smith;
const fpr2017: EidHolder = { ...fpr2023, documentNumber: 'USA110085031501' };

const TRUST = trustList(1);
const STATUS = statusList([{ dt: revokedHolder.documentType, dn: revokedHolder.documentNumber }]);

function ctx(extra: Partial<VerifyContext> = {}): VerifyContext {
  return { now: NOW, clockTrusted: true, trust: TRUST, status: STATUS, ...extra };
}

type Request = Omit<EidRequest, 'iss' | 'holder'> & { iss?: string; holder?: EidHolder };

function issue(key: IssuerKey, request: Request = {}, options: EidOptions = {}): string {
  const iss = request.iss ?? Object.entries(ISS).find(([alg]) => issuers[alg as IssuerAlg] === key)?.[1] ?? 'CN-UNLISTED';
  return issueEid(key, { iat: NOW, holder: zhang, ...request, iss }, options).text;
}

const es256 = (request: Request = {}, options: EidOptions = {}) => issue(issuers.ES256, request, options);
/** Every reason some verdict in this file gave: the last test checks none of the table is missing. */
const reasonsSeen = new Set<Reason>();
const check = (text: string, extra: Partial<VerifyContext> = {}): Verdict => {
  const v = verifyCode(text, ctx(extra));
  for (const reason of v.reasons) reasonsSeen.add(reason);
  return v;
};

/** An EID1 code around arbitrary bytes (no signature involved). */
const wrap = (bytes: Uint8Array, compress = true): string => `EID1:${encodeBase45(compress ? deflateSync(bytes) : bytes)}`;

/** `depth` nested arrays around an integer. */
function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function expectVerdict(v: Verdict, result: Result, reasons: readonly Reason[]): void {
  expect({ result: v.result, reasons: [...v.reasons].sort() }).toEqual({ result, reasons: [...reasons].sort() });
}

describe('a valid code', () => {
  it('is valid with the identity, kid, issuer, cti and expiry reported', () => {
    const cti = new Uint8Array(16).fill(7);
    const v = check(es256({ cti }));
    expectVerdict(v, 'valid', []);
    expect(v.format).toBe('eid');
    expect(v.kid).toBe(hex(issuers.ES256.kid));
    expect(v.issuer).toBe('CN-BJ-PSB');
    expect(v.ctiHex).toBe(hex(cti));
    expect(v.expiresAt).toBe(NOW + 300);
    // Every field the holder was issued with comes back, and nothing else.
    expect(v.subject).toEqual(zhang);
  });

  it('reports the optional fields too, and ignores unknown claims and eid keys', () => {
    const ph = 'ab'.repeat(32);
    const v = check(
      issue(issuers.PS256, { holder: { ...fpr2023, address: '北京', portraitHash: ph }, claims: new Map([[99, 'future']]), eid: { zz: [1, 2] } }),
    );
    expectVerdict(v, 'valid', []);
    expect(v.subject).toMatchObject({ latinName: 'SMITH, JOHN', nationality: 'USA', address: '北京', portraitHash: ph });
  });

  it('accepts every document type: CN-RIC, CN-HMT, CN-FPR (2023, 18 characters; 2017, 15 characters)', () => {
    for (const holder of [zhang, hmt, fpr2023, fpr2017]) {
      expectVerdict(check(issue(issuers.EdDSA, { holder })), 'valid', []);
    }
  });
});

describe('every algorithm, tagged or not, kid protected or not, compressed or not', () => {
  const algs: IssuerAlg[] = ['ES256', 'EdDSA', 'PS256', 'SM2'];
  for (const alg of algs) {
    it(`${alg}: valid in all eight encodings, bad_signature when the signature is off`, () => {
      const key = issuers[alg];
      for (const tagged of [true, false]) {
        for (const kidIn of ['protected', 'unprotected'] as const) {
          for (const compress of [true, false]) {
            const v = check(issue(key, {}, { tagged, kidIn, compress }));
            expect({ alg, tagged, kidIn, compress, result: v.result, reasons: v.reasons }).toEqual({ alg, tagged, kidIn, compress, result: 'valid', reasons: [] });
            expect(v.kid).toBe(hex(key.kid));
          }
        }
      }
      expectVerdict(check(issue(key, {}, { corruptSignature: true })), 'invalid', ['bad_signature']);
      expectVerdict(check(issue(key, {}, { corruptSignature: true, compress: false, tagged: false })), 'invalid', ['bad_signature']);
    });
  }

  it('accepts the alg in the unprotected header when the protected one lacks it', () => {
    expectVerdict(check(es256({}, { algIn: 'unprotected' })), 'valid', []);
  });

  it('tolerates a CWT tag 61 around tag 18', () => {
    const issued = issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW }, { compress: false });
    const outer = encodeCbor(new CborTag(61, decodeCbor(issued.cose)));
    expectVerdict(check(wrap(outer)), 'valid', []);
  });

  it('a key used with another algorithm than its own is a bad signature, not a crash', () => {
    // Header says EdDSA, the kid names the ES256 key: the key refuses to verify for that alg.
    expectVerdict(check(es256({}, { alg: -8 })), 'invalid', ['bad_signature']);
  });
});

describe('protected header wins', () => {
  const otherKid = issuers.EdDSA.kid;

  it('a different kid in the unprotected header is ignored when the protected one has a kid', () => {
    const v = check(es256({}, { unprotectedExtra: new Map([[4, otherKid]]) }));
    expectVerdict(v, 'valid', []);
    expect(v.kid).toBe(hex(issuers.ES256.kid));
  });

  it('the right kid in the unprotected header does not rescue a wrong protected kid', () => {
    const stranger = new Uint8Array(randomBytes(8));
    const v = check(es256({}, { kid: stranger, kidIn: 'protected', unprotectedExtra: new Map([[4, issuers.ES256.kid]]) }));
    expectVerdict(v, 'invalid', ['unknown_kid']);
    expect(v.kid).toBe(hex(stranger));
  });

  it('a malformed kid in the unprotected header is never looked at when the protected header has one', () => {
    expectVerdict(check(es256({}, { unprotectedExtra: new Map([[4, 'not a kid']]) })), 'valid', []);
  });

  it('alg likewise: protected ES256 beside an unprotected unknown alg is valid, and the reverse is unsupported_alg', () => {
    expectVerdict(check(es256({}, { unprotectedExtra: new Map([[1, -999]]) })), 'valid', []);
    expectVerdict(check(es256({}, { alg: -999, unprotectedExtra: new Map([[1, -7]]) })), 'invalid', ['unsupported_alg']);
  });
});

describe('unknown_prefix → unsupported', () => {
  it.each([
    ['HC2:6BF+70790T9WJWG', 'another profile'],
    ['eid1:ABC', 'lower-case prefix'],
    ['EID2:ABC', 'another version'],
    ['6BFOXN%TS3DH', 'a bare Base45 body'],
    ['', 'empty text'],
  ])('%j (%s)', (text) => {
    const v = check(text);
    expectVerdict(v, 'unsupported', ['unknown_prefix']);
    expect(v.format).toBeUndefined();
  });

  it('even a huge text with an unknown prefix is unknown_prefix (the prefix is read first)', () => {
    expectVerdict(check(`XX:${'A'.repeat(10_000)}`), 'unsupported', ['unknown_prefix']);
  });
});

describe('bad_base45 → unreadable', () => {
  it.each([
    ['EID1:abc', 'lower case is outside the alphabet'],
    ['EID1:ABCD', 'a dangling single character'],
    ['EID1:GGW', 'a triple over 65535'],
    ['EID1:U6', 'a final pair over 255'],
    ['EID1:AB\n', 'a newline'],
    ['EID1:ÄBC', 'a non-ASCII character'],
  ])('%j (%s)', (text) => {
    const v = check(text);
    expectVerdict(v, 'unreadable', ['bad_base45']);
    expect(v.format).toBe('eid');
  });

  it('a valid code with one character turned into lower case', () => {
    const text = es256();
    const broken = text.slice(0, 5) + text.slice(5).replace(/[A-Z]/, (c) => c.toLowerCase());
    expect(broken).not.toBe(text);
    expectVerdict(check(broken), 'unreadable', ['bad_base45']);
  });
});

describe('bad_compression → unreadable', () => {
  const issued = issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW });
  const z = issued.transported;

  it('corrupt deflate data behind a good zlib header', () => {
    const broken = Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0x00);
    expectVerdict(check(`EID1:${encodeBase45(broken)}`), 'unreadable', ['bad_compression']);
  });

  it('a truncated stream', () => {
    expectVerdict(check(`EID1:${encodeBase45(z.subarray(0, z.length - 10))}`), 'unreadable', ['bad_compression']);
  });

  it('a wrong Adler-32 checksum', () => {
    const copy = z.slice();
    copy[copy.length - 1]! ^= 0xff;
    expectVerdict(check(`EID1:${encodeBase45(copy)}`), 'unreadable', ['bad_compression']);
  });

  it('bytes after the end of the stream', () => {
    expectVerdict(check(`EID1:${encodeBase45(Uint8Array.of(...z, 0))}`), 'unreadable', ['bad_compression']);
  });

  it('a first byte 0x78 whose header check fails is not zlib: it is read as COSE (and is not COSE)', () => {
    const notZlib = Uint8Array.of(0x78, 0x9d, ...z.subarray(2));
    expectVerdict(check(`EID1:${encodeBase45(notZlib)}`), 'unreadable', ['bad_cose']);
  });

  it('an HC1 code must be compressed, even when well signed', () => {
    const text = issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW }, { compress: false, prefix: 'HC1:' }).text;
    expectVerdict(check(text), 'unreadable', ['bad_compression']);
    expect(check(text).format).toBe('dcc');
  });
});

/** An ES256 code whose COSE message is exactly `size` bytes, padded through an unknown eid key. */
function codeOfCoseSize(size: number, compress: boolean): { text: string; cose: Uint8Array } {
  let pad = Math.max(0, size - 400);
  for (let tries = 0; tries < 64; tries++) {
    const issued = issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW, eid: { zz: 'a'.repeat(pad) } }, { compress });
    const diff = size - issued.cose.length;
    if (diff === 0) return { text: issued.text, cose: issued.cose };
    pad += diff;
  }
  throw new Error(`no padding gives a ${size}-byte COSE message`);
}

describe('too_large → unreadable', () => {
  it(`text: the longest EID1 text under ${MAX_QR_TEXT} characters verifies; one group more is too_large before any decoding`, () => {
    // 5 prefix characters + Base45 of n bytes; 4,296 itself is not a Base45 length (4,291 ≡ 1 mod 3).
    const largest = codeOfCoseSize(((MAX_QR_TEXT - 5 - 1) / 3) * 2, false);
    expect(largest.text.length).toBe(MAX_QR_TEXT - 1);
    expectVerdict(check(largest.text), 'valid', []);
    const over = codeOfCoseSize(((MAX_QR_TEXT - 5 + 2) / 3) * 2, false);
    expect(over.text.length).toBe(MAX_QR_TEXT + 2);
    expectVerdict(check(over.text), 'unreadable', ['too_large']);
    // Exactly at the limit the length is fine; Base45 judges it (a dangling character).
    expectVerdict(check(`EID1:${'0'.repeat(MAX_QR_TEXT - 5)}`), 'unreadable', ['bad_base45']);
    expectVerdict(check(`EID1:${'0'.repeat(MAX_QR_TEXT - 4)}`), 'unreadable', ['too_large']);
  });

  it(`inflated size: a signed message of exactly ${MAX_INFLATED} bytes verifies, one byte more is too_large`, () => {
    const exact = codeOfCoseSize(MAX_INFLATED, true);
    expect(exact.text.length).toBeLessThan(MAX_QR_TEXT);
    expectVerdict(check(exact.text), 'valid', []);
    const over = codeOfCoseSize(MAX_INFLATED + 1, true);
    expectVerdict(check(over.text), 'unreadable', ['too_large']);
  });

  it('an inflate bomb: 16 MiB of zeros in a code of about 25 kB of text is refused, not inflated', () => {
    const bomb = deflateSync(new Uint8Array(16 * 1024 * 1024), { level: 9 });
    const text = `EID1:${encodeBase45(bomb)}`;
    expect(text.length).toBeGreaterThan(MAX_QR_TEXT); // too long even as text
    expectVerdict(check(text), 'unreadable', ['too_large']);
    // 1 MiB of zeros fits in a QR code and must be stopped by the inflate limit itself.
    const small = `EID1:${encodeBase45(deflateSync(new Uint8Array(1024 * 1024), { level: 9 }))}`;
    expect(small.length).toBeLessThanOrEqual(MAX_QR_TEXT);
    expectVerdict(check(small), 'unreadable', ['too_large']);
  });
});

describe('bad_cose → unreadable', () => {
  const issued = issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW }, { compress: false, tagged: false });
  const parts = decodeCbor(issued.cose) as unknown[];

  it.each([
    ['not CBOR at all', Uint8Array.of(0xff, 0x00, 0x01)],
    ['empty', new Uint8Array(0)],
    ['a map instead of an array', encodeCbor(new Map([[1, 2]]))],
    ['a three-element array', encodeCbor(parts.slice(0, 3))],
    ['a five-element array', encodeCbor([...parts, new Uint8Array(1)])],
    ['another tag (17, COSE_Mac0)', encodeCbor(new CborTag(17, parts))],
    ['a detached (nil) payload', encodeCbor([parts[0], parts[1], null, parts[3]])],
    ['a text payload', encodeCbor([parts[0], parts[1], 'payload', parts[3]])],
    ['a protected header that is not a map', encodeCbor([encodeCbor([1, 2]), parts[1], parts[2], parts[3]])],
    ['an unprotected header that is not a map', encodeCbor([parts[0], [], parts[2], parts[3]])],
    ['a text-string kid', encodeCbor([encodeCbor(new Map([[1, -7]])), new Map([[4, 'kid']]), parts[2], parts[3]])],
    ['a critical header it does not understand', encodeCbor([encodeCbor(new Map<number, unknown>([[1, -7], [2, [99]], [4, issuers.ES256.kid]])), parts[1], parts[2], parts[3]])],
    ['trailing bytes after the message', Uint8Array.of(...issued.cose, 0x00)],
    ['a truncated message', issued.cose.subarray(0, issued.cose.length - 5)],
    ['a payload that is not CBOR', encodeCbor([parts[0], parts[1], Uint8Array.of(0xff), parts[3]])],
    ['a payload that is an array, not a map', encodeCbor([parts[0], parts[1], encodeCbor([1, 2]), parts[3]])],
  ])('%s', (_name, bytes) => {
    for (const compress of [true, false]) {
      const v = check(wrap(bytes, compress));
      expectVerdict(v, 'unreadable', ['bad_cose']);
      expect(v.subject).toBeUndefined();
    }
  });

  it('a payload with duplicate map keys, even when signed', () => {
    // 0xa2 map of 2 with claim 1 twice: hand-written, since the encoder would never produce it.
    const payload = Uint8Array.of(0xa2, 0x01, 0x61, 0x61, 0x01, 0x61, 0x62);
    expectVerdict(check(wrap(signCoseSign1(issuers.ES256, payload))), 'unreadable', ['bad_cose']);
  });

  it('CBOR nesting: 16 levels is fine, 17 is bad_cose — even in a claim nobody reads, even when signed', () => {
    // The payload map is level 1, so n nested arrays under an unknown claim reach depth n + 1.
    expectVerdict(check(es256({ claims: new Map([[99, nested(15)]]) })), 'valid', []);
    expectVerdict(check(es256({ claims: new Map([[99, nested(16)]]) })), 'unreadable', ['bad_cose']);
    // Inside the eid map (level 2).
    expectVerdict(check(es256({ eid: { zz: nested(14) } })), 'valid', []);
    expectVerdict(check(es256({ eid: { zz: nested(15) } })), 'unreadable', ['bad_cose']);
    // Far deeper than any decoder recursion should go.
    expectVerdict(check(es256({ claims: new Map([[99, nested(1000)]]) })), 'unreadable', ['bad_cose']);
  });

  it('nesting in the COSE structure itself (unprotected header) counts too', () => {
    // COSE array (1) + unprotected map (2) + n arrays.
    expectVerdict(check(es256({}, { tagged: false, unprotectedExtra: new Map([[99, nested(14)]]) })), 'valid', []);
    expectVerdict(check(es256({}, { tagged: false, unprotectedExtra: new Map([[99, nested(15)]]) })), 'unreadable', ['bad_cose']);
  });
});

describe('unsupported_alg, unknown_kid → invalid, and nothing after them', () => {
  it.each([
    ['an unknown integer alg', { alg: -999 }],
    ['ES384 (-35): known to COSE, not to this profile', { alg: -35 }],
    ['no alg at all', { alg: null }],
    ['a text-string alg', { alg: null, protectedExtra: new Map([[1, 'ES256']]) }],
  ] as [string, EidOptions][])('%s', (_name, options) => {
    expectVerdict(check(es256({}, options)), 'invalid', ['unsupported_alg']);
  });

  it.each([
    ['an unlisted key', () => issue(unlistedKey, { iss: 'CN-GD-PSB' })],
    ['a random kid', () => es256({}, { kid: new Uint8Array(randomBytes(8)) })],
    ['no kid at all', () => es256({}, { kidIn: 'none' })],
    ['a 7-byte prefix of the right kid', () => es256({}, { kid: issuers.ES256.kid.subarray(0, 7) })],
    ['the right kid with a ninth byte', () => es256({}, { kid: Uint8Array.of(...issuers.ES256.kid, 0) })],
  ])('%s', (_name, make) => {
    const v = check(make());
    expectVerdict(v, 'invalid', ['unknown_kid']);
    expect(v.subject).toBeUndefined();
  });

  it('both at once are both listed; an expired, revoked, replayed claim set behind them is not looked at', () => {
    const expiredRevoked = { holder: revokedHolder, iat: NOW - 3600, cti: new Uint8Array(16).fill(1) };
    const replay: ReplayView = { wasAccepted: () => true };
    const v = check(es256(expiredRevoked, { alg: -999, kid: new Uint8Array(8) }), { replay, clockTrusted: false });
    expectVerdict(v, 'invalid', ['unsupported_alg', 'unknown_kid']);
  });
});

describe('key status and validity, issuer, document type (before the signature)', () => {
  it('key_revoked', () => {
    expectVerdict(check(issue(revokedKey, { iss: 'CN-REV' })), 'invalid', ['key_revoked']);
  });

  it('key_not_yet_valid: iat before the key’s nbf', () => {
    expectVerdict(check(issue(futureKey, { iss: 'CN-FUT' })), 'invalid', ['key_not_yet_valid']);
    // Once the code is issued inside the key's validity it is accepted.
    expectVerdict(check(issue(futureKey, { iss: 'CN-FUT', iat: NOW + DAY }), { now: NOW + DAY }), 'valid', []);
  });

  it('key_expired: iat after the key’s exp (the key validity is judged at iat, not now)', () => {
    expectVerdict(check(issue(expiredKey, { iss: 'CN-EXP' })), 'invalid', ['key_expired']);
    const beforeEnd = issue(expiredKey, { iss: 'CN-EXP', iat: NOW - DAY });
    expectVerdict(check(beforeEnd, { now: NOW - DAY }), 'valid', []);
  });

  it('issuer_mismatch', () => {
    expectVerdict(check(es256({ iss: 'CN-SH-PSB' })), 'invalid', ['issuer_mismatch']);
  });

  it('doctype_not_allowed', () => {
    expectVerdict(check(es256({ holder: fpr2023 })), 'invalid', ['doctype_not_allowed']);
    expectVerdict(check(es256({ holder: hmt })), 'valid', []);
  });

  it('several at once are all listed, and the checks after a good signature still run', () => {
    const v = check(issue(everythingWrongKey, { iss: 'CN-BJ-PSB', iat: NOW - 3600 }));
    expectVerdict(v, 'invalid', ['key_revoked', 'key_expired', 'issuer_mismatch', 'doctype_not_allowed', 'expired']);
  });
});

describe('bad_signature: nothing after it is reported', () => {
  it('a payload changed after signing', () => {
    const issued = issueEid(issuers.EdDSA, { iss: ISS.EdDSA, holder: zhang, iat: NOW }, { compress: false });
    const tampered = Buffer.from(issued.cose);
    const at = tampered.indexOf(Buffer.from('张三'));
    Buffer.from('张四').copy(tampered, at);
    expectVerdict(check(wrap(tampered)), 'invalid', ['bad_signature']);
  });

  it('a signature of the wrong length, or empty', () => {
    const parts = decodeCbor(issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW }, { compress: false, tagged: false }).cose) as Uint8Array[];
    expectVerdict(check(wrap(encodeCbor([parts[0], parts[1], parts[2], parts[3]!.subarray(0, 63)]))), 'invalid', ['bad_signature']);
    expectVerdict(check(wrap(encodeCbor([parts[0], parts[1], parts[2], new Uint8Array(0)]))), 'invalid', ['bad_signature']);
  });

  it('moving the kid from the protected to the unprotected header breaks the signature (the protected bytes are signed)', () => {
    const msg = decodeCoseSign1(issueEid(issuers.ES256, { iss: ISS.ES256, holder: zhang, iat: NOW }, { compress: false }).cose);
    const moved = encodeCbor([encodeCbor(new Map([[1, -7]])), new Map([[4, issuers.ES256.kid]]), msg.payload, msg.signature]);
    expectVerdict(check(wrap(moved)), 'invalid', ['bad_signature']);
  });

  it('hides every claim problem, date, revocation, replay and stale list behind it — but keeps the key checks before it', () => {
    const request: Request = {
      holder: { ...revokedHolder, validTo: '2020-01-01' },
      iat: NOW - 3600,
      cti: new Uint8Array(16).fill(9),
      iss: 'CN-SH-PSB',
      eid: { sx: 'male' },
    };
    const v = check(es256(request, { corruptSignature: true }), {
      replay: { wasAccepted: () => true },
      clockTrusted: false,
      trust: trustList(1, NOW - 30 * DAY),
    });
    expectVerdict(v, 'invalid', ['issuer_mismatch', 'bad_signature']);
    expect(v.subject).toBeUndefined();
    expect(v.issuer).toBeUndefined();
    expect(v.ctiHex).toBeUndefined();
  });
});

describe('bad_claims (reported only once the signature holds)', () => {
  it.each([
    ['iss', CLAIM.iss],
    ['exp', CLAIM.exp],
    ['iat', CLAIM.iat],
    ['cti', CLAIM.cti],
    ['eid', CLAIM.eid],
  ])('%s missing', (name, label) => {
    const v = check(issue(issuers.EdDSA, { claims: new Map([[label, undefined]]) }));
    expect(v.result).toBe('invalid');
    expect(v.reasons).toContain('bad_claims');
    // A missing iss cannot equal the key's issuer either.
    expect([...v.reasons].sort()).toEqual(name === 'iss' ? ['bad_claims', 'issuer_mismatch'] : ['bad_claims']);
  });

  it.each(['dt', 'dn', 'nm', 'sx', 'db', 'ia', 'vf'])('eid.%s missing', (field) => {
    const v = check(issue(issuers.EdDSA, { eid: { [field]: undefined } }));
    expectVerdict(v, 'invalid', ['bad_claims']);
    expect(v.subject).toBeUndefined();
  });

  it.each([
    ['iss an integer', new Map([[CLAIM.iss, 42]])],
    ['exp a text', new Map([[CLAIM.exp, String(NOW + 300)]])],
    ['exp a float', new Map([[CLAIM.exp, NOW + 300.5]])],
    ['exp beyond 2^53', new Map([[CLAIM.exp, 2n ** 60n]])],
    ['nbf a text', new Map([[CLAIM.nbf, 'now']])],
    ['iat a byte string', new Map([[CLAIM.iat, new Uint8Array(4)]])],
    ['cti a text', new Map([[CLAIM.cti, 'token-0123456789']])],
    ['cti 7 bytes', new Map([[CLAIM.cti, new Uint8Array(7)]])],
    ['cti 33 bytes', new Map([[CLAIM.cti, new Uint8Array(33)]])],
    ['cti empty', new Map([[CLAIM.cti, new Uint8Array(0)]])],
    ['eid an array', new Map([[CLAIM.eid, ['CN-RIC']]])],
    ['eid a text', new Map([[CLAIM.eid, 'CN-RIC']])],
  ] as [string, Map<number, unknown>][])('%s', (_name, claims) => {
    const v = check(issue(issuers.EdDSA, { claims }));
    expect(v.result).toBe('invalid');
    expect(v.reasons).toContain('bad_claims');
    expect(v.reasons.filter((r) => r !== 'bad_claims' && r !== 'issuer_mismatch')).toEqual([]);
  });

  it.each([
    ['dt', 1],
    ['dn', 110105199003071234],
    ['nm', new Uint8Array(2)],
    ['en', 7],
    ['sx', -1],
    ['sx', 'M'],
    ['sx', 1.5],
    ['na', 1],
    ['nt', ['USA']],
    ['db', '1990-3-7'],
    ['db', '1990-02-30'],
    ['db', 19900307],
    ['ad', null],
    ['ia', false],
    ['vf', '2020/05/01'],
    ['vt', '长期'],
    ['vt', null],
    ['ph', 'ab'.repeat(32)],
  ])('eid.%s = %j', (field, value) => {
    const v = check(issue(issuers.EdDSA, { eid: { [field]: value } }));
    expectVerdict(v, 'invalid', ['bad_claims']);
  });

  it('cti of 8 and of 32 bytes are well-formed', () => {
    for (const length of [8, 32]) expectVerdict(check(es256({ cti: new Uint8Array(length).fill(3) })), 'valid', []);
  });

  it('nbf is optional, and an integer nbf in the past is fine', () => {
    expectVerdict(check(es256({ nbf: NOW - 10 })), 'valid', []);
  });
});

describe('time: nbf, exp, iat, lifetime — skew boundaries exactly at 60 s', () => {
  it('not_yet_valid: nbf − 60 s is the first accepted moment', () => {
    expectVerdict(check(es256({ nbf: NOW + 60 })), 'valid', []);
    expectVerdict(check(es256({ nbf: NOW + 61 })), 'invalid', ['not_yet_valid']);
  });

  it('expired: exp + 60 s is the last accepted moment', () => {
    expectVerdict(check(es256({ iat: NOW - 360, exp: NOW - 60 })), 'valid', []);
    expectVerdict(check(es256({ iat: NOW - 361, exp: NOW - 61 })), 'invalid', ['expired']);
  });

  it('iat_in_future: iat may be at most 60 s ahead of now', () => {
    expectVerdict(check(es256({ iat: NOW + 60 })), 'valid', []);
    expectVerdict(check(es256({ iat: NOW + 61 })), 'invalid', ['iat_in_future']);
  });

  it('a different skew policy moves every boundary', () => {
    const policy = { skewSeconds: 0 };
    expectVerdict(check(es256({ nbf: NOW + 1 }), { policy }), 'invalid', ['not_yet_valid']);
    expectVerdict(check(es256({ iat: NOW - 301, exp: NOW - 1 }), { policy }), 'invalid', ['expired']);
    expectVerdict(check(es256({ iat: NOW + 1 }), { policy }), 'invalid', ['iat_in_future']);
    expectVerdict(check(es256({ iat: NOW - 300, exp: NOW }), { policy }), 'valid', []);
  });

  it('lifetime_too_long: exp − iat of 300 s passes, 301 s does not; the policy can allow more', () => {
    expectVerdict(check(es256({ ttl: 300 })), 'valid', []);
    expectVerdict(check(es256({ ttl: 301 })), 'invalid', ['lifetime_too_long']);
    expectVerdict(check(es256({ ttl: 3600 }), { policy: { maxLifetimeSeconds: 3600 } }), 'valid', []);
    // exp before iat is no lifetime problem, but it is expired.
    expectVerdict(check(es256({ iat: NOW, exp: NOW - 100 })), 'invalid', ['expired']);
  });
});

describe('bad_document_number', () => {
  const wrongCheck = (dn: string) => dn.slice(0, 17) + (dn[17] === '0' ? '1' : '0');

  it('a wrong GB 11643 check character', () => {
    expectVerdict(check(es256({ holder: { ...zhang, documentNumber: wrongCheck(zhang.documentNumber) } })), 'invalid', ['bad_document_number']);
  });

  it('digits 7–14 that disagree with the birth date', () => {
    expectVerdict(check(es256({ holder: { ...zhang, birthDate: '1990-03-08' } })), 'invalid', ['bad_document_number']);
  });

  it('a resident card number that is not 18 characters, or has a letter inside', () => {
    expectVerdict(check(es256({ holder: { ...zhang, documentNumber: zhang.documentNumber.slice(0, 15) } })), 'invalid', ['bad_document_number']);
    expectVerdict(check(es256({ holder: { ...zhang, documentNumber: `11010519900307X12${zhang.documentNumber[17]}` } })), 'invalid', ['bad_document_number']);
  });

  it('an 18-character permanent-residence number is checked the same way; a 15-character one must be 3 letters + 12 digits', () => {
    expectVerdict(check(issue(issuers.PS256, { holder: { ...fpr2023, documentNumber: wrongCheck(fpr2023.documentNumber) } })), 'invalid', ['bad_document_number']);
    expectVerdict(check(issue(issuers.PS256, { holder: { ...fpr2017, documentNumber: 'US1110085031501' } })), 'invalid', ['bad_document_number']);
  });

  it('both the check character and the birth date wrong is still one reason', () => {
    const holder = { ...zhang, documentNumber: wrongCheck(zhang.documentNumber), birthDate: '1991-01-01' };
    expectVerdict(check(es256({ holder })), 'invalid', ['bad_document_number']);
  });
});

describe('lower-case x check characters', () => {
  const lower = { ...withX, documentNumber: withX.documentNumber.toLowerCase() };

  it('a valid number written with x is valid and shown with X', () => {
    expect(lower.documentNumber.endsWith('x')).toBe(true);
    const v = check(es256({ holder: lower }));
    expectVerdict(v, 'valid', []);
    expect(v.subject?.documentNumber).toBe('11010519491231002X');
  });

  it('x where another check character belongs is bad_document_number', () => {
    expectVerdict(check(es256({ holder: { ...lower, documentNumber: '11010519491231003x' } })), 'invalid', ['bad_document_number']);
  });

  it('a status list entry matches whichever case either side used', () => {
    const listedUpper = statusList([{ dt: 'CN-RIC', dn: '11010519491231002X' }]);
    const listedLower = statusList([{ dt: 'CN-RIC', dn: '11010519491231002x' }]);
    for (const status of [listedUpper, listedLower]) {
      expectVerdict(check(es256({ holder: lower }), { status }), 'invalid', ['revoked']);
      expectVerdict(check(es256({ holder: withX }), { status }), 'invalid', ['revoked']);
    }
  });
});

describe('document_expired (dates in Beijing time)', () => {
  const today = chinaDate(NOW);
  const tomorrow = chinaDate(NOW + DAY);
  const yesterday = chinaDate(NOW - DAY);

  it('today is the date in UTC+8', () => {
    expect([yesterday, today, tomorrow]).toEqual(['2025-06-14', '2025-06-15', '2025-06-16']);
  });

  it('vf in the future, vt in the past', () => {
    expectVerdict(check(es256({ holder: { ...zhang, validFrom: tomorrow } })), 'invalid', ['document_expired']);
    expectVerdict(check(es256({ holder: { ...zhang, validTo: yesterday } })), 'invalid', ['document_expired']);
  });

  it('vf and vt are inclusive', () => {
    expectVerdict(check(es256({ holder: { ...zhang, validFrom: today } })), 'valid', []);
    expectVerdict(check(es256({ holder: { ...zhang, validTo: today } })), 'valid', []);
  });

  it('long-term (vt absent) is valid, shown as validTo null', () => {
    const v = check(es256({ holder: { ...zhang, validTo: null } }));
    expectVerdict(v, 'valid', []);
    expect(v.subject?.validTo).toBeNull();
    // Long-term documents still have a start.
    expectVerdict(check(es256({ holder: { ...zhang, validTo: null, validFrom: tomorrow } })), 'invalid', ['document_expired']);
  });

  it('at 00:30 in Beijing (16:30 UTC the day before) the Beijing date counts', () => {
    const lateUtc = Date.UTC(2025, 5, 15, 16, 30) / 1000;
    expect(chinaDate(lateUtc)).toBe('2025-06-16');
    const code = es256({ iat: lateUtc, holder: { ...zhang, validTo: '2025-06-15' } });
    expectVerdict(check(code, { now: lateUtc }), 'invalid', ['document_expired']);
  });
});

describe('revoked, replayed', () => {
  it('revoked: the status list holds the document', () => {
    const v = check(es256({ holder: revokedHolder }));
    expectVerdict(v, 'invalid', ['revoked']);
    expect(v.subject?.documentNumber).toBe(revokedHolder.documentNumber);
  });

  it('the entry is per document type: the same number as another type is not revoked', () => {
    expectVerdict(check(es256({ holder: { ...revokedHolder, documentType: 'CN-HMT' } })), 'valid', []);
  });

  it('without a status list nothing is revoked', () => {
    expectVerdict(check(es256({ holder: revokedHolder }), { status: undefined }), 'valid', []);
  });

  it('replayed: a cti already accepted on this kiosk', () => {
    const cti = new Uint8Array(16).fill(0x42);
    const seen = new Set<string>([hex(cti)]);
    const replay: ReplayView = { wasAccepted: (ctiHex) => seen.has(ctiHex) };
    expectVerdict(check(es256({ cti }), { replay }), 'invalid', ['replayed']);
    expectVerdict(check(es256({ cti: new Uint8Array(16).fill(0x43) }), { replay }), 'valid', []);
  });
});

describe('stale lists and the clock → cannot_validate', () => {
  const fresh = es256();

  it('stale_trust_list: fresh up to nu + 72 h, stale one second later', () => {
    const nu = NOW - GRACE;
    expectVerdict(check(fresh, { trust: trustList(1, nu) }), 'valid', []);
    expectVerdict(check(fresh, { trust: trustList(1, nu - 1) }), 'cannot_validate', ['stale_trust_list']);
  });

  it('stale_status_list: the same rule', () => {
    const nu = NOW - GRACE;
    expectVerdict(check(fresh, { status: statusList([], nu) }), 'valid', []);
    expectVerdict(check(fresh, { status: statusList([], nu - 1) }), 'cannot_validate', ['stale_status_list']);
  });

  it('the grace is policy', () => {
    expectVerdict(check(fresh, { trust: trustList(1, NOW - 10), policy: { listGraceSeconds: 5 } }), 'cannot_validate', ['stale_trust_list']);
  });

  it('directly installed keys have no freshness rule', () => {
    const installed: TrustView = { findKey: (kid) => TRUST.findKey(kid) };
    expectVerdict(check(fresh, { trust: installed }), 'valid', []);
  });

  it('clock_unsynced', () => {
    expectVerdict(check(fresh, { clockTrusted: false }), 'cannot_validate', ['clock_unsynced']);
  });

  it('all three together', () => {
    const v = check(fresh, { clockTrusted: false, trust: trustList(1, NOW - 30 * DAY), status: statusList([], NOW - 30 * DAY) });
    expectVerdict(v, 'cannot_validate', ['stale_trust_list', 'stale_status_list', 'clock_unsynced']);
    // The identity is still shown: the code itself checked out.
    expect(v.subject?.documentNumber).toBe(zhang.documentNumber);
  });
});

describe('precedence and the multiple-reasons rule', () => {
  it('invalid beats cannot_validate, and every reason is listed', () => {
    const v = check(es256({ iat: NOW - 3600, holder: revokedHolder }), { clockTrusted: false, trust: trustList(1, NOW - 30 * DAY) });
    expectVerdict(v, 'invalid', ['expired', 'revoked', 'stale_trust_list', 'clock_unsynced']);
  });

  it('every check after the signature runs and lists its failure', () => {
    const cti = new Uint8Array(16).fill(0x55);
    const holder: EidHolder = { ...revokedHolder, birthDate: '1975-06-19', validTo: '2020-01-01' };
    const v = check(es256({ holder, iat: NOW - 4000, nbf: NOW + 1000, ttl: 3600, cti }), {
      replay: { wasAccepted: () => true },
      clockTrusted: false,
      trust: trustList(1, NOW - 30 * DAY),
      status: statusList([{ dt: holder.documentType, dn: holder.documentNumber }], NOW - 30 * DAY),
    });
    expectVerdict(v, 'invalid', [
      'not_yet_valid',
      'expired',
      'lifetime_too_long',
      'bad_document_number',
      'document_expired',
      'revoked',
      'replayed',
      'stale_trust_list',
      'stale_status_list',
      'clock_unsynced',
    ]);
  });

  it('bad_claims is listed beside the time checks that could still be made', () => {
    const v = check(es256({ iat: NOW - 3600, claims: new Map([[CLAIM.cti, new Uint8Array(2)]]) }));
    expectVerdict(v, 'invalid', ['bad_claims', 'expired']);
  });

  it('reasons come in the spec table’s order', () => {
    const v = check(es256({ iat: NOW - 3600, holder: revokedHolder }), { clockTrusted: false });
    expect(v.reasons).toEqual(['expired', 'revoked', 'clock_unsynced']);
  });

  it('resultOf: the first of unsupported, unreadable, invalid, cannot_validate, valid', () => {
    const order: Result[] = ['unsupported', 'unreadable', 'invalid', 'cannot_validate'];
    const reasons = Object.keys(REASON_RESULT) as Reason[];
    for (const a of reasons) {
      for (const b of reasons) {
        const expected = order[Math.min(order.indexOf(REASON_RESULT[a]), order.indexOf(REASON_RESULT[b]))];
        expect(resultOf([a, b])).toBe(expected);
      }
    }
    expect(resultOf([])).toBe('valid');
    expect(RESULTS).toEqual(['valid', 'invalid', 'unreadable', 'unsupported', 'cannot_validate']);
  });
});

describe('list updates seen through verdicts', () => {
  const revokedDoc = { dt: revokedHolder.documentType, dn: revokedHolder.documentNumber };
  const zhangDoc = { dt: zhang.documentType, dn: zhang.documentNumber };
  const full = signStatusList(bureau, { seq: 1, iat: NOW, nu: NOW + 7 * DAY, salt: SALT, documents: [revokedDoc] });

  it('a delta applied on its base: revoked → valid after del, valid → revoked after add', () => {
    const first = acceptStatusList(full, anchors, {});
    const revokedCode = es256({ holder: revokedHolder });
    const zhangCode = es256();
    expectVerdict(check(revokedCode, { status: first.list }), 'invalid', ['revoked']);
    expectVerdict(check(zhangCode, { status: first.list }), 'valid', []);

    const delta = signStatusDelta(bureau, { seq: 2, base: 1, iat: NOW, nu: NOW + 7 * DAY, salt: SALT, del: [revokedDoc], add: [zhangDoc] });
    const second = acceptStatusList(delta, anchors, first.record, first.list);
    expect(second.outcome).toBe('accepted');
    expectVerdict(check(revokedCode, { status: second.list }), 'valid', []);
    expectVerdict(check(zhangCode, { status: second.list }), 'invalid', ['revoked']);
    // The list in force before the update is untouched (a swap, not an edit).
    expectVerdict(check(revokedCode, { status: first.list }), 'invalid', ['revoked']);
  });

  it('a delta on the wrong base is refused and the list in force keeps its verdicts', () => {
    const first = acceptStatusList(full, anchors, {});
    const skipping = signStatusDelta(bureau, { seq: 3, base: 2, iat: NOW, nu: NOW + 7 * DAY, salt: SALT, del: [revokedDoc] });
    expect(() => acceptStatusList(skipping, anchors, first.record, first.list)).toThrow(
      expect.objectContaining({ code: 'delta_base_mismatch' }) as TrustError,
    );
    expectVerdict(check(es256({ holder: revokedHolder }), { status: first.list }), 'invalid', ['revoked']);
  });

  it('a newer full list with a new nu makes a stale status list fresh again', () => {
    const stale = acceptStatusList(signStatusList(bureau, { seq: 1, iat: NOW - 30 * DAY, nu: NOW - 20 * DAY, salt: SALT, documents: [] }), anchors, {});
    expectVerdict(check(es256(), { status: stale.list }), 'cannot_validate', ['stale_status_list']);
    const next = acceptStatusList(signStatusList(bureau, { seq: 2, iat: NOW, nu: NOW + DAY, salt: SALT, documents: [] }), anchors, stale.record, stale.list);
    expectVerdict(check(es256(), { status: next.list }), 'valid', []);
  });

  it('a rolled-back trust list is refused; the list in force keeps giving the same verdicts', () => {
    const current = acceptTrustList(signTrustList(bureau, { seq: 5, iat: NOW, nu: NOW + 7 * DAY, keys: TL_ENTRIES }), anchors, {});
    const code = es256();
    expectVerdict(check(code, { trust: current.list }), 'valid', []);
    // An older publication in which the ES256 key was revoked: replaying it must not take effect.
    const older = signTrustList(bureau, {
      seq: 4,
      iat: NOW - DAY,
      nu: NOW + 6 * DAY,
      keys: TL_ENTRIES.map((e) => (e.spki === issuers.ES256.spki ? { ...e, st: 'revoked' } : e)),
    });
    expect(() => acceptTrustList(older, anchors, current.record, current.list)).toThrow(expect.objectContaining({ code: 'rolled_back' }) as TrustError);
    expectVerdict(check(code, { trust: current.list }), 'valid', []);
    // Accepted in its own right (as a first list), that old list would have revoked the key.
    expectVerdict(check(code, { trust: acceptTrustList(older, anchors, {}).list }), 'invalid', ['key_revoked']);
  });

  it('a newer trust list that drops a key turns its codes into unknown_kid; a stale one into cannot_validate', () => {
    const current = acceptTrustList(signTrustList(bureau, { seq: 1, iat: NOW, nu: NOW + DAY, keys: TL_ENTRIES }), anchors, {});
    const without = signTrustList(bureau, { seq: 2, iat: NOW, nu: NOW + DAY, keys: TL_ENTRIES.filter((e) => e.spki !== issuers.SM2.spki) });
    const next = acceptTrustList(without, anchors, current.record, current.list);
    const code = issue(issuers.SM2);
    expectVerdict(check(code, { trust: current.list }), 'valid', []);
    expectVerdict(check(code, { trust: next.list }), 'invalid', ['unknown_kid']);
    expectVerdict(check(code, { trust: current.list, now: NOW + DAY + GRACE + 1 }), 'invalid', ['expired', 'stale_trust_list']);
    const later = issue(issuers.SM2, { iat: NOW + DAY + GRACE + 1 });
    expectVerdict(check(later, { trust: current.list, now: NOW + DAY + GRACE + 1 }), 'cannot_validate', ['stale_trust_list']);
  });
});

describe('never throws', () => {
  it('on the trust and status views a caller hands in, as long as they behave', () => {
    const status: StatusView = { holds: () => false };
    expectVerdict(check(es256(), { status }), 'valid', []);
  });

  it('on random Base45 bodies, with and without a zlib header', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(randomBytes(1 + (i % 200)));
      if (i % 2 === 0) {
        bytes[0] = 0x78;
        if (bytes.length > 1) bytes[1] = 0x9c;
      }
      const v = check(`EID1:${encodeBase45(bytes)}`);
      expect(['unreadable', 'invalid']).toContain(v.result);
    }
  });
});

describe('coverage of the reason table', () => {
  it('every reason code that applies to EID1 was produced by some verdict above (key_usage is HC1 only)', () => {
    const expected = (Object.keys(REASON_RESULT) as Reason[]).filter((r) => r !== 'key_usage');
    expect(expected.filter((r) => !reasonsSeen.has(r))).toEqual([]);
    expect(reasonsSeen.has('key_usage')).toBe(false);
  });
});
