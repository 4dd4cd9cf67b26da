// Device enrolment through real HTTP: one-time codes, idempotent for the same device and key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admin, call, makeKiosk, startTestBureau, upload, type TestBureau } from './fixtures.js';

let t: TestBureau;
beforeEach(async () => {
  t = await startTestBureau();
});
afterEach(async () => {
  await t.stop();
});

const enrol = (body: unknown) => call(`${t.bureau.url}/v1/devices`, { body });

describe('enrolment', () => {
  it('enrols a device with a code added by the admin endpoint, and answers the same to a retry', async () => {
    const kiosk = makeKiosk(t.bureau.sealPublicKey);
    expect((await admin(t.bureau, '/admin/enrolment-codes', { codes: ['HOTEL-0001', 'HOTEL-0002'] })).json).toEqual({ added: 2 });
    const request = { enrolmentCode: 'HOTEL-0001', deviceId: kiosk.deviceId, publicKey: kiosk.publicKeySpki };
    const first = await enrol(request);
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ deviceId: kiosk.deviceId, sealKey: Buffer.from(t.bureau.sealPublicKey).toString('base64'), highWater: 0 });
    expect(t.bureau.unusedEnrolmentCodes()).toEqual(['HOTEL-0002']);

    await kiosk.appendVerifications(3);
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 3));
    const again = await enrol(request);
    expect(again.status).toBe(201);
    // The retry tells a reinstalled kiosk where its log stands.
    expect(again.json).toMatchObject({ deviceId: kiosk.deviceId, highWater: 3 });
    expect(t.bureau.devices()).toHaveLength(1);
    kiosk.store.close();
  });

  it('refuses an unknown code with 403 and a used one with 409', async () => {
    const a = makeKiosk(t.bureau.sealPublicKey);
    const b = makeKiosk(t.bureau.sealPublicKey);
    const unknown = await enrol({ enrolmentCode: 'NOPE', deviceId: a.deviceId, publicKey: a.publicKeySpki });
    expect(unknown.status).toBe(403);
    expect(unknown.json.error).toBe('unknown_code');
    t.bureau.addEnrolmentCodes(['ONCE']);
    expect((await enrol({ enrolmentCode: 'ONCE', deviceId: a.deviceId, publicKey: a.publicKeySpki })).status).toBe(201);
    const used = await enrol({ enrolmentCode: 'ONCE', deviceId: b.deviceId, publicKey: b.publicKeySpki });
    expect(used.status).toBe(409);
    expect(used.json.error).toBe('code_used');
    // The same device with another key is not the same enrolment either.
    const rekey = await enrol({ enrolmentCode: 'ONCE', deviceId: a.deviceId, publicKey: b.publicKeySpki });
    expect(rekey.json.error).toBe('code_used');
    expect(t.bureau.devices().map((d) => d.deviceId)).toEqual([a.deviceId]);
    a.store.close();
    b.store.close();
  });

  it('does not let a fresh code take over an enrolled device id with another key', async () => {
    const a = makeKiosk(t.bureau.sealPublicKey);
    const b = makeKiosk(t.bureau.sealPublicKey);
    t.bureau.addEnrolmentCodes(['FIRST', 'SECOND']);
    await enrol({ enrolmentCode: 'FIRST', deviceId: a.deviceId, publicKey: a.publicKeySpki });
    const takeover = await enrol({ enrolmentCode: 'SECOND', deviceId: a.deviceId, publicKey: b.publicKeySpki });
    expect(takeover.status).toBe(409);
    expect(takeover.json.error).toBe('device_exists');
    expect(t.bureau.unusedEnrolmentCodes()).toEqual(['SECOND']);
    a.store.close();
    b.store.close();
  });

  it('refuses malformed requests with 400', async () => {
    const kiosk = makeKiosk(t.bureau.sealPublicKey);
    t.bureau.addEnrolmentCodes(['C1']);
    const p256 = Buffer.from(
      '3059301306072a8648ce3d020106082a8648ce3d03010703420004' + '11'.repeat(64),
      'hex',
    ).toString('base64');
    for (const body of [
      'not json',
      { enrolmentCode: 'C1', deviceId: 'not-a-uuid', publicKey: kiosk.publicKeySpki },
      { enrolmentCode: 'C1', deviceId: kiosk.deviceId, publicKey: 'AAAA' },
      { enrolmentCode: 'C1', deviceId: kiosk.deviceId, publicKey: p256 },
    ]) {
      const reply = await enrol(body);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('malformed_request');
    }
    expect(t.bureau.unusedEnrolmentCodes()).toEqual(['C1']);
    kiosk.store.close();
  });
});
