// What crosses the wire of the bureau API (API.md): request schemas checked with zod where a
// request enters, and BureauError — the stable error codes a kiosk tells apart.
import { z } from 'zod';

export const BUREAU_ERROR_CODES = {
  malformed_request: 400,
  malformed_batch: 400,
  bad_nonce: 400,
  unauthorized: 401,
  unknown_code: 403,
  not_found: 404,
  not_published: 404,
  unknown_device: 404,
  method_not_allowed: 405,
  code_used: 409,
  device_exists: 409,
  gap: 409,
  too_large: 413,
  malformed_record: 422,
  bad_signature: 422,
  conflict: 422,
  chain_broken: 422,
  tree_mismatch: 422,
  unsealable: 422,
  internal: 500,
  unavailable: 503,
} as const;

export type BureauErrorCode = keyof typeof BUREAU_ERROR_CODES;

/** A refusal: its code and HTTP status are the contract; the message is plain text without personal data. */
export class BureauError extends Error {
  override readonly name = 'BureauError';
  readonly status: number;
  constructor(
    readonly code: BureauErrorCode,
    message: string,
    /** Extra fields of the JSON answer (`highWater` for a gap). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.status = BUREAU_ERROR_CODES[code];
  }
}

/** The issues of a failed parse, as paths and codes only: the rejected values never reach a message. */
export function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

export const b64 = (s: string): Uint8Array => {
  const buf = Buffer.from(s, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};

export const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Standard base64 with padding that decodes to exactly `length` bytes. */
const bytesOf = (length: number) =>
  z.base64().refine((s) => s.length === 4 * Math.ceil(length / 3) && b64(s).length === length, `expected ${length} bytes in base64`);

const seq = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

export const EnrolmentRequestSchema = z.object({
  enrolmentCode: z.string().min(1).max(128),
  deviceId: z.uuid(),
  /** DER SubjectPublicKeyInfo of an Ed25519 key (44 bytes). */
  publicKey: z.base64().min(4).max(200),
});

export const SealedSchema = z.object({
  suite: z.string().min(1).max(128),
  enc: z.base64().min(4).max(200),
  ciphertext: z.base64().min(4),
});

export const TreeHeadSchema = z.object({
  size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  timestampMs: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  root: bytesOf(32),
  signature: bytesOf(64),
});

/** Most records one batch may carry (413 beyond): bounds the memory and time one request takes. */
export const MAX_BATCH_RECORDS = 5000;
/** Largest request body read, in bytes (413 beyond). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const AuditBatchSchema = z.object({
  firstSeq: seq,
  lastSeq: seq,
  records: z
    .array(
      z.object({
        seq,
        body: z.base64().min(4),
        sealed: SealedSchema.optional(),
      }),
    )
    .min(1),
  treeHead: TreeHeadSchema,
  /** RFC 9162 consistency proof from `lastSeq` to `treeHead.size`; only when the head covers more than the batch. */
  consistency: z.array(bytesOf(32)).max(128).optional(),
});
export type AuditBatch = z.output<typeof AuditBatchSchema>;

export const StatusDocumentSchema = z.object({
  dt: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/),
  dn: z.string().min(1).max(64),
});

const rate = z.number().min(0).max(1);

export const FaultsSchema = z.strictObject({
  dropRate: rate.optional(),
  delayMs: z.int().min(0).max(600_000).optional(),
  errorRate: rate.optional(),
  answerTwiceRate: rate.optional(),
  lostAnswerRate: rate.optional(),
  seed: z.int().optional(),
});
export type FaultSettings = z.output<typeof FaultsSchema>;

export const EnrolmentCodesSchema = z.strictObject({ codes: z.array(z.string().min(1).max(128)).min(1).max(10_000) });

export const StatusListChangeSchema = z.strictObject({
  revoke: z.array(StatusDocumentSchema).max(100_000).optional(),
  reinstate: z.array(StatusDocumentSchema).max(100_000).optional(),
  /** Replace the whole set (with `newSalt`, the only way to change the salt). */
  documents: z.array(StatusDocumentSchema).max(1_000_000).optional(),
  newSalt: z.boolean().optional(),
  nuSeconds: z.int().min(1).optional(),
});

export const TrustListChangeSchema = z.strictObject({
  keys: z
    .array(
      z.strictObject({
        iss: z.string().min(1).max(128),
        spki: z.base64().min(4).optional(),
        x5c: z.base64().min(4).optional(),
        dt: z.array(z.string().min(1).max(32)).optional(),
        nbf: z.int().optional(),
        exp: z.int().optional(),
        st: z.enum(['active', 'revoked']).optional(),
      }),
    )
    .optional(),
  nuSeconds: z.int().min(1).optional(),
});
