// The audit log's one CBOR dialect: RFC 8949 §4.2.1 core deterministic encoding, and a strict
// decoder (cborg). Records are hashed, so every implementation must produce these exact bytes.
//
// The encoder is our own, for this narrow domain only (safe integers, text, booleans, bytes,
// arrays, text-keyed maps). cborg encoded a 300-byte record in 7 µs and left about 15 KB of
// garbage behind (its writer builds output from 256-byte chunks and small number arrays, and
// its deterministic map sort re-encodes both keys in every comparison); that garbage came back
// as collector pauses in the durable append's p99. This one writes into a single scratch
// buffer. The tests hold it byte-equal to cbor2's CDE mode and to cborg's RFC 8949 mode.
import { decode, type DecodeOptions } from 'cborg';

/** What a record, a seal binding or a guest registration may hold. */
export type CanonicalValue =
  | number
  | string
  | boolean
  | Uint8Array
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

const STRICT: DecodeOptions = {
  // Non-shortest integers and lengths, duplicate keys, indefinite lengths and `undefined` are
  // all ways to write the same record twice; refuse them.
  strict: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
};

const plain = (b: Uint8Array): Uint8Array =>
  Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function refuse(what: string): never {
  throw new TypeError(`an audit value may not hold ${what}`);
}

/** Deeper than any record; a bound so a cyclic or absurd value fails cleanly instead of overflowing the stack. */
const MAX_DEPTH = 32;

const MAJOR_UINT = 0;
const MAJOR_NEGINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const FALSE = 0xf4;
const TRUE = 0xf5;

/**
 * Map keys sort bytewise over their encodings (§4.2.1). A text key's head grows with its UTF-8
 * length, so that order is: shorter UTF-8 first, then the UTF-8 bytes. Each key's UTF-8 and its
 * whole encoding are kept between calls (records reuse a few dozen names); the cache stops
 * growing at its limit.
 */
interface Key {
  readonly utf8: Uint8Array;
  readonly encoded: Uint8Array;
}
const KEY_CACHE_LIMIT = 1024;
const keyCache = new Map<string, Key>();

function keyOf(key: string): Key {
  let cached = keyCache.get(key);
  if (cached === undefined) {
    const w = new Writer(9 + key.length * 3);
    w.text(key);
    const encoded = w.buf.subarray(0, w.pos);
    cached = { utf8: encoded.subarray(encoded.length - Buffer.byteLength(key, 'utf8')), encoded };
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, cached);
  }
  return cached;
}

function keyOrder(a: string, b: string): number {
  const ka = keyOf(a).utf8;
  const kb = keyOf(b).utf8;
  if (ka.length !== kb.length) return ka.length - kb.length;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  return 0;
}

/** Below this many UTF-16 units a JavaScript loop writes ASCII faster than Buffer#write's native call. */
const SHORT_TEXT = 64;

class Writer {
  buf: Buffer;
  pos = 0;
  /** Whether a map entry whose value is undefined is left out (else refused). */
  omitUndefined = false;

  constructor(size = 4096) {
    this.buf = Buffer.allocUnsafe(size);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** The shortest head for `major` and argument `n` (0 ≤ n ≤ 2^53 − 1). */
  head(major: number, n: number): void {
    this.ensure(9);
    const m = major << 5;
    const b = this.buf;
    if (n < 24) {
      b[this.pos++] = m | n;
    } else if (n < 0x100) {
      b[this.pos++] = m | 24;
      b[this.pos++] = n;
    } else if (n < 0x10000) {
      b[this.pos++] = m | 25;
      b.writeUInt16BE(n, this.pos);
      this.pos += 2;
    } else if (n < 0x100000000) {
      b[this.pos++] = m | 26;
      b.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      b[this.pos++] = m | 27;
      b.writeUInt32BE(Math.floor(n / 0x100000000), this.pos);
      b.writeUInt32BE(n >>> 0, this.pos + 4);
      this.pos += 8;
    }
  }

  text(value: string): void {
    if (value.length < SHORT_TEXT && this.ascii(value)) return;
    const length = Buffer.byteLength(value, 'utf8');
    this.head(MAJOR_TEXT, length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
  }

  /** Writes `value` when it is all ASCII (one byte a unit) and says whether it did. */
  ascii(value: string): boolean {
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
    this.head(MAJOR_TEXT, value.length);
    this.ensure(value.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < value.length; i++) b[p++] = value.charCodeAt(i);
    this.pos = p;
    return true;
  }

  raw(encoded: Uint8Array): void {
    this.ensure(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  bytes(value: Uint8Array): void {
    this.head(MAJOR_BYTES, value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  value(value: unknown, depth: number): void {
    if (depth > MAX_DEPTH) refuse(`values nested deeper than ${MAX_DEPTH}`);
    switch (typeof value) {
      case 'number':
        if (!Number.isSafeInteger(value)) refuse(`the number ${value}`);
        if (value >= 0) this.head(MAJOR_UINT, value);
        else this.head(MAJOR_NEGINT, -1 - value);
        return;
      case 'string':
        this.text(value);
        return;
      case 'boolean':
        this.ensure(1);
        this.buf[this.pos++] = value ? TRUE : FALSE;
        return;
      case 'object':
        if (value === null) refuse('null');
        if (value instanceof Uint8Array) return this.bytes(value);
        if (Array.isArray(value)) {
          this.head(MAJOR_ARRAY, value.length);
          for (const item of value) this.value(item, depth + 1);
          return;
        }
        if (!isPlainObject(value)) refuse(`a ${value.constructor?.name ?? 'non-plain object'}`);
        return this.map(value as Record<string, unknown>, depth);
      default:
        refuse(typeof value);
    }
  }

  map(value: Record<string, unknown>, depth: number): void {
    let keys = Object.keys(value);
    if (this.omitUndefined) keys = keys.filter((key) => value[key] !== undefined);
    if (keys.length > 1) keys.sort(keyOrder);
    this.head(MAJOR_MAP, keys.length);
    for (const key of keys) {
      this.raw(keyOf(key).encoded);
      this.value(value[key], depth + 1);
    }
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const writer = new Writer();

/**
 * The deterministic encoding of `value`; TypeError for floats, unsafe integers, null, undefined or
 * other objects. With `omitUndefined`, a map entry whose value is undefined is left out instead
 * (an absent optional field), at any depth.
 */
export function encodeCanonical(value: CanonicalValue, options: { readonly omitUndefined?: boolean } = {}): Uint8Array {
  writer.pos = 0;
  writer.omitUndefined = options.omitUndefined === true;
  writer.value(value, 0);
  const out = new Uint8Array(writer.pos);
  out.set(writer.buf.subarray(0, writer.pos));
  // A rare large value (a long guest address list, say) must not pin its buffer for good.
  if (writer.buf.length > 64 * 1024) writer.buf = Buffer.allocUnsafe(4096);
  return out;
}

/** Decodes strictly; callers re-encode and compare to refuse any non-canonical map order. */
export function decodeCanonical(bytes: Uint8Array): unknown {
  return decode(plain(bytes), STRICT);
}
