// The reason code a verifier step refused with, for tests that check many inputs in a row.
import { expect } from 'vitest';
import { VerifyError, type Reason } from '../../main/verify/reasons.js';

/** The VerifyError code `fn` throws (any other error fails the test), or 'no error'. */
export function codeOf(fn: () => unknown): Reason | 'no error' {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VerifyError);
    return (err as VerifyError).code;
  }
  return 'no error';
}
