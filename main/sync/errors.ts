// Why talking to the bureau, reading its time or syncing failed: error types with stable codes,
// so the sync loop, the operator screen and the CLI tell the cases apart without parsing text.

export const BUREAU_ERROR_CODES = [
  /** No answer at all: DNS, refused or reset connection, dropped mid-answer. */
  'bureau_unreachable',
  /** No complete answer within the request's time limit. */
  'bureau_timeout',
  /** The bureau answered 5xx (or another status the API does not define). */
  'bureau_error',
  /** The bureau answered 4xx with a JSON error code (`refusal`). */
  'bureau_refused',
  /** A 2xx answer that does not have the shape API.md gives it. */
  'bureau_bad_answer',
] as const;

export type BureauErrorCode = (typeof BUREAU_ERROR_CODES)[number];

/** A request to the bureau that failed. The message never holds a request or response body. */
export class BureauError extends Error {
  override readonly name = 'BureauError';
  constructor(
    readonly code: BureauErrorCode,
    message: string,
    readonly details: {
      readonly status?: number;
      /** The JSON `error` code of a 4xx answer (`gap`, `unknown_device`, `conflict`, …). */
      readonly refusal?: string;
      /** The bureau's high-water mark, when the answer carried one (`409 gap`). */
      readonly highWater?: number;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get refusal(): string | undefined {
    return this.details.refusal;
  }

  /** Network-level failures: the kiosk is offline (as opposed to a bureau that answers badly). */
  get offline(): boolean {
    return this.code === 'bureau_unreachable' || this.code === 'bureau_timeout';
  }
}

export const CLOCK_ERROR_CODES = [
  /** The signed time is not a COSE_Sign1 with a TIME payload of API.md. */
  'malformed_time',
  /** The signed time answers another request (a recorded answer replayed). */
  'nonce_mismatch',
  /** The signed time (or the NTP clock) is behind the latest trusted time ever seen. */
  'behind_floor',
  /** The answer took so long that the time it carries is too uncertain to use. */
  'slow_answer',
] as const;

export type ClockErrorCode = (typeof CLOCK_ERROR_CODES)[number];

/** A time source refused. Signature failures stay TrustErrors (`unknown_anchor`, `bad_list_signature`). */
export class ClockError extends Error {
  override readonly name = 'ClockError';
  constructor(
    readonly code: ClockErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const SYNC_ERROR_CODES = [
  /** The device has no enrolment (no bureau seal key stored, or the bureau does not know it). */
  'not_enrolled',
  /** The bureau says it holds records this kiosk never wrote: another device's log, or a lost database. */
  'bureau_ahead',
  /** The bureau lost records the kiosk already purged (sealed payloads or bodies): they cannot be sent again. */
  'resend_impossible',
  /** Enrolment answered with another seal key than the one already stored. */
  'seal_key_changed',
  /** The enrolment arguments cannot be used (URL, code). */
  'bad_enrolment',
] as const;

export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export { messageOf } from '../trust/errors.js';

/** The stable code of any error the sync meets, for status lines and audit events. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[a-z][a-z0-9_]{0,47}$/.test(code) ? code : 'internal_error';
}
