// The signals section's checks: defaults, BCM range, distinct pins, relay limits, unknown keys —
// each failure names the key that holds the bad value.
import { describe, expect, it } from 'vitest';
import { checkSignalsConfig, DEFAULT_PINS, SignalsConfigError } from '../../../../drivers/gpio/config.js';

function failure(input: unknown, at?: string): SignalsConfigError {
  try {
    checkSignalsConfig(input, at);
  } catch (err) {
    if (err instanceof SignalsConfigError) return err;
    throw err;
  }
  throw new Error('expected a SignalsConfigError');
}

describe('checkSignalsConfig', () => {
  it('gives every default for a missing section: all four lines, relay off', () => {
    const s = checkSignalsConfig(undefined);
    expect(s.pins).toEqual(DEFAULT_PINS);
    expect(s.relay).toEqual({ enabled: false, pulseMs: 1000, maxPulseMs: 3000 });
    expect(s.attentionLights).toBe('amber');
    expect(s.activeLow).toEqual({});
    expect(s.chipLabel).toBeUndefined();
  });

  it('takes a pins object as given: buzzer and relay may be left out', () => {
    const s = checkSignalsConfig({ pins: { green: 5, red: 6 } });
    expect(s.pins).toEqual({ green: 5, red: 6 });
  });

  it('accepts a full section', () => {
    const s = checkSignalsConfig({
      pins: { green: 0, red: 27, buzzer: 13, relay: 26 },
      activeLow: { relay: true },
      relay: { enabled: true, pulseMs: 800, maxPulseMs: 2000 },
      attentionLights: 'red',
      chipLabel: 'pinctrl-rp1',
    });
    expect(s).toEqual({
      pins: { green: 0, red: 27, buzzer: 13, relay: 26 },
      activeLow: { relay: true },
      relay: { enabled: true, pulseMs: 800, maxPulseMs: 2000 },
      attentionLights: 'red',
      chipLabel: 'pinctrl-rp1',
    });
  });

  it.each([
    [{ pins: { green: 28, red: 27 } }, 'signals.pins.green', /0 to 27/],
    [{ pins: { green: 17, red: -1 } }, 'signals.pins.red', /0 to 27/],
    [{ pins: { green: 17, red: 2.5 } }, 'signals.pins.red', /whole/],
    [{ pins: { green: '17', red: 27 } }, 'signals.pins.green', /BCM GPIO number/],
    [{ pins: { red: 27 } }, 'signals.pins.green', /is required/],
    [{ pins: { green: 17, red: 27, relay: 17 } }, 'signals.pins.relay', /BCM 17 is already used by signals\.pins\.green/],
    [{ pins: { green: 17, red: 27, buzzer: 22, relay: 22 } }, 'signals.pins.relay', /already used by signals\.pins\.buzzer/],
    [{ pins: { green: 17, red: 27, lamp: 4 } }, 'signals.pins.lamp', /unknown key/],
    [{ pin: {} }, 'signals.pin', /unknown key/],
    [{ relay: { enabled: true, pulseMs: 5000, maxPulseMs: 3000 } }, 'signals.relay.pulseMs', /must not exceed relay\.maxPulseMs \(3000 ms\)/],
    [{ relay: { maxPulseMs: 60_000 } }, 'signals.relay.maxPulseMs', /at most 10000 ms/],
    [{ relay: { pulseMs: 10 } }, 'signals.relay.pulseMs', /at least 50 ms/],
    [{ relay: { enabled: 'yes' } }, 'signals.relay.enabled', /true or false/],
    [{ pins: { green: 17, red: 27 }, relay: { enabled: true } }, 'signals.relay.enabled', /needs pins\.relay/],
    [{ attentionLights: 'blue' }, 'signals.attentionLights', /"amber" or "red"/],
    [{ activeLow: { relay: 1 } }, 'signals.activeLow.relay', /true or false/],
    [{ chipLabel: '' }, 'signals.chipLabel', /empty/],
  ])('%j fails at %s', (input, key, message) => {
    const err = failure(input);
    expect(err.key).toBe(key);
    expect(err.code).toBe('bad_signals_config');
    expect(err.message.startsWith(`${key}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });

  it('names keys from where the section sits in the configuration', () => {
    expect(failure({ pins: { green: 99, red: 1 } }, 'devices.signals').key).toBe('devices.signals.pins.green');
  });
});
