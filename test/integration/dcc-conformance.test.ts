// The EU DCC conformance suite (shared/corpus/dcc, from dgc-testdata): every case, every
// expectation flag, each step scored on its own with the kiosk's own decoding and checking code.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../drivers/camera/image.js';
import { readQr } from '../../drivers/camera/qr-read.js';
import { decodeBase45 } from '../../main/verify/base45.js';
import { decodeCbor, encodeCbor } from '../../main/verify/cbor.js';
import { coseToBeSigned, decodeCoseSign1 } from '../../main/verify/cose.js';
import { HCERT_CLAIM, dccKeyUsageOk, readDccPayload } from '../../main/verify/dcc.js';
import { dccSchemaProblems } from '../../main/verify/dcc-schema.js';
import { inflateBounded, looksLikeZlib } from '../../main/verify/inflate.js';
import { importCertificate } from '../../main/verify/keys.js';
import { splitPrefix } from '../../main/verify/prefix.js';
import { DEFAULT_POLICY } from '../../main/verify/types.js';

const ROOT = '../shared/corpus/dcc';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Case {
  readonly name: string;
  readonly raw: JsonObject;
  /** Flag name (upper case) → expected outcome. */
  readonly flags: ReadonlyMap<string, boolean>;
}

function caseFiles(): string[] {
  return (readdirSync(ROOT, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.json') && path.split(sep).slice(-3, -1).join('/') === '2DCode/raw')
    .sort();
}

/**
 * Quirk: the suite's README warns of nested results and inconsistent spelling, so flags are
 * gathered from anywhere in the file by the EXPECTED… naming pattern (case-insensitive), not only
 * from EXPECTEDRESULTS; the raw layers (JSON, CBOR, …) are not searched.
 */
function collectFlags(value: Json, into: Map<string, boolean>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'JSON') continue;
    const name = key.toUpperCase();
    if (/^EXPECTED[A-Z0-9]+$/.test(name) && name !== 'EXPECTEDRESULTS' && typeof v === 'boolean') into.set(name, v);
    else collectFlags(v, into);
  }
}

function loadCase(path: string): Case {
  const raw = JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as JsonObject;
  const flags = new Map<string, boolean>();
  collectFlags(raw, flags);
  const country = relative('.', path).split(sep)[0] ?? '?';
  return { name: `${country}/${basename(path, '.json')}`, raw, flags };
}

const str = (raw: JsonObject, key: string): string | undefined => {
  const v = raw[key];
  return typeof v === 'string' ? v : undefined;
};
const hexBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

function testContext(raw: JsonObject): JsonObject {
  const ctx = raw.TESTCTX;
  return ctx !== null && typeof ctx === 'object' && !Array.isArray(ctx) ? ctx : {};
}

/**
 * Quirk: VALIDATIONCLOCK comes as `…Z`, `…+02:00`, `…+0000` (no colon) and with microseconds;
 * one case also carries a `validationClockInstant` twin. A clock without a zone is UTC (the
 * corpus README says so; Date.parse would read it as local time, hence this explicit parser).
 */
function validationClock(raw: JsonObject): number {
  const ctx = testContext(raw);
  const text = str(ctx, 'VALIDATIONCLOCK') ?? str(ctx, 'validationClockInstant');
  const m = text && /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) throw new Error(`unreadable VALIDATIONCLOCK ${JSON.stringify(text)}`);
  let seconds = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  const zone = m[7];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    seconds -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return seconds;
}

function certificateOf(raw: JsonObject) {
  const b64 = str(testContext(raw), 'CERTIFICATE');
  if (!b64) throw new Error('case has no TESTCTX.CERTIFICATE');
  return importCertificate(new Uint8Array(Buffer.from(b64, 'base64')));
}

/** COSE bytes → the CWT claims map. */
function claimsOf(coseBytes: Uint8Array): Map<unknown, unknown> {
  const claims = decodeCbor(decodeCoseSign1(coseBytes).payload);
  if (!(claims instanceof Map)) throw new Error('payload is not a map');
  return claims;
}

function dccOf(claims: Map<unknown, unknown>): ReadonlyMap<string, unknown> {
  const read = readDccPayload(claims);
  if (!read.payload) throw new Error(read.problems.join('; '));
  return read.payload.dcc;
}

/**
 * Decode-then-compare, as the suite's README asks (map order is free in both CBOR and JSON): both
 * sides are encoded with the same deterministic encoder and the bytes compared. A Map with text
 * keys and a JSON object encode alike.
 */
const sameContent = (a: unknown, b: unknown): boolean => sameBytes(encodeCbor(a), encodeCbor(b));

/**
 * Quirk: the CBOR layer is the DCC object in most national sets but the whole CWT claims map in
 * DE's; the DCC is taken from `-260 → 1` when the map holds that claim.
 */
function dccFromCborLayer(cborHex: string): unknown {
  const value = decodeCbor(hexBytes(cborHex));
  return value instanceof Map && value.has(HCERT_CLAIM) ? dccOf(value) : value;
}

/** Whether a step succeeds; a thrown error (VerifyError or other) is that step failing. */
async function outcome(step: () => boolean | Promise<boolean>): Promise<boolean> {
  try {
    return await step();
  } catch {
    return false;
  }
}

type Step = (raw: JsonObject) => boolean | Promise<boolean>;

/** Each flag's step, and the raw fields it reads (a case without them cannot be scored). */
const STEPS: Record<string, { needs: string[]; run: Step }> = {
  // The QR picture (base64 PNG) reads, with the kiosk's own camera decoder, to exactly PREFIX.
  EXPECTEDPICTUREDECODE: {
    needs: ['2DCODE', 'PREFIX'],
    run: async (raw) => {
      const png = new Uint8Array(Buffer.from(str(raw, '2DCODE')!, 'base64'));
      const read = await readQr(decodeImage(png));
      return read.text === str(raw, 'PREFIX');
    },
  },
  // PREFIX without its prefix equals BASE45, and the prefix is the HC1 one.
  EXPECTEDUNPREFIX: {
    needs: ['PREFIX', 'BASE45'],
    run: (raw) => {
      const split = splitPrefix(str(raw, 'PREFIX')!);
      return split.format === 'dcc' && split.body === str(raw, 'BASE45');
    },
  },
  // BASE45 decodes to COMPRESSED.
  EXPECTEDB45DECODE: {
    needs: ['BASE45', 'COMPRESSED'],
    run: (raw) => sameBytes(decodeBase45(str(raw, 'BASE45')!), hexBytes(str(raw, 'COMPRESSED')!)),
  },
  // COMPRESSED is zlib (an HC1 code must be: eid-qr.md §1) and inflates to COSE.
  EXPECTEDCOMPRESSION: {
    needs: ['COMPRESSED', 'COSE'],
    run: (raw) => {
      const z = hexBytes(str(raw, 'COMPRESSED')!);
      return looksLikeZlib(z) && sameBytes(inflateBounded(z), hexBytes(str(raw, 'COSE')!));
    },
  },
  // CBOR decodes, and its DCC matches JSON and the DCC inside COSE, for whichever of the two the
  // case carries (the README defines the flag both ways: CBOR vs JSON, and COSE payload vs CBOR).
  EXPECTEDDECODE: {
    needs: ['CBOR'],
    run: (raw) => {
      const dcc = dccFromCborLayer(str(raw, 'CBOR')!);
      const json = raw.JSON;
      const cose = str(raw, 'COSE');
      if (json === undefined && cose === undefined) throw new Error('nothing to compare CBOR with');
      return (json === undefined || sameContent(dcc, json)) && (cose === undefined || sameContent(dcc, dccOf(claimsOf(hexBytes(cose)))));
    },
  },
  // The whole chain from the QR text gives the DCC in JSON.
  EXPECTEDVALIDJSON: {
    needs: ['PREFIX', 'JSON'],
    run: (raw) => {
      const { format, body } = splitPrefix(str(raw, 'PREFIX')!);
      const z = decodeBase45(body);
      if (format !== 'dcc' || !looksLikeZlib(z)) return false;
      return sameContent(dccOf(claimsOf(inflateBounded(z))), raw.JSON);
    },
  },
  // Building CBOR from JSON (the issuer side) gives the CBOR layer's content.
  EXPECTEDENCODE: {
    needs: ['JSON', 'CBOR'],
    run: (raw) => sameContent(decodeCbor(encodeCbor(raw.JSON)), dccFromCborLayer(str(raw, 'CBOR')!)),
  },
  // COSE verifies against TESTCTX.CERTIFICATE the way the verifier finds and uses a key: the
  // message's kid (protected first) must be the certificate's, the alg one the key can do.
  EXPECTEDVERIFY: {
    needs: ['COSE'],
    run: (raw) => {
      const msg = decodeCoseSign1(hexBytes(str(raw, 'COSE')!));
      const cert = certificateOf(raw);
      if (!msg.kid || !sameBytes(msg.kid, cert.kid)) return false;
      if (msg.alg === undefined || !cert.key.supports(msg.alg)) return false;
      return cert.key.verify(msg.alg, coseToBeSigned(msg), msg.signature);
    },
  },
  // At VALIDATIONCLOCK the code is within its life and its certificate's (eid-qr.md §4, default
  // skew): iat ≤ now + skew, now ≤ exp + skew, notBefore ≤ iat, now ≤ notAfter.
  EXPECTEDEXPIRATIONCHECK: {
    needs: ['COSE'],
    run: (raw) => {
      const claims = claimsOf(hexBytes(str(raw, 'COSE')!));
      const cert = certificateOf(raw);
      const now = validationClock(raw);
      const skew = DEFAULT_POLICY.skewSeconds;
      const iat = claims.get(6);
      const exp = claims.get(4);
      if (typeof iat !== 'number' || typeof exp !== 'number') return false;
      return iat <= now + skew && now <= exp + skew && cert.notBefore <= iat && now <= cert.notAfter;
    },
  },
  // The certificate's extended key usage allows the DCC's kind, which must be exactly one of
  // v/t/r, and (the README: "can be verified, and the key usage … matches") the signature holds.
  EXPECTEDKEYUSAGE: {
    needs: ['COSE'],
    run: (raw) => {
      const coseBytes = hexBytes(str(raw, 'COSE')!);
      const msg = decodeCoseSign1(coseBytes);
      const cert = certificateOf(raw);
      const read = readDccPayload(claimsOf(coseBytes));
      const verified = msg.alg !== undefined && cert.key.verify(msg.alg, coseToBeSigned(msg), msg.signature);
      return verified && dccKeyUsageOk(cert.extendedKeyUsage, read.payload);
    },
  },
  // The DCC in the CBOR layer keeps the DCC schema's rules (main/verify/dcc-schema.ts: the rules
  // every schema version from 1.0.0 shares, written out from the published schema).
  EXPECTEDSCHEMAVALIDATION: {
    needs: ['CBOR'],
    run: (raw) => {
      const dcc = dccFromCborLayer(str(raw, 'CBOR')!);
      return dcc instanceof Map && dccSchemaProblems(dcc as ReadonlyMap<string, unknown>).length === 0;
    },
  },
  // The JSON layer, read as the kiosk would read it once encoded, keeps the same rules.
  EXPECTEDVALIDOBJECT: {
    needs: ['JSON'],
    run: (raw) => {
      const dcc = decodeCbor(encodeCbor(raw.JSON));
      return dcc instanceof Map && dccSchemaProblems(dcc as ReadonlyMap<string, unknown>).length === 0;
    },
  },
};

/** Flags for steps outside this layer, each with the reason it is not scored here (none today). */
const NOT_SCORED: Record<string, string> = {};

const cases = caseFiles().map(loadCase);

describe('EU DCC conformance corpus', () => {
  it('holds the cases this suite was written against', () => {
    expect(cases.length).toBeGreaterThanOrEqual(53);
    expect(cases.every((c) => c.flags.size > 0)).toBe(true);
  });

  it('scores every flag listed in EXPECTEDRESULTS (none dropped by the gathering above)', () => {
    for (const c of cases) {
      const listed = c.raw.EXPECTEDRESULTS;
      if (listed === null || typeof listed !== 'object' || Array.isArray(listed)) continue;
      expect([...c.flags.keys()], c.name).toEqual(expect.arrayContaining(Object.keys(listed).map((k) => k.toUpperCase())));
    }
  });

  for (const c of cases) {
    for (const [flag, expected] of c.flags) {
      const title = `${c.name} ${flag}=${expected}`;
      const step = STEPS[flag];
      if (!step) {
        it.skip(`${title} — ${NOT_SCORED[flag] ?? 'not a step of the suite README'}`, () => {});
        continue;
      }
      const missing = step.needs.filter((field) => c.raw[field] === undefined);
      if (missing.length > 0) {
        it.skip(`${title} — case lacks ${missing.join(', ')}`, () => {});
        continue;
      }
      it(title, async () => {
        expect(await outcome(() => step.run(c.raw))).toBe(expected);
      });
    }
  }
});
