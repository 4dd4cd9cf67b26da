// The audit log's one CBOR dialect: RFC 8949 §4.2.1 core deterministic encoding through cborg,
// and a strict decoder. Records are hashed, so every implementation must produce these exact bytes.
import { decode, encode, rfc8949EncodeOptions, type DecodeOptions, type EncodeOptions } from 'cborg';

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

const refuse = (what: string) => (): never => {
  throw new TypeError(`an audit value may not hold ${what}`);
};

/** The deterministic options, narrowed to the record domain: no floats, unsafe integers, null or undefined. */
const ENCODE: EncodeOptions = {
  ...rfc8949EncodeOptions,
  typeEncoders: {
    number: (n: number) => (Number.isSafeInteger(n) ? null : refuse(`the number ${n}`)()),
    null: refuse('null'),
    undefined: refuse('undefined'),
    Date: refuse('a Date'),
  },
};

export function encodeCanonical(value: CanonicalValue): Uint8Array {
  return plain(encode(value, ENCODE));
}

/** Decodes strictly; callers re-encode and compare to refuse any non-canonical map order. */
export function decodeCanonical(bytes: Uint8Array): unknown {
  return decode(plain(bytes), STRICT);
}
