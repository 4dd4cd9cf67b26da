// CBOR (RFC 8949) through cborg, set up for hostile input: maps as Map (integer labels survive),
// tags kept as uninterpreted CborTag values, duplicate keys refused, nesting bounded; and
// deterministic encoding. cborg decodes a small COSE message in about a microsecond, which the
// verifier's budget (≤ 1.3 × a bare signature check) needs.
import { Tagged, Token, Tokenizer, Type, decode, encode, rfc8949EncodeOptions, type DecodeOptions, type EncodeOptions } from 'cborg';
import { VerifyError } from './reasons.js';

/** A CBOR tag and its content, not interpreted: `new CborTag(18, [...])`, `.tag`, `.value`. */
export { Tagged as CborTag };

/**
 * A CBOR floating-point value. JavaScript has one number type, so a float holding 1750000300.0
 * would otherwise pass for the integer a claim must be: floats stay wrapped and fail every
 * integer check.
 */
export class CborFloat {
  constructor(readonly value: number) {}
}

/**
 * cborg's tokenizer, with float tokens turned into CborFloat values (when asked), and large byte
 * strings handed out as views into the input instead of copies: a 10-million-entry status list
 * is one 80 MB byte string, and a copy per decode layer would hold it two or three times over.
 *
 * One instance is reused for every decode (see `restart`): a fresh tokenizer and options object
 * per call cost about 1 µs of a scan's ~15 µs of decoding, and using one tokenizer class for
 * every decode keeps cborg's call sites monomorphic.
 */
class KioskTokenizer extends Tokenizer {
  keepFloats = false;
  /**
   * Containers (arrays, maps, tags) met so far. Nesting can be no deeper than this count, so a
   * value with at most `maxDepth` containers needs no walk to prove its depth (a scanned code
   * holds a handful; the walk cost a third of a microsecond per decode).
   */
  containers = 0;

  /**
   * Points the tokenizer at new input. cborg keeps its position in `_pos` and its input in
   * `data` (lib/decode.js); should a later cborg rename them, the check fails and the caller
   * makes a fresh tokenizer instead, so a rename costs speed, never correctness.
   */
  restart(data: Uint8Array, keepFloats: boolean): boolean {
    const fields = this as unknown as { _pos: number; data: Uint8Array };
    fields._pos = 0;
    fields.data = data;
    this.keepFloats = keepFloats;
    this.containers = 0;
    return this.pos() === 0 && this.done() === (data.length === 0);
  }

  override next(): Token {
    const large = this.largeBytes();
    if (large) return large;
    const token = super.next();
    const major = token.type.major;
    if (major === 4 || major === 5 || major === 6) this.containers++;
    if (this.keepFloats && token.type === Type.float) return new Token(Type.float, new CborFloat(token.value as number), token.encodedLength);
    return token;
  }

  /**
   * A definite-length byte string of at least VIEW_FROM bytes at the current position, as a view
   * into the input, read before cborg would copy it (an 80 MB status list was copied once per
   * decode layer, only for the copy to be dropped). Anything else, including a length that runs
   * past the input, is left to cborg, which reports it.
   */
  private largeBytes(): Token | undefined {
    const data = this.data;
    const at = this.pos();
    const initial = data[at];
    // Major type 2 with a 2-, 4- or 8-byte length (shorter ones cannot reach VIEW_FROM).
    if (initial !== 0x59 && initial !== 0x5a && initial !== 0x5b) return undefined;
    const head = initial === 0x59 ? 3 : initial === 0x5a ? 5 : 9;
    if (at + head > data.length) return undefined;
    const view = new DataView(data.buffer, data.byteOffset + at + 1, head - 1);
    const length = head === 3 ? view.getUint16(0) : head === 5 ? view.getUint32(0) : Number(view.getBigUint64(0));
    if (length < VIEW_FROM || at + head + length > data.length) return undefined;
    (this as unknown as { _pos: number })._pos = at + head + length;
    // cborg's position field, as restart() relies on it; had it moved, cborg reads the item itself.
    if (this.pos() !== at + head + length) return undefined;
    return new Token(Type.bytes, data.subarray(at + head, at + head + length), head + length);
  }
}

/** Byte strings at least this long come back as views into the input, never copied. */
const VIEW_FROM = 4096;

/**
 * Every tag number decodes to a CborTag: a date, bignum or typed-array decoder has no business
 * running on a scanned code, and refusing unknown tags outright would break forward compatibility.
 */
const keepEveryTag = new Proxy({} as Record<number, unknown>, {
  get: (_target, key) => (typeof key === 'string' && /^\d+$/.test(key) ? Tagged.decoder(Number(key)) : undefined),
});

// Every option is spelled out: the tokenizer below is handed these as they are, without
// cborg's defaults merged in.
const DECODE_OPTIONS: DecodeOptions = {
  strict: false,
  allowIndefinite: true,
  allowBigInt: true,
  useMaps: true,
  // Two values for one label make "which one counts" ambiguous; COSE forbids them (RFC 9052 §3).
  rejectDuplicateMapKeys: true,
  // `undefined` has no place in COSE, CWT or the lists. Indefinite-length arrays and maps stay
  // allowed: real DCC issuers emit them (the AT conformance set does).
  allowUndefined: false,
  tags: keepEveryTag as unknown as DecodeOptions['tags'],
};

/** Container levels (array, map, tag) of a decoded value are at most `limit`. */
function withinDepth(value: unknown, limit: number): boolean {
  if (Array.isArray(value)) {
    if (limit === 0) return false;
    for (const v of value) if (!withinDepth(v, limit - 1)) return false;
    return true;
  }
  if (value instanceof Map) {
    if (limit === 0) return false;
    for (const [k, v] of value) if (!withinDepth(k, limit - 1) || !withinDepth(v, limit - 1)) return false;
    return true;
  }
  if (value instanceof Tagged) return limit > 0 && withinDepth(value.value, limit - 1);
  return true;
}

/**
 * A plain Uint8Array view of the same memory. cborg hands back byte strings as sub-views of its
 * input and its output as a Buffer where Node has one; callers compare and re-encode these, so the
 * kiosk sees one type everywhere.
 */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes exactly one CBOR item filling all of `bytes`. Maps come back as `Map` (keys as decoded:
 * numbers, strings, Uint8Array…), byte strings as Uint8Array, tags as CborTag, floats as CborFloat
 * (or, with `floats: 'as-numbers'`, as plain numbers — for COSE headers, whose only numbers are
 * labels and an alg that must still match the key: keeping floats apart costs the hot path a
 * tokenizer pass that buys nothing there).
 * Throws VerifyError('bad_cose') for malformed or truncated CBOR, trailing bytes, duplicate map
 * keys, `undefined`, or more than `maxDepth` nested containers (arrays, maps and tags each count
 * one level). Input is bounded by the caller (64 KiB); nesting so deep that the decoder's
 * recursion runs out of stack is caught here as the same error.
 */
export function decodeCbor(bytes: Uint8Array, maxDepth = 16, floats: 'keep' | 'as-numbers' = 'keep'): unknown {
  let value: unknown;
  let containers = 0;
  const data = plainBytes(bytes);
  const keepFloats = floats === 'keep';
  // The shared tokenizer serves one decode at a time; a nested call (none today) gets its own.
  const reuse = !sharedBusy && shared.tokenizer.restart(data, keepFloats);
  let options = shared.options;
  let tokenizer = shared.tokenizer;
  if (!reuse) {
    tokenizer = new KioskTokenizer(data, DECODE_OPTIONS);
    tokenizer.keepFloats = keepFloats;
    options = { ...DECODE_OPTIONS, tokenizer };
  }
  sharedBusy ||= reuse;
  try {
    value = decode(data, options);
  } catch (err) {
    const detail = err instanceof RangeError ? `CBOR nested deeper than ${maxDepth}` : `malformed CBOR: ${err instanceof Error ? err.message : String(err)}`;
    throw new VerifyError('bad_cose', detail, { cause: err });
  } finally {
    // Read before the restart below zeroes it.
    containers = tokenizer.containers;
    if (reuse) {
      sharedBusy = false;
      // Let go of the input: a status list's bytes must not stay reachable through the tokenizer.
      shared.tokenizer.restart(EMPTY, false);
    }
  }
  if (containers > maxDepth && !withinDepth(value, maxDepth)) throw new VerifyError('bad_cose', `CBOR nested deeper than ${maxDepth}`);
  return value;
}

const EMPTY = new Uint8Array(0);
const sharedTokenizer = new KioskTokenizer(EMPTY, DECODE_OPTIONS);
const shared = { tokenizer: sharedTokenizer, options: { ...DECODE_OPTIONS, tokenizer: sharedTokenizer } as DecodeOptions };
let sharedBusy = false;

const ENCODE_OPTIONS: EncodeOptions = { ...rfc8949EncodeOptions };

/**
 * Encodes with RFC 8949 §4.2.1 core deterministic encoding (preferred sizes, map keys sorted
 * bytewise). Pass maps as `Map` to keep integer labels; Uint8Array and Buffer become byte
 * strings; `new CborTag(n, v)` becomes a tag.
 */
export function encodeCbor(value: unknown): Uint8Array {
  return plainBytes(encode(value, ENCODE_OPTIONS));
}
