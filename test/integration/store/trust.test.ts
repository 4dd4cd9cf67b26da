// The trust store: atomic replacement, the highest seq kept across reopen and reinstalls, and
// rollback refused by the store itself.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, openStore } from '../../../main/store/index.js';
import { tempDir, type TempDir } from './fixtures.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('trust store', () => {
  it('puts a list in force and replaces it, with its deltas, as a whole', () => {
    const store = openStore(dir.file('kiosk.db'));
    expect(store.trust.current('SL1')).toBeUndefined();
    store.trust.replace('SL1', bytes(1), 10);
    store.trust.replace('SL1', bytes(1), 12, [bytes(2), bytes(3)]);
    expect(store.trust.current('SL1')).toEqual({ kind: 'SL1', seq: 12, bytes: bytes(1), deltas: [bytes(2), bytes(3)] });
    store.trust.replace('SL1', bytes(9), 13);
    expect(store.trust.current('SL1')).toEqual({ kind: 'SL1', seq: 13, bytes: bytes(9), deltas: [] });
    expect(store.trust.current('TL1')).toBeUndefined();
    store.close();
  });

  it('leaves the old list in force when a replacement fails half-way', () => {
    const store = openStore(dir.file('kiosk.db'));
    store.trust.replace('SL1', bytes(1), 5, [bytes(2)]);
    // The second delta is not bytes: the STRICT table refuses it after the list row and the
    // first delta were already written inside the transaction.
    const broken = [bytes(7), 'not bytes' as unknown as Uint8Array];
    expect(() => store.trust.replace('SL1', bytes(6), 6, broken)).toThrow();
    expect(store.trust.current('SL1')).toEqual({ kind: 'SL1', seq: 5, bytes: bytes(1), deltas: [bytes(2)] });
    expect(store.trust.highestSeq('SL1')).toBe(5);
    store.close();
  });

  it('refuses a lower seq than the highest ever stored, also after reopen and after the list was forgotten', () => {
    const path = dir.file('kiosk.db');
    const store = openStore(path);
    store.trust.replace('TL1', bytes(1), 7);
    store.trust.replace('TL1', bytes(1), 7); // the same publication again is fine
    expect(() => store.trust.replace('TL1', bytes(0), 6)).toThrow(StoreError);
    store.trust.forget('TL1');
    expect(store.trust.current('TL1')).toBeUndefined();
    store.close();

    const reopened = openStore(path);
    expect(reopened.trust.highestSeq('TL1')).toBe(7);
    let error: unknown;
    try {
      reopened.trust.replace('TL1', bytes(0), 3);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('rollback');
    expect(reopened.trust.current('TL1')).toBeUndefined();
    reopened.trust.replace('TL1', bytes(8), 8);
    expect(reopened.trust.current('TL1')?.seq).toBe(8);
    expect(reopened.trust.highestSeq('SL1')).toBeUndefined();
    reopened.close();
  });

  it('keeps the high-water seq even against SQL written around the store', () => {
    const path = dir.file('kiosk.db');
    const store = openStore(path);
    store.trust.replace('TL1', bytes(1), 20);
    store.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE trust_high_water SET highest_seq = 1 WHERE kind = 'TL1'").run()).toThrow(/rollback/);
    expect(() => raw.prepare('DELETE FROM trust_high_water').run()).toThrow(/rollback/);
    raw.close();
  });

  it('refuses deltas on a trust list and seqs that are not counts', () => {
    const store = openStore(':memory:');
    expect(() => store.trust.replace('TL1', bytes(1), 1, [bytes(2)])).toThrow(TypeError);
    expect(() => store.trust.replace('TL1', bytes(1), -1)).toThrow(TypeError);
    expect(() => store.trust.replace('TL1', bytes(1), 1.5)).toThrow(TypeError);
    store.close();
  });
});
