// The trust store: the TL1 and SL1 in force (an SL1 with the deltas applied on it) and the
// highest seq ever accepted per kind. Only atomicity and the high-water seq live here; the
// acceptance rules are main/trust's.
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.js';

export type ListKind = 'TL1' | 'SL1';

export interface StoredList {
  readonly kind: ListKind;
  /** The seq of the latest publication in force (the last delta's when there are deltas). */
  readonly seq: number;
  /** The signed bytes of the full list. */
  readonly bytes: Uint8Array;
  /** Signed status-list deltas applied on `bytes`, in order; always empty for TL1. */
  readonly deltas: readonly Uint8Array[];
}

export interface TrustRepository {
  current(kind: ListKind): StoredList | undefined;
  /** The highest seq ever stored for `kind`; survives `forget` and reinstalls. */
  highestSeq(kind: ListKind): number | undefined;
  /**
   * Puts a list in force, replacing the old one and its deltas in one transaction (a power cut
   * leaves either the old list or the new one). Throws StoreError('rollback') when `seq` is
   * below the highest seq ever stored for the kind; the same seq is allowed (re-storing a list).
   */
  replace(kind: ListKind, bytes: Uint8Array, seq: number, deltas?: readonly Uint8Array[]): void;
  /** Removes the list in force (the kiosk falls back to none) but keeps the high-water seq. */
  forget(kind: ListKind): void;
}

export function trustRepository(db: Database): TrustRepository {
  const selectList = db.prepare<[string], { seq: number; bytes: Uint8Array }>('SELECT seq, bytes FROM trust_list WHERE kind = ?');
  const selectDeltas = db.prepare<[string], { bytes: Uint8Array }>(
    'SELECT bytes FROM trust_delta WHERE kind = ? ORDER BY position',
  );
  const selectHigh = db.prepare<[string], { highest_seq: number }>('SELECT highest_seq FROM trust_high_water WHERE kind = ?');
  const deleteList = db.prepare<[string]>('DELETE FROM trust_list WHERE kind = ?');
  const insertList = db.prepare<[string, number, Uint8Array]>('INSERT INTO trust_list (kind, seq, bytes) VALUES (?, ?, ?)');
  const insertDelta = db.prepare<[string, number, Uint8Array]>('INSERT INTO trust_delta (kind, position, bytes) VALUES (?, ?, ?)');
  const raiseHigh = db.prepare<[string, number]>(
    `INSERT INTO trust_high_water (kind, highest_seq) VALUES (?, ?)
     ON CONFLICT (kind) DO UPDATE SET highest_seq = max(highest_seq, excluded.highest_seq)`,
  );

  const highestSeq = (kind: ListKind): number | undefined => selectHigh.get(kind)?.highest_seq;

  const replace = db.transaction((kind: ListKind, bytes: Uint8Array, seq: number, deltas: readonly Uint8Array[]) => {
    const highest = highestSeq(kind);
    if (highest !== undefined && seq < highest) {
      throw new StoreError('rollback', `${kind} ${seq} is older than ${highest}, the highest ever accepted`);
    }
    deleteList.run(kind);
    insertList.run(kind, seq, bytes);
    deltas.forEach((delta, position) => insertDelta.run(kind, position, delta));
    raiseHigh.run(kind, seq);
  });

  // The list and its deltas are read in one transaction so they always belong together.
  const current = db.transaction((kind: ListKind): StoredList | undefined => {
    const row = selectList.get(kind);
    if (!row) return undefined;
    const deltas = selectDeltas.all(kind).map((d) => new Uint8Array(d.bytes));
    return { kind, seq: row.seq, bytes: new Uint8Array(row.bytes), deltas };
  });

  return {
    current: (kind) => current.deferred(kind),
    highestSeq,
    replace(kind, bytes, seq, deltas = []) {
      if (!Number.isSafeInteger(seq) || seq < 0) throw new TypeError(`seq must be a non-negative integer, got ${seq}`);
      if (kind === 'TL1' && deltas.length > 0) throw new TypeError('a trust list has no deltas');
      replace.immediate(kind, bytes, seq, deltas);
    },
    forget(kind) {
      deleteList.run(kind);
    },
  };
}
