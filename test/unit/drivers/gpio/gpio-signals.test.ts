// The real driver over a recording stand-in for onoff's Gpio class (onoff's is the real one on a
// Pi): sysfs numbers from the chip's base, safe set-up of active-low lines, writes, release; and
// openSignals choosing real or fake once, with the operator's notice.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Gpio as OnoffGpio } from 'onoff';
import { checkSignalsConfig, SignalsConfigError } from '../../../../drivers/gpio/config.js';
import { FakeSignals } from '../../../../drivers/gpio/fake.js';
import { GpioSignals, type GpioConstructor, type GpioLine } from '../../../../drivers/gpio/gpio-signals.js';
import { GPIO_NOT_ACCESSIBLE, openSignals } from '../../../../drivers/gpio/open.js';
import { addGpioChip, makeTree, type DeviceTree } from '../device-trees.js';

interface Made {
  gpio: number;
  direction: string;
  edge: string;
  options: { activeLow: boolean };
}

/** Builds a Gpio class that records what the driver does to each line, as sysfs would see it. */
function recordingGpio(opts: { accessible?: boolean; failOn?: number } = {}) {
  /** Set to a sysfs number to make writes to that line fail from then on. */
  const control: { failWriteOn?: number } = {};
  const made: Made[] = [];
  const writes: [number, 0 | 1][] = [];
  const unexported: number[] = [];
  const Gpio = class implements GpioLine {
    static readonly accessible = opts.accessible ?? true;
    constructor(
      private readonly gpio: number,
      direction: 'high' | 'low',
      edge: 'none',
      options: { activeLow: boolean },
    ) {
      if (gpio === opts.failOn) throw new Error(`EBUSY: resource busy or locked, write (gpio ${gpio})`);
      made.push({ gpio, direction, edge, options });
    }
    writeSync(value: 0 | 1): void {
      if (this.gpio === control.failWriteOn) throw new Error('EIO: i/o error, write');
      writes.push([this.gpio, value]);
    }
    unexport(): void {
      unexported.push(this.gpio);
    }
  };
  return { Gpio: Gpio satisfies GpioConstructor, made, writes, unexported, control };
}

const PI4 = { name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 };
const noExitHook = () => () => undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('GpioSignals over a Gpio class', () => {
  it('onoff’s own Gpio class fits the constructor the driver takes', () => {
    const real: GpioConstructor = OnoffGpio;
    expect(typeof real.accessible).toBe('boolean');
  });

  it('exports each pin at base + BCM, switched off, active-low lines starting at a raw high level', () => {
    const g = recordingGpio();
    const s = new GpioSignals(g.Gpio, PI4, checkSignalsConfig({ activeLow: { relay: true } }), { onExit: noExitHook });
    expect(g.made).toEqual([
      { gpio: 529, direction: 'low', edge: 'none', options: { activeLow: false } },
      { gpio: 539, direction: 'low', edge: 'none', options: { activeLow: false } },
      { gpio: 534, direction: 'low', edge: 'none', options: { activeLow: false } },
      { gpio: 535, direction: 'high', edge: 'none', options: { activeLow: true } },
    ]);
    expect(g.writes).toEqual([
      [529, 0],
      [539, 0],
      [534, 0],
      [535, 0],
    ]);
    expect(s.numbers).toEqual({ green: 529, red: 539, buzzer: 534, relay: 535 });
    expect(s.simulated).toBe(false);
    expect(s.health).toEqual({ state: 'ready' });
  });

  it('plays success as writes to the sysfs lines, then close() turns all off and unexports', async () => {
    const g = recordingGpio();
    const s = new GpioSignals(g.Gpio, PI4, checkSignalsConfig({ relay: { enabled: true, pulseMs: 500 } }), { onExit: noExitHook });
    g.writes.length = 0;
    const done = s.show('success');
    await vi.advanceTimersByTimeAsync(1500);
    expect(await done).toBe('finished');
    expect(g.writes).toEqual([
      [529, 1],
      [534, 1],
      [535, 1],
      [534, 0],
      [535, 0],
      [529, 0],
    ]);
    g.writes.length = 0;
    await s.close();
    expect(g.writes.filter(([, v]) => v === 1)).toEqual([]);
    expect(g.unexported.sort()).toEqual([529, 534, 535, 539]);
  });

  it('a line that cannot be set up: the ones already exported are released, the error names the line', () => {
    const g = recordingGpio({ failOn: 534 });
    expect(() => new GpioSignals(g.Gpio, PI4, checkSignalsConfig(undefined), { onExit: noExitHook })).toThrow(
      /cannot set up the buzzer line \(BCM 22, sysfs GPIO 534 on gpiochip512 pinctrl-bcm2711\): EBUSY/,
    );
    expect(g.unexported.sort()).toEqual([529, 539]);
  });

  it('a write that fails mid-pattern makes health faulty and releases the relay', async () => {
    const g = recordingGpio();
    const s = new GpioSignals(g.Gpio, PI4, checkSignalsConfig({ relay: { enabled: true, pulseMs: 1000 } }), { onExit: noExitHook });
    const done = s.show('success');
    // The buzzer's driver transistor fails: its "off" write at 120 ms throws.
    g.control.failWriteOn = 534;
    await vi.advanceTimersByTimeAsync(200);
    expect(await done).toBe('failed');
    expect(s.health).toEqual({ state: 'faulty', why: 'buzzer line (BCM 22) could not be switched: EIO: i/o error, write' });
    expect(g.writes.filter(([n]) => n === 535).at(-1)).toEqual([535, 0]);
    await s.close();
  });

  it('registers the exit hook by default and removes it on close', async () => {
    const g = recordingGpio();
    const before = process.listenerCount('exit');
    const s = new GpioSignals(g.Gpio, PI4, checkSignalsConfig(undefined));
    expect(process.listenerCount('exit')).toBe(before + 1);
    await s.close();
    expect(process.listenerCount('exit')).toBe(before);
  });
});

describe('openSignals chooses real or fake once', () => {
  let tree: DeviceTree;
  beforeEach(() => {
    tree = makeTree();
  });
  afterEach(() => tree.remove());

  it('accessible GPIO and a Pi 5 controller: the real driver on base 571', async () => {
    addGpioChip(tree, 'gpio-brcmstb@107d508500', 512, 32);
    addGpioChip(tree, 'pinctrl-rp1', 571, 54);
    const g = recordingGpio();
    const { signals, notice } = await openSignals({ pins: { green: 5, red: 6 } }, { Gpio: g.Gpio, sysfsRoot: tree.sys, onExit: noExitHook });
    expect(notice).toBeUndefined();
    expect(signals).toBeInstanceOf(GpioSignals);
    expect(g.made.map((m) => m.gpio)).toEqual([576, 577]);
    await signals.close();
  });

  it('GPIO not accessible: the fake, a notice for the operator, and health saying why', async () => {
    addGpioChip(tree, 'pinctrl-bcm2711', 512, 58);
    const g = recordingGpio({ accessible: false });
    const { signals, notice } = await openSignals(undefined, { Gpio: g.Gpio, sysfsRoot: tree.sys });
    expect(signals).toBeInstanceOf(FakeSignals);
    expect(signals.simulated).toBe(true);
    expect(notice).toEqual({ code: 'gpio_not_accessible', message: GPIO_NOT_ACCESSIBLE });
    expect(notice!.message).toBe('GPIO not accessible: lights and relay are simulated — check that the kiosk user is in the gpio group');
    expect(signals.health).toEqual({ state: 'absent', why: GPIO_NOT_ACCESSIBLE });
    expect(g.made).toEqual([]);
    // The fake still plays patterns: the kiosk runs the same way.
    expect(await signals.show('idle')).toBe('finished');
  });

  it('accessible but no Pi controller: the fake, with the labels it found', async () => {
    addGpioChip(tree, 'ftdi-cbus', 600, 4);
    const { signals, notice } = await openSignals(undefined, { Gpio: recordingGpio().Gpio, sysfsRoot: tree.sys });
    expect(signals.simulated).toBe(true);
    expect(notice?.code).toBe('gpio_chip_not_found');
    expect(notice?.message).toMatch(/found: gpiochip600 ftdi-cbus/);
    expect(notice?.message).toMatch(/signals\.chipLabel/);
  });

  it('a line that cannot be exported: the fake, with the reason', async () => {
    addGpioChip(tree, 'pinctrl-bcm2835', 0, 54);
    const g = recordingGpio({ failOn: 23 });
    const { signals, notice } = await openSignals(undefined, { Gpio: g.Gpio, sysfsRoot: tree.sys });
    expect(signals.simulated).toBe(true);
    expect(notice?.code).toBe('gpio_setup_failed');
    expect(notice?.message).toMatch(/relay line \(BCM 23, sysfs GPIO 23/);
    expect(g.unexported.sort((a, b) => a - b)).toEqual([17, 22, 27]);
  });

  it('simulation mode: the fake by choice, ready, no notice', async () => {
    const { signals, notice } = await openSignals(undefined, { simulate: true, Gpio: recordingGpio().Gpio });
    expect(signals).toBeInstanceOf(FakeSignals);
    expect(notice).toBeUndefined();
    expect(signals.health).toEqual({ state: 'ready' });
  });

  it('a bad signals section is the site’s mistake: it throws instead of simulating', async () => {
    await expect(openSignals({ pins: { green: 40, red: 1 } }, { Gpio: recordingGpio().Gpio, sysfsRoot: tree.sys })).rejects.toThrow(SignalsConfigError);
  });
});
