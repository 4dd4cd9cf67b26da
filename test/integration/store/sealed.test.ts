// Sealed guest registrations on a real database: the kiosk keeps only ciphertext (a canary
// name never appears in the files), the bureau opens what the outbox hands it, and payloads
// go once acknowledged while the chain still verifies.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, auditVerify, generateBureauKeyPair, openSealed } from '../../../main/audit/index.js';
import { openStore, type Store } from '../../../main/store/index.js';
import { tamper, tempDir, testClock, type TempDir } from './fixtures.js';

const CANARY_NAME = 'Zzcanaryname Qqguest';
const CANARY_NUMBER = '110105194912310077';
const CANARY_ADDRESS = 'Canaryaddress Road 77';

const guest = (i: number) => ({
  name: CANARY_NAME,
  documentType: 'ID',
  documentNumber: CANARY_NUMBER,
  birthDate: '1949-12-31',
  address: CANARY_ADDRESS,
  checkInMs: 1_700_000_000_000 + i,
});

let dir: TempDir;
let path: string;
let store: Store | undefined;
beforeEach(() => {
  dir = tempDir();
  path = dir.file('kiosk.db');
});
afterEach(() => {
  store?.close();
  store = undefined;
  dir.remove();
});

/** Every byte the database keeps on disk: the main file and its WAL and shared-memory files. */
function databaseBytes(): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter(existsSync).map((f) => readFileSync(f)));
}

describe('sealed guest registrations', () => {
  it('are kept only as ciphertext the bureau can open', async () => {
    const bureau = await generateBureauKeyPair();
    store = openStore(path);
    const log = AuditLog.open(store, { clock: testClock(), bureauPublicKey: bureau.publicKey });
    for (let i = 0; i < 5; i++) {
      await log.append({ kind: 'card_read', outcome: 'read', document: { type: 'ID', number: CANARY_NUMBER } }, guest(i));
    }
    await log.append({ kind: 'operator_action', action: 'shift_end', operator: 'staff-3' });

    const bytes = databaseBytes();
    // The search does see what is stored in clear (the device id), WAL included.
    expect(bytes.includes(Buffer.from(log.deviceId, 'utf8'))).toBe(true);
    for (const canary of [CANARY_NAME, CANARY_NUMBER, CANARY_ADDRESS, 'Zzcanaryname']) {
      expect(bytes.includes(Buffer.from(canary, 'utf8')), canary).toBe(false);
    }

    const pending = log.pending(10);
    expect(pending.filter((r) => r.sealed).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const record of pending.filter((r) => r.sealed)) {
      const opened = await openSealed(bureau.privateKey, { deviceId: log.deviceId, seq: record.seq, leafHash: record.leafHash }, record.sealed!);
      expect(opened).toEqual(guest(record.seq - 1));
    }
    // A payload moved to another record does not open there.
    const [a, b] = pending;
    await expect(openSealed(bureau.privateKey, { deviceId: log.deviceId, seq: b!.seq, leafHash: b!.leafHash }, a!.sealed!)).rejects.toThrow('unsealable');
  });

  it('are deleted once acknowledged, and the log still verifies', async () => {
    const bureau = await generateBureauKeyPair();
    store = openStore(path);
    const log = AuditLog.open(store, { clock: testClock(), bureauPublicKey: bureau.publicKey });
    for (let i = 0; i < 6; i++) await log.append({ kind: 'card_read', outcome: 'read' }, guest(i));
    log.signTreeHead();
    expect(log.purgeAcknowledged(4)).toEqual({ acknowledgedSeq: 4, sealedDeleted: 4 });
    expect(store.audit.sealedRange(1, 6).map((s) => s.seq)).toEqual([5, 6]);
    expect(auditVerify(store)).toMatchObject({ ok: true, records: 6 });
  });

  it('missing before acknowledgement is reported', async () => {
    const bureau = await generateBureauKeyPair();
    store = openStore(path);
    const log = AuditLog.open(store, { clock: testClock(), bureauPublicKey: bureau.publicKey });
    for (let i = 0; i < 3; i++) await log.append({ kind: 'card_read', outcome: 'read' }, guest(i));
    store.close();
    store = undefined;
    tamper(path, (db) => db.prepare('DELETE FROM audit_sealed WHERE seq = 2').run());
    store = openStore(path);
    expect(auditVerify(store)).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'sealed_missing' });
  });

  it('are refused, with nothing written, when no bureau key is configured', async () => {
    store = openStore(path);
    const log = AuditLog.open(store, { clock: testClock() });
    expect(() => log.append({ kind: 'card_read', outcome: 'read' }, guest(0))).toThrow('no_bureau_key');
    expect(store.audit.last()).toBeUndefined();
    expect(databaseBytes().includes(Buffer.from(CANARY_NAME))).toBe(false);
  });
});

describe('appends queued behind a seal', () => {
  let store: Store | undefined;
  afterEach(() => store?.close());

  it('keep call order when sealed and plain appends are not awaited one by one', async () => {
    const bureau = await generateBureauKeyPair();
    const dir = tempDir();
    try {
      store = openStore(dir.file('kiosk.db'));
      const log = AuditLog.open(store, { clock: testClock(), bureauPublicKey: bureau.publicKey });
      const calls = Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0 ? log.append({ kind: 'card_read', outcome: 'read' }, guest(i)) : log.append({ kind: 'device_fault', device: 'camera', fault: `f${i}` }),
      );
      const appended = await Promise.all(calls);
      expect(appended.map((a) => a.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(appended.map((a) => a.record.sealed === true)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 === 0));
      expect(auditVerify(store)).toMatchObject({ ok: true, records: 12 });
    } finally {
      store?.close();
      store = undefined;
      dir.remove();
    }
  });
});
