// Why the audit log refused a call: stable codes the kiosk, the CLI and the bureau share.

export const AUDIT_ERROR_CODES = [
  /** An event or a guest registration that breaks its schema; the message names the field. */
  'invalid_event',
  /** Stored or received record bytes that are not a canonical record. */
  'malformed_record',
  /** Personal data offered but no bureau key is configured to seal it to. */
  'no_bureau_key',
  /** A sealed payload that does not open with this key for this record. */
  'unsealable',
  /** The stored log contradicts itself (run `verikiosk audit verify`). */
  'corrupt_log',
  /** A proof asked for sizes or seqs the log does not have. */
  'out_of_range',
] as const;

export type AuditErrorCode = (typeof AUDIT_ERROR_CODES)[number];

/** The message is plain text for the operator and never holds personal data. */
export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}
