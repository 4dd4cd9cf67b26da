// The composed kiosk on its fake devices: commands checked, verdicts from each device through the
// verifier to the audit log, the lights and the screen; the session's edge cases end to end; replay
// across a restart; device faults and notices.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HOLDER, NOW, REVOKED_CARD, REVOKED_HOLDER, card, code, containsText, expiredCard, startTestKiosk, useKioskBench } from './fixtures.js';

const ctx = useKioskBench();


describe('commands', () => {
  it('refuses anything the contract does not define as invalid_command', async () => {
    const t = await startTestKiosk(ctx.bench);
    for (const bad of [undefined, null, 42, 'wedgeScan', {}, { type: 'launchMissiles' }, { type: 'wedgeScan' }, { type: 'wedgeScan', text: '' }, { type: 'operatorLogin', pin: '12ab' }, { type: 'holdVerdict', id: 'x'.repeat(65) }, { type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'fax' } }]) {
      expect(await t.send(bad)).toEqual({ ok: false, error: 'invalid_command' });
    }
    expect(t.kiosk.state().screen).toBe('waiting');
    await t.close();
  });

  it('changes the language on setLanguage and tells the screen', async () => {
    const t = await startTestKiosk(ctx.bench);
    expect(t.kiosk.state().language).toBe('zh-CN');
    expect(await t.send({ type: 'setLanguage', language: 'en' })).toEqual({ ok: true });
    expect(t.kiosk.state().language).toBe('en');
    expect(t.states.at(-1)?.language).toBe('en');
    await t.close();
  });
});

describe('verdicts from the devices', () => {
  it('a valid code from the QR scanner: verdict on screen, green light, audit record with list seqs and a pseudonym only', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.fakes.signals.clearTimeline();
    t.fakes.qrScanner.scan(code());
    await t.pass();
    const verdict = t.kiosk.state().verdict!;
    expect(verdict).toMatchObject({ result: 'valid', reasons: [], source: 'qr-scanner', format: 'eid', held: false });
    expect(verdict.holder).toMatchObject({ name: HOLDER.name, maskedNumber: '110105********1239', documentType: 'CN-RIC' });
    expect(t.states.map((s) => s.screen)).toEqual(['reading', 'verifying', 'verdict']);
    expect(t.fakes.signals.timeline).toContainEqual({ atMs: expect.any(Number), line: 'green', on: true });

    const rows = [...t.store.audit.rows(1, t.kiosk.audit.size)];
    const records = t.records();
    const verification = records.find((r) => r.event.kind === 'verification')!;
    expect(verification.event).toMatchObject({ kind: 'verification', result: 'valid', reasons: [], format: 'eid', source: 'qr', trustListSeq: 3, statusListSeq: 7 });
    expect((verification.event as { documentPseudonym: Uint8Array }).documentPseudonym).toHaveLength(32);
    for (const row of rows) {
      expect(containsText(row.body!, HOLDER.documentNumber)).toBe(false);
      expect(containsText(row.body!, HOLDER.name)).toBe(false);
    }
    await t.close();
  });

  it('a revoked code: invalid (revoked), red light', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.fakes.signals.clearTimeline();
    t.fakes.qrScanner.scan(code(REVOKED_HOLDER));
    await t.pass();
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'invalid', reasons: ['revoked'] });
    expect(t.fakes.signals.timeline).toContainEqual({ atMs: expect.any(Number), line: 'red', on: true });
    await t.close();
  });

  it('cards from the card reader: valid, revoked and expired, each with a card_read and a verification record', async () => {
    const t = await startTestKiosk(ctx.bench);
    const cases = [
      [card('resident'), 'valid', []],
      [REVOKED_CARD, 'invalid', ['revoked']],
      [expiredCard(), 'invalid', ['document_expired']],
      [card('foreign-2017'), 'valid', []],
    ] as const;
    for (const [record, result, reasons] of cases) {
      t.fakes.cardReader.present(record);
      await t.pass(600);
      expect(t.kiosk.state().verdict).toMatchObject({ result, reasons, source: 'card-reader', format: 'card' });
      t.fakes.cardReader.lift();
      await t.pass(600);
    }
    const kinds = t.records().map((r) => r.event.kind);
    expect(kinds.filter((k) => k === 'card_read')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'verification')).toHaveLength(4);
    const read = t.records().find((r) => r.event.kind === 'card_read')!.event;
    expect(read).toMatchObject({ kind: 'card_read', outcome: 'read', reader: 'simulated' });
    expect((read as { documentPseudonym?: Uint8Array }).documentPseudonym).toHaveLength(32);
    for (const row of t.store.audit.rows()) expect(containsText(row.body!, card('resident').idNumber)).toBe(false);
    await t.close();
  });

  it('a card that fails to read is audited as card_read failed, and shows nothing', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.fakes.cardReader.present(card('resident'), { failWith: 0x41 });
    await t.pass(600);
    expect(t.kiosk.state().screen).toBe('waiting');
    expect(t.records().map((r) => r.event)).toContainEqual({ kind: 'card_read', outcome: 'failed', reader: 'simulated', error: 'read_failed' });
    await t.close();
  });

  it('a code too long for a QR code is shown as unreadable (too_large)', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.fakes.qrScanner.scan('EID1:' + 'A'.repeat(5000));
    await t.pass();
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'unreadable', reasons: ['too_large'] });
    await t.close();
  });

  it('the verdict clears after the profile’s seconds (rail: 5) and the lights go idle', async () => {
    const t = await startTestKiosk(ctx.bench);
    await t.send({ type: 'wedgeScan', text: code() });
    const { at, clearsAt } = t.kiosk.state().verdict!;
    expect(clearsAt! - at).toBe(5000);
    await t.pass(clearsAt! - Date.now());
    expect(t.kiosk.state().screen).toBe('waiting');
    expect(t.fakes.signals.pattern).toBe('idle');
    await t.close();
  });

  it('holdVerdict and dismissVerdict act on the current id only', async () => {
    const t = await startTestKiosk(ctx.bench);
    await t.send({ type: 'wedgeScan', text: code() });
    const { id } = t.kiosk.state().verdict!;
    expect(await t.send({ type: 'holdVerdict', id: 'old-verdict' })).toEqual({ ok: false, error: 'unknown_verdict' });
    expect(await t.send({ type: 'holdVerdict', id })).toEqual({ ok: true });
    await t.pass(60_000);
    expect(t.kiosk.state().verdict).toMatchObject({ id, held: true });
    expect(await t.send({ type: 'dismissVerdict', id: 'old-verdict' })).toEqual({ ok: false, error: 'unknown_verdict' });
    expect(await t.send({ type: 'dismissVerdict', id })).toEqual({ ok: true });
    expect(t.kiosk.state().screen).toBe('waiting');
    expect(await t.send({ type: 'dismissVerdict', id })).toEqual({ ok: false, error: 'unknown_verdict' });
    await t.close();
  });
});

describe('edge cases end to end', () => {
  it('card and code at once: the first wins, the card is audited as ignored_busy', async () => {
    const t = await startTestKiosk(ctx.bench);
    const scanned = t.kiosk.handle({ type: 'wedgeScan', text: code() });
    t.fakes.cardReader.emit('card', card('resident'));
    expect(await scanned).toEqual({ ok: true });
    await t.pass();
    expect(t.kiosk.state().verdict).toMatchObject({ source: 'keyboard-wedge', format: 'eid' });
    const events = t.records().map((r) => r.event);
    expect(events.filter((e) => e.kind === 'verification')).toHaveLength(1);
    expect(events.find((e) => e.kind === 'card_read')).toMatchObject({ outcome: 'ignored_busy' });
    await t.close();
  });

  it('two wedge scans at once: the second answers busy', async () => {
    const t = await startTestKiosk(ctx.bench);
    const first = t.kiosk.handle({ type: 'wedgeScan', text: code() });
    const second = t.kiosk.handle({ type: 'wedgeScan', text: code(HOLDER, NOW - 10) });
    expect(await second).toEqual({ ok: false, error: 'busy' });
    expect(await first).toEqual({ ok: true });
    await t.close();
  });

  it('a second scan during a verdict replaces it; the same code again within the debounce window is one scan', async () => {
    const t = await startTestKiosk(ctx.bench);
    const text = code();
    t.fakes.qrScanner.scan(text);
    await t.pass(500);
    const first = t.kiosk.state().verdict!;
    t.fakes.qrScanner.scan(text); // the scanner read the same phone again
    await t.pass(500);
    expect(t.kiosk.state().verdict!.id).toBe(first.id);
    t.fakes.qrScanner.scan(code(REVOKED_HOLDER));
    await t.pass();
    const second = t.kiosk.state().verdict!;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ result: 'invalid', reasons: ['revoked'] });
    expect(t.records().filter((r) => r.event.kind === 'verification')).toHaveLength(2);
    await t.close();
  });

  it('a scanner unplugged mid-read: no verdict, back to waiting with a device notice and a device_fault record', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.fakes.qrScanner.scan(code());
    t.fakes.qrScanner.unplug();
    await t.pass(100);
    const state = t.kiosk.state();
    expect(state.screen).toBe('waiting');
    expect(state.verdict).toBeUndefined();
    expect(state.notices).toContainEqual({ code: 'device_absent', device: 'qr-scanner' });
    expect(t.records().map((r) => r.event)).toContainEqual(expect.objectContaining({ kind: 'device_fault', device: 'qr_scanner', fault: 'absent' }));
    t.fakes.qrScanner.replug();
    await t.pass(100);
    expect(t.kiosk.state().notices).toEqual([]);
    await t.close();
  });

  it('a card reader unplugged: notice device_absent, device_fault audited with the driver code', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.fakes.cardReader.unplug();
    await t.pass(400);
    expect(t.kiosk.state().notices).toContainEqual({ code: 'device_absent', device: 'card-reader' });
    expect(t.records().map((r) => r.event)).toContainEqual(expect.objectContaining({ kind: 'device_fault', device: 'card_reader', fault: 'disconnected' }));
    await t.close();
  });
});

describe('replay', () => {
  it('refuses a cti accepted before as replayed, also after a restart; another cti still passes', async () => {
    const storePath = join(ctx.bench.dir, 'replay.db');
    const cti = new Uint8Array(randomBytes(16));
    const first = code(HOLDER, NOW, cti);
    let t = await startTestKiosk(ctx.bench, {}, { storePath });
    await t.send({ type: 'wedgeScan', text: first });
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid' });
    await t.pass(3000);
    // The same token signed anew: not the same scan, the same credential.
    await t.send({ type: 'wedgeScan', text: code(HOLDER, NOW, cti) });
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'invalid', reasons: ['replayed'] });
    await t.close();

    t = await startTestKiosk(ctx.bench, {}, { storePath });
    await t.send({ type: 'wedgeScan', text: first });
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'invalid', reasons: ['replayed'] });
    await t.pass(3000);
    await t.send({ type: 'wedgeScan', text: code(HOLDER, NOW) });
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid' });
    await t.close();
  });

  it('forgets tokens once they have expired (they are refused as expired then anyway)', async () => {
    const storePath = join(ctx.bench.dir, 'replay.db');
    const t = await startTestKiosk(ctx.bench, {}, { storePath });
    await t.send({ type: 'wedgeScan', text: code() });
    expect(t.store.replay.active(NOW)).toHaveLength(1);
    // exp = iat + 300, kept until exp + skew (60 s); housekeeping purges once a minute.
    await t.pass(7 * 60_000);
    expect(t.store.replay.active(NOW)).toHaveLength(0);
    await t.close();
  });
});

describe('audit records for each event kind', () => {
  it('writes list_update at boot, operator_action, clock_change and device_fault', async () => {
    const t = await startTestKiosk(ctx.bench);
    t.clock.emit('clock_change', { fromMs: NOW * 1000, toMs: NOW * 1000 + 60_000, source: 'system' });
    t.fakes.camera.unplug();
    await t.send({ type: 'operatorLogin', pin: '1234' }); // no PIN configured: refused, nothing opened
    await t.pass(10);
    const events = t.records().map((r) => r.event);
    expect(events.slice(0, 2)).toEqual([
      { kind: 'list_update', list: 'TL1', outcome: 'accepted', seq: 3 },
      { kind: 'list_update', list: 'SL1', outcome: 'accepted', seq: 7 },
    ]);
    expect(events).toContainEqual({ kind: 'clock_change', fromMs: NOW * 1000, toMs: NOW * 1000 + 60_000, source: 'system' });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'device_fault', device: 'camera', fault: 'absent' }));
    await t.close();
  });
});
