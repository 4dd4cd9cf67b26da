// Simulation mode: the `simulate` commands drive the fake devices with sample documents from an
// injected SampleSource, and are refused on a kiosk with real devices.
import { describe, expect, it } from 'vitest';
import { QrImageDecoder } from '../../../drivers/camera/index.js';
import type { SampleSource } from '../../../main/kiosk/index.js';
import { renderQrPng } from '../../../tools/issuer/qr.js';
import { HOLDER, NOW, REVOKED_CARD, REVOKED_HOLDER, card, code, drive, startTestKiosk, useKioskBench } from './fixtures.js';

const ctx = useKioskBench();

function samples(): SampleSource & { texts: Map<string, string> } {
  const texts = new Map<string, string>();
  const codeOf = (sample: string): string => {
    let text = texts.get(sample);
    if (!text) {
      text = sample === 'revoked' ? code(REVOKED_HOLDER, NOW) : sample === 'expired' ? code(HOLDER, NOW - 3600) : code(HOLDER, NOW);
      texts.set(sample, text);
    }
    return text;
  };
  return {
    texts,
    code: codeOf,
    card: (sample) => (sample === 'revoked-card' ? REVOKED_CARD : card(sample === 'hk-macao-taiwan' ? 'hk-macao-taiwan' : 'resident')),
    codeImage: (sample) => renderQrPng(codeOf(sample)),
  };
}

describe('simulate', () => {
  it('presents sample codes through the fake QR scanner', async () => {
    const t = await startTestKiosk(ctx.bench, {}, { samples: samples() });
    expect(await t.send({ type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'qr-scanner' } })).toEqual({ ok: true });
    await t.pass();
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid', source: 'qr-scanner' });
    await t.send({ type: 'simulate', step: { action: 'presentCode', sample: 'expired', via: 'qr-scanner' } });
    await t.pass();
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'invalid', reasons: ['expired'] });
    await t.close();
  });

  it('presents and lifts sample cards on the fake reader', async () => {
    const t = await startTestKiosk(ctx.bench, {}, { samples: samples() });
    expect(await t.send({ type: 'simulate', step: { action: 'presentCard', sample: 'revoked-card' } })).toEqual({ ok: true });
    await t.pass(600);
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'invalid', reasons: ['revoked'], format: 'card' });
    // Presenting another card lifts the first.
    await t.send({ type: 'simulate', step: { action: 'presentCard', sample: 'resident' } });
    await t.pass(900);
    expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid', format: 'card' });
    expect(await t.send({ type: 'simulate', step: { action: 'liftCard' } })).toEqual({ ok: true });
    expect(await t.send({ type: 'simulate', step: { action: 'liftCard' } })).toEqual({ ok: false, error: 'failed' });
    await t.close();
  });

  it('unplugs and replugs devices, which the notices follow', async () => {
    const t = await startTestKiosk(ctx.bench, {}, { samples: samples() });
    for (const device of ['card-reader', 'qr-scanner', 'camera', 'signals'] as const) {
      expect(await t.send({ type: 'simulate', step: { action: 'unplug', device } })).toEqual({ ok: true });
    }
    await t.pass(5000);
    expect(t.kiosk.state().notices).toEqual([
      { code: 'device_absent', device: 'card-reader' },
      { code: 'device_absent', device: 'qr-scanner' },
      { code: 'device_absent', device: 'camera' },
      { code: 'device_faulty', device: 'signals' },
    ]);
    expect(await t.send({ type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'qr-scanner' } })).toEqual({ ok: false, error: 'failed' });
    for (const device of ['card-reader', 'qr-scanner', 'camera', 'signals'] as const) await t.send({ type: 'simulate', step: { action: 'replug', device } });
    await t.pass(5000);
    expect(t.kiosk.state().notices).toEqual([]);
    await t.close();
  });

  it('presents a code to the camera: one frame is decoded and verified', async () => {
    const decoder = new QrImageDecoder();
    try {
      const t = await startTestKiosk(ctx.bench, {}, { samples: samples(), qrDecoder: decoder });
      expect(await t.send({ type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'camera' } })).toEqual({ ok: true });
      await t.pass();
      expect(t.kiosk.state().verdict).toMatchObject({ result: 'valid', source: 'camera' });
      await t.close();
    } finally {
      await decoder.close();
    }
  });

  it('without samples a presenting step fails, and a kiosk with real devices refuses every step', async () => {
    const t = await startTestKiosk(ctx.bench);
    expect(await t.send({ type: 'simulate', step: { action: 'presentCode', sample: 'valid', via: 'qr-scanner' } })).toEqual({ ok: false, error: 'failed' });
    await t.close();
    const real = await startTestKiosk(ctx.bench, { simulation: false }, { devices: {} });
    expect(real.kiosk.state().simulation).toBe(false);
    for (const step of [{ action: 'presentCard', sample: 'resident' }, { action: 'unplug', device: 'camera' }, { action: 'liftCard' }]) {
      expect(await real.send({ type: 'simulate', step })).toEqual({ ok: false, error: 'not_simulation' });
    }
    await real.close();
  });
});

describe('camera scanning (camera.scanCodes)', () => {
  it('reads a code held up to the camera once, however many frames show it; a new code is read again', async () => {
    const decoder = new QrImageDecoder();
    try {
      // Fake time runs ahead of the real decoder here: a wide window keeps the test about the rule, not the pace.
      const t = await startTestKiosk(ctx.bench, { camera: { scanCodes: true, scanIntervalMs: 200 }, session: { debounceMs: 30_000 } }, { qrDecoder: decoder });
      const until = (cond: () => boolean) =>
        drive(
          new Promise<void>((resolve) => {
            const check = () => (cond() ? resolve() : setTimeout(check, 20));
            check();
          }),
        );
      const verifications = () => t.records().filter((r) => r.event.kind === 'verification');
      t.fakes.camera.show(await renderQrPng(code()));
      await until(() => verifications().length > 0);
      expect(verifications()[0]!.event).toMatchObject({ result: 'valid', source: 'camera' });
      const seen = t.fakes.camera.captures;
      await until(() => t.fakes.camera.captures >= seen + 4);
      expect(verifications()).toHaveLength(1);
      t.fakes.camera.show(await renderQrPng(code(REVOKED_HOLDER)));
      await until(() => verifications().length > 1);
      expect(verifications()[1]!.event).toMatchObject({ result: 'invalid', reasons: ['revoked'], source: 'camera' });
      expect(t.records().filter((r) => r.event.kind === 'verification')).toHaveLength(2);
      await t.close();
    } finally {
      await decoder.close();
    }
  });
});
