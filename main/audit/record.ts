// Audit records: the events callers report (validated with zod where they enter), the record
// the log keeps for each, and its canonical CBOR bytes — the bytes every hash is taken over.
//
// Why CBOR: RFC 8949 §4.2.1 core deterministic encoding gives one byte string per value with a
// short, implementable rule set (preferred integer sizes, map keys sorted bytewise), carries
// pseudonyms as byte strings without base64, and is what the bureau already parses for TL1/SL1
// and COSE. Canonical JSON (RFC 8785) would need its number-formatting rules reimplemented
// exactly by every verifier. Records hold no floats, so no float-encoding rule is involved.
// Encoding and decoding go through canonical-cbor.ts (our encoder for this narrow domain, cborg's
// strict decoder; the tests hold the encoder byte-equal to cbor2's CDE mode and cborg's RFC 8949 mode).
import { z } from 'zod';
import { decodeCanonical, encodeCanonical, type CanonicalValue } from './canonical-cbor.js';
import { AuditError } from './errors.js';

/** Stable lower-case codes: verdict results and reasons, fault codes, outcomes, sources. */
const code = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'expected a lower-case code such as bad_signature');
const listSeq = z.int().min(0);
const hexId = z.string().regex(/^[0-9a-f]{2,128}$/, 'expected lower-case hex');
/** An operator's staff id (never a name) or a reader's port label. */
const label = z.string().regex(/^[A-Za-z0-9._:/-]{1,64}$/, 'expected a short label of letters, digits and ._:/-');
/** Free text for a technician. Callers must never put personal data here. */
const note = z.string().max(200);
const pseudonym = z.instanceof(Uint8Array).refine((b) => b.length === 32, 'expected a 32-byte pseudonym');

/** A document as the kiosk read it; only its keyed pseudonym is ever stored. */
export const DocumentRefSchema = z.strictObject({
  /** No ':' (it separates type and number in the pseudonym input). */
  type: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'expected a document type code'),
  number: z.string().min(1).max(64),
});
export type DocumentRef = z.infer<typeof DocumentRefSchema>;

const verification = {
  kind: z.literal('verification'),
  /** Verdict.result and Verdict.reasons: the codes of main/verify/reasons.ts. */
  result: code,
  reasons: z.array(code).max(32).readonly(),
  format: code.optional(),
  kid: hexId.optional(),
  /** The seqs of the trust and status lists in force when the verdict was given. */
  trustListSeq: listSeq.optional(),
  statusListSeq: listSeq.optional(),
  /** Where the credential came from: qr, camera, card. */
  source: code.optional(),
};
const cardRead = {
  kind: z.literal('card_read'),
  outcome: code,
  reader: label.optional(),
  error: code.optional(),
};
const operatorAction = {
  kind: z.literal('operator_action'),
  action: code,
  operator: label.optional(),
  note: note.optional(),
};
const deviceFault = {
  kind: z.literal('device_fault'),
  device: code,
  fault: code,
  note: note.optional(),
};
const listUpdate = {
  kind: z.literal('list_update'),
  list: z.enum(['TL1', 'SL1']),
  outcome: code,
  seq: listSeq.optional(),
  error: code.optional(),
};
const clockChange = {
  kind: z.literal('clock_change'),
  fromMs: z.int(),
  toMs: z.int(),
  source: code,
};

/** What callers hand the audit log: the document as read (it is pseudonymised on the way in). */
export const AuditEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...verification, document: DocumentRefSchema.optional() }),
  z.strictObject({ ...cardRead, document: DocumentRefSchema.optional() }),
  z.strictObject(operatorAction),
  z.strictObject(deviceFault),
  z.strictObject(listUpdate),
  z.strictObject(clockChange),
]);
export type AuditEvent = z.input<typeof AuditEventSchema>;
export type AuditEventKind = AuditEvent['kind'];

/** The event as recorded: `documentPseudonym` = HMAC-SHA-256(device key, "type:NUMBER"). */
export const RecordedEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...verification, documentPseudonym: pseudonym.optional() }),
  z.strictObject({ ...cardRead, documentPseudonym: pseudonym.optional() }),
  z.strictObject(operatorAction),
  z.strictObject(deviceFault),
  z.strictObject(listUpdate),
  z.strictObject(clockChange),
]);
export type RecordedEvent = z.output<typeof RecordedEventSchema>;

export const RECORD_VERSION = 1;

export const AuditRecordSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  /** Dense from 1. */
  seq: z.int().min(1),
  device: z.string().min(1).max(64),
  /** The wall clock when written, ms since the epoch — whatever it said, trusted or not. */
  wallMs: z.int(),
  /** process.hrtime (CLOCK_MONOTONIC), µs: orders records within one boot even when the wall clock jumps. */
  monoUs: z.int().min(0),
  /** The boot the monotonic time belongs to. */
  boot: z.string().min(1).max(64),
  clockTrusted: z.boolean(),
  event: RecordedEventSchema,
  /** Present when a sealed guest registration accompanies this record. */
  sealed: z.literal(true).optional(),
});
export type AuditRecord = z.output<typeof AuditRecordSchema>;

/** Validates an event where it enters; AuditError('invalid_event') names the bad field. */
export function parseEvent(event: unknown): z.output<typeof AuditEventSchema> {
  const parsed = AuditEventSchema.safeParse(event);
  if (!parsed.success) throw new AuditError('invalid_event', z.prettifyError(parsed.error).replaceAll('\n', ' '));
  return parsed.data;
}

/** The canonical bytes of a record (RFC 8949 §4.2.1). Absent optional fields are left out, never encoded as undefined. */
export function encodeRecord(record: AuditRecord): Uint8Array {
  return encodeCanonical(record as CanonicalValue, { omitUndefined: true });
}

/**
 * Reads record bytes back, refusing anything but the canonical encoding of a valid record: the
 * bytes are re-encoded and must come out identical, so two verifiers never disagree on a hash.
 */
export function decodeRecord(bytes: Uint8Array): AuditRecord {
  let value: unknown;
  try {
    value = decodeCanonical(bytes);
  } catch (err) {
    throw new AuditError('malformed_record', `not canonical CBOR: ${(err as Error).message}`, { cause: err });
  }
  const parsed = AuditRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new AuditError('malformed_record', z.prettifyError(parsed.error).replaceAll('\n', ' '));
  }
  const again = encodeRecord(parsed.data);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) {
    throw new AuditError('malformed_record', 'the bytes are not the canonical encoding of the record they hold');
  }
  return parsed.data;
}
