// The real signals: LineSignals over onoff's sysfs GPIO lines. The Gpio class is passed in (onoff's
// on a Pi, a recording stand-in in tests), and every line is set up switched off.
import type { GpioChip } from './chip.js';
import { sysfsGpioNumber } from './chip.js';
import { LINE_NAMES, type LineName, type SignalsSettings } from './config.js';
import { LineSignals, type SignalClock, type SignalLines } from './signals.js';

/** The part of an onoff Gpio object the signals use. */
export interface GpioLine {
  writeSync(value: 0 | 1): void;
  unexport(): void;
}

/** onoff's Gpio class, as far as the signals use it. */
export interface GpioConstructor {
  new (gpio: number, direction: 'high' | 'low', edge: 'none', options: { activeLow: boolean }): GpioLine;
  readonly accessible: boolean;
}

/** The lines of one chip, each exported once and written synchronously (a sysfs write is microseconds). */
export class GpioLines implements SignalLines {
  readonly fitted: ReadonlySet<LineName>;
  /** The sysfs GPIO number behind each fitted line, for messages and the doctor. */
  readonly numbers: Readonly<Partial<Record<LineName, number>>>;
  private readonly gpios = new Map<LineName, GpioLine>();

  constructor(Gpio: GpioConstructor, chip: GpioChip, settings: SignalsSettings) {
    const numbers: Partial<Record<LineName, number>> = {};
    try {
      for (const line of LINE_NAMES) {
        const bcm = settings.pins[line];
        if (bcm === undefined) continue;
        const number = sysfsGpioNumber(chip, bcm);
        numbers[line] = number;
        const activeLow = settings.activeLow[line] ?? false;
        // sysfs takes "high"/"low" as the raw level, ignoring active_low: an active-low relay must
        // start "high" or it would click on while being set up.
        try {
          const gpio = new Gpio(number, activeLow ? 'high' : 'low', 'none', { activeLow });
          this.gpios.set(line, gpio);
          gpio.writeSync(0);
        } catch (err) {
          throw new Error(`cannot set up the ${line} line (BCM ${bcm}, sysfs GPIO ${number} on ${chip.name} ${chip.label}): ${(err as Error).message}`, { cause: err });
        }
      }
    } catch (err) {
      this.release();
      throw err;
    }
    this.fitted = new Set(this.gpios.keys());
    this.numbers = numbers;
  }

  write(line: LineName, on: boolean): void {
    this.gpios.get(line)?.writeSync(on ? 1 : 0);
  }

  release(): void {
    for (const [line, gpio] of this.gpios) {
      try {
        gpio.writeSync(0);
      } catch {
        // Unexporting below still hands the line back to the kernel.
      }
      try {
        gpio.unexport();
      } catch {
        // Already gone (another process unexported it): nothing left to release.
      }
      this.gpios.delete(line);
    }
  }
}

export interface GpioSignalsOptions {
  clock?: SignalClock;
  /** See LineSignalsOptions.onExit; default: process 'exit' (synchronous writes still run there). */
  onExit?: (releaseNow: () => void) => () => void;
}

export function onProcessExit(releaseNow: () => void): () => void {
  process.on('exit', releaseNow);
  return () => process.off('exit', releaseNow);
}

/** The lights, buzzer and relay on a Pi's GPIO header. Construct through openSignals(). */
export class GpioSignals extends LineSignals {
  readonly chip: GpioChip;
  readonly numbers: Readonly<Partial<Record<LineName, number>>>;

  constructor(Gpio: GpioConstructor, chip: GpioChip, settings: SignalsSettings, options: GpioSignalsOptions = {}) {
    const lines = new GpioLines(Gpio, chip, settings);
    super(lines, settings, { simulated: false, onExit: options.onExit ?? onProcessExit, ...(options.clock ? { clock: options.clock } : {}) });
    this.chip = chip;
    this.numbers = lines.numbers;
  }
}
