// Site profiles change what the kiosk shows, reports and trusts: the hotel seals a guest
// registration for the bureau and takes a visitor photo, rail reports nothing but the audit
// record, the bank shows every field and refuses to judge on an untrusted clock; the relay follows.
import { describe, expect, it } from 'vitest';
import { generateBureauKeyPair, openSealed } from '../../../main/audit/index.js';
import { loadConfig, profileOf } from '../../../main/kiosk/index.js';
import { openDevices } from '../../../main/kiosk/devices.js';
import { HOLDER, NOW, REVOKED_HOLDER, card, code, configFor, drive, startTestKiosk, useKioskBench } from './fixtures.js';

const ctx = useKioskBench();
const bureau = await generateBureauKeyPair();
const enrolled = { beforeStart: (store: { meta: { set(key: 'bureau_seal_key', value: Uint8Array): void } }) => store.meta.set('bureau_seal_key', bureau.publicKey) };

describe('hotel', () => {
  it('seals a guest registration with a valid verdict; the bureau opens it; the kiosk cannot read it back', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'hotel', name: 'Lobby' } }, enrolled);
    await t.send({ type: 'wedgeScan', text: code() });
    await t.kiosk.audit.settled();
    await t.pass(100);
    const verdict = t.kiosk.state().verdict!;
    expect(verdict).toMatchObject({ result: 'valid' });
    expect(verdict.holder?.fields).toEqual([{ key: 'holder.birthDate', value: '1990-03-07' }]);

    const rows = [...t.store.audit.rows()];
    const records = t.records();
    const index = records.findIndex((r) => r.event.kind === 'verification');
    const record = records[index]!;
    expect(record.sealed).toBe(true);
    const [sealed] = t.store.audit.sealedRange(record.seq, record.seq);
    const registration = await openSealed(bureau.privateKey, { deviceId: t.kiosk.audit.deviceId, seq: record.seq, leafHash: rows[index]!.leafHash }, sealed!);
    expect(registration).toEqual({
      name: HOLDER.name,
      documentType: 'CN-RIC',
      documentNumber: HOLDER.documentNumber,
      birthDate: HOLDER.birthDate,
      address: HOLDER.address,
      checkInMs: expect.any(Number),
    });
    expect(Buffer.from(sealed!.ciphertext).includes(Buffer.from(HOLDER.name))).toBe(false);
    await t.close();
  });

  it('on a kiosk not yet enrolled: tells the clerk registrations are not kept, keeps none, and seals once enrolled', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'hotel' } });
    expect(t.kiosk.state().notices).toContainEqual({ code: 'not_enrolled' });
    await t.send({ type: 'wedgeScan', text: code() });
    await t.kiosk.audit.settled();
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid' });
    expect(t.records().some((r) => r.sealed)).toBe(false);

    // The sync loop enrols while the kiosk runs: the next check seals, and the notice goes.
    t.store.meta.set('bureau_seal_key', bureau.publicKey);
    await t.pass(60_000);
    expect(t.kiosk.state().notices).not.toContainEqual({ code: 'not_enrolled' });
    await t.send({ type: 'wedgeScan', text: code({ ...HOLDER, documentNumber: HOLDER.documentNumber }) });
    await t.kiosk.audit.settled();
    expect(t.records().filter((r) => r.sealed)).toHaveLength(1);
    await t.close();
  });

  it('reports nothing for an invalid verdict', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'hotel' } }, enrolled);
    await t.send({ type: 'wedgeScan', text: code(REVOKED_HOLDER) });
    await t.kiosk.audit.settled();
    expect(t.records().some((r) => r.sealed)).toBe(false);
    await t.close();
  });

  it('takes the visitor photo with the camera and adds it to the verdict on screen', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'hotel' } }, enrolled);
    await t.send({ type: 'wedgeScan', text: code() });
    await t.kiosk.audit.settled(); // the registration is sealed before the verdict shows
    await t.pass(200); // the fake camera's capture delay
    expect(t.kiosk.state().verdict?.holder?.photo).toMatch(/^data:image\/jpeg;base64,/);
    expect(t.fakes.camera.captures).toBe(1);
    await t.close();
  });

  it('pulses the relay on a valid verdict; rail never does', async () => {
    for (const [profile, pulses] of [['hotel', true], ['rail', false]] as const) {
      // The wiring allows a relay (signals.relay.enabled); the profile decides whether a verdict uses it.
      const config = loadConfig(configFor(ctx.bench, { site: { profile }, signals: { relay: { enabled: true } } }));
      const { simulated } = await openDevices(config, profileOf(config));
      const signals = simulated!.signals!;
      await drive(signals.show('success'));
      expect(signals.timeline.some((c) => c.line === 'relay' && c.on)).toBe(pulses);
      await signals.close();
    }
  });
});

describe('rail', () => {
  it('shows name and masked number only, and seals nothing even when enrolled', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'rail' } }, enrolled);
    await t.send({ type: 'wedgeScan', text: code() });
    await t.kiosk.audit.settled();
    expect(t.kiosk.state().verdict?.holder).toEqual({ name: HOLDER.name, maskedNumber: '110105********1239', documentType: 'CN-RIC', fields: [] });
    expect(t.records().some((r) => r.sealed)).toBe(false);
    expect(t.store.audit.sealedRange(1, 1000)).toEqual([]);
    expect(t.fakes.camera.captures).toBe(0);
    await t.close();
  });

  it('gives verdicts on an untrusted clock (its policy tolerates it)', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'rail' } }, { ntpSynced: false });
    await t.send({ type: 'wedgeScan', text: code() });
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid' });
    expect(t.kiosk.state().notices).toEqual([]);
    await t.close();
  });
});

describe('bank', () => {
  it('shows birth date, sex, address, validity and authority of a card', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'bank' } });
    t.fakes.cardReader.present(card('resident'));
    await t.pass(600);
    const holder = t.kiosk.state().verdict?.holder;
    expect(holder?.fields.map((f) => f.key)).toEqual(['holder.birthDate', 'holder.sex', 'holder.address', 'holder.validTo', 'holder.authority']);
    expect(holder?.fields[0]?.value).toBe('1990-03-07');
    await t.close();
  });

  it('answers cannot_validate (clock_unsynced) without a trusted clock, and says so', async () => {
    const t = await startTestKiosk(ctx.bench, { site: { profile: 'bank' } }, { ntpSynced: false });
    expect(t.kiosk.state().notices).toContainEqual({ code: 'clock_unsynced' });
    await t.send({ type: 'wedgeScan', text: code() });
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'cannot_validate', reasons: ['clock_unsynced'] });
    expect(t.fakes.signals.pattern).toBe('attention');
    await t.close();
  });
});

describe('freshness notices', () => {
  it('lists going stale within a day, then stale: notices, then cannot_validate', async () => {
    // bank: 24 h grace; lists due an hour ago → stale in 23 h.
    ctx.bench.cleanup();
    const fresh = (await import('./fixtures.js')).makeBench({ nu: NOW - 3600 });
    try {
      const t = await startTestKiosk(fresh, { site: { profile: 'bank' } });
      expect(t.kiosk.state().notices).toEqual([{ code: 'lists_stale_soon' }]);
      await t.pass(23 * 3600 * 1000 + 10_000);
      expect(t.kiosk.state().notices).toEqual([{ code: 'lists_stale' }]);
      await t.send({ type: 'wedgeScan', text: code() });
      expect(t.kiosk.state().verdict).toMatchObject({ result: 'cannot_validate', reasons: ['stale_trust_list', 'stale_status_list'] });
      await t.close();
    } finally {
      fresh.cleanup();
    }
  });
});
