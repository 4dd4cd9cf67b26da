// Kiosk meta: small named values the kiosk keeps for its whole life (device id, keys, the
// clock floor). Each key has one type, checked again when it is read back.
import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.js';

/** Every meta key and the type of its value. Add keys here; never reuse one for another type. */
export interface MetaValues {
  /** The kiosk's identity towards the bureau, generated on first start. */
  device_id: string;
  /** Ed25519 private key, PKCS#8 DER. */
  device_key: Uint8Array;
  /** The per-device HMAC key for document pseudonyms. */
  pseudonym_key: Uint8Array;
  /** The latest trusted time ever seen, ms since the epoch (main/sync). */
  clock_floor: number;
  /** The latest time ever vouched for by a signed bureau time, ms (main/sync): the part of the floor a signed time may not undercut. */
  clock_floor_signed: number;
  /** The bureau this device enrolled with (main/sync). */
  bureau_url: string;
  /** The bureau's X25519 public key guest registrations are sealed to, raw 32 bytes (main/sync). */
  bureau_seal_key: Uint8Array;
  /** The ETags the bureau gave the TL1 and SL1 in force, sent back as If-None-Match (main/sync). */
  etag_tl1: string;
  etag_sl1: string;
}

export type MetaKey = keyof MetaValues;

const KIND: { readonly [K in MetaKey]: 'text' | 'bytes' | 'integer' } = {
  device_id: 'text',
  device_key: 'bytes',
  pseudonym_key: 'bytes',
  clock_floor: 'integer',
  clock_floor_signed: 'integer',
  bureau_url: 'text',
  bureau_seal_key: 'bytes',
  etag_tl1: 'text',
  etag_sl1: 'text',
};

export interface MetaRepository {
  get<K extends MetaKey>(key: K): MetaValues[K] | undefined;
  set<K extends MetaKey>(key: K, value: MetaValues[K]): void;
  /** Stores `value` unless the key already holds one; returns what the key holds afterwards. */
  claim<K extends MetaKey>(key: K, value: MetaValues[K]): MetaValues[K];
}

export function metaRepository(db: Database): MetaRepository {
  const select = db.prepare<[string], { value: unknown }>('SELECT value FROM kiosk_meta WHERE key = ?');
  const upsert = db.prepare<[string, unknown]>(
    'INSERT INTO kiosk_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const insertIfAbsent = db.prepare<[string, unknown]>('INSERT OR IGNORE INTO kiosk_meta (key, value) VALUES (?, ?)');

  function get<K extends MetaKey>(key: K): MetaValues[K] | undefined {
    const row = select.get(key);
    return row === undefined ? undefined : (checked(key, row.value) as MetaValues[K]);
  }

  return {
    get,
    set(key, value) {
      upsert.run(key, toSql(key, value));
    },
    claim(key, value) {
      return db.transaction(() => {
        insertIfAbsent.run(key, toSql(key, value));
        const stored = get(key);
        if (stored === undefined) throw new StoreError('corrupt', `meta ${key} vanished while being claimed`);
        return stored;
      }).immediate();
    },
  };
}

function toSql(key: MetaKey, value: unknown): unknown {
  const kind = KIND[key];
  if (kind === 'text' && typeof value === 'string') return value;
  if (kind === 'bytes' && value instanceof Uint8Array) return value;
  if (kind === 'integer' && Number.isSafeInteger(value)) return value;
  throw new TypeError(`meta ${key} takes ${kind === 'integer' ? 'an integer' : kind}`);
}

function checked(key: MetaKey, value: unknown): string | Uint8Array | number {
  const kind = KIND[key];
  if (kind === 'text' && typeof value === 'string') return value;
  if (kind === 'bytes' && value instanceof Uint8Array) return new Uint8Array(value);
  if (kind === 'integer' && typeof value === 'number') return value;
  if (kind === 'integer' && typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  throw new StoreError('corrupt', `meta ${key} holds a ${typeof value}, not ${kind}`);
}
