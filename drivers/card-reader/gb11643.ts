// The GB 11643 check character of 18-character ID numbers (ISO 7064 MOD 11-2), for the card
// reader's own use: drivers may not import main/verify, which has its own copy.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

/** Upper-cases a trailing x: cards and people write it either way, the check character is X. */
export function normalizeIdNumber(id: string): string {
  return id.length === 18 && id.endsWith('x') ? `${id.slice(0, 17)}X` : id;
}

/** The check character for 17 digits, or undefined if the body is not 17 digits. */
export function checkCharacter(body17: string): string | undefined {
  if (!/^\d{17}$/.test(body17)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11];
}

/** True when `id` is 17 digits and the right check character (x read as X). */
export function hasValidCheckCharacter(id: string): boolean {
  const n = normalizeIdNumber(id);
  if (n.length !== 18) return false;
  const expected = checkCharacter(n.slice(0, 17));
  return expected !== undefined && expected === n[17];
}
