// Opening the kiosk database: pragmas for durability, then the numbered migrations, then the
// typed repositories. This is the only place a SQLite connection is made.
import Database from 'better-sqlite3';
import { auditRepository, type AuditRepository } from './audit.js';
import { StoreError } from './errors.js';
import { metaRepository, type MetaRepository } from './meta.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';
import { replayRepository, type ReplayRepository } from './replay.js';
import { trustRepository, type TrustRepository } from './trust.js';

export interface StoreOptions {
  /**
   * true (the default): synchronous=FULL, so every committed transaction is on disk before the
   * call returns and survives a power cut. false: synchronous=NORMAL (WAL stays consistent
   * after a crash but may lose the last commits) — only for data that can be fetched again.
   */
  readonly durable?: boolean;
  /** How long a call waits for another connection's lock before failing, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

export interface Store {
  readonly path: string;
  readonly schemaVersion: number;
  readonly durable: boolean;
  readonly meta: MetaRepository;
  readonly trust: TrustRepository;
  readonly audit: AuditRepository;
  /** Digital-ID tokens accepted on this kiosk (replay refusal across restarts). */
  readonly replay: ReplayRepository;
  /** Runs `fn` in one IMMEDIATE transaction: several repository calls commit together or not at all. */
  transaction<T>(fn: () => T): T;
  /** The connection's settings as SQLite reports them (for diagnostics and tests). */
  settings(): StoreSettings;
  close(): void;
}

export interface StoreSettings {
  readonly journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  readonly synchronous: number;
  readonly foreignKeys: boolean;
  readonly busyTimeoutMs: number;
  readonly userVersion: number;
}

/** Opens (creating if needed) the database at `path`, or a private one for ':memory:'. */
export function openStore(path: string, options: StoreOptions = {}): Store {
  const durable = options.durable ?? true;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new TypeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  }
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    path,
    schemaVersion: SCHEMA_VERSION,
    durable,
    meta: metaRepository(db),
    trust: trustRepository(db),
    audit: auditRepository(db),
    replay: replayRepository(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    settings: () => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: Number(db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
      userVersion: Number(db.pragma('user_version', { simple: true })),
    }),
    close: () => db.close(),
  };
}

/** Applies the migrations above the database's version, each in its own transaction. */
function migrate(db: Database.Database): void {
  const versionOf = (): number => db.pragma('user_version', { simple: true }) as number;
  const version = versionOf();
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'schema_too_new',
      `the database is at schema ${version} but this verikiosk knows only up to ${SCHEMA_VERSION}: install the newer verikiosk that wrote it`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      // Read again under the write lock: another process may have migrated meanwhile.
      if (versionOf() >= migration.version) return;
      migration.up(db);
      // user_version lives in the database header, written by this same transaction.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}
