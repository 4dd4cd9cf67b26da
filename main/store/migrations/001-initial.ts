// Schema version 1: kiosk meta, the trust store, the audit log with its sealed payloads, tree
// heads and upload high-water mark. Triggers make the append-only rules hold for any caller.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE kiosk_meta (
      key   TEXT PRIMARY KEY,
      value ANY NOT NULL
    ) STRICT;

    -- The list in force per kind; for SL1 the deltas applied on it follow in trust_delta.
    CREATE TABLE trust_list (
      kind  TEXT PRIMARY KEY CHECK (kind IN ('TL1', 'SL1')),
      seq   INTEGER NOT NULL CHECK (seq >= 0),
      bytes BLOB NOT NULL
    ) STRICT;

    CREATE TABLE trust_delta (
      kind     TEXT NOT NULL REFERENCES trust_list(kind) ON DELETE CASCADE,
      position INTEGER NOT NULL CHECK (position >= 0),
      bytes    BLOB NOT NULL,
      PRIMARY KEY (kind, position)
    ) STRICT;

    -- Kept apart from trust_list so that forgetting or reinstalling a list never lowers it.
    CREATE TABLE trust_high_water (
      kind        TEXT PRIMARY KEY CHECK (kind IN ('TL1', 'SL1')),
      highest_seq INTEGER NOT NULL CHECK (highest_seq >= 0)
    ) STRICT;

    CREATE TRIGGER trust_high_water_never_lowers
    BEFORE UPDATE OF highest_seq ON trust_high_water
    WHEN NEW.highest_seq < OLD.highest_seq
    BEGIN
      SELECT RAISE(ABORT, 'rollback: the highest accepted seq never decreases');
    END;

    CREATE TRIGGER trust_high_water_never_deleted
    BEFORE DELETE ON trust_high_water
    BEGIN
      SELECT RAISE(ABORT, 'rollback: the highest accepted seq is never forgotten');
    END;

    -- One row per audit record. body is the canonical CBOR record, NULL once purged; the leaf
    -- and chain hashes stay so the chain and the Merkle tree still verify.
    CREATE TABLE audit_record (
      seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
      wall_ms    INTEGER NOT NULL,
      kind       TEXT NOT NULL,
      leaf_hash  BLOB NOT NULL CHECK (length(leaf_hash) = 32),
      chain_hash BLOB NOT NULL CHECK (length(chain_hash) = 32),
      body       BLOB
    ) STRICT;

    CREATE TRIGGER audit_record_append_only
    BEFORE DELETE ON audit_record
    BEGIN
      SELECT RAISE(ABORT, 'audit records are never deleted, only their bodies purged');
    END;

    CREATE TRIGGER audit_record_body_purge_only
    BEFORE UPDATE ON audit_record
    WHEN NEW.seq IS NOT OLD.seq OR NEW.wall_ms IS NOT OLD.wall_ms OR NEW.kind IS NOT OLD.kind
      OR NEW.leaf_hash IS NOT OLD.leaf_hash OR NEW.chain_hash IS NOT OLD.chain_hash
      OR NEW.body IS NOT NULL
    BEGIN
      SELECT RAISE(ABORT, 'audit records are never rewritten, only their bodies purged');
    END;

    -- Personal data a site must report, sealed to the bureau: the kiosk keeps ciphertext only.
    CREATE TABLE audit_sealed (
      seq        INTEGER PRIMARY KEY REFERENCES audit_record(seq),
      suite      TEXT NOT NULL,
      enc        BLOB NOT NULL,
      ciphertext BLOB NOT NULL
    ) STRICT;

    -- Signed tree heads; frontier is the compact range (right-edge subtree roots) at size, so
    -- the incremental root resumes from the latest head instead of re-hashing the whole log.
    CREATE TABLE audit_tree_head (
      size         INTEGER PRIMARY KEY CHECK (size >= 0),
      root         BLOB NOT NULL CHECK (length(root) = 32),
      timestamp_ms INTEGER NOT NULL,
      signature    BLOB NOT NULL,
      frontier     BLOB NOT NULL
    ) STRICT;

    -- The upload high-water mark: every record up to acked_seq is held by the bureau.
    CREATE TABLE outbox_state (
      stream    TEXT PRIMARY KEY,
      acked_seq INTEGER NOT NULL CHECK (acked_seq >= 0)
    ) STRICT;

    CREATE TRIGGER outbox_ack_never_lowers
    BEFORE UPDATE OF acked_seq ON outbox_state
    WHEN NEW.acked_seq < OLD.acked_seq
    BEGIN
      SELECT RAISE(ABORT, 'the acknowledged seq never decreases');
    END;
  `);
}
