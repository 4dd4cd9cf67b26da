// The reference bureau's own database: its schema as numbered migrations, the pragmas, and every
// SQL statement the bureau runs (nothing else in tools/bureau writes SQL).
import Database from 'better-sqlite3';

/** The latest tree head a device signed and the bureau verified. */
export interface StoredTreeHead {
  readonly size: number;
  readonly root: Uint8Array;
  readonly timestampMs: number;
  readonly signature: Uint8Array;
}

export interface DeviceRow {
  readonly deviceId: string;
  /** Raw Ed25519 public key. */
  readonly publicKey: Uint8Array;
  readonly enrolledMs: number;
  /** Every record 1..highWater is stored, once. */
  readonly highWater: number;
  /** The chain hash of record `highWater` (32 zero bytes at 0). */
  readonly chainHash: Uint8Array;
  /** The Merkle compact range at `highWater` (MerkleFrontier.toBytes()). */
  readonly frontier: Uint8Array;
  readonly treeHead: StoredTreeHead | undefined;
}

export interface EnrolmentCodeRow {
  readonly code: string;
  readonly deviceId: string | null;
  readonly publicKey: Uint8Array | null;
}

export interface StatusListRow {
  readonly seq: number;
  readonly iat: number;
  readonly nu: number;
  readonly salt: Uint8Array;
  /** Sorted 8-byte entries, concatenated. */
  readonly entries: Uint8Array;
  /** The signed full list. */
  readonly bytes: Uint8Array;
}

export interface RecordRow {
  readonly seq: number;
  readonly kind: string;
  readonly wallMs: number;
  readonly leafHash: Uint8Array;
  readonly chainHash: Uint8Array;
  readonly body: Uint8Array;
}

export interface RegistrationRow {
  readonly seq: number;
  readonly name: string;
  readonly documentType: string;
  readonly documentNumber: string;
  readonly birthDate: string;
  readonly address: string;
  readonly checkInMs: number;
}

/** What one accepted audit batch writes, in one transaction. */
export interface BatchWrite {
  /** The high-water mark the batch was checked against; the write is refused if it moved. */
  readonly fromHighWater: number;
  readonly records: readonly RecordRow[];
  readonly registrations: readonly RegistrationRow[];
  readonly chainHash: Uint8Array;
  readonly frontier: Uint8Array;
  /** Replaces the stored head when given. */
  readonly treeHead?: StoredTreeHead;
  readonly receivedMs: number;
}

export interface BureauDatabase {
  readonly path: string;
  /** Runs `fn` in one IMMEDIATE transaction. */
  transaction<T>(fn: () => T): T;

  latestTrustList(): { readonly seq: number; readonly bytes: Uint8Array } | undefined;
  putTrustList(seq: number, bytes: Uint8Array, publishedMs: number): void;
  latestStatusList(): StatusListRow | undefined;
  statusList(seq: number): StatusListRow | undefined;
  putStatusList(row: StatusListRow, publishedMs: number): void;
  statusDelta(base: number, seq: number): Uint8Array | undefined;
  putStatusDelta(base: number, seq: number, bytes: Uint8Array): void;

  /** Adds codes not yet known; returns how many were new. */
  addEnrolmentCodes(codes: readonly string[], createdMs: number): number;
  enrolmentCode(code: string): EnrolmentCodeRow | undefined;
  unusedEnrolmentCodes(): string[];
  useEnrolmentCode(code: string, deviceId: string, publicKey: Uint8Array, usedMs: number): void;
  device(deviceId: string): DeviceRow | undefined;
  devices(): { readonly deviceId: string; readonly highWater: number }[];
  insertDevice(deviceId: string, publicKey: Uint8Array, enrolledMs: number, chainHash: Uint8Array, frontier: Uint8Array): void;

  /** Stored leaf hashes of records `fromSeq..toSeq`, in order. */
  leafHashes(deviceId: string, fromSeq: number, toSeq: number): Uint8Array[];
  /** The compact range kept at the largest accepted size not above `size` (none below the first batch). */
  checkpointAtOrBelow(deviceId: string, size: number): { readonly size: number; readonly frontier: Uint8Array } | undefined;
  /** Writes an accepted batch and moves the device's high-water mark, all or nothing; returns the new mark. */
  storeBatch(deviceId: string, batch: BatchWrite): number;
  records(deviceId: string, fromSeq?: number, toSeq?: number): RecordRow[];
  recordCount(deviceId: string): number;
  registrations(deviceId: string): RegistrationRow[];
  close(): void;
}

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

// A migration is never edited once released: a schema change is a new entry with the next number.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
      -- Every TL1 published, by seq; the highest is the one served.
      CREATE TABLE trust_list (
        seq          INTEGER PRIMARY KEY CHECK (seq >= 0),
        bytes        BLOB NOT NULL,
        published_ms INTEGER NOT NULL
      ) STRICT;

      -- Every full SL1 published, with its entry set kept apart so deltas are a diff of two rows.
      CREATE TABLE status_list (
        seq          INTEGER PRIMARY KEY CHECK (seq >= 0),
        iat          INTEGER NOT NULL,
        nu           INTEGER NOT NULL,
        salt         BLOB NOT NULL CHECK (length(salt) = 16),
        entries      BLOB NOT NULL CHECK (length(entries) % 8 = 0),
        bytes        BLOB NOT NULL,
        published_ms INTEGER NOT NULL
      ) STRICT;

      -- Deltas signed on first request, kept so every kiosk asking gets the same bytes.
      CREATE TABLE status_delta (
        base  INTEGER NOT NULL REFERENCES status_list(seq),
        seq   INTEGER NOT NULL REFERENCES status_list(seq),
        bytes BLOB NOT NULL,
        PRIMARY KEY (base, seq),
        CHECK (base < seq)
      ) STRICT;

      CREATE TABLE enrolment_code (
        code       TEXT PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        device_id  TEXT,
        public_key BLOB,
        used_ms    INTEGER,
        CHECK ((device_id IS NULL) = (used_ms IS NULL) AND (device_id IS NULL) = (public_key IS NULL))
      ) STRICT;

      -- One row per enrolled kiosk, with where its audit log stands at the bureau.
      CREATE TABLE device (
        device_id         TEXT PRIMARY KEY,
        public_key        BLOB NOT NULL CHECK (length(public_key) = 32),
        enrolled_ms       INTEGER NOT NULL,
        high_water        INTEGER NOT NULL DEFAULT 0 CHECK (high_water >= 0),
        chain_hash        BLOB NOT NULL CHECK (length(chain_hash) = 32),
        frontier          BLOB NOT NULL,
        head_size         INTEGER,
        head_root         BLOB,
        head_timestamp_ms INTEGER,
        head_signature    BLOB
      ) STRICT;

      CREATE TRIGGER device_high_water_never_lowers
      BEFORE UPDATE OF high_water ON device
      WHEN NEW.high_water < OLD.high_water
      BEGIN
        SELECT RAISE(ABORT, 'a device high-water mark never decreases');
      END;

      -- Each audit record once: the primary key is what makes a retried batch harmless.
      CREATE TABLE audit_record (
        device_id   TEXT NOT NULL REFERENCES device(device_id),
        seq         INTEGER NOT NULL CHECK (seq >= 1),
        kind        TEXT NOT NULL,
        wall_ms     INTEGER NOT NULL,
        leaf_hash   BLOB NOT NULL CHECK (length(leaf_hash) = 32),
        chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32),
        body        BLOB NOT NULL,
        received_ms INTEGER NOT NULL,
        PRIMARY KEY (device_id, seq)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER audit_record_never_changes
      BEFORE UPDATE ON audit_record
      BEGIN
        SELECT RAISE(ABORT, 'audit records are never rewritten');
      END;

      CREATE TRIGGER audit_record_never_deleted
      BEFORE DELETE ON audit_record
      BEGIN
        SELECT RAISE(ABORT, 'audit records are never deleted');
      END;

      -- The compact range at every accepted high-water mark: the root at any earlier size (a late
      -- retry) costs one batch of leaves, never a pass over the device's whole log.
      CREATE TABLE audit_checkpoint (
        device_id TEXT NOT NULL REFERENCES device(device_id),
        size      INTEGER NOT NULL CHECK (size >= 1),
        frontier  BLOB NOT NULL,
        PRIMARY KEY (device_id, size)
      ) STRICT, WITHOUT ROWID;

      -- Opened guest registrations (personal data: the bureau may hold it, and never logs it).
      CREATE TABLE guest_registration (
        device_id       TEXT NOT NULL,
        seq             INTEGER NOT NULL,
        name            TEXT NOT NULL,
        document_type   TEXT NOT NULL,
        document_number TEXT NOT NULL,
        birth_date      TEXT NOT NULL,
        address         TEXT NOT NULL,
        check_in_ms     INTEGER NOT NULL,
        received_ms     INTEGER NOT NULL,
        PRIMARY KEY (device_id, seq),
        FOREIGN KEY (device_id, seq) REFERENCES audit_record(device_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

export const BUREAU_SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating and migrating) the bureau database at `path`: WAL, synchronous=FULL. */
export function openBureauDatabase(path: string): BureauDatabase {
  const db = new Database(path, { timeout: 5000 });
  try {
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    // An acknowledged batch is a promise to the kiosk, which then deletes its sealed payloads.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return repository(path, db);
}

function migrate(db: Database.Database): void {
  const versionOf = (): number => db.pragma('user_version', { simple: true }) as number;
  if (versionOf() > BUREAU_SCHEMA_VERSION) {
    throw new Error(`the bureau database is at schema ${versionOf()}, this bureau knows only up to ${BUREAU_SCHEMA_VERSION}`);
  }
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      if (versionOf() >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** better-sqlite3 returns Buffers; callers compare and CBOR-encode, where a Buffer behaves differently. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface RawDevice {
  device_id: string;
  public_key: Uint8Array;
  enrolled_ms: number;
  high_water: number;
  chain_hash: Uint8Array;
  frontier: Uint8Array;
  head_size: number | null;
  head_root: Uint8Array | null;
  head_timestamp_ms: number | null;
  head_signature: Uint8Array | null;
}

interface RawStatusList {
  seq: number;
  iat: number;
  nu: number;
  salt: Uint8Array;
  entries: Uint8Array;
  bytes: Uint8Array;
}

interface RawRecord {
  seq: number;
  kind: string;
  wall_ms: number;
  leaf_hash: Uint8Array;
  chain_hash: Uint8Array;
  body: Uint8Array;
}

interface RawRegistration {
  seq: number;
  name: string;
  document_type: string;
  document_number: string;
  birth_date: string;
  address: string;
  check_in_ms: number;
}

function repository(path: string, db: Database.Database): BureauDatabase {
  const q = {
    latestTrustList: db.prepare<[], { seq: number; bytes: Uint8Array }>('SELECT seq, bytes FROM trust_list ORDER BY seq DESC LIMIT 1'),
    putTrustList: db.prepare<[number, Uint8Array, number]>('INSERT INTO trust_list (seq, bytes, published_ms) VALUES (?, ?, ?)'),
    latestStatusList: db.prepare<[], RawStatusList>('SELECT seq, iat, nu, salt, entries, bytes FROM status_list ORDER BY seq DESC LIMIT 1'),
    statusList: db.prepare<[number], RawStatusList>('SELECT seq, iat, nu, salt, entries, bytes FROM status_list WHERE seq = ?'),
    putStatusList: db.prepare<[number, number, number, Uint8Array, Uint8Array, Uint8Array, number]>(
      'INSERT INTO status_list (seq, iat, nu, salt, entries, bytes, published_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    statusDelta: db.prepare<[number, number], { bytes: Uint8Array }>('SELECT bytes FROM status_delta WHERE base = ? AND seq = ?'),
    putStatusDelta: db.prepare<[number, number, Uint8Array]>(
      'INSERT INTO status_delta (base, seq, bytes) VALUES (?, ?, ?) ON CONFLICT (base, seq) DO NOTHING',
    ),
    addCode: db.prepare<[string, number]>('INSERT INTO enrolment_code (code, created_ms) VALUES (?, ?) ON CONFLICT (code) DO NOTHING'),
    code: db.prepare<[string], { code: string; device_id: string | null; public_key: Uint8Array | null }>(
      'SELECT code, device_id, public_key FROM enrolment_code WHERE code = ?',
    ),
    unusedCodes: db.prepare<[], { code: string }>('SELECT code FROM enrolment_code WHERE device_id IS NULL ORDER BY created_ms, code'),
    useCode: db.prepare<[string, Uint8Array, number, string]>(
      'UPDATE enrolment_code SET device_id = ?, public_key = ?, used_ms = ? WHERE code = ? AND device_id IS NULL',
    ),
    device: db.prepare<[string], RawDevice>('SELECT * FROM device WHERE device_id = ?'),
    devices: db.prepare<[], { device_id: string; high_water: number }>('SELECT device_id, high_water FROM device ORDER BY device_id'),
    insertDevice: db.prepare<[string, Uint8Array, number, Uint8Array, Uint8Array]>(
      'INSERT INTO device (device_id, public_key, enrolled_ms, chain_hash, frontier) VALUES (?, ?, ?, ?, ?)',
    ),
    leafHashes: db.prepare<[string, number, number], { leaf_hash: Uint8Array }>(
      'SELECT leaf_hash FROM audit_record WHERE device_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    ),
    checkpoint: db.prepare<[string, number], { size: number; frontier: Uint8Array }>(
      'SELECT size, frontier FROM audit_checkpoint WHERE device_id = ? AND size <= ? ORDER BY size DESC LIMIT 1',
    ),
    putCheckpoint: db.prepare<[string, number, Uint8Array]>(
      'INSERT INTO audit_checkpoint (device_id, size, frontier) VALUES (?, ?, ?) ON CONFLICT (device_id, size) DO NOTHING',
    ),
    insertRecord: db.prepare<[string, number, string, number, Uint8Array, Uint8Array, Uint8Array, number]>(
      `INSERT INTO audit_record (device_id, seq, kind, wall_ms, leaf_hash, chain_hash, body, received_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRegistration: db.prepare<[string, number, string, string, string, string, string, number, number]>(
      `INSERT INTO guest_registration
         (device_id, seq, name, document_type, document_number, birth_date, address, check_in_ms, received_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    moveHighWater: db.prepare<[number, Uint8Array, Uint8Array, string, number]>(
      'UPDATE device SET high_water = ?, chain_hash = ?, frontier = ? WHERE device_id = ? AND high_water = ?',
    ),
    putHead: db.prepare<[number, Uint8Array, number, Uint8Array, string]>(
      'UPDATE device SET head_size = ?, head_root = ?, head_timestamp_ms = ?, head_signature = ? WHERE device_id = ?',
    ),
    records: db.prepare<[string, number, number], RawRecord>(
      'SELECT seq, kind, wall_ms, leaf_hash, chain_hash, body FROM audit_record WHERE device_id = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    ),
    recordCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM audit_record WHERE device_id = ?'),
    registrations: db.prepare<[string], RawRegistration>(
      `SELECT seq, name, document_type, document_number, birth_date, address, check_in_ms
       FROM guest_registration WHERE device_id = ? ORDER BY seq`,
    ),
  };

  const toStatusList = (r: RawStatusList): StatusListRow => ({
    seq: r.seq,
    iat: r.iat,
    nu: r.nu,
    salt: plain(r.salt),
    entries: plain(r.entries),
    bytes: plain(r.bytes),
  });

  const storeBatch = db.transaction((deviceId: string, batch: BatchWrite): number => {
    const last = batch.records[batch.records.length - 1];
    const highWater = last ? last.seq : batch.fromHighWater;
    for (const r of batch.records) {
      q.insertRecord.run(deviceId, r.seq, r.kind, r.wallMs, r.leafHash, r.chainHash, r.body, batch.receivedMs);
    }
    for (const g of batch.registrations) {
      q.insertRegistration.run(
        deviceId,
        g.seq,
        g.name,
        g.documentType,
        g.documentNumber,
        g.birthDate,
        g.address,
        g.checkInMs,
        batch.receivedMs,
      );
    }
    if (highWater !== batch.fromHighWater) {
      const moved = q.moveHighWater.run(highWater, batch.chainHash, batch.frontier, deviceId, batch.fromHighWater).changes;
      // Callers serialise batches per device; this guards the rule even if one did not.
      if (moved !== 1) throw new Error(`device ${deviceId} moved past ${batch.fromHighWater} while a batch was checked`);
      q.putCheckpoint.run(deviceId, highWater, batch.frontier);
    }
    const head = batch.treeHead;
    if (head) q.putHead.run(head.size, head.root, head.timestampMs, head.signature, deviceId);
    return highWater;
  });

  return {
    path,
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),

    latestTrustList() {
      const row = q.latestTrustList.get();
      return row && { seq: row.seq, bytes: plain(row.bytes) };
    },
    putTrustList: (seq, bytes, publishedMs) => void q.putTrustList.run(seq, bytes, publishedMs),
    latestStatusList() {
      const row = q.latestStatusList.get();
      return row && toStatusList(row);
    },
    statusList(seq) {
      const row = q.statusList.get(seq);
      return row && toStatusList(row);
    },
    putStatusList: (r, publishedMs) => void q.putStatusList.run(r.seq, r.iat, r.nu, r.salt, r.entries, r.bytes, publishedMs),
    statusDelta(base, seq) {
      const row = q.statusDelta.get(base, seq);
      return row && plain(row.bytes);
    },
    putStatusDelta: (base, seq, bytes) => void q.putStatusDelta.run(base, seq, bytes),

    addEnrolmentCodes: (codes, createdMs) =>
      db.transaction(() => codes.reduce((added, code) => added + q.addCode.run(code, createdMs).changes, 0)).immediate(),
    enrolmentCode(code) {
      const row = q.code.get(code);
      return row && { code: row.code, deviceId: row.device_id, publicKey: row.public_key && plain(row.public_key) };
    },
    unusedEnrolmentCodes: () => q.unusedCodes.all().map((r) => r.code),
    useEnrolmentCode(code, deviceId, publicKey, usedMs) {
      if (q.useCode.run(deviceId, publicKey, usedMs, code).changes !== 1) throw new Error(`enrolment code was used meanwhile`);
    },
    device(deviceId) {
      const r = q.device.get(deviceId);
      if (!r) return undefined;
      const head =
        r.head_size !== null && r.head_root && r.head_timestamp_ms !== null && r.head_signature
          ? { size: r.head_size, root: plain(r.head_root), timestampMs: r.head_timestamp_ms, signature: plain(r.head_signature) }
          : undefined;
      return {
        deviceId: r.device_id,
        publicKey: plain(r.public_key),
        enrolledMs: r.enrolled_ms,
        highWater: r.high_water,
        chainHash: plain(r.chain_hash),
        frontier: plain(r.frontier),
        treeHead: head,
      };
    },
    devices: () => q.devices.all().map((r) => ({ deviceId: r.device_id, highWater: r.high_water })),
    insertDevice: (deviceId, publicKey, enrolledMs, chainHash, frontier) =>
      void q.insertDevice.run(deviceId, publicKey, enrolledMs, chainHash, frontier),

    leafHashes: (deviceId, fromSeq, toSeq) => q.leafHashes.all(deviceId, fromSeq, toSeq).map((r) => plain(r.leaf_hash)),
    checkpointAtOrBelow(deviceId, size) {
      const row = q.checkpoint.get(deviceId, size);
      return row && { size: row.size, frontier: plain(row.frontier) };
    },
    storeBatch: (deviceId, batch) => storeBatch.immediate(deviceId, batch),
    records: (deviceId, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER) =>
      q.records.all(deviceId, fromSeq, toSeq).map((r) => ({
        seq: r.seq,
        kind: r.kind,
        wallMs: r.wall_ms,
        leafHash: plain(r.leaf_hash),
        chainHash: plain(r.chain_hash),
        body: plain(r.body),
      })),
    recordCount: (deviceId) => q.recordCount.get(deviceId)?.n ?? 0,
    registrations: (deviceId) =>
      q.registrations.all(deviceId).map((r) => ({
        seq: r.seq,
        name: r.name,
        documentType: r.document_type,
        documentNumber: r.document_number,
        birthDate: r.birth_date,
        address: r.address,
        checkInMs: r.check_in_ms,
      })),
    close: () => db.close(),
  };
}
