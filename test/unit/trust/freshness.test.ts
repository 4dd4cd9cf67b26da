// Freshness arithmetic: stale past nu + grace, and the countdown the operator sees before.
import { describe, expect, it } from 'vitest';
import { isStale, listFreshness, secondsUntilStale } from '../../../main/trust/freshness.js';
import { DEFAULT_POLICY } from '../../../main/verify/types.js';

const NU = 1_750_000_000;
const GRACE = 72 * 3600;

describe('list freshness', () => {
  it('is fresh up to and including nu + grace, stale one second later', () => {
    expect(isStale(NU, NU + GRACE, GRACE)).toBe(false);
    expect(isStale(NU, NU + GRACE + 1, GRACE)).toBe(true);
    expect(isStale(NU, NU - 1000, GRACE)).toBe(false);
  });

  it('defaults to the policy grace of 72 hours', () => {
    expect(DEFAULT_POLICY.listGraceSeconds).toBe(GRACE);
    expect(isStale(NU, NU + GRACE)).toBe(false);
    expect(isStale(NU, NU + GRACE + 1)).toBe(true);
    expect(secondsUntilStale(NU, NU)).toBe(GRACE);
  });

  it('counts down the seconds left, zero at the last fresh second and negative after', () => {
    expect(secondsUntilStale(NU, NU - 3600, GRACE)).toBe(GRACE + 3600);
    expect(secondsUntilStale(NU, NU + GRACE - 90, GRACE)).toBe(90);
    expect(secondsUntilStale(NU, NU + GRACE, GRACE)).toBe(0);
    expect(secondsUntilStale(NU, NU + GRACE + 5, GRACE)).toBe(-5);
  });

  it('tells fresh, overdue (past nu, within grace) and stale apart', () => {
    expect(listFreshness(NU, NU, GRACE)).toEqual({ state: 'fresh', staleAfter: NU + GRACE, secondsLeft: GRACE });
    expect(listFreshness(NU, NU + 1, GRACE).state).toBe('overdue');
    expect(listFreshness(NU, NU + GRACE, GRACE).state).toBe('overdue');
    expect(listFreshness(NU, NU + GRACE + 1, GRACE)).toEqual({ state: 'stale', staleAfter: NU + GRACE, secondsLeft: -1 });
    expect(listFreshness(NU, NU + 10, 0).state).toBe('stale');
  });
});
