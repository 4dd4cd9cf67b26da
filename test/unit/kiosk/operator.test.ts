// The operator console through the kiosk's commands: PIN checked against its scrypt hash, the
// lock-out and its doubling, unlock after time, auto-logout, syncNow only when logged in, and an
// OperatorStatus without personal data.
import { describe, expect, it } from 'vitest';
import { hashPin } from '../../../config/pin.js';
import type { OperatorStatus } from '../../../main/api/contract.js';
import type { KioskSync } from '../../../main/kiosk/index.js';
import { HOLDER, code, startTestKiosk, useKioskBench } from './fixtures.js';

const ctx = useKioskBench();
// A cheap cost keeps the test quick; the comparison path is the production one.
const pin = await hashPin('2468', { N: 1024 });
const operatorConfig = { operator: { pin, idleLogoutSeconds: 60 } };

/** A sync loop the test steers: what syncNow answers and what status reports. */
function steeredSync(answer: { ok: boolean }) {
  const calls: string[] = [];
  const sync: KioskSync = {
    start: () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
    syncNow: async () => {
      calls.push('syncNow');
      return answer.ok ? { ok: true } : { ok: false, error: { code: 'bureau_unreachable' } };
    },
    status: () => ({ connectivity: answer.ok ? 'online' : 'offline', backlog: 3, ...(answer.ok ? { lastSuccessMs: 1_750_000_000_000 } : { lastError: { code: 'bureau_unreachable' } }) }),
  };
  return { sync, calls };
}

describe('operator PIN', () => {
  it('opens the console with the right PIN and returns the operator status', async () => {
    const t = await startTestKiosk(ctx.bench, operatorConfig);
    const result = await t.send({ type: 'operatorLogin', pin: '2468' });
    expect(result.ok).toBe(true);
    const status = (result as { operator: OperatorStatus }).operator;
    expect(status).toMatchObject({ deviceId: t.kiosk.audit.deviceId, version: 'test', clock: { trusted: true, source: 'ntp' }, sync: { state: 'disabled' } });
    expect(status.devices).toEqual([
      { device: 'card-reader', state: 'simulated' },
      { device: 'qr-scanner', state: 'simulated' },
      { device: 'camera', state: 'simulated' },
      { device: 'signals', state: 'simulated' },
    ]);
    expect(status.trustList).toMatchObject({ seq: 3, entries: 1 });
    expect(status.statusList).toMatchObject({ seq: 7, entries: 2 });
    expect(status.trustList!.staleAt - status.trustList!.nextUpdate).toBe(120 * 3600 * 1000); // rail's grace
    expect(t.records().map((r) => r.event)).toContainEqual({ kind: 'operator_action', action: 'login', operator: 'operator' });
    await t.close();
  });

  it('counts wrong PINs, locks out after 5 for 30 s (even the right PIN), then for 60 s after the next 5', async () => {
    const t = await startTestKiosk(ctx.bench, operatorConfig);
    for (const left of [4, 3, 2, 1]) expect(await t.send({ type: 'operatorLogin', pin: '0000' })).toEqual({ ok: false, error: 'wrong_pin', attemptsLeft: left });
    const locked = await t.send({ type: 'operatorLogin', pin: '0000' });
    expect(locked).toMatchObject({ ok: false, error: 'locked_out' });
    const until = (locked as { lockedUntil: number }).lockedUntil;
    expect(until - Date.now()).toBeGreaterThan(29_000);
    expect(until - Date.now()).toBeLessThanOrEqual(30_000);
    expect(await t.send({ type: 'operatorLogin', pin: '2468' })).toEqual({ ok: false, error: 'locked_out', lockedUntil: until });

    await t.pass(until - Date.now() + 1);
    for (let i = 0; i < 4; i++) await t.send({ type: 'operatorLogin', pin: '1111' });
    const again = (await t.send({ type: 'operatorLogin', pin: '1111' })) as { lockedUntil: number };
    expect(again.lockedUntil - Date.now()).toBeGreaterThan(59_000);
    await t.pass(again.lockedUntil - Date.now() + 1);
    expect((await t.send({ type: 'operatorLogin', pin: '2468' })).ok).toBe(true);

    const actions = t.records().flatMap((r) => (r.event.kind === 'operator_action' ? [r.event.action] : []));
    expect(actions.filter((a) => a === 'login_failed')).toHaveLength(8);
    expect(actions.filter((a) => a === 'locked_out')).toHaveLength(2);
    expect(actions.at(-1)).toBe('login');
    await t.close();
  });

  it('a success resets the count: the next lock-out is the first again', async () => {
    const t = await startTestKiosk(ctx.bench, operatorConfig);
    for (let i = 0; i < 5; i++) await t.send({ type: 'operatorLogin', pin: '0000' });
    await t.pass(31_000);
    expect((await t.send({ type: 'operatorLogin', pin: '2468' })).ok).toBe(true);
    await t.send({ type: 'operatorLogout' });
    for (let i = 0; i < 4; i++) await t.send({ type: 'operatorLogin', pin: '0000' });
    const locked = (await t.send({ type: 'operatorLogin', pin: '0000' })) as { lockedUntil: number };
    expect(locked.lockedUntil - Date.now()).toBeLessThanOrEqual(30_000);
    await t.close();
  });

  it('without a configured PIN the console cannot be opened', async () => {
    const t = await startTestKiosk(ctx.bench);
    expect(await t.send({ type: 'operatorLogin', pin: '2468' })).toEqual({ ok: false, error: 'failed' });
    await t.close();
  });

  it('logs out after the idle time; activity restarts the countdown; operator status is pushed only while logged in', async () => {
    const { sync } = steeredSync({ ok: true });
    const t = await startTestKiosk(ctx.bench, operatorConfig, { sync });
    const pushed: OperatorStatus[] = [];
    t.kiosk.on('operator', (s) => pushed.push(s));
    await t.send({ type: 'operatorLogin', pin: '2468' });
    await t.pass(40_000);
    expect(pushed.length).toBeGreaterThan(0);
    expect((await t.send({ type: 'syncNow' })).ok).toBe(true); // activity at ~40 s
    await t.pass(40_000);
    expect((await t.send({ type: 'syncNow' })).ok).toBe(true); // 80 s after login, 40 s after the last activity
    await t.pass(61_000);
    expect(await t.send({ type: 'syncNow' })).toEqual({ ok: false, error: 'not_operator' });
    const count = pushed.length;
    await t.pass(30_000);
    expect(pushed.length).toBe(count);
    expect(t.records().map((r) => r.event)).toContainEqual({ kind: 'operator_action', action: 'auto_logout', operator: 'operator' });
    await t.close();
  });
});

describe('syncNow', () => {
  it('is refused unless logged in, runs the sync loop when logged in, and reports a failed cycle', async () => {
    const answer = { ok: true };
    const { sync, calls } = steeredSync(answer);
    const t = await startTestKiosk(ctx.bench, operatorConfig, { sync });
    expect(await t.send({ type: 'syncNow' })).toEqual({ ok: false, error: 'not_operator' });
    expect(calls).not.toContain('syncNow');
    await t.send({ type: 'operatorLogin', pin: '2468' });
    const ok = await t.send({ type: 'syncNow' });
    expect(ok).toMatchObject({ ok: true, operator: { sync: { state: 'online', backlog: 3, lastSuccessAt: 1_750_000_000_000 } } });
    answer.ok = false;
    expect(await t.send({ type: 'syncNow' })).toEqual({ ok: false, error: 'failed' });
    expect(t.kiosk.state().notices).toContainEqual({ code: 'offline' });
    await t.send({ type: 'operatorLogout' });
    expect(await t.send({ type: 'syncNow' })).toEqual({ ok: false, error: 'not_operator' });
    expect(calls.filter((c) => c === 'syncNow')).toHaveLength(2);
    await t.close();
    expect(calls).toContain('stop');
  });
});

describe('recent verdicts on the console', () => {
  it('lists result, reasons, source, format and time only — no name, no number', async () => {
    const t = await startTestKiosk(ctx.bench, operatorConfig);
    await t.send({ type: 'wedgeScan', text: code() });
    const status = ((await t.send({ type: 'operatorLogin', pin: '2468' })) as { operator: OperatorStatus }).operator;
    expect(status.recent).toEqual([{ at: expect.any(Number), result: 'valid', reasons: [], source: 'keyboard-wedge', format: 'eid' }]);
    const text = JSON.stringify(status);
    expect(text).not.toContain(HOLDER.name);
    expect(text).not.toContain(HOLDER.documentNumber);
    await t.close();
  });
});
