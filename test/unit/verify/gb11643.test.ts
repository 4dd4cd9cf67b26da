import { describe, expect, it } from 'vitest';
import { birthDateOf, checkCharacter, hasValidCheckCharacter, normalizeDocumentNumber } from '../../../main/verify/gb11643.js';

describe('GB 11643 check character', () => {
  it('computes the spec example (S = 167 → X)', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(hasValidCheckCharacter('11010519491231002X')).toBe(true);
  });

  it('reads a lower-case x as X', () => {
    expect(hasValidCheckCharacter('11010519491231002x')).toBe(true);
    expect(normalizeDocumentNumber('11010519491231002x')).toBe('11010519491231002X');
  });

  it('rejects a wrong check character, wrong lengths and non-digits', () => {
    expect(hasValidCheckCharacter('110105194912310021')).toBe(false);
    expect(hasValidCheckCharacter('11010519491231002')).toBe(false);
    expect(hasValidCheckCharacter('1101051949123100X2')).toBe(false);
    expect(checkCharacter('1101051949123100A')).toBeUndefined();
  });

  it('agrees with every possible check value', () => {
    // Vary the last body digit: S changes by 2 (its weight) each step, so all 11 residues appear.
    const seen = new Set<string>();
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) {
        const body = `1101051949123100${a}`.slice(0, 15) + `${a}${b}`;
        const check = checkCharacter(body)!;
        seen.add(check);
        expect(hasValidCheckCharacter(body + check)).toBe(true);
      }
    }
    expect(seen.size).toBe(11);
  });

  it('extracts the birth date', () => {
    expect(birthDateOf('11010519491231002X')).toBe('1949-12-31');
    expect(birthDateOf('123')).toBeUndefined();
  });
});
