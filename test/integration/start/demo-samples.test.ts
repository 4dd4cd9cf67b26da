// The demo world and its simulation samples end to end: a fresh demo folder (reference bureau on
// loopback, enrolled kiosk, simulated devices), each sample presented, the verdict it must give.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskState, SimulationAction } from '../../../main/api/contract.js';
import { createKioskLogger, loadConfig, startKiosk } from '../../../main/kiosk/index.js';
import type { KioskService } from '../../../main/kiosk/index.js';
import { demoSamples } from '../../../tools/demo/samples.js';
import { prepareDemoWorld } from '../../../tools/demo/setup.js';
import type { DemoWorld } from '../../../tools/demo/setup.js';

let dir: string;
let world: DemoWorld;
let kiosk: KioskService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verikiosk-demo-'));
  world = await prepareDemoWorld({ dataDir: dir, logLevel: 'warn' });
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  kiosk = await startKiosk({
    config: loadConfig(world.configFile),
    logger: createKioskLogger({ level: 'silent', destination: quiet }),
    samples: demoSamples(world.manifest, world.fixturesDir),
  });
});
afterAll(async () => {
  await kiosk?.close();
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function present(step: SimulationAction): Promise<NonNullable<KioskState['verdict']>> {
  const verdict = new Promise<NonNullable<KioskState['verdict']>>((resolve) => {
    const off = kiosk.on('state', (state) => {
      if (state.screen === 'verdict' && state.verdict) {
        off();
        resolve(state.verdict);
      }
    });
  });
  expect(await kiosk.handle({ type: 'simulate', step })).toEqual({ ok: true });
  const v = await verdict;
  await kiosk.handle({ type: 'dismissVerdict', id: v.id });
  if (step.action === 'presentCard') await kiosk.handle({ type: 'simulate', step: { action: 'liftCard' } });
  return v;
}

describe('the demo world', () => {
  it('is enrolled with its bureau and holds the lists the bureau signed', () => {
    expect(world.bureau.devices()).toHaveLength(1);
    expect(kiosk.state()).toMatchObject({ simulation: true, site: { profile: 'hotel' } });
  });

  it('gives each sample code the verdict its name says', async () => {
    const verdicts: Record<string, string> = {};
    for (const sample of ['valid', 'replayed', 'expired', 'revoked', 'tampered', 'foreign-issuer'] as const) {
      const v = await present({ action: 'presentCode', sample, via: 'qr-scanner' });
      verdicts[sample] = [v.result, ...v.reasons].join(' ');
    }
    expect(verdicts).toEqual({
      valid: 'valid',
      replayed: 'invalid replayed',
      expired: 'invalid expired',
      revoked: 'invalid revoked',
      tampered: 'invalid bad_signature',
      'foreign-issuer': 'invalid unknown_kid',
    });
  });

  it('gives each sample card the verdict its name says (simulator cards age: past their end date they are expired)', async () => {
    const samples = demoSamples(world.manifest, world.fixturesDir);
    const today = new Date().toISOString().slice(0, 10);
    for (const sample of ['resident', 'resident-long-term', 'hk-macao-taiwan', 'foreign-2017', 'foreign-2023', 'revoked-card'] as const) {
      const v = await present({ action: 'presentCard', sample });
      const validTo = samples.card(sample).validTo;
      const expected = sample === 'revoked-card' ? 'invalid revoked' : validTo && /^\d{4}-\d{2}-\d{2}$/.test(validTo) && validTo < today ? 'invalid document_expired' : 'valid';
      expect([v.result, ...v.reasons].join(' '), sample).toBe(expected);
    }
  });

  it('signs codes afresh, so the same sample twice is two different codes', () => {
    const samples = demoSamples(world.manifest, world.fixturesDir);
    expect(samples.code('valid')).not.toBe(samples.code('valid'));
  });
});
