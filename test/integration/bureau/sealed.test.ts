// Sealed guest registrations at the bureau: opened with its private key and stored in its own
// table — and the canary name never appears in anything the bureau logs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, enrolKiosk, makeKiosk, startTestBureau, upload, type TestBureau, type TestKiosk } from './fixtures.js';

const CANARY_NAME = 'Zzcanaryname Qqguest';
const CANARY_NUMBER = '110105194912310077';
const CANARY_ADDRESS = 'Canaryaddress Road 77';

const guest = (i: number) => ({
  name: CANARY_NAME,
  documentType: 'CN-RIC',
  documentNumber: CANARY_NUMBER,
  birthDate: '1949-12-31',
  address: CANARY_ADDRESS,
  checkInMs: 1_790_000_000_000 + i,
});

let t: TestBureau;
let kiosk: TestKiosk;
beforeEach(async () => {
  t = await startTestBureau();
  kiosk = makeKiosk(t.bureau.sealPublicKey);
  await enrolKiosk(t.bureau, kiosk);
});
afterEach(async () => {
  kiosk.store.close();
  await t.stop();
});

async function appendGuests(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await kiosk.log.append({ kind: 'card_read', outcome: 'read', document: { type: 'CN-RIC', number: CANARY_NUMBER } }, guest(i));
    await kiosk.log.append({ kind: 'operator_action', action: 'check_in', operator: 'staff-3' });
  }
}

describe('sealed guest registrations', () => {
  it('are opened and stored in the registration table, never logged', async () => {
    await appendGuests(3);
    const reply = await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 6));
    expect(reply.json).toEqual({ highWater: 6 });
    expect(t.bureau.registrations(kiosk.deviceId)).toEqual([1, 3, 5].map((seq, i) => ({ seq, ...guest(i) })));
    // Retried: still one registration per record.
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 6));
    expect(t.bureau.registrations(kiosk.deviceId)).toHaveLength(3);

    const logged = t.logText();
    expect(logged).toContain(kiosk.deviceId);
    expect(logged).toContain('"registrations":3');
    for (const canary of [CANARY_NAME, 'Zzcanaryname', CANARY_NUMBER, CANARY_ADDRESS, '1949-12-31']) {
      expect(logged.includes(canary), canary).toBe(false);
    }
  });

  it('refuse a payload that does not open, a missing one and an extra one with 422 unsealable', async () => {
    await appendGuests(2);
    const good = kiosk.batch(1, 4);
    const tampered = structuredClone(good);
    const ciphertext = Buffer.from(tampered.records[2]!.sealed!.ciphertext, 'base64');
    ciphertext[0]! ^= 1;
    tampered.records[2]!.sealed!.ciphertext = b64(ciphertext);
    const missing = structuredClone(good);
    delete missing.records[0]!.sealed;
    const extra = structuredClone(good);
    extra.records[1]!.sealed = good.records[0]!.sealed!;
    // A payload moved to another record does not open there: it is bound to its seq and leaf.
    const moved = structuredClone(good);
    [moved.records[0]!.sealed, moved.records[2]!.sealed] = [good.records[2]!.sealed!, good.records[0]!.sealed!];
    for (const batch of [tampered, missing, extra, moved]) {
      const reply = await upload(t.bureau, kiosk.deviceId, batch);
      expect(reply.status).toBe(422);
      expect(reply.json.error).toBe('unsealable');
    }
    expect(t.bureau.records(kiosk.deviceId)).toHaveLength(0);
    expect(t.bureau.registrations(kiosk.deviceId)).toHaveLength(0);
    expect(t.logText().includes('Zzcanaryname')).toBe(false);
    expect((await upload(t.bureau, kiosk.deviceId, good)).json).toEqual({ highWater: 4 });
  });
});
