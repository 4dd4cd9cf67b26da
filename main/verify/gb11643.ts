// GB 11643-1999 citizen identity numbers: the check character and the birth date inside.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

/** The check character for the first 17 digits, or undefined when they are not 17 digits. */
export function checkCharacter(body17: string): string | undefined {
  if (!/^\d{17}$/.test(body17)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11];
}

/** The number as the kiosk compares and hashes it: a lower-case `x` read as `X` (eid-qr.md §5). */
export function normalizeDocumentNumber(number: string): string {
  return number.replace(/x/g, 'X');
}

/** True for 18 characters whose last one is the right check character. */
export function hasValidCheckCharacter(number: string): boolean {
  const n = normalizeDocumentNumber(number);
  return n.length === 18 && checkCharacter(n.slice(0, 17)) === n[17];
}

/** Digits 7–14 of an 18-character number as `YYYY-MM-DD` (not checked for being a real date). */
export function birthDateOf(number: string): string | undefined {
  if (!/^\d{17}[\dXx]$/.test(number)) return undefined;
  return `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`;
}
