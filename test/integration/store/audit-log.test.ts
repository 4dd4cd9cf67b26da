// The audit log on a real database file: append and verify, resuming after reopen, the tamper
// cases `audit verify` must catch at the right seq, proofs between signed heads, the outbox
// high-water mark and purging that keeps the chain verifiable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditError,
  AuditLog,
  auditVerify,
  decodeRecord,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  type AuditEvent,
} from '../../../main/audit/index.js';
import { StoreError, openStore, type Store } from '../../../main/store/index.js';
import { tamper, tempDir, testClock, type TempDir, type TestClock } from './fixtures.js';

let dir: TempDir;
let path: string;
let clock: TestClock;
const open: Store[] = [];

function openLog(): { store: Store; log: AuditLog } {
  const store = openStore(path);
  open.push(store);
  return { store, log: AuditLog.open(store, { clock }) };
}

function reopen(store: Store): Store {
  store.close();
  const again = openStore(path);
  open.push(again);
  return again;
}

const event = (i: number): AuditEvent =>
  i % 3 === 0
    ? { kind: 'verification', result: 'valid', reasons: [], format: 'eid', kid: '0011223344556677', trustListSeq: 3, document: { type: 'ID', number: `1101051949123100${i % 10}X` } }
    : i % 3 === 1
      ? { kind: 'card_read', outcome: 'read', reader: 'ttyUSB0' }
      : { kind: 'device_fault', device: 'qr_scanner', fault: 'unplugged' };

async function fill(log: AuditLog, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await log.append(event(log.size + 1));
    clock.advance(1000);
  }
}

beforeEach(() => {
  dir = tempDir();
  path = dir.file('kiosk.db');
  clock = testClock();
});
afterEach(() => {
  for (const store of open.splice(0)) {
    try {
      store.close();
    } catch {
      // already closed
    }
  }
  dir.remove();
});

describe('appending', () => {
  it('writes dense seqs with wall, monotonic and trust of the clock, and verifies', async () => {
    const { store, log } = openLog();
    clock.setTrusted(false);
    const first = await log.append({ kind: 'clock_change', fromMs: 0, toMs: 1_700_000_000_000, source: 'bureau_date' });
    clock.setTrusted(true);
    await fill(log, 9);
    expect(first.seq).toBe(1);
    expect(first.record).toMatchObject({ seq: 1, wallMs: 1_700_000_000_000, boot: 'test-boot', clockTrusted: false, device: log.deviceId });
    const rows = [...store.audit.rows()];
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const records = rows.map((r) => decodeRecord(r.body!));
    expect(records[1]!.clockTrusted).toBe(true);
    expect(records.map((r) => r.monoUs)).toEqual([...records.map((r) => r.monoUs)].sort((a, b) => a - b));
    expect(auditVerify(store)).toMatchObject({ ok: true, records: 10, purged: 0 });
  });

  it('stores a keyed pseudonym of the document, never its number', async () => {
    const { store, log } = openLog();
    const appended = await log.append({ kind: 'verification', result: 'invalid', reasons: ['revoked'], document: { type: 'ID', number: '99CANARY99' } });
    expect(appended.record.event).toMatchObject({ kind: 'verification', documentPseudonym: expect.any(Uint8Array) });
    expect(JSON.stringify(appended.record)).not.toContain('CANARY');
    const again = await log.append({ kind: 'verification', result: 'invalid', reasons: ['revoked'], document: { type: 'ID', number: '99canary99' } });
    expect(again.record.event).toMatchObject({ documentPseudonym: (appended.record.event as { documentPseudonym: Uint8Array }).documentPseudonym });
    store.close();
    const { readFileSync, existsSync } = await import('node:fs');
    for (const file of [path, `${path}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes('CANARY')).toBe(false);
  });

  it('refuses an invalid event before anything is written', async () => {
    const { store, log } = openLog();
    expect(() => log.append({ kind: 'verification', result: 'valid', reasons: ['Not A Code'] })).toThrow(AuditError);
    expect(() => log.append({ kind: 'card_read', outcome: 'read' }, { name: 'x' })).toThrow('invalid_event');
    expect(store.audit.last()).toBeUndefined();
  });

  it('resumes after reopen: same device, next seq, chain and tree continue', async () => {
    const { store, log } = openLog();
    await fill(log, 5);
    log.signTreeHead();
    await fill(log, 4);
    const { deviceId, devicePublicKey } = log;
    store.close();

    const { store: store2, log: log2 } = openLog();
    expect(log2.deviceId).toBe(deviceId);
    expect(log2.devicePublicKey).toEqual(devicePublicKey);
    expect(log2.size).toBe(9);
    expect(log2.root()).toEqual(rootOf(store2.audit.leafHashes(1, 9)));
    expect((await log2.append(event(10))).seq).toBe(10);
    expect(auditVerify(store2)).toMatchObject({ ok: true, records: 10, treeHeads: 1 });
  });

  it('refuses a second writer by seq', async () => {
    const { log } = openLog();
    const { log: other } = openLog();
    await log.append(event(1));
    let error: unknown;
    await other.append(event(1)).catch((err: unknown) => (error = err));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('seq_conflict');
    // The refused append left nothing behind; the first writer carries on.
    expect((await log.append(event(2))).seq).toBe(2);
  });

  it('keeps appends in call order even when they are not awaited one by one', async () => {
    const { store, log } = openLog();
    const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(event(i)).then((r) => r.seq)));
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(auditVerify(store).ok).toBe(true);
  });
});

describe('tree heads and proofs', () => {
  it('signs heads that verify with the device key and proves each extends the last', async () => {
    const { log } = openLog();
    await fill(log, 7);
    const old = log.signTreeHead();
    await fill(log, 13);
    const current = log.signTreeHead();
    expect(log.signTreeHead()).toEqual(current);
    expect(verifyTreeHead(old, log.deviceId, log.devicePublicKey)).toBe(true);
    expect(verifyTreeHead(current, log.deviceId, log.devicePublicKey)).toBe(true);
    expect(current.size).toBe(20);
    const proof = log.consistencyProof(old.size, current.size);
    expect(verifyConsistency(old.size, current.size, old.root, current.root, proof)).toBe(true);
    const appended = await log.append(event(21));
    const inclusion = log.inclusionProof(appended.seq);
    expect(verifyInclusion(appended.leafHash, appended.seq - 1, log.size, inclusion, log.root())).toBe(true);
    expect(() => log.consistencyProof(5, 99)).toThrow('out_of_range');
    expect(() => log.inclusionProof(0)).toThrow('out_of_range');
  });
});

describe('audit verify finds tampering at the right seq', () => {
  async function writtenLog(count = 30, headAt?: number): Promise<void> {
    const { store, log } = openLog();
    await fill(log, headAt ?? count);
    if (headAt !== undefined) {
      log.signTreeHead();
      await fill(log, count - headAt);
    }
    store.close();
  }

  const verifyFile = () => {
    const store = openStore(path);
    open.push(store);
    return auditVerify(store);
  };

  it('an edited record body', async () => {
    await writtenLog();
    tamper(path, (db) => {
      const row = db.prepare<[], { body: Buffer }>('SELECT body FROM audit_record WHERE seq = 17').get()!;
      const last = row.body.length - 1;
      row.body[last] = row.body[last]! ^ 1;
      db.prepare('UPDATE audit_record SET body = ? WHERE seq = 17').run(row.body);
    });
    expect(verifyFile()).toMatchObject({ ok: false, firstBadSeq: 17, problem: 'edited' });
  });

  it('a deleted record', async () => {
    await writtenLog();
    tamper(path, (db) => db.prepare('DELETE FROM audit_record WHERE seq = 12').run());
    const report = verifyFile();
    expect(report).toMatchObject({ ok: false, firstBadSeq: 12, problem: 'missing' });
    expect(report.message).toBe('record 12 is missing (the next record present is 13)');
  });

  it('a truncated log, caught by the signed tree head', async () => {
    await writtenLog(30, 25);
    tamper(path, (db) => db.prepare('DELETE FROM audit_record WHERE seq > 20').run());
    expect(verifyFile()).toMatchObject({ ok: false, firstBadSeq: 21, problem: 'truncated' });
    expect(() => openLog()).toThrow('corrupt_log');
  });

  it('a truncated log, caught by the bureau acknowledgement', async () => {
    const { store, log } = openLog();
    await fill(log, 30);
    log.purgeAcknowledged(28);
    store.close();
    tamper(path, (db) => db.prepare('DELETE FROM audit_record WHERE seq > 24').run());
    const report = verifyFile();
    expect(report).toMatchObject({ ok: false, firstBadSeq: 25, problem: 'truncated' });
    expect(report.message).toContain('the bureau acknowledged 28');
  });

  it('a reordered log', async () => {
    await writtenLog();
    tamper(path, (db) => {
      const get = db.prepare<[number], { leaf_hash: Buffer; chain_hash: Buffer; body: Buffer; kind: string; wall_ms: number }>(
        'SELECT leaf_hash, chain_hash, body, kind, wall_ms FROM audit_record WHERE seq = ?',
      );
      const put = db.prepare('UPDATE audit_record SET leaf_hash = ?, chain_hash = ?, body = ?, kind = ?, wall_ms = ? WHERE seq = ?');
      const a = get.get(8)!;
      const b = get.get(9)!;
      put.run(b.leaf_hash, b.chain_hash, b.body, b.kind, b.wall_ms, 8);
      put.run(a.leaf_hash, a.chain_hash, a.body, a.kind, a.wall_ms, 9);
    });
    expect(verifyFile()).toMatchObject({ ok: false, firstBadSeq: 8, problem: 'misplaced' });
  });

  it('a rewritten record with its leaf hash recomputed breaks the chain there', async () => {
    await writtenLog();
    const { leafHash, encodeRecord } = await import('../../../main/audit/index.js');
    tamper(path, (db) => {
      const row = db.prepare<[], { body: Buffer }>('SELECT body FROM audit_record WHERE seq = 5').get()!;
      const forged = encodeRecord({ ...decodeRecord(new Uint8Array(row.body)), clockTrusted: false });
      db.prepare('UPDATE audit_record SET body = ?, leaf_hash = ? WHERE seq = 5').run(forged, leafHash(forged));
    });
    expect(verifyFile()).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'chain_broken' });
  });

  it('history rewritten with every hash recomputed is caught by the signed tree head', async () => {
    await writtenLog(30, 10);
    const { store, log } = openLog();
    log.signTreeHead(); // a second head at 30
    store.close();
    const { leafHash, chainHash, encodeRecord } = await import('../../../main/audit/index.js');
    tamper(path, (db) => {
      const rows = db.prepare<[], { seq: number; body: Buffer }>('SELECT seq, body FROM audit_record ORDER BY seq').all();
      const update = db.prepare('UPDATE audit_record SET body = ?, leaf_hash = ?, chain_hash = ? WHERE seq = ?');
      let previous: Uint8Array = new Uint8Array(32);
      for (const row of rows) {
        const record = decodeRecord(new Uint8Array(row.body));
        const body = row.seq === 14 ? encodeRecord({ ...record, wallMs: record.wallMs + 1 }) : new Uint8Array(row.body);
        const leaf = leafHash(body);
        previous = chainHash(previous, leaf);
        update.run(body, leaf, previous, row.seq);
      }
    });
    const report = verifyFile();
    expect(report).toMatchObject({ ok: false, firstBadSeq: 11, problem: 'tree_head_mismatch' });
    expect(report.message).toContain('records 11 to 30');
  });

  it('a tree head not signed by the device', async () => {
    await writtenLog(12, 12);
    tamper(path, (db) => db.prepare('UPDATE audit_tree_head SET signature = zeroblob(64)').run());
    expect(verifyFile()).toMatchObject({ ok: false, firstBadSeq: 1, problem: 'bad_tree_head_signature' });
  });
});

describe('outbox and purging', () => {
  it('hands out records after the high-water mark and never lowers it', async () => {
    const { log } = openLog();
    await fill(log, 10);
    expect(log.pending(4).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(log.purgeAcknowledged(4)).toEqual({ acknowledgedSeq: 4, sealedDeleted: 0 });
    expect(log.pending(100).map((r) => r.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(log.purgeAcknowledged(2).acknowledgedSeq).toBe(4);
    expect(() => log.purgeAcknowledged(11)).toThrow(StoreError);
    expect(log.acknowledgedSeq()).toBe(4);
    expect(log.pending(0)).toEqual([]);
  });

  it('purges only acknowledged bodies past retention, only with a trusted clock, and the log still verifies', async () => {
    const { store, log } = openLog();
    await fill(log, 10); // wall times t0 .. t0+9s
    log.signTreeHead();
    log.purgeAcknowledged(8);
    clock.advance(60_000);
    clock.setTrusted(false);
    expect(log.purgeExpired(30_000)).toEqual({ purged: 0, skipped: 'clock_untrusted' });
    clock.setTrusted(true);
    // Retention 65 s reaches back to t0+5s: records 1..5 (and not the unacknowledged 9, 10).
    expect(log.purgeExpired(65_000)).toEqual({ purged: 5 });
    expect(log.purgeExpired(0)).toEqual({ purged: 3 });
    const rows = [...store.audit.rows()];
    expect(rows.filter((r) => r.body === null).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const reopened = reopen(store);
    expect(auditVerify(reopened)).toMatchObject({ ok: true, records: 10, purged: 8, treeHeads: 1 });
    // Resuming after a purge needs no bodies either.
    const log2 = AuditLog.open(reopened, { clock });
    expect((await log2.append(event(11))).seq).toBe(11);
    expect(auditVerify(reopened).ok).toBe(true);
  });

  it('the schema itself refuses deleting records or rewriting anything but a purge', async () => {
    const { store, log } = openLog();
    await fill(log, 3);
    store.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(path);
    expect(() => raw.prepare('DELETE FROM audit_record WHERE seq = 3').run()).toThrow(/never deleted/);
    expect(() => raw.prepare('UPDATE audit_record SET wall_ms = 0 WHERE seq = 2').run()).toThrow(/never rewritten/);
    expect(() => raw.prepare('UPDATE audit_record SET body = x\'00\' WHERE seq = 2').run()).toThrow(/never rewritten/);
    expect(raw.prepare('UPDATE audit_record SET body = NULL WHERE seq = 2').run().changes).toBe(1);
    raw.close();
  });
});
