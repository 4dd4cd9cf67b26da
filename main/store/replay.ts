// Accepted digital-ID tokens: each `cti` with the moment after which it needs no remembering.
// The replay rule itself (what counts as accepted, for how long) is main/kiosk's.
import type { Database } from 'better-sqlite3';

export interface AcceptedToken {
  readonly ctiHex: string;
  /** NumericDate seconds. */
  readonly expiresAt: number;
}

export interface ReplayRepository {
  /** Records a token (durably, one statement); a token already held keeps the later expiry. */
  remember(ctiHex: string, expiresAt: number): void;
  /** The tokens still unexpired at `now` (NumericDate seconds). */
  active(now: number): AcceptedToken[];
  /** Forgets the tokens expired before `now`; returns how many. */
  purge(now: number): number;
}

export function replayRepository(db: Database): ReplayRepository {
  const upsert = db.prepare<[string, number]>(
    `INSERT INTO accepted_token (cti, expires_at) VALUES (?, ?)
     ON CONFLICT (cti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`,
  );
  const select = db.prepare<[number], { cti: string; expires_at: number }>('SELECT cti, expires_at FROM accepted_token WHERE expires_at >= ? ORDER BY expires_at');
  const remove = db.prepare<[number]>('DELETE FROM accepted_token WHERE expires_at < ?');
  return {
    remember(ctiHex, expiresAt) {
      if (!/^[0-9a-f]{2,128}$/.test(ctiHex)) throw new TypeError('a cti is lower-case hex, 1 to 64 bytes');
      if (!Number.isSafeInteger(expiresAt)) throw new TypeError(`expiresAt must be an integer NumericDate, got ${expiresAt}`);
      upsert.run(ctiHex, expiresAt);
    },
    active: (now) => select.all(now).map((row) => ({ ctiHex: row.cti, expiresAt: row.expires_at })),
    purge: (now) => remove.run(now).changes,
  };
}
