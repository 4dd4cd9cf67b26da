// Freshness of a list (lists.md rule 5): usable until `nu` + grace, and the countdown the
// operator screen shows before that moment.
import { DEFAULT_POLICY } from '../verify/types.js';

export type FreshnessState =
  /** Before `nu`: the next update is not due yet. */
  | 'fresh'
  /** Past `nu`, within the grace: still used, the countdown runs. */
  | 'overdue'
  /** Past `nu` + grace: verification answers cannot_validate. */
  | 'stale';

export interface ListFreshness {
  readonly state: FreshnessState;
  /** The last NumericDate at which the list is still fresh (`nu` + grace); stale after it. */
  readonly staleAfter: number;
  /** Seconds left before the list goes stale; negative once it is. */
  readonly secondsLeft: number;
}

/** True past `nu` + grace — the same rule the verifier applies (fresh while now ≤ nu + grace). */
export function isStale(nu: number, now: number, graceSeconds: number = DEFAULT_POLICY.listGraceSeconds): boolean {
  return now > nu + graceSeconds;
}

/** Seconds left before the list goes stale: 0 at the last fresh second, negative once stale. */
export function secondsUntilStale(nu: number, now: number, graceSeconds: number = DEFAULT_POLICY.listGraceSeconds): number {
  return nu + graceSeconds - now;
}

export function listFreshness(nu: number, now: number, graceSeconds: number = DEFAULT_POLICY.listGraceSeconds): ListFreshness {
  const secondsLeft = secondsUntilStale(nu, now, graceSeconds);
  const state: FreshnessState = secondsLeft < 0 ? 'stale' : now > nu ? 'overdue' : 'fresh';
  return { state, staleAfter: nu + graceSeconds, secondsLeft };
}
