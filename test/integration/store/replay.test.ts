// The accepted-token table (schema 2): remembered durably, listed while unexpired, purged after,
// and added to a database written at schema 1 without touching its data.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openStore } from '../../../main/store/index.js';
import { up as initial } from '../../../main/store/migrations/001-initial.js';
import { tempDir, type TempDir } from './fixtures.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

describe('store.replay', () => {
  it('remembers tokens across a reopen, keeps the later expiry, lists and purges by time', () => {
    const path = dir.file('kiosk.db');
    const store = openStore(path);
    store.replay.remember('aa01', 1000);
    store.replay.remember('bb02', 2000);
    store.replay.remember('aa01', 900); // an earlier expiry never shortens the memory
    store.close();

    const again = openStore(path);
    expect(again.replay.active(1000)).toEqual([
      { ctiHex: 'aa01', expiresAt: 1000 },
      { ctiHex: 'bb02', expiresAt: 2000 },
    ]);
    expect(again.replay.active(1001)).toEqual([{ ctiHex: 'bb02', expiresAt: 2000 }]);
    expect(again.replay.purge(1001)).toBe(1);
    expect(again.replay.active(0)).toEqual([{ ctiHex: 'bb02', expiresAt: 2000 }]);
    again.close();
  });

  it('refuses what is not a hex cti or an integer time', () => {
    const store = openStore(dir.file('kiosk.db'));
    expect(() => store.replay.remember('AA01', 1)).toThrow(TypeError);
    expect(() => store.replay.remember('', 1)).toThrow(TypeError);
    expect(() => store.replay.remember('aa', 1.5)).toThrow(TypeError);
    store.close();
  });

  it('migrates a schema-1 database, keeping its data', () => {
    const path = dir.file('old.db');
    const raw = new Database(path);
    initial(raw);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO kiosk_meta (key, value) VALUES ('device_id', 'kiosk-1')").run();
    raw.close();
    const store = openStore(path);
    expect(store.settings().userVersion).toBe(SCHEMA_VERSION);
    expect(store.meta.get('device_id')).toBe('kiosk-1');
    store.replay.remember('cc03', 5);
    expect(store.replay.active(0)).toHaveLength(1);
    store.close();
  });
});
