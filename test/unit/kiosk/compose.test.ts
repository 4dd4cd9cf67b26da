// startKiosk with nothing injected but the NTP answer: it opens its own store in dataDir, the
// lists from the baseline files, the trusted clock, and (simulation) the fake devices — once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, startKiosk } from '../../../main/kiosk/index.js';
import { createKioskLogger } from '../../../main/kiosk/log.js';
import { DAY, LogCapture, code, configFor, makeBench } from './fixtures.js';

describe('startKiosk composition', () => {
  it('runs on its own store, lists, clock and simulated devices, and closes them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bench = makeBench({ nu: now + 7 * DAY });
    try {
      const config = loadConfig(configFor(bench, { site: { profile: 'bank' } }));
      const log = new LogCapture();
      const kiosk = await startKiosk({ config, ntp: async () => true, sync: null, logger: createKioskLogger({ destination: log }) });
      expect(existsSync(join(config.dataDir, 'verikiosk.db'))).toBe(true);
      expect(kiosk.state()).toMatchObject({ screen: 'waiting', simulation: true, site: { profile: 'bank', name: 'verikiosk' }, notices: [] });
      const states: string[] = [];
      kiosk.on('state', (s) => states.push(s.screen));
      expect(await kiosk.handle({ type: 'wedgeScan', text: code(undefined, now) })).toEqual({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(kiosk.state().verdict).toMatchObject({ result: 'valid', format: 'eid' });
      expect(states).toEqual(['reading', 'verifying', 'verdict']);
      expect(await kiosk.handle({ type: 'simulate', step: { action: 'unplug', device: 'qr-scanner' } })).toEqual({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(kiosk.state().notices).toContainEqual({ code: 'device_absent', device: 'qr-scanner' });
      await kiosk.close();
      expect(await kiosk.handle({ type: 'setLanguage', language: 'en' })).toEqual({ ok: false, error: 'failed' });
    } finally {
      bench.cleanup();
    }
  });
});
