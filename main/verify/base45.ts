// Base45 (RFC 9285), the text layer of EID1:/HC1: codes: strict decoding of what a scanner
// read, and encoding for the issuer toolkit.
import { VerifyError } from './reasons.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
/** Character code → value, -1 for characters outside the alphabet (lower case included: RFC 9285 has none). */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

function valueAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  const v = code < 128 ? (VALUE[code] ?? -1) : -1;
  if (v < 0) throw new VerifyError('bad_base45', `character ${JSON.stringify(text[i])} at ${i} is not Base45`);
  return v;
}

/**
 * Decodes Base45 text exactly as RFC 9285 §4.2 defines it. Throws VerifyError('bad_base45') for
 * a character outside the alphabet, a dangling single character, or a group whose value does
 * not fit its bytes (a triple over 65535, a pair over 255) — never guesses.
 */
export function decodeBase45(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new VerifyError('bad_base45', 'a single character cannot end Base45 text');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const c = valueAt(text, i);
    const d = valueAt(text, i + 1);
    if (i + 2 < text.length) {
      const n = c + d * 45 + valueAt(text, i + 2) * 2025;
      if (n > 0xffff) throw new VerifyError('bad_base45', `group at ${i} exceeds 65535`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = c + d * 45;
      if (n > 0xff) throw new VerifyError('bad_base45', `final pair at ${i} exceeds 255`);
      out[o++] = n;
    }
  }
  return out;
}

/** Encodes bytes as Base45 (RFC 9285 §4). */
export function encodeBase45(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = (bytes[i]! << 8) | bytes[i + 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45) % 45]!;
    n = Math.floor(n / 2025);
    out += ALPHABET[n]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}
