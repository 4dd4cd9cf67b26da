// Why the store refused a call: one error type with stable codes, so callers (trust, audit,
// the CLI) tell the cases apart without parsing text.

export const STORE_ERROR_CODES = [
  /** The database was written by a newer verikiosk: its schema version is above the code's. */
  'schema_too_new',
  /** A list with a lower seq than the highest ever accepted for its kind. */
  'rollback',
  /** An audit record whose seq is not the next one (a second writer, or a caller bug). */
  'seq_conflict',
  /** An acknowledgement beyond the last record written. */
  'ack_beyond_log',
  /** A stored value of the wrong shape (a damaged or hand-edited database). */
  'corrupt',
] as const;

export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}
