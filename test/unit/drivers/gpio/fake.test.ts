// The patterns as FakeSignals plays them under fake timers: the recorded timeline of each pattern,
// cancelling by a new pattern, the relay's safety rules, a failing line, and an injected clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkSignalsConfig } from '../../../../drivers/gpio/config.js';
import { FakeSignals, type LineChange } from '../../../../drivers/gpio/fake.js';
import { LineSignals, type SignalClock, type SignalLines, type SignalsHealth } from '../../../../drivers/gpio/signals.js';
import type { LineName, SignalsSettings } from '../../../../drivers/gpio/config.js';

const on = (atMs: number, line: LineName): LineChange => ({ atMs, line, on: true });
const off = (atMs: number, line: LineName): LineChange => ({ atMs, line, on: false });

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('patterns on the fake, with real timing', () => {
  it('success: green 1.5 s, one short beep, no relay unless the site enables it', async () => {
    const s = new FakeSignals();
    const done = s.show('success');
    expect(s.pattern).toBe('success');
    expect(s.lines).toEqual({ green: true, red: false, buzzer: true, relay: false });
    await vi.advanceTimersByTimeAsync(1500);
    expect(await done).toBe('finished');
    expect(s.timeline).toEqual([on(0, 'green'), on(0, 'buzzer'), off(120, 'buzzer'), off(1500, 'green')]);
    expect(s.pattern).toBe('idle');
  });

  it('success with the relay enabled pulses it for relay.pulseMs', async () => {
    const s = new FakeSignals(checkSignalsConfig({ relay: { enabled: true, pulseMs: 800 } }));
    const done = s.show('success');
    await vi.advanceTimersByTimeAsync(2000);
    expect(await done).toBe('finished');
    expect(s.timeline).toEqual([on(0, 'green'), on(0, 'buzzer'), on(0, 'relay'), off(120, 'buzzer'), off(800, 'relay'), off(1500, 'green')]);
  });

  it('a relay pulse longer than the green light makes the pattern last as long as the pulse', async () => {
    const s = new FakeSignals(checkSignalsConfig({ relay: { enabled: true, pulseMs: 2500 } }));
    const done = s.show('success');
    await vi.advanceTimersByTimeAsync(1500);
    expect(s.lines.relay).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await done).toBe('finished');
    expect(s.timeline.at(-1)).toEqual(off(2500, 'relay'));
  });

  it('failure: red on, two long beeps', async () => {
    const s = new FakeSignals();
    const done = s.show('failure');
    await vi.advanceTimersByTimeAsync(3000);
    expect(await done).toBe('finished');
    expect(s.timeline).toEqual([on(0, 'red'), on(0, 'buzzer'), off(600, 'buzzer'), on(900, 'buzzer'), off(1500, 'buzzer'), off(3000, 'red')]);
  });

  it('attention: amber blinks until replaced, beeping with the first three blinks only', async () => {
    const s = new FakeSignals();
    let outcome: string | undefined;
    void s.show('attention').then((o) => (outcome = o));
    await vi.advanceTimersByTimeAsync(6000);
    expect(outcome).toBeUndefined();
    const beeps = s.timeline.filter((c) => c.line === 'buzzer' && c.on).map((c) => c.atMs);
    expect(beeps).toEqual([0, 1000, 2000]);
    const greenOn = s.timeline.filter((c) => c.line === 'green' && c.on).map((c) => c.atMs);
    const redOn = s.timeline.filter((c) => c.line === 'red' && c.on).map((c) => c.atMs);
    expect(greenOn).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]);
    expect(redOn).toEqual(greenOn);
    expect(s.timeline.filter((c) => c.line === 'red' && !c.on).map((c) => c.atMs)).toEqual([500, 1500, 2500, 3500, 4500, 5500]);
    s.show('idle');
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBe('replaced');
    expect(s.lines).toEqual({ green: false, red: false, buzzer: false, relay: false });
  });

  it('attention with attentionLights "red" blinks the red light alone', async () => {
    const s = new FakeSignals(checkSignalsConfig({ attentionLights: 'red' }));
    void s.show('attention');
    await vi.advanceTimersByTimeAsync(4000);
    expect(s.timeline.some((c) => c.line === 'green')).toBe(false);
    expect(s.timeline.filter((c) => c.line === 'red' && c.on)).toHaveLength(5);
  });

  it('idle turns everything off at once and finishes', async () => {
    const s = new FakeSignals();
    void s.show('failure');
    expect(await s.show('idle')).toBe('finished');
    expect(s.lines).toEqual({ green: false, red: false, buzzer: false, relay: false });
  });

  it('skips lines without a pin: a kiosk with no buzzer and no relay', async () => {
    const s = new FakeSignals(checkSignalsConfig({ pins: { green: 5, red: 6 } }));
    void s.show('success');
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.timeline).toEqual([on(0, 'green'), off(1500, 'green')]);
    expect(Object.keys(s.lines).sort()).toEqual(['green', 'red']);
  });
});

describe('a new pattern cancels the running one', () => {
  it('failure replacing success: success resolves "replaced", its later steps never run', async () => {
    const s = new FakeSignals(checkSignalsConfig({ relay: { enabled: true } }));
    const first = s.show('success');
    await vi.advanceTimersByTimeAsync(300);
    const second = s.show('failure');
    expect(await first).toBe('replaced');
    await vi.advanceTimersByTimeAsync(5000);
    expect(await second).toBe('finished');
    const after = s.timeline.filter((c) => c.atMs >= 300);
    // The relay and green go off at the switch (relay first), red and the buzzer come on.
    expect(after.slice(0, 4)).toEqual([off(300, 'relay'), off(300, 'green'), on(300, 'red'), on(300, 'buzzer')]);
    expect(after.filter((c) => c.line === 'green' || c.line === 'relay')).toHaveLength(2);
  });

  it('the same pattern again restarts it: no flicker of the lines it shares, the timing starts over', async () => {
    const s = new FakeSignals();
    void s.show('success');
    await vi.advanceTimersByTimeAsync(1000);
    void s.show('success');
    await vi.advanceTimersByTimeAsync(1499);
    expect(s.lines.green).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.timeline).toEqual([on(0, 'green'), on(0, 'buzzer'), off(120, 'buzzer'), on(1000, 'buzzer'), off(1120, 'buzzer'), off(2500, 'green')]);
  });

  it('close() stops the pattern ("stopped"), turns every line off and releases the lines', async () => {
    const s = new FakeSignals(checkSignalsConfig({ relay: { enabled: true } }));
    const done = s.show('success');
    await vi.advanceTimersByTimeAsync(100);
    await s.close();
    expect(await done).toBe('stopped');
    expect(s.lines).toEqual({ green: false, red: false, buzzer: false, relay: false });
    expect(s.released).toBe(true);
    expect(await s.show('success')).toBe('stopped');
    await vi.advanceTimersByTimeAsync(5000);
    expect(s.timeline.every((c) => c.atMs <= 100)).toBe(true);
  });
});

describe('relay safety', () => {
  /** Lines that record, for settings that bypassed the config check (a bug, a hand-made object). */
  class Recording implements SignalLines {
    readonly fitted = new Set<LineName>(['green', 'red', 'buzzer', 'relay']);
    readonly writes: [LineName, boolean, number][] = [];
    failOn: LineName | undefined;
    released = false;
    write(line: LineName, value: boolean): void {
      if (line === this.failOn) throw new Error('EIO: i/o error, write');
      this.writes.push([line, value, Date.now() - 1_000_000]);
    }
    release(): void {
      this.released = true;
    }
  }
  const unchecked = (relay: SignalsSettings['relay']): SignalsSettings => ({ ...checkSignalsConfig(undefined), relay });

  it('the watchdog releases the relay at maxPulseMs, whatever the pattern asked', async () => {
    const lines = new Recording();
    const s = new LineSignals(lines, unchecked({ enabled: true, pulseMs: 8000, maxPulseMs: 2000 }), { simulated: true });
    const done = s.show('success');
    await vi.advanceTimersByTimeAsync(1999);
    expect(s.lineStates.relay).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.lineStates.relay).toBe(false);
    expect(lines.writes.filter(([l]) => l === 'relay')).toEqual([
      ['relay', true, 0],
      ['relay', false, 2000],
    ]);
    await vi.advanceTimersByTimeAsync(6000);
    expect(await done).toBe('finished');
    expect(lines.writes.filter(([l]) => l === 'relay')).toHaveLength(2);
  });

  it('the relay is switched on last and off first', async () => {
    const lines = new Recording();
    const s = new LineSignals(lines, unchecked({ enabled: true, pulseMs: 1000, maxPulseMs: 3000 }), { simulated: true });
    void s.show('success');
    expect(lines.writes.map(([l]) => l)).toEqual(['green', 'buzzer', 'relay']);
    await vi.advanceTimersByTimeAsync(200);
    lines.writes.length = 0;
    void s.show('failure');
    expect(lines.writes.map(([l]) => l)).toEqual(['relay', 'green', 'red', 'buzzer']);
    await s.close();
  });

  it('a line that fails mid-pattern: the relay is released, health says faulty, the pattern ends "failed"', async () => {
    const lines = new Recording();
    const s = new LineSignals(lines, unchecked({ enabled: true, pulseMs: 1400, maxPulseMs: 3000 }), { simulated: false });
    const health: SignalsHealth[] = [];
    s.on('health', (h) => health.push(h));
    const done = s.show('success');
    lines.failOn = 'green';
    await vi.advanceTimersByTimeAsync(1500);
    expect(await done).toBe('failed');
    expect(s.lineStates.relay).toBe(false);
    expect(health).toEqual([{ state: 'faulty', why: 'green line (BCM 17) could not be switched: EIO: i/o error, write' }]);
    // The relay went off at its own time (1400 ms); the failing green write at 1500 then released the rest.
    expect(lines.writes.filter(([l, v]) => l === 'relay' && !v).map(([, , t]) => t)[0]).toBe(1400);
    lines.failOn = undefined;
    void s.show('failure');
    expect(s.health).toEqual({ state: 'ready' });
    expect(health.at(-1)).toEqual({ state: 'ready' });
    await s.close();
  });

  it('the exit hook switches everything off, relay first, and close() unregisters it', async () => {
    const lines = new Recording();
    let hook: (() => void) | undefined;
    let unhooked = false;
    const s = new LineSignals(lines, unchecked({ enabled: true, pulseMs: 1000, maxPulseMs: 3000 }), {
      simulated: false,
      onExit: (release) => {
        hook = release;
        return () => (unhooked = true);
      },
    });
    void s.show('success');
    lines.writes.length = 0;
    hook!();
    expect(lines.writes.map(([l, v]) => [l, v])).toEqual([
      ['relay', false],
      ['buzzer', false],
      ['red', false],
      ['green', false],
    ]);
    await s.close();
    expect(unhooked).toBe(true);
    expect(lines.released).toBe(true);
  });

  it('a broken line on the fake gives the same faulty health, and repairing it recovers', async () => {
    const s = new FakeSignals(checkSignalsConfig({ relay: { enabled: true } }));
    s.breakLine('buzzer');
    expect(await s.show('success')).toBe('failed');
    expect(s.health).toMatchObject({ state: 'faulty', why: expect.stringMatching(/buzzer line \(BCM 22\).*simulated fault/) });
    expect(s.lines.relay).toBe(false);
    s.repairLine('buzzer');
    void s.show('success');
    expect(s.health).toEqual({ state: 'ready' });
  });
});

describe('an injected clock', () => {
  /** Timers that only move when told to: no global timer is involved. */
  class ManualClock implements SignalClock {
    t = 0;
    private queue: { at: number; fn: () => void; id: number }[] = [];
    private ids = 0;
    now(): number {
      return this.t;
    }
    setTimeout(fn: () => void, ms: number): unknown {
      const id = ++this.ids;
      this.queue.push({ at: this.t + ms, fn, id });
      return id;
    }
    clearTimeout(handle: unknown): void {
      this.queue = this.queue.filter((q) => q.id !== handle);
    }
    advance(ms: number): void {
      const end = this.t + ms;
      for (;;) {
        this.queue.sort((a, b) => a.at - b.at || a.id - b.id);
        const next = this.queue[0];
        if (!next || next.at > end) break;
        this.queue.shift();
        this.t = next.at;
        next.fn();
      }
      this.t = end;
    }
  }

  it('drives the timeline without any global timer', async () => {
    vi.useRealTimers();
    const clock = new ManualClock();
    clock.t = 5000;
    const s = new FakeSignals(checkSignalsConfig(undefined), { clock });
    const done = s.show('failure');
    clock.advance(3000);
    expect(await done).toBe('finished');
    expect(s.timeline).toEqual([on(0, 'red'), on(0, 'buzzer'), off(600, 'buzzer'), on(900, 'buzzer'), off(1500, 'buzzer'), off(3000, 'red')]);
  });

  it('timers that fire late still play the steps in order, catching up', async () => {
    vi.useRealTimers();
    const clock = new ManualClock();
    const s = new FakeSignals(checkSignalsConfig(undefined), { clock });
    const done = s.show('failure');
    // A blocked event loop: the first timer fires 2 s late; every step due by then runs in order.
    clock.t = 2000;
    clock.advance(0);
    expect(s.timeline.map((c) => [c.line, c.on])).toEqual([
      ['red', true],
      ['buzzer', true],
      ['buzzer', false],
      ['buzzer', true],
      ['buzzer', false],
    ]);
    clock.advance(1000);
    expect(await done).toBe('finished');
  });
});
