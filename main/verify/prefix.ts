// The transport prefix of a scanned code (eid-qr.md §1): which profile the text claims to be.
import { VerifyError } from './reasons.js';
import type { DocumentFormat } from './types.js';

/** Prefixes this kiosk handles, exactly as printed (QR alphanumeric mode is upper case). */
export const CODE_PREFIXES: ReadonlyArray<readonly [prefix: string, format: DocumentFormat]> = [
  ['EID1:', 'eid'],
  ['HC1:', 'dcc'],
];

/**
 * Splits scanned text into its profile and the Base45 body after the prefix. Throws
 * VerifyError('unknown_prefix') for any other prefix (`HC2:`, a bare Base45 body, lower case…).
 */
export function splitPrefix(text: string): { format: DocumentFormat; prefix: string; body: string } {
  for (const [prefix, format] of CODE_PREFIXES) {
    if (text.startsWith(prefix)) return { format, prefix, body: text.slice(prefix.length) };
  }
  throw new VerifyError('unknown_prefix', 'not an EID1: or HC1: code');
}
