// Schema version 2: the digital-ID tokens (cti) this kiosk accepted, kept until they expire, so a
// code shown twice is refused as replayed even across a restart.
import type { Database } from 'better-sqlite3';

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE accepted_token (
      cti        TEXT PRIMARY KEY CHECK (length(cti) BETWEEN 2 AND 128),
      -- NumericDate seconds after which the token is refused as expired anyway.
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX accepted_token_expiry ON accepted_token (expires_at);
  `);
}
