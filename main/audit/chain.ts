// The hash chain over audit records and its verification, record by record, for the kiosk's
// `audit verify` and for the bureau checking a received batch.
//
//   leaf_i  = SHA-256(0x00 ‖ record_i)                          (RFC 6962 leaf hash)
//   chain_0 = 32 zero bytes
//   chain_i = SHA-256("verikiosk-audit-chain-v1" ‖ 0x00 ‖ chain_{i-1} ‖ leaf_i)
//
// The chain runs over the leaf hash rather than the record bytes so that a record whose body
// was purged after its retention period still links: the kiosk keeps leaf_i and chain_i, drops
// record_i, and every link stays checkable. The prefix keeps chain values apart from any other
// SHA-256 use (leaves, nodes, tree heads); both inputs after it have fixed length.
import { HASH_SIZE, leafHash, sameHash, sha256 } from './merkle.js';
import { AuditError } from './errors.js';
import { decodeRecord, type AuditRecord } from './record.js';

export const CHAIN_CONTEXT = new TextEncoder().encode('verikiosk-audit-chain-v1\u0000');
export const GENESIS_CHAIN_HASH: Uint8Array = new Uint8Array(HASH_SIZE);

export function chainHash(previous: Uint8Array, leaf: Uint8Array): Uint8Array {
  return sha256(CHAIN_CONTEXT, previous, leaf);
}

/** One record as kept or sent: its hashes always, its body unless purged. */
export interface ChainEntry {
  readonly seq: number;
  readonly leafHash: Uint8Array;
  readonly chainHash: Uint8Array;
  readonly body: Uint8Array | null;
}

export type ChainProblem =
  /** A seq is absent: a record was deleted (or, at the end, the log was truncated). */
  | 'missing'
  /** A seq appears again or before its turn. */
  | 'out_of_order'
  /** The body does not hash to the leaf hash stored with it: the record was edited. */
  | 'edited'
  /** The body is not a canonical record. */
  | 'malformed'
  /** The body is a record of another seq or another device: records were moved. */
  | 'misplaced'
  /** The chain hash does not follow from the previous one: a record was replaced or removed. */
  | 'chain_broken';

export interface ChainFailure {
  readonly ok: false;
  readonly seq: number;
  readonly problem: ChainProblem;
  readonly message: string;
}

export interface ChainSuccess {
  readonly ok: true;
  /** The last seq checked (the `after` seq when nothing was). */
  readonly lastSeq: number;
  readonly lastChainHash: Uint8Array;
  /** Records checked, and how many of them had their body purged (hashes only). */
  readonly records: number;
  readonly purged: number;
}

export type ChainResult = ChainSuccess | ChainFailure;

export interface ChainStart {
  /** The last seq already verified (0: start of the log). */
  readonly seq: number;
  readonly chainHash: Uint8Array;
}

/**
 * Checks records one at a time, in order. The first failure sticks: later pushes return it
 * again without checking, so a caller streaming a large log can stop at the first one.
 */
export class ChainVerifier {
  #seq: number;
  #chain: Uint8Array;
  #records = 0;
  #purged = 0;
  #failure: ChainFailure | undefined;
  #lastRecord: AuditRecord | undefined;

  constructor(
    start: ChainStart = { seq: 0, chainHash: GENESIS_CHAIN_HASH },
    private readonly deviceId?: string,
  ) {
    this.#seq = start.seq;
    this.#chain = start.chainHash;
  }

  /** The decoded body of the last record pushed (undefined when it was purged). */
  get lastRecord(): AuditRecord | undefined {
    return this.#lastRecord;
  }

  push(entry: ChainEntry): ChainFailure | undefined {
    if (this.#failure) return this.#failure;
    const expected = this.#seq + 1;
    const fail = (seq: number, problem: ChainProblem, message: string): ChainFailure =>
      (this.#failure = { ok: false, seq, problem, message });
    if (entry.seq > expected) {
      return fail(expected, 'missing', `record ${expected} is missing (the next record present is ${entry.seq})`);
    }
    if (entry.seq < expected) {
      return fail(entry.seq, 'out_of_order', `record ${entry.seq} appears again after record ${this.#seq}`);
    }
    this.#lastRecord = undefined;
    if (entry.body !== null) {
      if (!sameHash(leafHash(entry.body), entry.leafHash)) {
        return fail(entry.seq, 'edited', `record ${entry.seq} was altered: its bytes no longer match its hash`);
      }
      let record: AuditRecord;
      try {
        record = decodeRecord(entry.body);
      } catch (err) {
        const detail = err instanceof AuditError ? err.message : String(err);
        return fail(entry.seq, 'malformed', `record ${entry.seq} cannot be read: ${detail}`);
      }
      if (record.seq !== entry.seq) {
        return fail(entry.seq, 'misplaced', `the record stored as ${entry.seq} is record ${record.seq}: the log was reordered`);
      }
      if (this.deviceId !== undefined && record.device !== this.deviceId) {
        return fail(entry.seq, 'misplaced', `record ${entry.seq} was written by another device`);
      }
      this.#lastRecord = record;
    } else {
      this.#purged++;
    }
    if (!sameHash(chainHash(this.#chain, entry.leafHash), entry.chainHash)) {
      return fail(entry.seq, 'chain_broken', `the hash chain breaks at record ${entry.seq}: a record before or at it was replaced`);
    }
    this.#seq = entry.seq;
    this.#chain = entry.chainHash;
    this.#records++;
    return undefined;
  }

  result(): ChainResult {
    return (
      this.#failure ?? { ok: true, lastSeq: this.#seq, lastChainHash: this.#chain, records: this.#records, purged: this.#purged }
    );
  }
}

/**
 * Verifies a run of records: seqs dense from `start.seq + 1`, each body hashing to its leaf and
 * holding its own seq (and `deviceId`'s, when given), each chain hash following from the last.
 * A purged body (null) is checked by its hashes alone.
 */
export function verifyChain(entries: Iterable<ChainEntry>, options: { start?: ChainStart; deviceId?: string } = {}): ChainResult {
  const verifier = new ChainVerifier(options.start, options.deviceId);
  for (const entry of entries) if (verifier.push(entry)) break;
  return verifier.result();
}
