// Opening the database: migrations from zero, idempotent reopen, a newer schema refused, and the
// durability pragmas in force.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, StoreError, openStore } from '../../../main/store/index.js';
import { tempDir, type TempDir } from './fixtures.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const tables = (path: string): string[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('openStore', () => {
  it('creates every table from zero and records the schema version', () => {
    const path = dir.file('kiosk.db');
    const store = openStore(path);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.settings().userVersion).toBe(SCHEMA_VERSION);
    store.close();
    expect(tables(path)).toEqual([
      'accepted_token',
      'audit_record',
      'audit_sealed',
      'audit_tree_head',
      'kiosk_meta',
      'outbox_state',
      'trust_delta',
      'trust_high_water',
      'trust_list',
    ]);
  });

  it('reopens an up-to-date database without migrating again, keeping its data', () => {
    const path = dir.file('kiosk.db');
    const first = openStore(path);
    first.meta.set('device_id', 'kiosk-7');
    first.close();
    for (let i = 0; i < 3; i++) {
      const again = openStore(path);
      expect(again.settings().userVersion).toBe(SCHEMA_VERSION);
      expect(again.meta.get('device_id')).toBe('kiosk-7');
      again.close();
    }
  });

  it('refuses a database written by a newer schema, and leaves it untouched', () => {
    const path = dir.file('kiosk.db');
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(new RegExp(`schema_too_new: .*schema ${SCHEMA_VERSION + 1} .* up to ${SCHEMA_VERSION}`));
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('runs in WAL mode with synchronous=FULL, foreign keys and a busy timeout; NORMAL when not durable', () => {
    const durable = openStore(dir.file('a.db'));
    expect(durable.settings()).toMatchObject({ journalMode: 'wal', synchronous: 2, foreignKeys: true, busyTimeoutMs: 5000 });
    durable.close();
    const relaxed = openStore(dir.file('b.db'), { durable: false, busyTimeoutMs: 250 });
    expect(relaxed.settings()).toMatchObject({ journalMode: 'wal', synchronous: 1, busyTimeoutMs: 250 });
    relaxed.close();
    const memory = openStore(':memory:');
    expect(memory.settings()).toMatchObject({ journalMode: 'memory', userVersion: SCHEMA_VERSION });
    memory.close();
  });

  it('keeps each meta value to its type', () => {
    const store = openStore(':memory:');
    expect(store.meta.claim('device_id', 'first')).toBe('first');
    expect(store.meta.claim('device_id', 'second')).toBe('first');
    store.meta.set('clock_floor', 1_700_000_000_000);
    expect(store.meta.get('clock_floor')).toBe(1_700_000_000_000);
    expect(() => store.meta.set('clock_floor', 1.5)).toThrow(TypeError);
    expect(() => store.meta.set('device_key', 'text' as unknown as Uint8Array)).toThrow(TypeError);
    store.close();
  });
});
