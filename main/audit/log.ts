// The audit log the kiosk writes: one durable, hash-chained record per event, a Merkle tree
// brought up to date when a root is asked for, signed tree heads, sealed personal data, and the
// outbox state the sync client drains.
import type { Store } from '../store/index.js';
import { chainHash, GENESIS_CHAIN_HASH } from './chain.js';
import type { AuditClock } from './clock.js';
import { documentPseudonym, HmacSha256, loadDeviceId, loadDeviceKey, loadPseudonymKey, type DeviceKey } from './device-key.js';
import { AuditError } from './errors.js';
import { consistencyProof, inclusionProof, leafHash, MerkleFrontier, sameHash } from './merkle.js';
import { encodeRecord, parseEvent, type AuditEvent, type AuditRecord, type RecordedEvent } from './record.js';
import { parseGuestRegistration, sealRegistration, type SealedPayload } from './seal.js';
import { treeHeadBytes, type SignedTreeHead } from './tree-head.js';

export interface AuditLogOptions {
  readonly clock: AuditClock;
  /**
   * The bureau's X25519 public key (raw 32 bytes), or a function asked at each sealed append (a
   * kiosk that enrols while running gets its key without a restart); without one, personal data
   * is refused, never kept in clear.
   */
  readonly bureauPublicKey?: Uint8Array | (() => Uint8Array | undefined);
}

export interface AppendedRecord {
  readonly seq: number;
  readonly record: AuditRecord;
  readonly bytes: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly chainHash: Uint8Array;
}

/** A record waiting for the bureau, as the sync client uploads it. */
export interface OutboxRecord {
  readonly seq: number;
  readonly body: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly chainHash: Uint8Array;
  readonly sealed?: SealedPayload;
}

/** A record as stored: its body is null once purged, `sealed` absent once acknowledged (or never sealed). */
export type StoredRecord = Omit<OutboxRecord, 'body'> & { readonly body: Uint8Array | null };

/**
 * Durability: one commit per append on a synchronous=FULL store (an autocommitted INSERT, or
 * one transaction with the sealed payload); the promise from `append` resolves only after the
 * commit returned, i.e. after the WAL was fsynced (an append with nothing to seal and nothing
 * queued commits before `append` even returns). There is no group commit: a kiosk writes a few
 * records a minute, and the benchmark holds an append's p99 within 1.5 × a bare INSERT's.
 * Appends are serialised in call order (sealing is asynchronous, and seqs must stay dense); one
 * AuditLog per database — a second writer is refused by the store's seq check.
 */
export class AuditLog {
  readonly deviceId: string;
  readonly #store: Store;
  readonly #clock: AuditClock;
  readonly #key: DeviceKey;
  /** The pseudonym key, prepared once (see HmacSha256). */
  readonly #pseudonymKey: HmacSha256;
  readonly #bureauPublicKey: () => Uint8Array | undefined;
  #seq: number;
  #chain: Uint8Array;
  readonly #frontier: MerkleFrontier;
  /**
   * Leaf hashes committed but not yet folded into the frontier. Folding costs a node hash per
   * append on average; it waits until a root is asked for (a tree head, once per upload) or
   * FOLD_EVERY leaves have gathered (a kiosk offline for days must not hold its backlog's leaves).
   */
  #unfolded: Uint8Array[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  /** Appends queued behind a seal. */
  #waiting = 0;

  private constructor(store: Store, options: AuditLogOptions) {
    this.#store = store;
    this.#clock = options.clock;
    const key = options.bureauPublicKey;
    this.#bureauPublicKey = typeof key === 'function' ? key : () => key;
    this.deviceId = loadDeviceId(store);
    this.#key = loadDeviceKey(store);
    this.#pseudonymKey = new HmacSha256(loadPseudonymKey(store));
    const last = store.audit.last();
    this.#seq = last?.seq ?? 0;
    this.#chain = last?.chainHash ?? GENESIS_CHAIN_HASH;
    this.#frontier = resumeFrontier(store, this.#seq);
  }

  /** Opens the log kept in `store`, creating the device identity on first start. */
  static open(store: Store, options: AuditLogOptions): AuditLog {
    const key = options.bureauPublicKey;
    if (key !== undefined && typeof key !== 'function' && key.length !== 32) {
      throw new TypeError('bureauPublicKey must be a raw 32-byte X25519 public key');
    }
    return new AuditLog(store, options);
  }

  /** The raw Ed25519 public key the bureau enrols for this device. */
  get devicePublicKey(): Uint8Array {
    return this.#key.publicKey;
  }

  /** Records written so far (the last seq). */
  get size(): number {
    return this.#seq;
  }

  /** The Merkle root over all records written so far. */
  root(): Uint8Array {
    return this.#folded().root();
  }

  /**
   * Records one event; resolves once the record (and its sealed registration, when given) is
   * committed to disk. The event and the registration are validated here: AuditError
   * ('invalid_event') names the bad field; personal data without a bureau key is refused.
   */
  append(event: AuditEvent, registration?: unknown): Promise<AppendedRecord> {
    const parsed = parseEvent(event);
    const personal = registration === undefined ? undefined : parseGuestRegistration(registration);
    const bureauKey = personal ? this.#bureauPublicKey() : undefined;
    if (personal && bureauKey?.length !== 32) {
      throw new AuditError('no_bureau_key', 'this site reports guest registrations but no bureau key is configured to seal them');
    }
    if (!personal && this.#waiting === 0) {
      // Nothing to seal and nobody ahead: commit now, so the record is on disk before append returns.
      try {
        const draft = this.#draft(parsed, false);
        return Promise.resolve(this.#commit(draft));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    // Sealing is asynchronous (WebCrypto): this append and every one after it wait their turn,
    // so seqs stay dense and in call order.
    this.#waiting++;
    const run = this.#queue
      .then(async () => {
        const draft = this.#draft(parsed, personal !== undefined);
        const sealed =
          personal && bureauKey
            ? await sealRegistration(bureauKey, { deviceId: this.deviceId, seq: draft.seq, leafHash: draft.leafHash }, personal)
            : undefined;
        return this.#commit(draft, sealed);
      })
      .finally(() => this.#waiting--);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The next record, its bytes and hashes, not yet written. */
  #draft(event: ReturnType<typeof parseEvent>, sealed: boolean): AppendedRecord {
    const seq = this.#seq + 1;
    const record: AuditRecord = {
      v: 1,
      seq,
      device: this.deviceId,
      wallMs: this.#clock.wallMs(),
      monoUs: this.#clock.monotonicUs(),
      boot: this.#clock.bootId,
      clockTrusted: this.#clock.trusted(),
      event: this.#recorded(event),
      ...(sealed ? { sealed: true as const } : {}),
    };
    const bytes = encodeRecord(record);
    const leaf = leafHash(bytes);
    return { seq, record, bytes, leafHash: leaf, chainHash: chainHash(this.#chain, leaf) };
  }

  /** One transaction; the in-memory head moves only after it committed. */
  #commit(draft: AppendedRecord, sealed?: SealedPayload): AppendedRecord {
    const { seq, record, bytes, leafHash: leaf, chainHash: chain } = draft;
    this.#store.audit.append({ seq, wallMs: record.wallMs, kind: record.event.kind, leafHash: leaf, chainHash: chain, body: bytes }, sealed);
    this.#seq = seq;
    this.#chain = chain;
    if (this.#unfolded.push(leaf) >= FOLD_EVERY) this.#folded();
    return draft;
  }

  /** The frontier over every record committed so far. */
  #folded(): MerkleFrontier {
    if (this.#unfolded.length > 0) {
      for (const leaf of this.#unfolded) this.#frontier.append(leaf);
      this.#unfolded = [];
    }
    return this.#frontier;
  }

  #recorded(event: ReturnType<typeof parseEvent>): RecordedEvent {
    if (event.kind !== 'verification' && event.kind !== 'card_read') return event;
    const { document, ...rest } = event;
    return document ? { ...rest, documentPseudonym: documentPseudonym(this.#pseudonymKey, document) } : rest;
  }

  /**
   * Signs the tree head over every record written so far and keeps it (with the compact range,
   * so the next start resumes from it). Signing again at the same size returns the kept head.
   */
  signTreeHead(): SignedTreeHead {
    const size = this.#seq;
    const latest = this.#store.audit.latestTreeHead();
    if (latest?.size === size) return toSigned(latest);
    const frontier = this.#folded();
    const head = { size, root: frontier.root(), timestampMs: Math.max(0, this.#clock.wallMs()) };
    const signature = this.#key.sign(treeHeadBytes(this.deviceId, head));
    this.#store.audit.putTreeHead({ ...head, signature, frontier: frontier.toBytes() });
    return { ...head, signature };
  }

  latestTreeHead(): SignedTreeHead | undefined {
    const latest = this.#store.audit.latestTreeHead();
    return latest && toSigned(latest);
  }

  /** The audit path of record `seq` in the tree of the first `size` records. */
  inclusionProof(seq: number, size = this.#seq): Uint8Array[] {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.#seq || !Number.isSafeInteger(seq) || seq < 1 || seq > size) {
      throw new AuditError('out_of_range', `no record ${seq} in a tree of ${size} (the log holds ${this.#seq})`);
    }
    return inclusionProof(this.#store.audit.leafHashes(1, size), seq - 1, size);
  }

  /** The proof that the tree of `toSize` records extends the tree of `fromSize` (what the bureau checks per upload). */
  consistencyProof(fromSize: number, toSize = this.#seq): Uint8Array[] {
    if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 0 || fromSize > toSize || toSize > this.#seq) {
      throw new AuditError('out_of_range', `no consistency proof from ${fromSize} to ${toSize} records (the log holds ${this.#seq})`);
    }
    return consistencyProof(this.#store.audit.leafHashes(1, toSize), fromSize, toSize);
  }

  /** The upload high-water mark: records through it are held by the bureau. */
  acknowledgedSeq(): number {
    return this.#store.audit.acknowledgedSeq();
  }

  /** Up to `limit` records after the high-water mark, in order, with their sealed payloads. */
  pending(limit: number): OutboxRecord[] {
    const from = this.acknowledgedSeq() + 1;
    const to = Math.min(this.#seq, from + Math.max(0, limit) - 1);
    if (to < from) return [];
    return this.records(from, to).map((record) => {
      const { body } = record;
      if (body === null) throw new AuditError('corrupt_log', `record ${record.seq} lost its body before the bureau acknowledged it`);
      return { ...record, body };
    });
  }

  /**
   * Records `from..to` as stored, in order, each with its sealed payload while one is kept. Bodies
   * purged and payloads deleted are left for the caller to judge: what is fatal depends on why it reads.
   */
  records(from: number, to: number): StoredRecord[] {
    const sealed = new Map(this.#store.audit.sealedRange(from, to).map((s) => [s.seq, s]));
    return [...this.#store.audit.rows(from, to)].map((row) => {
      const s = sealed.get(row.seq);
      return {
        seq: row.seq,
        body: row.body,
        leafHash: row.leafHash,
        chainHash: row.chainHash,
        ...(s ? { sealed: { suite: s.suite, enc: s.enc, ciphertext: s.ciphertext } } : {}),
      };
    });
  }

  /**
   * The bureau holds every record through `highWaterMark`: raise the mark (it never lowers) and
   * delete the sealed payloads through it, in one transaction.
   */
  purgeAcknowledged(highWaterMark: number): { acknowledgedSeq: number; sealedDeleted: number } {
    return this.#store.audit.acknowledge(highWaterMark);
  }

  /**
   * Drops the bodies of acknowledged records older than `retentionMs`; hashes stay, so the chain
   * and the tree still verify. Unacknowledged records are never touched. Skipped while the clock
   * is untrusted: a clock running ahead would otherwise purge records early.
   */
  purgeExpired(retentionMs: number): { purged: number; skipped?: 'clock_untrusted' } {
    if (!Number.isSafeInteger(retentionMs) || retentionMs < 0) throw new TypeError(`retentionMs must be a non-negative integer, got ${retentionMs}`);
    if (!this.#clock.trusted()) return { purged: 0, skipped: 'clock_untrusted' };
    return { purged: this.#store.audit.purgeBodies(this.#clock.wallMs() - retentionMs) };
  }

  /** Resolves when every append called so far has settled. */
  async settled(): Promise<void> {
    await this.#queue;
  }
}

/** At most this many committed leaves wait to be folded into the Merkle frontier. */
const FOLD_EVERY = 1024;

function toSigned(head: { size: number; root: Uint8Array; timestampMs: number; signature: Uint8Array }): SignedTreeHead {
  return { size: head.size, root: head.root, timestampMs: head.timestampMs, signature: head.signature };
}

/**
 * The compact range at `size`: from the latest tree head's stored range plus the leaves written
 * after it, or from all leaves when the head is missing or does not fit.
 */
function resumeFrontier(store: Store, size: number): MerkleFrontier {
  const head = store.audit.latestTreeHead();
  if (head && head.size > size) {
    throw new AuditError(
      'corrupt_log',
      `a tree head was signed for ${head.size} records but the log holds ${size}: the log was truncated (run \`verikiosk audit verify\`)`,
    );
  }
  let frontier: MerkleFrontier | undefined;
  if (head) {
    try {
      const stored = MerkleFrontier.fromBytes(head.size, head.frontier);
      if (sameHash(stored.root(), head.root)) frontier = stored;
    } catch {
      frontier = undefined;
    }
  }
  frontier ??= new MerkleFrontier();
  if (frontier.size < size) for (const leaf of store.audit.leafHashes(frontier.size + 1, size)) frontier.append(leaf);
  return frontier;
}
