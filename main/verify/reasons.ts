// The verdict vocabulary: results and reason codes of eid-qr.md §4. Stable API shared by
// the verifier, the audit log, the UI and the bureau — add codes, never rename them.

export const RESULTS = ['valid', 'invalid', 'unreadable', 'unsupported', 'cannot_validate'] as const;
export type Result = (typeof RESULTS)[number];

/** Every reason code and the result it implies, in the order the spec's table lists them. */
export const REASON_RESULT = {
  unknown_prefix: 'unsupported',
  bad_base45: 'unreadable',
  bad_compression: 'unreadable',
  too_large: 'unreadable',
  bad_cose: 'unreadable',
  unsupported_alg: 'invalid',
  unknown_kid: 'invalid',
  key_revoked: 'invalid',
  key_not_yet_valid: 'invalid',
  key_expired: 'invalid',
  key_usage: 'invalid',
  issuer_mismatch: 'invalid',
  doctype_not_allowed: 'invalid',
  bad_signature: 'invalid',
  bad_claims: 'invalid',
  not_yet_valid: 'invalid',
  expired: 'invalid',
  iat_in_future: 'invalid',
  lifetime_too_long: 'invalid',
  bad_document_number: 'invalid',
  document_expired: 'invalid',
  revoked: 'invalid',
  replayed: 'invalid',
  stale_trust_list: 'cannot_validate',
  stale_status_list: 'cannot_validate',
  clock_unsynced: 'cannot_validate',
} as const satisfies Record<string, Result>;

export type Reason = keyof typeof REASON_RESULT;
export const REASONS = Object.keys(REASON_RESULT) as Reason[];

/** When reasons of several results apply, the first of this order wins (eid-qr.md §4). */
const PRECEDENCE: readonly Result[] = ['unsupported', 'unreadable', 'invalid', 'cannot_validate', 'valid'];

export function resultOf(reasons: readonly Reason[]): Result {
  let best = PRECEDENCE.length - 1;
  for (const reason of reasons) {
    best = Math.min(best, PRECEDENCE.indexOf(REASON_RESULT[reason]));
  }
  return PRECEDENCE[best] ?? 'valid';
}

export function isReason(code: string): code is Reason {
  return Object.hasOwn(REASON_RESULT, code);
}

/** A decoding or checking step failed for a reason the verdict reports. */
export class VerifyError extends Error {
  override readonly name = 'VerifyError';
  constructor(
    readonly code: Reason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}
