// COSE_Sign1 (RFC 9052 §4.2) as eid-qr.md §2 profiles it: the message shape, header resolution
// (protected first) and the exact bytes a signature covers.
import { pooledBytes } from './bytes.js';
import { CborTag, decodeCbor } from './cbor.js';
import { VerifyError } from './reasons.js';

const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;
const HEADER = { alg: 1, crit: 2, kid: 4 } as const;
/** Header labels this verifier processes; a `crit` naming any other must be refused (RFC 9052 §3.1). */
const UNDERSTOOD = new Set<unknown>([HEADER.alg, HEADER.kid]);

export interface CoseSign1 {
  /** The protected header exactly as received (possibly zero-length): the signature covers these bytes. */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: ReadonlyMap<number, unknown>;
  readonly unprotectedHeader: ReadonlyMap<number, unknown>;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** Resolved: protected wins; unprotected only for a label the protected header lacks. Absent, or a text-string alg, leaves it undefined. */
  readonly alg?: number;
  /** Same rule. Its length is not checked here: a kid that matches no key is `unknown_kid`, not malformed. */
  readonly kid?: Uint8Array;
  readonly kidProtected: boolean;
}

const fail = (detail: string): never => {
  throw new VerifyError('bad_cose', detail);
};

/** A header map: labels as decoded; CBOR maps only. */
function headerMap(value: unknown, which: string): ReadonlyMap<number, unknown> {
  if (!(value instanceof Map)) return fail(`${which} header is not a map`);
  return value as ReadonlyMap<number, unknown>;
}

/**
 * Protected headers seen lately, by their bytes. A kiosk sees codes from a handful of issuers,
 * and each sends the same protected header (alg, kid) on every code: decoding it again cost half
 * a microsecond per scan. Only short headers are kept, decoded from a copy the cache owns (a
 * header decoded from the scan itself would hold views into a buffer that is reused).
 */
const HEADER_CACHE_LIMIT = 16;
const MAX_CACHED_HEADER = 64;
const headerCache = new Map<string, ReadonlyMap<number, unknown>>();

function protectedHeaderOf(bytes: Uint8Array): ReadonlyMap<number, unknown> {
  // RFC 9052 §3: an empty protected header is sent as a zero-length bstr (a0 is tolerated).
  if (bytes.length === 0) return new Map<number, unknown>();
  if (bytes.length > MAX_CACHED_HEADER) return headerMap(decodeCbor(bytes, 16, 'as-numbers'), 'protected');
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const hit = headerCache.get(key);
  if (hit) return hit;
  const decoded = headerMap(decodeCbor(bytes.slice(), 16, 'as-numbers'), 'protected');
  if (headerCache.size >= HEADER_CACHE_LIMIT) headerCache.clear();
  headerCache.set(key, decoded);
  return decoded;
}

function resolve(label: number, protectedHeader: ReadonlyMap<number, unknown>, unprotectedHeader: ReadonlyMap<number, unknown>): { value: unknown; isProtected: boolean } {
  if (protectedHeader.has(label)) return { value: protectedHeader.get(label), isProtected: true };
  return { value: unprotectedHeader.get(label), isProtected: false };
}

/**
 * Decodes a COSE_Sign1 message: `[protected: bstr, unprotected: map, payload: bstr, signature: bstr]`,
 * optionally wrapped in tag 18, itself optionally wrapped in the CWT tag 61.
 * Throws VerifyError('bad_cose') for malformed CBOR, any other shape or tag, a detached (nil)
 * payload, a protected header that is not a serialized map, a `crit` this verifier cannot honour,
 * a kid that is not a byte string or an alg that is neither an integer nor a text string.
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item = decodeCbor(bytes, 16, 'as-numbers');
  if (item instanceof CborTag && item.tag === TAG_CWT) item = item.value;
  if (item instanceof CborTag && item.tag === TAG_COSE_SIGN1) item = item.value;
  if (item instanceof CborTag) return fail(`unexpected tag ${String(item.tag)}`);
  if (!Array.isArray(item) || item.length !== 4) return fail('not a 4-element array');
  const [protectedBytes, unprotected, payload, signature] = item as unknown[];
  if (!(protectedBytes instanceof Uint8Array)) return fail('protected header is not a byte string');
  if (!(payload instanceof Uint8Array)) return fail('payload is not a byte string (detached payloads are not supported)');
  if (!(signature instanceof Uint8Array)) return fail('signature is not a byte string');

  const protectedHeader = protectedHeaderOf(protectedBytes);
  const unprotectedHeader = headerMap(unprotected, 'unprotected');

  const crit = protectedHeader.get(HEADER.crit);
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) return fail('crit is not a non-empty array');
    const unknown = crit.find((label) => !UNDERSTOOD.has(label));
    if (unknown !== undefined) return fail(`critical header ${String(unknown)} is not understood`);
  }
  if (unprotectedHeader.has(HEADER.crit)) return fail('crit must be protected');

  const algEntry = resolve(HEADER.alg, protectedHeader, unprotectedHeader);
  let alg: number | undefined;
  if (typeof algEntry.value === 'number') {
    if (!Number.isSafeInteger(algEntry.value)) return fail('alg is not an integer');
    alg = algEntry.value;
  } else if (algEntry.value !== undefined && typeof algEntry.value !== 'string' && typeof algEntry.value !== 'bigint') {
    // A text-string or out-of-range alg is well-formed COSE that names no algorithm we know.
    return fail('alg is neither an integer nor a text string');
  }

  const kidEntry = resolve(HEADER.kid, protectedHeader, unprotectedHeader);
  if (kidEntry.value !== undefined && !(kidEntry.value instanceof Uint8Array)) return fail('kid is not a byte string');
  const kid = kidEntry.value;

  return {
    protectedBytes,
    protectedHeader,
    unprotectedHeader,
    payload,
    signature,
    ...(alg !== undefined ? { alg } : {}),
    ...(kid !== undefined ? { kid } : {}),
    kidProtected: kid !== undefined && kidEntry.isProtected,
  };
}

/** Major type 2 (byte string) head for `length`. */
function bstrHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >>> 8, length & 0xff);
  return Uint8Array.of(0x5a, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** 0x84 (array of 4), then "Signature1" as a text string. */
const SIG_STRUCTURE_START = Uint8Array.of(0x84, 0x6a, ...new TextEncoder().encode('Signature1'));
const EMPTY_BSTR = Uint8Array.of(0x40);

/**
 * The bytes a COSE_Sign1 signature covers: the CBOR encoding of
 * `["Signature1", protectedBytes, h'', payload]` (RFC 9052 §4.4), with the protected header bytes
 * exactly as received. Written out here rather than through the CBOR encoder because it is on the
 * hot path (one allocation, no option handling); the tests check it equals encodeCbor's output
 * byte for byte.
 */
export function coseToBeSigned(msg: Pick<CoseSign1, 'protectedBytes' | 'payload'>): Uint8Array {
  const [head, payload] = coseToBeSignedParts(msg);
  const out = pooledBytes(head.length + payload.length); // every byte is written below
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

/**
 * The same bytes in two parts: everything up to the payload, then the payload itself (not
 * copied), for a key that hashes its input as a stream (a signed list can be 80 MB).
 */
export function coseToBeSignedParts(msg: Pick<CoseSign1, 'protectedBytes' | 'payload'>): [head: Uint8Array, payload: Uint8Array] {
  const parts = [SIG_STRUCTURE_START, bstrHead(msg.protectedBytes.length), msg.protectedBytes, EMPTY_BSTR, bstrHead(msg.payload.length)];
  let length = 0;
  for (const p of parts) length += p.length;
  const head = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    head.set(p, offset);
    offset += p.length;
  }
  return [head, msg.payload];
}
