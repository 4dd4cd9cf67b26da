// Base45 (RFC 9285), the text layer of EID1:/HC1: codes: strict decoding of what a scanner
// read, and encoding for the issuer toolkit.
import { pooledBytes } from './bytes.js';
import { VerifyError } from './reasons.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
/**
 * UTF-16 code unit → value, -1 for anything outside the alphabet (lower case included: RFC 9285
 * has none). All 65,536 units are covered, so the decoding loop indexes it without a range check.
 */
const VALUE = new Int8Array(65536).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

function badCharacter(text: string, from: number): never {
  let i = from;
  while (VALUE[text.charCodeAt(i)]! >= 0) i++;
  throw new VerifyError('bad_base45', `character ${JSON.stringify(text[i])} at ${i} is not Base45`);
}

/**
 * Decodes Base45 text exactly as RFC 9285 §4.2 defines it. Throws VerifyError('bad_base45') for
 * a character outside the alphabet, a dangling single character, or a group whose value does
 * not fit its bytes (a triple over 65535, a pair over 255) — never guesses.
 */
export function decodeBase45(text: string): Uint8Array {
  const n = text.length;
  if (n % 3 === 1) throw new VerifyError('bad_base45', 'a single character cannot end Base45 text');
  // Every byte is written below before `out` is returned (a bad character throws first).
  const out = pooledBytes(Math.floor(n / 3) * 2 + (n % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const c = VALUE[text.charCodeAt(i)]!;
    const d = VALUE[text.charCodeAt(i + 1)]!;
    const e = VALUE[text.charCodeAt(i + 2)]!;
    if ((c | d | e) < 0) badCharacter(text, i);
    const v = c + d * 45 + e * 2025;
    if (v > 0xffff) throw new VerifyError('bad_base45', `group at ${i} exceeds 65535`);
    out[o++] = v >> 8;
    out[o++] = v & 0xff;
  }
  if (i < n) {
    const c = VALUE[text.charCodeAt(i)]!;
    const d = VALUE[text.charCodeAt(i + 1)]!;
    if ((c | d) < 0) badCharacter(text, i);
    const v = c + d * 45;
    if (v > 0xff) throw new VerifyError('bad_base45', `final pair at ${i} exceeds 255`);
    out[o++] = v;
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
