// The sync loop over a real store and an in-memory bureau, on fake timers: back-off with jitter
// and connectivity states, the bounded upload rate, exactly-once through lost answers, gaps and
// kiosk restarts, list pulls with ETags and deltas, and the clock stamping audit records.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog, decodeRecord, generateBureauKeyPair, type AuditEvent } from '../../../main/audit/index.js';
import { auditVerify } from '../../../main/audit/verify.js';
import { openStore, type Store } from '../../../main/store/index.js';
import { TrustedClock } from '../../../main/sync/clock.js';
import { BureauError } from '../../../main/sync/errors.js';
import { BureauSync, type BureauSyncOptions, type Connectivity } from '../../../main/sync/sync.js';
import { KioskTrust } from '../../../main/sync/trust-store.js';
import { signStatusDelta, signStatusList, signTrustList } from '../../../tools/issuer/lists.js';
import { REAL_MS } from '../../unit/sync/fixtures.js';
import { DAY, anchorsOf, issuerKey, salt } from '../../unit/trust/fixtures.js';
import { tempDir, type TempDir } from '../store/fixtures.js';
import { FakeBureau, unavailable, unreachable } from './fake-bureau.js';

const anchorKey = issuerKey('bureau-anchor');
const foreign = issuerKey('foreign');
const issuer = issuerKey('issuer-alpha');
const anchors = anchorsOf(anchorKey);
const NOW_S = Math.floor(REAL_MS / 1000);

const event = (i: number): AuditEvent => ({ kind: 'verification', result: 'valid', reasons: [], format: 'eid', trustListSeq: i });

let dir: TempDir;
let stores: Store[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: REAL_MS });
  dir = tempDir('verikiosk-loop-');
});
afterEach(() => {
  vi.useRealTimers();
  for (const s of stores) s.close();
  stores = [];
  dir.remove();
});

interface KioskOptions {
  readonly enrolled?: boolean;
  readonly bureauPublicKey?: Uint8Array;
  readonly trust?: boolean;
  readonly sync?: Partial<BureauSyncOptions>;
  readonly random?: () => number;
}

/** A kiosk over the database file in `dir`: store, clock, audit log, optional lists, sync. */
function kiosk(bureau: FakeBureau, options: KioskOptions = {}) {
  // Not synchronous=FULL: power cuts are the store's tests; here fsyncs would only slow the drill.
  const store = openStore(dir.file('kiosk.db'), { durable: false });
  stores.push(store);
  if (options.enrolled ?? true) store.meta.set('bureau_seal_key', options.bureauPublicKey ?? new Uint8Array(32).fill(7));
  const clock = new TrustedClock({
    store,
    system: { bootId: 'boot-1', wallMs: () => Date.now(), monotonicUs: () => Date.now() * 1000 },
    ntp: async () => false,
  });
  const log = AuditLog.open(store, { clock, ...(options.bureauPublicKey ? { bureauPublicKey: options.bureauPublicKey } : {}) });
  bureau.devicePublicKey = log.devicePublicKey;
  const trust = options.trust ? KioskTrust.open({ store, anchors }) : undefined;
  const sync = new BureauSync({
    client: bureau,
    log,
    store,
    clock,
    anchors,
    ...(trust ? { trust } : {}),
    monoNow: () => Date.now(),
    random: options.random ?? (() => 0.5),
    batchSize: 100,
    maxBatchesPerSecond: 20,
    backoff: { baseMs: 1000, capMs: 60_000 },
    intervalMs: 60_000,
    ...options.sync,
  });
  const transitions: Connectivity[] = [];
  sync.on('connectivity', ({ to }) => transitions.push(to));
  const close = async () => {
    await sync.stop();
    store.close();
    stores = stores.filter((s) => s !== store);
  };
  return { store, clock, log, trust, sync, transitions, close };
}

function appendMany(log: AuditLog, count: number): void {
  for (let i = 0; i < count; i++) void log.append(event(i));
}

describe('back-off and connectivity', () => {
  it('retries with growing jittered delays while offline, probing only, and resets on success', async () => {
    const bureau = new FakeBureau(anchorKey);
    bureau.fail('time', unreachable(), { times: 4 });
    const { sync, transitions } = kiosk(bureau, { random: () => 0.999 });
    sync.start();
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(i === 0 ? 0 : waits[i - 1]!);
      waits.push(sync.status().nextAttemptInMs);
    }
    // Full jitter at 0.999 of the ceiling: 1 s, 2 s, 4 s, 8 s.
    expect(waits).toEqual([999, 1998, 3996, 7992]);
    expect(sync.status()).toMatchObject({ connectivity: 'offline', failures: 4, lastError: { code: 'bureau_unreachable' } });
    // Offline, each cycle was only the probe.
    expect(bureau.calls).toEqual(['time', 'time', 'time', 'time']);

    await vi.advanceTimersByTimeAsync(7992);
    expect(sync.status()).toMatchObject({ connectivity: 'online', failures: 0, nextAttemptInMs: 60_000 });
    expect(sync.status().lastError).toBeUndefined();
    expect(transitions).toEqual(['offline', 'online']);
    expect(bureau.calls).toEqual(['time', 'time', 'time', 'time', 'time', 'state']);
    await sync.stop();
  });

  it('keeps each delay within [0, ceiling) and caps it', async () => {
    const bureau = new FakeBureau(anchorKey);
    bureau.fail('time', unavailable(), { times: 12 });
    const draws = [0.002, 0.3, 0.999, 0.7, 0.1, 0.999, 0.5, 0.999, 0.2, 0.999, 0.999, 0.999];
    let n = 0;
    const { sync, transitions } = kiosk(bureau, { random: () => draws[n++]! });
    sync.start();
    let elapsed = 0;
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(elapsed);
      const wait = sync.status().nextAttemptInMs!;
      const ceiling = Math.min(60_000, 1000 * 2 ** i);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(ceiling);
      elapsed = wait;
    }
    expect(sync.status().nextAttemptInMs).toBe(59_940);
    // A 503 is an answer: the bureau is degraded, not the network offline.
    expect(transitions).toEqual(['degraded']);
    await sync.stop();
  });

  it('syncs at once when the operator asks, whatever the back-off says', async () => {
    const bureau = new FakeBureau(anchorKey);
    bureau.fail('time', unreachable(), { times: 3 });
    const { sync, log } = kiosk(bureau, { random: () => 0.999 });
    appendMany(log, 5);
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(sync.status().nextAttemptInMs).toBe(1998);
    await sync.syncNow(); // fails once more (the third scripted failure)
    const report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(await report).toMatchObject({ ok: true, uploaded: 5, acknowledgedSeq: 5 });
    expect(sync.status()).toMatchObject({ connectivity: 'online', failures: 0, backlog: 0 });
    await sync.stop();
  });
});

describe('the upload', () => {
  it('runs a cycle soon after a nudge instead of waiting for the interval', async () => {
    const bureau = new FakeBureau(anchorKey);
    const { sync, log } = kiosk(bureau, { sync: { nudgeDelayMs: 2000 } });
    sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sync.status()).toMatchObject({ connectivity: 'online', nextAttemptInMs: 60_000 });
    await log.append(event(1));
    sync.nudge();
    expect(sync.status().nextAttemptInMs).toBe(2000);
    sync.nudge(); // a second nudge does not push it further out
    await vi.advanceTimersByTimeAsync(1000);
    sync.nudge();
    expect(sync.status().nextAttemptInMs).toBe(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sync.status()).toMatchObject({ backlog: 0, acknowledgedSeq: 1, nextAttemptInMs: 60_000 });
    await sync.stop();
  });

  it('drains a backlog at no more than the bounded rate, signing a tree head at each batch end', async () => {
    const bureau = new FakeBureau(anchorKey);
    const { sync, log, store } = kiosk(bureau, { sync: { maxBatchesPerSecond: 10 } });
    appendMany(log, 2000);
    sync.start();
    await vi.advanceTimersByTimeAsync(1000);
    // 10 batches a second (one more may start at the boundary).
    expect(bureau.uploads.length).toBeGreaterThanOrEqual(9);
    expect(bureau.uploads.length).toBeLessThanOrEqual(11);
    expect(sync.status().backlog).toBe(2000 - 100 * bureau.uploads.length);
    await vi.advanceTimersByTimeAsync(1500);
    expect(bureau.uploads).toHaveLength(20);
    expect(bureau.uploads.every((u) => u.lastSeq - u.firstSeq === 99 && u.headSize === u.lastSeq)).toBe(true);
    expect(log.acknowledgedSeq()).toBe(2000);
    expect(bureau.stored.size).toBe(2000);
    // The heads signed for the batches are kept, and `audit verify` checks them.
    const report = auditVerify(store);
    expect(report).toMatchObject({ ok: true, records: 2000, acknowledgedSeq: 2000 });
    expect(report.treeHeads).toBe(20);
    await sync.stop();
  });

  it('stores each record once through lost answers, 503s and kiosk restarts', async () => {
    const bureau = new FakeBureau(anchorKey);
    let k = kiosk(bureau);
    appendMany(k.log, 450);
    bureau.fail('upload', unreachable(), { after: true, times: 2 });
    bureau.fail('upload', unavailable());
    k.sync.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(200);
    const reached = k.log.acknowledgedSeq();
    expect(reached).toBeLessThan(450);
    await k.close();

    // The restarted kiosk asks where the bureau is and goes on from there.
    k = kiosk(bureau);
    appendMany(k.log, 50);
    bureau.fail('upload', unreachable(), { after: true });
    k.sync.start();
    for (let i = 0; i < 20 && k.log.acknowledgedSeq() < 500; i++) await vi.advanceTimersByTimeAsync(5000);
    expect(k.log.acknowledgedSeq()).toBe(500);
    expect([...bureau.stored.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // Some records did arrive more than once (the lost answers), and were stored once.
    expect(Math.max(...bureau.received.values())).toBeGreaterThan(1);
    expect(bureau.calls.filter((c) => c === 'state')).toHaveLength(2);
    await k.close();
  });

  it('sends again what a bureau restored from an old backup lost', async () => {
    const bureau = new FakeBureau(anchorKey);
    const { sync, log } = kiosk(bureau);
    appendMany(log, 300);
    let report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(1000);
    expect((await report).acknowledgedSeq).toBe(300);

    bureau.forgetAfter(120);
    appendMany(log, 50);
    report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(2000);
    expect(await report).toMatchObject({ ok: true, acknowledgedSeq: 350 });
    expect(bureau.stored.size).toBe(350);
    expect(bureau.highWater).toBe(350);
    // The batch from 301 met the gap (409) and was not stored; 121… were sent again, then 301….
    expect(bureau.uploads.map((u) => u.firstSeq)).toEqual([1, 101, 201, 121, 221, 301]);
  });

  it('says so when the lost records can no longer be sent (their sealed payloads were deleted)', async () => {
    const bureau = new FakeBureau(anchorKey);
    const keys = await generateBureauKeyPair();
    const { sync, log, store } = kiosk(bureau, { bureauPublicKey: keys.publicKey });
    for (let i = 0; i < 3; i++) {
      await log.append(
        { kind: 'card_read', outcome: 'read' },
        { name: 'Guest', documentType: 'CN-RIC', documentNumber: '11010519491231002X', birthDate: '1949-12-31', address: 'Street 1', checkInMs: REAL_MS },
      );
    }
    let report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(100);
    expect((await report).acknowledgedSeq).toBe(3);
    expect(store.audit.sealedRange(1, 3)).toEqual([]);
    bureau.forgetAfter(0);
    await log.append(event(4));
    report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(100);
    expect(await report).toMatchObject({ ok: false, error: { code: 'resend_impossible' } });
    expect(sync.connectivity).toBe('degraded');
    await sync.stop();
  });

  it('refuses to acknowledge records the kiosk never wrote', async () => {
    const bureau = new FakeBureau(anchorKey);
    const { sync, log } = kiosk(bureau);
    appendMany(log, 10);
    bureau.highWater = 1000;
    const report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(await report).toMatchObject({ ok: false, acknowledgedSeq: 0, error: { code: 'bureau_ahead' } });
    expect(log.acknowledgedSeq()).toBe(0);
  });

  it('halves the batch when the bureau says it is too large', async () => {
    const bureau = new FakeBureau(anchorKey);
    bureau.maxBatch = 30;
    const { sync, log } = kiosk(bureau);
    appendMany(log, 200);
    const report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(3000);
    expect((await report).acknowledgedSeq).toBe(200);
    expect(bureau.uploads.every((u) => u.lastSeq - u.firstSeq < 30)).toBe(true);
  });

  it('uploads nothing before enrolment, and notices a bureau that forgot the device', async () => {
    const bureau = new FakeBureau(anchorKey);
    const { sync, log, store } = kiosk(bureau, { enrolled: false });
    appendMany(log, 5);
    let report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(await report).toMatchObject({ ok: true, uploaded: 0 });
    expect(sync.status()).toMatchObject({ enrolled: false, backlog: 5 });
    expect(bureau.calls).toEqual(['time']);

    store.meta.set('bureau_seal_key', new Uint8Array(32));
    bureau.fail('state', new BureauError('bureau_refused', 'unknown device', { status: 404, refusal: 'unknown_device' }));
    report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(await report).toMatchObject({ ok: false, error: { code: 'not_enrolled' } });
    expect(sync.status().enrolled).toBe(false);
  });
});

describe('list pulls', () => {
  const SALT = salt(5);
  const doc = { dt: 'CN-RIC', dn: '11010519491231002X' };
  const tl = (seq: number, key = anchorKey) => signTrustList(key, { seq, iat: NOW_S, nu: NOW_S + DAY, keys: [{ iss: 'CN-A', spki: issuer.spki }] });
  const sl = (seq: number, documents: { dt: string; dn: string }[] = []) => signStatusList(anchorKey, { seq, iat: NOW_S, nu: NOW_S + DAY, salt: SALT, documents });
  const sld = (seq: number, base: number) => signStatusDelta(anchorKey, { seq, base, iat: NOW_S, nu: NOW_S + DAY, salt: SALT, add: [doc] });

  it('uses ETags and have=, applies deltas, falls back to the full list, and keeps ETags only of accepted lists', async () => {
    const bureau = new FakeBureau(anchorKey);
    bureau.lists = { TL1: { bytes: tl(3), etag: '"tl1-3"' }, SL1: { bytes: sl(10), etag: '"sl1-10"' } };
    const { sync, trust, store } = kiosk(bureau, { trust: true, enrolled: false });
    const cycle = async () => {
      const report = sync.syncNow();
      await vi.advanceTimersByTimeAsync(0);
      return report;
    };
    expect((await cycle()).lists.map((u) => [u.list, u.outcome, u.seq])).toEqual([
      ['TL1', 'accepted', 3],
      ['SL1', 'accepted', 10],
    ]);
    expect(store.meta.get('etag_tl1')).toBe('"tl1-3"');

    // The bureau publishes SL1 11 as a delta on 10.
    bureau.lists.SL1 = { bytes: sl(11, [doc]), etag: '"sl1-11"', deltaFrom: new Map([[10, sld(11, 10)]]) };
    expect((await cycle()).lists).toEqual([{ list: 'SL1', outcome: 'accepted', seq: 11, source: 'bureau' }]);
    expect(trust!.status?.holds(doc.dt, doc.dn)).toBe(true);
    expect(bureau.listRequests.slice(2)).toEqual([
      { kind: 'TL1', etag: '"tl1-3"' },
      { kind: 'SL1', etag: '"sl1-10"', have: 10 },
    ]);

    // A delta that does not apply on what the kiosk holds: the full list is fetched instead.
    bureau.lists.SL1 = { bytes: sl(13, [doc]), etag: '"sl1-13"', deltaFrom: new Map([[11, sld(13, 12)]]) };
    expect((await cycle()).lists.map((u) => [u.outcome, u.error ?? u.seq])).toEqual([
      ['refused', 'delta_base_mismatch'],
      ['accepted', 13],
    ]);
    expect(bureau.listRequests.at(-1)).toEqual({ kind: 'SL1' });

    // A list the anchors refuse: the old one stays, and so does its ETag.
    bureau.lists.TL1 = { bytes: tl(9, foreign), etag: '"tl1-9"' };
    await cycle();
    expect(trust!.seq('TL1')).toBe(3);
    expect(store.meta.get('etag_tl1')).toBe('"tl1-3"');
    expect(sync.status().lists.TL1).toMatchObject({ seq: 3, nu: NOW_S + DAY, lastError: { code: 'unknown_anchor' } });
    expect(sync.status().lists.SL1).toMatchObject({ seq: 13, checkedAgoMs: 0 });
  });
});

describe('the trusted clock in the loop', () => {
  it('becomes trusted from the signed time; records say so; clock changes are recorded without breaking the log', async () => {
    vi.setSystemTime(30_000); // a Pi booted in 1970
    const bureau = new FakeBureau(anchorKey, () => REAL_MS);
    const { sync, log, clock, store } = kiosk(bureau, { enrolled: false });
    clock.on('clock_change', (change) => void log.append({ kind: 'clock_change', ...change }));
    const first = await log.append(event(1));
    expect(first.record).toMatchObject({ clockTrusted: false, wallMs: 30_000 });

    const report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    expect(clock.trusted()).toBe(true);
    const second = await log.append(event(2));
    expect(second.record).toMatchObject({ clockTrusted: true, wallMs: REAL_MS });
    const records = [...store.audit.rows()].map((r) => decodeRecord(r.body!));
    expect(records.map((r) => r.event.kind)).toEqual(['verification', 'clock_change', 'verification']);
    expect(records[1]!.event).toEqual({ kind: 'clock_change', fromMs: 30_000, toMs: REAL_MS, source: 'bureau' });
    expect(store.meta.get('clock_floor')).toBe(REAL_MS);
  });

  it('fetches the signed time again early when a Date header is grossly off', async () => {
    const bureau = new FakeBureau(anchorKey);
    const { sync } = kiosk(bureau, { enrolled: false });
    let report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    expect(bureau.calls).toEqual(['time']);
    sync.observeDate(Date.now() - 3_600_000);
    report = sync.syncNow();
    await vi.advanceTimersByTimeAsync(0);
    await report;
    expect(bureau.calls).toEqual(['time', 'time']);
  });
});
