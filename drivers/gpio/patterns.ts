// What each signal pattern does to the lines and when: success, failure, attention, idle, as
// timed steps. Plain data, so the real driver and the fake play the very same timeline.
import type { LineName, SignalsSettings } from './config.js';

export type SignalPattern = 'success' | 'failure' | 'attention' | 'idle';
export const SIGNAL_PATTERNS: readonly SignalPattern[] = ['success', 'failure', 'attention', 'idle'];

export type LineStates = Record<LineName, boolean>;

/** At `atMs` after the pattern (or loop cycle) starts, the lines in `set` take those states. */
export interface PatternStep {
  atMs: number;
  set: Partial<LineStates>;
}

/**
 * A pattern as steps. `steps` play once; at `lengthMs` the pattern ends with every line off,
 * unless it has a `loop`, whose steps then repeat every `periodMs` until another pattern
 * replaces it. Every line starts off: a step sets only what changes.
 */
export interface PatternPlan {
  pattern: SignalPattern;
  steps: PatternStep[];
  lengthMs: number;
  loop?: { steps: PatternStep[]; periodMs: number };
}

/** The pattern timings, in milliseconds; a person must be able to tell the patterns apart by ear. */
export const SIGNAL_TIMING = {
  /** Success: the green light. */
  successMs: 1500,
  /** Success: one short beep. */
  shortBeepMs: 120,
  /** Failure: the red light. */
  failureMs: 3000,
  /** Failure: two long beeps, this long with this gap. */
  longBeepMs: 600,
  longBeepGapMs: 300,
  /** Attention: lights on this long, then off this long, until replaced. */
  blinkMs: 500,
  /** Attention: a short beep with each of the first blinks only, so a waiting kiosk is not a siren. */
  attentionBeeps: 3,
} as const;

/** The steps of `pattern` for a site's settings: whether the relay pulses, which lights blink. */
export function planPattern(pattern: SignalPattern, settings: Pick<SignalsSettings, 'relay' | 'attentionLights'>): PatternPlan {
  const t = SIGNAL_TIMING;
  switch (pattern) {
    case 'success': {
      const steps: PatternStep[] = [
        { atMs: 0, set: { green: true, buzzer: true, ...(settings.relay.enabled ? { relay: true } : {}) } },
        { atMs: t.shortBeepMs, set: { buzzer: false } },
        { atMs: t.successMs, set: { green: false } },
      ];
      if (settings.relay.enabled) steps.push({ atMs: settings.relay.pulseMs, set: { relay: false } });
      return { pattern, steps: merge(steps), lengthMs: Math.max(t.successMs, settings.relay.enabled ? settings.relay.pulseMs : 0) };
    }
    case 'failure': {
      const second = t.longBeepMs + t.longBeepGapMs;
      return {
        pattern,
        steps: merge([
          { atMs: 0, set: { red: true, buzzer: true } },
          { atMs: t.longBeepMs, set: { buzzer: false } },
          { atMs: second, set: { buzzer: true } },
          { atMs: second + t.longBeepMs, set: { buzzer: false } },
          { atMs: t.failureMs, set: { red: false } },
        ]),
        lengthMs: t.failureMs,
      };
    }
    case 'attention': {
      const on: Partial<LineStates> = settings.attentionLights === 'amber' ? { green: true, red: true } : { red: true };
      const off: Partial<LineStates> = settings.attentionLights === 'amber' ? { green: false, red: false } : { red: false };
      const period = 2 * t.blinkMs;
      const steps: PatternStep[] = [];
      for (let i = 0; i < t.attentionBeeps; i++) {
        steps.push({ atMs: i * period, set: { ...on, buzzer: true } });
        steps.push({ atMs: i * period + t.shortBeepMs, set: { buzzer: false } });
        steps.push({ atMs: i * period + t.blinkMs, set: off });
      }
      return {
        pattern,
        steps: merge(steps),
        lengthMs: t.attentionBeeps * period,
        loop: { steps: [{ atMs: 0, set: on }, { atMs: t.blinkMs, set: off }], periodMs: period },
      };
    }
    case 'idle':
      return { pattern, steps: [], lengthMs: 0 };
  }
}

/** Sorts steps by time and joins those at the same instant (later ones win). */
function merge(steps: PatternStep[]): PatternStep[] {
  const byTime = new Map<number, Partial<LineStates>>();
  for (const s of [...steps].sort((a, b) => a.atMs - b.atMs)) byTime.set(s.atMs, { ...byTime.get(s.atMs), ...s.set });
  return [...byTime].map(([atMs, set]) => ({ atMs, set }));
}
