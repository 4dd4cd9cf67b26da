// The audit log's tables: records (hash-chained, bodies purgeable), sealed payloads, signed tree
// heads and the upload high-water mark. Hashing and signing are main/audit's; this file only
// keeps rows and the rules a row must obey whoever writes it.
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.js';

export interface AuditRow {
  readonly seq: number;
  /** Wall time the record was written, ms since the epoch (as the kiosk's clock said). */
  readonly wallMs: number;
  /** The event kind, kept beside the body so it survives a purge. */
  readonly kind: string;
  readonly leafHash: Uint8Array;
  readonly chainHash: Uint8Array;
  /** The canonical record bytes; null once purged. */
  readonly body: Uint8Array | null;
}

export interface SealedRow {
  readonly seq: number;
  /** The HPKE suite, e.g. "X25519-SHA256-AES128GCM". */
  readonly suite: string;
  readonly enc: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export interface TreeHeadRow {
  readonly size: number;
  readonly root: Uint8Array;
  readonly timestampMs: number;
  readonly signature: Uint8Array;
  /** The compact range at `size`: the right-edge subtree roots, concatenated, largest first. */
  readonly frontier: Uint8Array;
}

export interface AuditRepository {
  /**
   * Writes one record, with its sealed payload when given, in one transaction. On a durable
   * store (synchronous=FULL) the record is on disk when this returns. Throws
   * StoreError('seq_conflict') unless `row.seq` is exactly the next seq.
   */
  append(row: AuditRow, sealed?: Omit<SealedRow, 'seq'>): void;
  last(): { readonly seq: number; readonly chainHash: Uint8Array } | undefined;
  get(seq: number): AuditRow | undefined;
  /** Rows from `fromSeq` through `toSeq` in seq order, streamed (do not write while iterating). */
  rows(fromSeq?: number, toSeq?: number): IterableIterator<AuditRow>;
  /** Leaf hashes of records `fromSeq` through `toSeq`, in order. */
  leafHashes(fromSeq: number, toSeq: number): Uint8Array[];
  sealed(seq: number): SealedRow | undefined;
  /** Sealed payloads of records `fromSeq` through `toSeq`. */
  sealedRange(fromSeq: number, toSeq: number): SealedRow[];
  putTreeHead(head: TreeHeadRow): void;
  treeHeads(): TreeHeadRow[];
  latestTreeHead(): TreeHeadRow | undefined;
  /** The upload high-water mark: every record through it is held by the bureau (0: none). */
  acknowledgedSeq(): number;
  /**
   * Raises the high-water mark to `highWaterMark` (never lowers it) and deletes the sealed
   * payloads through it, in one transaction. Throws StoreError('ack_beyond_log') for a mark
   * past the last record.
   */
  acknowledge(highWaterMark: number): { readonly acknowledgedSeq: number; readonly sealedDeleted: number };
  /**
   * Drops the bodies of records that are acknowledged and older than `beforeWallMs`; leaf and
   * chain hashes stay. Returns how many bodies were dropped.
   */
  purgeBodies(beforeWallMs: number): number;
}

interface RawRow {
  seq: number;
  wall_ms: number;
  kind: string;
  leaf_hash: Uint8Array;
  chain_hash: Uint8Array;
  body: Uint8Array | null;
}

const STREAM = 'audit';

export function auditRepository(db: Database): AuditRepository {
  const columns = 'seq, wall_ms, kind, leaf_hash, chain_hash, body';
  const insertRecord = db.prepare<[number, number, string, Uint8Array, Uint8Array, Uint8Array | null]>(
    'INSERT INTO audit_record (seq, wall_ms, kind, leaf_hash, chain_hash, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertSealed = db.prepare<[number, string, Uint8Array, Uint8Array]>(
    'INSERT INTO audit_sealed (seq, suite, enc, ciphertext) VALUES (?, ?, ?, ?)',
  );
  const selectLast = db.prepare<[], { seq: number; chain_hash: Uint8Array }>(
    'SELECT seq, chain_hash FROM audit_record ORDER BY seq DESC LIMIT 1',
  );
  const selectOne = db.prepare<[number], RawRow>(`SELECT ${columns} FROM audit_record WHERE seq = ?`);
  const selectRange = db.prepare<[number, number], RawRow>(
    `SELECT ${columns} FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY seq`,
  );
  const selectLeaves = db.prepare<[number, number], { leaf_hash: Uint8Array }>(
    'SELECT leaf_hash FROM audit_record WHERE seq BETWEEN ? AND ? ORDER BY seq',
  );
  const selectSealed = db.prepare<[number], { seq: number; suite: string; enc: Uint8Array; ciphertext: Uint8Array }>(
    'SELECT seq, suite, enc, ciphertext FROM audit_sealed WHERE seq = ?',
  );
  const selectSealedRange = db.prepare<[number, number], { seq: number; suite: string; enc: Uint8Array; ciphertext: Uint8Array }>(
    'SELECT seq, suite, enc, ciphertext FROM audit_sealed WHERE seq BETWEEN ? AND ? ORDER BY seq',
  );
  const insertHead = db.prepare<[number, Uint8Array, number, Uint8Array, Uint8Array]>(
    `INSERT INTO audit_tree_head (size, root, timestamp_ms, signature, frontier) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (size) DO NOTHING`,
  );
  type RawHead = { size: number; root: Uint8Array; timestamp_ms: number; signature: Uint8Array; frontier: Uint8Array };
  const selectHeads = db.prepare<[], RawHead>('SELECT size, root, timestamp_ms, signature, frontier FROM audit_tree_head ORDER BY size');
  const selectLatestHead = db.prepare<[], RawHead>(
    'SELECT size, root, timestamp_ms, signature, frontier FROM audit_tree_head ORDER BY size DESC LIMIT 1',
  );
  const selectAck = db.prepare<[string], { acked_seq: number }>('SELECT acked_seq FROM outbox_state WHERE stream = ?');
  const raiseAck = db.prepare<[string, number]>(
    `INSERT INTO outbox_state (stream, acked_seq) VALUES (?, ?)
     ON CONFLICT (stream) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq)`,
  );
  const deleteSealedThrough = db.prepare<[number]>('DELETE FROM audit_sealed WHERE seq <= ?');
  const purge = db.prepare<[number, number]>(
    'UPDATE audit_record SET body = NULL WHERE seq <= ? AND wall_ms < ? AND body IS NOT NULL',
  );

  const lastSeq = (): number => selectLast.get()?.seq ?? 0;
  const acknowledgedSeq = (): number => selectAck.get(STREAM)?.acked_seq ?? 0;

  const seqConflict = (offered: number, next: number) =>
    new StoreError('seq_conflict', `record ${offered} offered where ${next} is next (is a second writer open?)`);

  const appendWithSealed = db.transaction((row: AuditRow, sealed: Omit<SealedRow, 'seq'>) => {
    const expected = lastSeq() + 1;
    if (row.seq !== expected) throw seqConflict(row.seq, expected);
    insertRecord.run(row.seq, row.wallMs, row.kind, row.leafHash, row.chainHash, row.body);
    insertSealed.run(row.seq, sealed.suite, sealed.enc, sealed.ciphertext);
  });

  // The last seq this connection wrote or read. A record alone is one autocommitted INSERT (the
  // common append, kept as short as a bare INSERT): its seq is checked against this, and a second
  // writer that got there first makes the INSERT hit the primary key, refused the same way.
  let knownLast: number | undefined;
  const append = (row: AuditRow, sealed?: Omit<SealedRow, 'seq'>): void => {
    try {
      if (sealed) {
        appendWithSealed.immediate(row, sealed);
      } else {
        if (row.seq !== (knownLast ?? lastSeq()) + 1) {
          const next = lastSeq() + 1;
          if (row.seq !== next) throw seqConflict(row.seq, next);
        }
        try {
          insertRecord.run(row.seq, row.wallMs, row.kind, row.leafHash, row.chainHash, row.body);
        } catch (err) {
          if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw seqConflict(row.seq, lastSeq() + 1);
          throw err;
        }
      }
      knownLast = row.seq;
    } catch (err) {
      knownLast = undefined;
      throw err;
    }
  };

  const acknowledge = db.transaction((highWaterMark: number) => {
    const last = lastSeq();
    if (highWaterMark > last) {
      throw new StoreError('ack_beyond_log', `the bureau acknowledged ${highWaterMark} records but the log holds ${last}`);
    }
    raiseAck.run(STREAM, highWaterMark);
    const acked = acknowledgedSeq();
    const sealedDeleted = deleteSealedThrough.run(acked).changes;
    return { acknowledgedSeq: acked, sealedDeleted };
  });

  const purgeBodies = db.transaction((beforeWallMs: number) => purge.run(acknowledgedSeq(), beforeWallMs).changes);

  return {
    append,
    last() {
      const row = selectLast.get();
      return row && { seq: row.seq, chainHash: plain(row.chain_hash) };
    },
    get(seq) {
      const row = selectOne.get(seq);
      return row && toRow(row);
    },
    *rows(fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER) {
      for (const row of selectRange.iterate(fromSeq, toSeq)) yield toRow(row);
    },
    leafHashes: (fromSeq, toSeq) => selectLeaves.all(fromSeq, toSeq).map((r) => plain(r.leaf_hash)),
    sealed(seq) {
      const row = selectSealed.get(seq);
      return row && toSealed(row);
    },
    sealedRange: (fromSeq, toSeq) => selectSealedRange.all(fromSeq, toSeq).map(toSealed),
    putTreeHead(head) {
      insertHead.run(head.size, head.root, head.timestampMs, head.signature, head.frontier);
    },
    treeHeads: () => selectHeads.all().map(toHead),
    latestTreeHead() {
      const row = selectLatestHead.get();
      return row && toHead(row);
    },
    acknowledgedSeq,
    acknowledge(highWaterMark) {
      if (!Number.isSafeInteger(highWaterMark) || highWaterMark < 0) {
        throw new TypeError(`high-water mark must be a non-negative integer, got ${highWaterMark}`);
      }
      return acknowledge.immediate(highWaterMark);
    },
    purgeBodies: (beforeWallMs) => purgeBodies.immediate(beforeWallMs),
  };
}

/** better-sqlite3 hands out Buffers; callers get plain Uint8Array views (CBOR and equality treat Buffers differently). */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toRow(row: RawRow): AuditRow {
  return {
    seq: row.seq,
    wallMs: row.wall_ms,
    kind: row.kind,
    leafHash: plain(row.leaf_hash),
    chainHash: plain(row.chain_hash),
    body: row.body === null ? null : plain(row.body),
  };
}

function toSealed(row: { seq: number; suite: string; enc: Uint8Array; ciphertext: Uint8Array }): SealedRow {
  return { seq: row.seq, suite: row.suite, enc: plain(row.enc), ciphertext: plain(row.ciphertext) };
}

function toHead(row: { size: number; root: Uint8Array; timestamp_ms: number; signature: Uint8Array; frontier: Uint8Array }): TreeHeadRow {
  return {
    size: row.size,
    root: plain(row.root),
    timestampMs: row.timestamp_ms,
    signature: plain(row.signature),
    frontier: plain(row.frontier),
  };
}
