// Back-off with full jitter: each delay within [0, min(cap, base·2^n)), doubling per failure,
// capped, and back to the base after a success.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../main/sync/backoff.js';

describe('Backoff', () => {
  it('doubles the ceiling per failure up to the cap, and starts over after a success', () => {
    let r = 0.999999;
    const backoff = new Backoff({ baseMs: 100, capMs: 1000, random: () => r });
    const delays = Array.from({ length: 7 }, () => backoff.fail());
    expect(delays).toEqual([99, 199, 399, 799, 999, 999, 999]);
    expect(backoff.failures).toBe(7);
    r = 0;
    expect(backoff.fail()).toBe(0);
    backoff.succeed();
    expect(backoff.failures).toBe(0);
    expect(backoff.ceilingMs()).toBe(100);
  });

  it('keeps every delay within [0, ceiling) for any random draw and any number of failures', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 80 }), (draws) => {
        let i = 0;
        const backoff = new Backoff({ baseMs: 250, capMs: 60_000, random: () => draws[i++ % draws.length]! });
        for (let n = 0; n < draws.length; n++) {
          const ceiling = Math.min(60_000, 250 * 2 ** n);
          expect(backoff.ceilingMs()).toBe(ceiling);
          const delay = backoff.fail();
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        }
      }),
    );
  });

  it('spreads retries: many kiosks failing together do not retry in step', () => {
    const delays = Array.from({ length: 1000 }, () => {
      const backoff = new Backoff({ baseMs: 1000, capMs: 300_000 });
      for (let n = 0; n < 5; n++) backoff.fail();
      return backoff.fail();
    });
    // Ceiling 32 s: the draws cover the range rather than bunching at one value.
    expect(Math.min(...delays)).toBeLessThan(4000);
    expect(Math.max(...delays)).toBeGreaterThan(28_000);
    expect(new Set(delays).size).toBeGreaterThan(900);
  });

  it('refuses a base above the cap or not positive', () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(TypeError);
    expect(() => new Backoff({ baseMs: 10, capMs: 5 })).toThrow(TypeError);
  });
});
