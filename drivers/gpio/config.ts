// The `signals` section of the kiosk configuration (BCM pins of the lights, buzzer and relay, the
// relay's pulse limits), checked when it arrives: a bad value fails with the key that holds it.
import { z } from 'zod';

/** The output lines the kiosk drives. */
export const LINE_NAMES = ['green', 'red', 'buzzer', 'relay'] as const;
export type LineName = (typeof LINE_NAMES)[number];

/** The checked `signals` section. Pins are BCM numbers (GPIO17 is 17), not header pin numbers. */
export interface SignalsSettings {
  pins: { green: number; red: number; buzzer?: number; relay?: number };
  /** Lines whose module switches on a low level (most opto-isolated relay boards do). */
  activeLow: Partial<Record<LineName, boolean>>;
  relay: {
    /** Whether a success opens the gate or turnstile. Off unless the site turns it on. */
    enabled: boolean;
    /** How long a success holds the relay. */
    pulseMs: number;
    /** The longest the relay is ever held, whatever asks for it; a watchdog releases it then. */
    maxPulseMs: number;
  };
  /** Attention blinks both lights (amber on a two-colour tower) or the red one alone. */
  attentionLights: 'amber' | 'red';
  /** The gpiochip label to drive instead of the Raspberry Pi's (other boards). */
  chipLabel?: string;
}

export const DEFAULT_PINS = { green: 17, red: 27, buzzer: 22, relay: 23 } as const;
/** No gate strike or turnstile needs longer; a stuck-open gate is the failure this guards. */
export const RELAY_PULSE_CEILING_MS = 10_000;

export class SignalsConfigError extends Error {
  override readonly name = 'SignalsConfigError';
  readonly code = 'bad_signals_config';
  constructor(
    /** The dotted path of the offending key, e.g. "signals.pins.relay". */
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `is required (${what})` : `must be ${what}`);
const bcmPin = z
  .number({ error: required('a BCM GPIO number, 0–27') })
  .int({ error: 'must be a whole BCM GPIO number (0–27)' })
  .min(0, { error: 'must be a BCM GPIO number from 0 to 27' })
  .max(27, { error: 'must be a BCM GPIO number from 0 to 27 (the header has no higher GPIO)' });
const flag = z.boolean({ error: 'must be true or false' });
const millis = (min: number, max: number) =>
  z
    .number({ error: `must be milliseconds (${min}–${max})` })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(min, { error: `must be at least ${min} ms` })
    .max(max, { error: `must be at most ${max} ms` });

const schema = z
  .strictObject({
    pins: z.strictObject({ green: bcmPin, red: bcmPin, buzzer: bcmPin.optional(), relay: bcmPin.optional() }).default({ ...DEFAULT_PINS }),
    activeLow: z.strictObject({ green: flag.optional(), red: flag.optional(), buzzer: flag.optional(), relay: flag.optional() }).default({}),
    relay: z
      .strictObject({
        enabled: flag.default(false),
        pulseMs: millis(50, RELAY_PULSE_CEILING_MS).default(1000),
        maxPulseMs: millis(50, RELAY_PULSE_CEILING_MS).default(3000),
      })
      .default({ enabled: false, pulseMs: 1000, maxPulseMs: 3000 }),
    attentionLights: z.enum(['amber', 'red'], { error: 'must be "amber" or "red"' }).default('amber'),
    chipLabel: z.string({ error: 'must be a gpiochip label, e.g. pinctrl-bcm2711' }).min(1, { error: 'must not be empty' }).optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<number, string>();
    for (const line of LINE_NAMES) {
      const pin = s.pins[line];
      if (pin === undefined) continue;
      const other = seen.get(pin);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['pins', line], message: `BCM ${pin} is already used by ${other}` });
      else seen.set(pin, line);
    }
    if (s.relay.pulseMs > s.relay.maxPulseMs) {
      ctx.addIssue({ code: 'custom', path: ['relay', 'pulseMs'], message: `must not exceed relay.maxPulseMs (${s.relay.maxPulseMs} ms)` });
    }
    if (s.relay.enabled && s.pins.relay === undefined) {
      ctx.addIssue({ code: 'custom', path: ['relay', 'enabled'], message: 'needs pins.relay: the gate relay has no pin' });
    }
  });

/**
 * Checks a `signals` section (undefined gives every default). `at` is where the section sits in
 * the configuration, for the messages. Throws SignalsConfigError naming the first bad key.
 */
export function checkSignalsConfig(input: unknown, at = 'signals'): SignalsSettings {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = [at, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      throw new SignalsConfigError([...path, issue.keys[0]!].join('.'), 'unknown key (a typing mistake?)');
    }
    const message = issue.message.replace(/already used by (\w+)$/, `already used by ${at}.pins.$1`);
    throw new SignalsConfigError(path.join('.'), message);
  }
  const s = result.data;
  const pins: SignalsSettings['pins'] = { green: s.pins.green, red: s.pins.red };
  if (s.pins.buzzer !== undefined) pins.buzzer = s.pins.buzzer;
  if (s.pins.relay !== undefined) pins.relay = s.pins.relay;
  const settings: SignalsSettings = { pins, activeLow: { ...s.activeLow }, relay: { ...s.relay }, attentionLights: s.attentionLights };
  if (s.chipLabel !== undefined) settings.chipLabel = s.chipLabel;
  return settings;
}
