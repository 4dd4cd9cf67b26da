// The kiosk's sync against the reference bureau on loopback: enrolment, signed time, list pulls
// with ETags and status deltas that change verdicts, and audit upload (sealed registrations
// opened by the bureau; an edited log refused by it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../../main/audit/verify.js';
import { openStore } from '../../../main/store/index.js';
import { enrol } from '../../../main/sync/enrol.js';
import { BureauError } from '../../../main/sync/errors.js';
import { verifyCode } from '../../../main/verify/verifier.js';
import { startBureau, type Bureau } from '../../../tools/bureau/index.js';
import { tamper, tempDir, type TempDir } from '../store/fixtures.js';
import { openKiosk, recordingFetch, type TestKiosk } from './kiosk.js';

let dir: TempDir;
let bureau: Bureau;
let kiosks = 0;

beforeAll(async () => {
  dir = tempDir('verikiosk-bureau-sync-');
  bureau = await startBureau({ port: 0, dataDir: dir.file('bureau'), demo: true, adminToken: 'test-token' });
});
afterAll(async () => {
  await bureau.close();
  dir.remove();
});

function kiosk(fetch = recordingFetch()): TestKiosk & { seen: ReturnType<typeof recordingFetch>['seen']; path: string } {
  const path = dir.file(`kiosk-${++kiosks}.db`);
  return { ...openKiosk(path, { bureauUrl: bureau.url, anchorsPem: bureau.anchorsPem(), fetch: fetch.fetch }), seen: fetch.seen, path };
}

async function refusalOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BureauError) return error.refusal;
    throw error;
  }
  throw new Error('expected the bureau to refuse');
}

describe('enrolment', () => {
  it('registers the device key and stores the seal key; the same code again is idempotent', async () => {
    const k = kiosk();
    const code = bureau.unusedEnrolmentCodes()[0]!;
    const first = await enrol({ bureauUrl: bureau.url, code, store: k.store });
    expect(first.deviceId).toBe(k.log.deviceId);
    expect(first.sealKey).toEqual(bureau.sealPublicKey);
    expect(first.highWater).toBe(0);
    expect(k.store.meta.get('bureau_seal_key')).toEqual(bureau.sealPublicKey);
    expect(k.store.meta.get('bureau_url')).toBe(`${bureau.url}/`);
    expect(await enrol({ bureauUrl: bureau.url, code, store: k.store })).toEqual(first);
    expect(bureau.devices().map((d) => d.deviceId)).toContain(k.log.deviceId);

    const other = kiosk();
    expect(await refusalOf(enrol({ bureauUrl: bureau.url, code, store: other.store }))).toBe('code_used');
    expect(await refusalOf(enrol({ bureauUrl: bureau.url, code: 'NO-SUCH-CODE', store: other.store }))).toBe('unknown_code');
    expect(other.store.meta.get('bureau_seal_key')).toBeUndefined();
    await k.close();
    await other.close();
  });
});

describe('time and lists', () => {
  it('trusts the clock from the signed time, and verdicts follow the lists the bureau publishes', async () => {
    const k = kiosk();
    const manifest = bureau.demo!.manifest;
    const code = (name: string) => readFileSync(join(bureau.dataDir, manifest.codes.find((c) => c.name === name)!.textFile), 'utf8').trim();
    const verify = (name: string) => verifyCode(code(name), { now: manifest.now, clockTrusted: true, trust: k.trust.trust!, status: k.trust.status! });
    const validCodes = manifest.codes.filter((c) => c.expect.result === 'valid').map((c) => c.name);
    expect(validCodes.length).toBeGreaterThanOrEqual(2);
    const [first, second] = validCodes as [string, string];

    expect(k.clock.trusted()).toBe(false);
    const report = await k.sync.syncNow();
    expect(report.ok).toBe(true);
    expect(k.clock.status()).toMatchObject({ trusted: true, source: 'bureau' });
    expect(report.lists.map((u) => [u.list, u.outcome])).toEqual([
      ['TL1', 'accepted'],
      ['SL1', 'accepted'],
    ]);
    // Every demo code gets the verdict the demo promises, with the lists as pulled.
    for (const c of manifest.codes) expect({ name: c.name, ...pick(verify(c.name)) }).toEqual({ name: c.name, ...c.expect });

    // Nothing new: both lists answer 304 to the ETag (and have=).
    const before = k.seen.length;
    expect((await k.sync.syncNow()).lists).toEqual([]);
    const listAnswers = k.seen.slice(before).filter((r) => r.path.startsWith('/v1/lists/'));
    expect(listAnswers.map((r) => r.status)).toEqual([304, 304]);

    // The bureau revokes the first valid code's document: the kiosk takes a delta, and the verdict changes.
    const document = verify(first).subject!;
    const slSeq = bureau.publishStatusList({ revoke: [{ dt: document.documentType!, dn: document.documentNumber! }] });
    const revoked = await k.sync.syncNow();
    expect(revoked.lists).toEqual([{ list: 'SL1', outcome: 'accepted', seq: slSeq, source: 'bureau' }]);
    expect(k.seen.filter((r) => r.path.startsWith('/v1/lists/SL1')).at(-1)).toMatchObject({ status: 200, variant: 'delta' });
    expect(verify(first)).toMatchObject({ result: 'invalid', reasons: ['revoked'] });
    expect(verify(second).result).toBe('valid');

    // A trust list without keys: nothing verifies any more.
    const tlSeq = bureau.publishTrustList({ keys: [] });
    expect((await k.sync.syncNow()).lists).toEqual([{ list: 'TL1', outcome: 'accepted', seq: tlSeq, source: 'bureau' }]);
    expect(verify(second)).toMatchObject({ result: 'invalid', reasons: ['unknown_kid'] });
    expect(k.sync.status().lists).toMatchObject({ TL1: { seq: tlSeq }, SL1: { seq: slSeq } });

    // After a restart the lists in force come from the store, and the ETags still save the download.
    await k.close();
    const again = openKiosk(k.path, { bureauUrl: bureau.url, anchorsPem: bureau.anchorsPem(), fetch: recordingFetch().fetch });
    expect(again.trust.seq('TL1')).toBe(tlSeq);
    expect((await again.sync.syncNow()).lists).toEqual([]);
    await again.close();
  });
});

describe('enrolment by the sync loop', () => {
  const guest = { name: 'Test Guest', documentType: 'CN-RIC', documentNumber: '11010519491231002X', birthDate: '1949-12-31', address: 'Test Street 1', checkInMs: 1_750_000_000_000 };
  const open = (code: string) =>
    openKiosk(dir.file(`kiosk-${++kiosks}.db`), { bureauUrl: bureau.url, anchorsPem: bureau.anchorsPem(), durable: false, sync: { enrolmentCode: code } });

  it('keeps a refused code for the operator without failing the cycle (lists still arrive)', async () => {
    const k = open('NO-SUCH-CODE');
    const report = await k.sync.syncNow();
    expect(report.ok).toBe(true);
    expect(k.trust.seq('TL1')).toBeGreaterThan(0);
    expect(k.sync.status()).toMatchObject({ enrolled: false, enrolmentError: { code: 'bureau_refused' } });
    await k.close();
  });

  it('enrols a kiosk that started unenrolled, and the running log seals registrations from then on', async () => {
    const k = open(bureau.unusedEnrolmentCodes()[0]!);
    let enrolled = 0;
    k.sync.on('enrolled', () => enrolled++);
    expect(() => k.log.append({ kind: 'card_read', outcome: 'read' }, guest)).toThrow(expect.objectContaining({ code: 'no_bureau_key' }));
    await k.sync.syncNow();
    expect(enrolled).toBe(1);
    expect(k.sync.status()).toMatchObject({ enrolled: true });
    expect(k.sync.status().enrolmentError).toBeUndefined();
    await k.log.append({ kind: 'card_read', outcome: 'read', document: { type: 'CN-RIC', number: guest.documentNumber } }, guest);
    expect(await k.sync.syncNow()).toMatchObject({ ok: true, acknowledgedSeq: 1 });
    expect(bureau.registrations(k.log.deviceId)).toHaveLength(1);
    await k.sync.syncNow();
    expect(enrolled).toBe(1);
    await k.close();
  });
});

describe('audit upload', () => {
  it('delivers every record once, the bureau opens the sealed registrations, and the kiosk deletes them', async () => {
    const first = kiosk();
    await enrol({ bureauUrl: bureau.url, code: bureau.unusedEnrolmentCodes()[0]!, store: first.store });
    await first.close();
    // Reopened, so the audit log seals to the enrolled key.
    const k = openKiosk(first.path, { bureauUrl: bureau.url, anchorsPem: bureau.anchorsPem(), durable: false });
    for (let i = 1; i <= 1234; i++) {
      if (i % 100 === 0) {
        await k.log.append(
          { kind: 'card_read', outcome: 'read', document: { type: 'CN-RIC', number: '11010519491231002X' } },
          { name: 'Test Guest', documentType: 'CN-RIC', documentNumber: '11010519491231002X', birthDate: '1949-12-31', address: 'Test Street 1', checkInMs: 1_750_000_000_000 },
        );
      } else {
        await k.log.append({ kind: 'verification', result: 'valid', reasons: [], trustListSeq: i });
      }
    }
    const report = await k.sync.syncNow();
    expect(report).toMatchObject({ ok: true, uploaded: 1234, acknowledgedSeq: 1234 });
    const held = bureau.records(k.log.deviceId);
    expect(held.map((r) => r.seq)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
    expect(bureau.registrations(k.log.deviceId)).toHaveLength(12);
    expect(bureau.audit(k.log.deviceId)).toMatchObject({ highWater: 1234 });
    expect(k.store.audit.sealedRange(1, 1234)).toEqual([]);
    expect(auditVerify(k.store)).toMatchObject({ ok: true, records: 1234, acknowledgedSeq: 1234 });
    expect(k.sync.status()).toMatchObject({ backlog: 0, connectivity: 'online', enrolled: true });
    await k.close();
  });

  it('is refused by the bureau when a record was edited on the kiosk, and stores nothing of it', async () => {
    const first = kiosk();
    await enrol({ bureauUrl: bureau.url, code: bureau.unusedEnrolmentCodes()[0]!, store: first.store });
    for (let i = 1; i <= 20; i++) await first.log.append({ kind: 'operator_action', action: 'login', operator: `staff${i}` });
    expect((await first.sync.syncNow()).acknowledgedSeq).toBe(20);
    for (let i = 21; i <= 40; i++) await first.log.append({ kind: 'operator_action', action: 'login', operator: `staff${i}` });
    await first.close();

    // Someone with the SD card rewrites record 30 (the body only: its stored hashes stay).
    tamper(first.path, (db) => {
      const row = db.prepare<[], { body: Buffer }>('SELECT body FROM audit_record WHERE seq = 30').get()!;
      const edited = Buffer.from(row.body.toString('latin1').replace('staff30', 'staff99'), 'latin1');
      db.prepare('UPDATE audit_record SET body = ? WHERE seq = 30').run(edited);
    });
    const store = openStore(first.path);
    expect(auditVerify(store).ok).toBe(false);
    store.close();

    const k = openKiosk(first.path, { bureauUrl: bureau.url, anchorsPem: bureau.anchorsPem() });
    const report = await k.sync.syncNow();
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('bureau_refused');
    expect(report.error?.message).toMatch(/422 (chain_broken|tree_mismatch)/);
    expect(bureau.audit(k.log.deviceId).highWater).toBe(20);
    expect(k.sync.connectivity).toBe('degraded');
    await k.close();
  });
});

function pick(v: { result: string; reasons: readonly string[] }) {
  return { result: v.result, reasons: v.reasons };
}
