// Why a list, an anchor file or a key file is refused: one error type with stable codes, so the
// sync client, the CLI and the operator screen can tell the cases apart without parsing text.

export const TRUST_ERROR_CODES = [
  /** The list is not a well-formed COSE_Sign1, or its payload breaks lists.md. */
  'malformed_list',
  /** A TL1 was offered where an SL1 was expected, or the other way round. */
  'wrong_list_kind',
  /** No installed anchor has the kid the list names. */
  'unknown_anchor',
  /** The anchor named by the kid did not verify the signature. */
  'bad_list_signature',
  /** The list's seq is lower than the highest ever accepted. */
  'rolled_back',
  /** Same seq as the list in force, but a different content: the bureau published two lists under one number. */
  'seq_conflict',
  /** A status delta whose base is not the seq of the list in force: fetch the full list. */
  'delta_base_mismatch',
  /** A status delta with another salt than the list in force: a new salt comes only in a full list. */
  'salt_changed',
  /** A PEM file (anchors or installed keys) that cannot be used. */
  'bad_pem',
] as const;

export type TrustErrorCode = (typeof TRUST_ERROR_CODES)[number];

/** A list or key file refused, whole. The message is plain text for the operator; it never holds personal data. */
export class TrustError extends Error {
  override readonly name = 'TrustError';
  constructor(
    readonly code: TrustErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
