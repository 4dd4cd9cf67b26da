// The bureau's signed lists (lists.md): TL1 trust lists and SL1 status lists, full and delta,
// signed by an anchor key — with raw overrides for bad-data tests and a fast path for 10^7 entries.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { encodeCbor } from '../../main/verify/cbor.js';
import { normalizeDocumentNumber } from '../../main/verify/gb11643.js';
import { computeKid } from '../../main/verify/keys.js';
import { signCoseSign1 } from './cose.js';
import type { CoseSign1Options } from './cose.js';
import type { IssuerKey } from './keys.js';

/** Raw payload entries applied last: a value replaces the field (any type), `undefined` removes it. */
export type FieldOverrides = Readonly<Record<string, unknown>>;

export interface TrustListEntryInput {
  readonly iss: string;
  /** DER SubjectPublicKeyInfo — or `x5c`, a DER certificate. */
  readonly spki?: Uint8Array;
  readonly x5c?: Uint8Array;
  /** Default first 8 bytes of SHA-256(spki or x5c); set another for a mismatching-kid case. */
  readonly kid?: Uint8Array;
  readonly dt?: readonly string[];
  readonly nbf?: number;
  readonly exp?: number;
  /** Default 'active'. */
  readonly st?: string;
  readonly overrides?: FieldOverrides;
}

export interface TrustListInput {
  readonly seq: number;
  /** Default the current time. */
  readonly iat?: number;
  readonly nu: number;
  readonly keys: readonly TrustListEntryInput[];
  readonly overrides?: FieldOverrides;
}

export interface StatusDocument {
  readonly dt: string;
  readonly dn: string;
}

/** Documents to list, or their entries already computed (8-byte values concatenated). */
export type StatusEntriesInput = readonly StatusDocument[] | Uint8Array;

export interface StatusListInput {
  readonly seq: number;
  readonly iat?: number;
  readonly nu: number;
  /** 16 bytes, fixed for the list series. */
  readonly salt: Uint8Array;
  readonly documents?: readonly StatusDocument[];
  /** Entries already computed (8-byte values concatenated), listed besides `documents`. */
  readonly entries?: Uint8Array;
  /**
   * `entries` are already sorted ascending and free of duplicates, and there are no `documents`:
   * they are used as they are, without a copy (how a 10-million-entry list is built). Default
   * false: sorted here.
   */
  readonly presorted?: boolean;
  readonly overrides?: FieldOverrides;
}

export interface StatusDeltaInput {
  readonly seq: number;
  /** The `seq` this delta applies on top of. */
  readonly base: number;
  readonly iat?: number;
  readonly nu: number;
  readonly salt: Uint8Array;
  readonly add?: StatusEntriesInput;
  readonly del?: StatusEntriesInput;
  /** Raw `add` and `del` bytes are already sorted and duplicate-free: used as they are. */
  readonly presorted?: boolean;
  readonly overrides?: FieldOverrides;
}

export const ENTRY_BYTES = 8;

/** First 8 bytes of SHA-256(salt ‖ UTF-8(dt ":" dn)), `x` in dn upper-cased. */
export function statusEntry(salt: Uint8Array, dt: string, dn: string): Uint8Array {
  const digest = createHash('sha256').update(salt).update(`${dt}:${normalizeDocumentNumber(dn)}`, 'utf8').digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, ENTRY_BYTES).slice();
}

/** The entries of `documents` (with `alsoEntries`, when given), sorted ascending, duplicates removed. */
export function statusEntries(salt: Uint8Array, documents: readonly StatusDocument[], alsoEntries?: Uint8Array): Uint8Array {
  const extra = alsoEntries?.length ?? 0;
  const out = new Uint8Array(extra + documents.length * ENTRY_BYTES);
  if (alsoEntries) out.set(alsoEntries);
  documents.forEach((doc, i) => out.set(statusEntry(salt, doc.dt, doc.dn), extra + i * ENTRY_BYTES));
  return sortEntries(out);
}

/**
 * A sorted, duplicate-free copy of concatenated 8-byte entries. Byte-swapped to the host's
 * little-endian order, they sort as 64-bit integers in native code (10^7 entries in seconds).
 */
export function sortEntries(entries: Uint8Array): Uint8Array {
  if (entries.length % ENTRY_BYTES !== 0) throw new Error(`status entries: ${entries.length} bytes is not a multiple of 8`);
  if (endianness() !== 'LE') throw new Error('status entries: sorting assumes a little-endian host');
  const buffer = Buffer.alloc(entries.length); // unpooled, so 8-byte aligned for the BigUint64Array view
  buffer.set(entries);
  buffer.swap64();
  const values = new BigUint64Array(buffer.buffer, buffer.byteOffset, buffer.length / ENTRY_BYTES).sort();
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    if (kept === 0 || values[i] !== values[kept - 1]) values[kept++] = values[i]!;
  }
  const sorted = buffer.subarray(0, kept * ENTRY_BYTES);
  sorted.swap64();
  return new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.length);
}

export function trustListPayload(input: TrustListInput): Map<string, unknown> {
  const keys = input.keys.map((entry) => {
    const material = entry.spki ?? entry.x5c;
    const kid = entry.kid ?? (material ? computeKid(material) : undefined);
    if (!kid) throw new Error(`trust list entry for ${entry.iss}: needs spki, x5c or kid`);
    const map = new Map<string, unknown>([
      ['kid', kid],
      ['iss', entry.iss],
    ]);
    if (entry.spki) map.set('spki', entry.spki);
    if (entry.x5c) map.set('x5c', entry.x5c);
    if (entry.dt) map.set('dt', [...entry.dt]);
    if (entry.nbf !== undefined) map.set('nbf', entry.nbf);
    if (entry.exp !== undefined) map.set('exp', entry.exp);
    map.set('st', entry.st ?? 'active');
    return applyOverrides(map, entry.overrides);
  });
  const payload = new Map<string, unknown>([
    ['v', 1],
    ['seq', input.seq],
    ['iat', input.iat ?? nowSeconds()],
    ['nu', input.nu],
    ['keys', keys],
  ]);
  return applyOverrides(payload, input.overrides);
}

export function statusListPayload(input: StatusListInput): Map<string, unknown> {
  const payload = new Map<string, unknown>([
    ['v', 1],
    ['seq', input.seq],
    ['iat', input.iat ?? nowSeconds()],
    ['nu', input.nu],
    ['salt', input.salt],
    ['add', fullListEntries(input)],
  ]);
  return applyOverrides(payload, input.overrides);
}

export function statusDeltaPayload(input: StatusDeltaInput): Map<string, unknown> {
  const payload = new Map<string, unknown>([
    ['v', 1],
    ['seq', input.seq],
    ['base', input.base],
    ['iat', input.iat ?? nowSeconds()],
    ['nu', input.nu],
    ['salt', input.salt],
    ['add', entriesOf(input.salt, input.add ?? [], input.presorted)],
    ['del', entriesOf(input.salt, input.del ?? [], input.presorted)],
  ]);
  return applyOverrides(payload, input.overrides);
}

/** A TL1 list: COSE_Sign1 over the payload, signed by the anchor. */
export function signTrustList(anchor: IssuerKey, input: TrustListInput, options?: CoseSign1Options): Uint8Array {
  return signCoseSign1(anchor, encodeCbor(trustListPayload(input)), options);
}

/** A full SL1 list. */
export function signStatusList(anchor: IssuerKey, input: StatusListInput, options?: CoseSign1Options): Uint8Array {
  return signCoseSign1(anchor, encodeCbor(statusListPayload(input)), options);
}

/** An SL1 delta on top of `base`. */
export function signStatusDelta(anchor: IssuerKey, input: StatusDeltaInput, options?: CoseSign1Options): Uint8Array {
  return signCoseSign1(anchor, encodeCbor(statusDeltaPayload(input)), options);
}

function fullListEntries(input: StatusListInput): Uint8Array {
  const documents = input.documents ?? [];
  if (input.entries && documents.length === 0) return input.presorted ? input.entries : sortEntries(input.entries);
  return statusEntries(input.salt, documents, input.entries);
}

function entriesOf(salt: Uint8Array, input: StatusEntriesInput, presorted = false): Uint8Array {
  if (!(input instanceof Uint8Array)) return statusEntries(salt, input);
  return presorted ? input : sortEntries(input);
}

function applyOverrides(map: Map<string, unknown>, overrides: FieldOverrides | undefined): Map<string, unknown> {
  for (const [field, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) map.delete(field);
    else map.set(field, value);
  }
  return map;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
