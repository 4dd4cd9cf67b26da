// Finds the Raspberry Pi's GPIO controller under sysfs and turns BCM pin numbers into sysfs GPIO
// numbers: since kernel 6.6 every chip's base is dynamic (512+ on a Pi 4, 571+ on a Pi 5).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One gpiochip as sysfs describes it. */
export interface GpioChip {
  /** The directory name, e.g. "gpiochip512". */
  name: string;
  /** What the kernel driver calls the controller, e.g. "pinctrl-bcm2711". */
  label: string;
  /** The sysfs GPIO number of the chip's line 0. */
  base: number;
  /** How many lines the chip has. */
  ngpio: number;
}

/**
 * The labels of the Pi's main GPIO controller, newest board first: Pi 5 (RP1), Pi 4 (BCM2711),
 * and the BCM2835 family (Pi 1–3, Zero). Their line N is BCM GPIO N.
 */
export const PI_GPIO_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

/** Every gpiochip under `<sysfsRoot>/class/gpio`; an empty list when the directory is missing. */
export async function listGpioChips(sysfsRoot = '/sys'): Promise<GpioChip[]> {
  const dir = join(sysfsRoot, 'class', 'gpio');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const chips: GpioChip[] = [];
  for (const name of names.filter((n) => /^gpiochip\d+$/.test(n)).sort(byNumber)) {
    const [label, base, ngpio] = await Promise.all(['label', 'base', 'ngpio'].map((f) => readTrimmed(join(dir, name, f))));
    const baseNumber = Number(base);
    const lines = Number(ngpio);
    // A chip whose files cannot be read (permissions, a race with unbinding) is not one we could drive.
    if (label === undefined || !/^\d+$/.test(base ?? '') || !/^\d+$/.test(ngpio ?? '')) continue;
    chips.push({ name, label, base: baseNumber, ngpio: lines });
  }
  return chips;
}

/**
 * The chip whose lines are the header's BCM GPIOs: the one labelled `label` when given (for
 * other boards), else the first of PI_GPIO_LABELS present. Undefined when there is none.
 */
export function findHeaderChip(chips: readonly GpioChip[], label?: string): GpioChip | undefined {
  const wanted = label === undefined ? PI_GPIO_LABELS : [label];
  for (const l of wanted) {
    const chip = chips.find((c) => c.label === l);
    if (chip) return chip;
  }
  return undefined;
}

/** The sysfs GPIO number (what onoff's Gpio takes) of BCM pin `bcm` on `chip`. */
export function sysfsGpioNumber(chip: GpioChip, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm >= chip.ngpio) {
    throw new RangeError(`BCM pin ${bcm} is not a line of ${chip.name} (${chip.label}, ${chip.ngpio} lines)`);
  }
  return chip.base + bcm;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

function byNumber(a: string, b: string): number {
  return Number(a.slice('gpiochip'.length)) - Number(b.slice('gpiochip'.length));
}
