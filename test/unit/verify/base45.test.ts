// Base45 (RFC 9285): the RFC's own examples, the strictness rules, and round trips.
import { describe, expect, it } from 'vitest';
import { decodeBase45, encodeBase45 } from '../../../main/verify/base45.js';
import { VerifyError } from '../../../main/verify/reasons.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function expectBad(input: string): void {
  let caught: unknown;
  try {
    decodeBase45(input);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(VerifyError);
  expect((caught as VerifyError).code).toBe('bad_base45');
}

describe('Base45, RFC 9285 examples', () => {
  // §4.3 and §4.4 of the RFC.
  const examples: [string, string][] = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ];
  it.each(examples)('encodes %j as %j', (plain, encoded) => {
    expect(encodeBase45(bytes(plain))).toBe(encoded);
  });
  it.each(examples)('decodes %j from %j', (plain, encoded) => {
    expect(text(decodeBase45(encoded))).toBe(plain);
  });
  it('rejects "GGW", the RFC example of a triple above 65535', () => {
    expectBad('GGW');
  });
});

describe('Base45 bounds and strictness', () => {
  it('decodes the empty string to no bytes', () => {
    expect(decodeBase45('')).toEqual(new Uint8Array(0));
    expect(encodeBase45(new Uint8Array(0))).toBe('');
  });

  it('accepts the largest triple (65535) and the largest pair (255)', () => {
    expect(decodeBase45('FGW')).toEqual(Uint8Array.of(0xff, 0xff));
    expect(decodeBase45('U5')).toEqual(Uint8Array.of(0xff));
    expect(encodeBase45(Uint8Array.of(0xff, 0xff))).toBe('FGW');
    expect(encodeBase45(Uint8Array.of(0xff))).toBe('U5');
  });

  it('rejects a pair above 255', () => {
    expectBad('V5');
    expectBad('::');
    expectBad('BB8V5');
  });

  it('rejects a dangling single character', () => {
    expectBad('A');
    expectBad('BB8A');
  });

  it.each(['bb8', 'BB#', 'BB\n', 'BÉ8', 'BB\u0000', '😀8'])('rejects characters outside the alphabet: %j', (input) => {
    expectBad(input);
  });

  it('round-trips every byte value in every position of a pair', () => {
    for (let b = 0; b < 256; b++) {
      const data = Uint8Array.of(b, 255 - b, b);
      expect(decodeBase45(encodeBase45(data))).toEqual(data);
    }
  });
});
