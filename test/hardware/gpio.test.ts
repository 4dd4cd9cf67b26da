// The real GPIO driver on a Raspberry Pi: the lines it exports are base + BCM, they really switch,
// and close() hands them back. Skipped unless GPIO is accessible and a Pi controller is present.
// Blinks the lights and sounds the buzzer; the relay is configured but never pulsed.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gpio } from 'onoff';
import { findHeaderChip, listGpioChips, type GpioChip } from '../../drivers/gpio/chip.js';
import { GpioSignals } from '../../drivers/gpio/gpio-signals.js';
import { openSignals } from '../../drivers/gpio/open.js';
import type { Signals } from '../../drivers/gpio/signals.js';

const chip: GpioChip | undefined = process.platform === 'linux' && Gpio.accessible ? findHeaderChip(await listGpioChips()) : undefined;
const value = (n: number) => readFileSync(`/sys/class/gpio/gpio${n}/value`, 'utf8').trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!chip)(`GPIO on this Pi (${chip ? `${chip.label}, base ${chip.base}` : 'none'})`, () => {
  let signals: Signals;
  beforeAll(async () => {
    const opened = await openSignals({ relay: { enabled: false } });
    expect(opened.notice).toBeUndefined();
    signals = opened.signals;
  });
  afterAll(async () => {
    await signals?.close();
  });

  it('is the real driver, on sysfs numbers base + BCM', () => {
    expect(signals).toBeInstanceOf(GpioSignals);
    const real = signals as GpioSignals;
    expect(real.numbers.green).toBe(chip!.base + 17);
    expect(real.numbers.relay).toBe(chip!.base + 23);
  });

  it('success switches the green line on, then off; the relay stays off', async () => {
    const { green, relay } = (signals as GpioSignals).numbers;
    const done = signals.show('success');
    await sleep(50);
    expect(value(green!)).toBe('1');
    expect(value(relay!)).toBe('0');
    expect(await done).toBe('finished');
    expect(value(green!)).toBe('0');
  });

  it('attention blinks until idle replaces it', async () => {
    const { red } = (signals as GpioSignals).numbers;
    void signals.show('attention');
    await sleep(100);
    expect(value(red!)).toBe('1');
    await sleep(600);
    expect(value(red!)).toBe('0');
    expect(await signals.show('idle')).toBe('finished');
  });

  it('close() unexports every line', async () => {
    const numbers = Object.values((signals as GpioSignals).numbers);
    await signals.close();
    for (const n of numbers) expect(existsSync(`/sys/class/gpio/gpio${n}`)).toBe(false);
  });
});
