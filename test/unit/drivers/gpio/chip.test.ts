// GPIO controller discovery on fake sysfs trees: Pi 4 and Pi 5 on kernel 6.6+ (bases 512 and 571,
// beside other chips), an old kernel (base 0), a label override, and trees without GPIO at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findHeaderChip, listGpioChips, sysfsGpioNumber } from '../../../../drivers/gpio/chip.js';
import { addGpioChip, makeTree, type DeviceTree } from '../device-trees.js';

let tree: DeviceTree;
beforeEach(() => {
  tree = makeTree();
});
afterEach(() => tree.remove());

describe('findHeaderChip on the boards the kiosk runs on', () => {
  it('Pi 4, kernel 6.6+: pinctrl-bcm2711 at base 512, beside the firmware expander', async () => {
    addGpioChip(tree, 'raspberrypi-exp-gpio', 570, 8);
    addGpioChip(tree, 'pinctrl-bcm2711', 512, 58);
    const chips = await listGpioChips(tree.sys);
    expect(chips.map((c) => c.name)).toEqual(['gpiochip512', 'gpiochip570']);
    const chip = findHeaderChip(chips)!;
    expect(chip).toEqual({ name: 'gpiochip512', label: 'pinctrl-bcm2711', base: 512, ngpio: 58 });
    expect(sysfsGpioNumber(chip, 17)).toBe(529);
    expect(sysfsGpioNumber(chip, 27)).toBe(539);
  });

  it('Pi 5, kernel 6.6+: pinctrl-rp1 at base 571, not the SoC brcmstb chips numbered before it', async () => {
    addGpioChip(tree, 'gpio-brcmstb@107d508500', 512, 32);
    addGpioChip(tree, 'gpio-brcmstb@107d508520', 544, 4);
    addGpioChip(tree, 'gpio-brcmstb@107d517c00', 548, 17);
    addGpioChip(tree, 'gpio-brcmstb@107d517c20', 565, 6);
    addGpioChip(tree, 'pinctrl-rp1', 571, 54);
    const chip = findHeaderChip(await listGpioChips(tree.sys))!;
    expect(chip.label).toBe('pinctrl-rp1');
    expect(sysfsGpioNumber(chip, 17)).toBe(588);
    expect(sysfsGpioNumber(chip, 0)).toBe(571);
  });

  it('an old kernel (Pi 3): pinctrl-bcm2835 at base 0, so BCM n is sysfs n', async () => {
    addGpioChip(tree, 'pinctrl-bcm2835', 0, 54);
    addGpioChip(tree, 'raspberrypi-exp-gpio', 504, 8);
    const chip = findHeaderChip(await listGpioChips(tree.sys))!;
    expect(chip.base).toBe(0);
    expect(sysfsGpioNumber(chip, 22)).toBe(22);
  });

  it('a configured label picks another board’s controller, and only that one', async () => {
    addGpioChip(tree, 'pinctrl-bcm2711', 512, 58);
    addGpioChip(tree, 'gpio-mockup-A', 600, 32);
    const chips = await listGpioChips(tree.sys);
    expect(findHeaderChip(chips, 'gpio-mockup-A')?.base).toBe(600);
    expect(findHeaderChip(chips, 'no-such-label')).toBeUndefined();
  });

  it('no Pi controller among other chips, no gpio class at all: none found', async () => {
    expect(await listGpioChips(tree.sys)).toEqual([]);
    addGpioChip(tree, 'ftdi-cbus', 512, 4);
    expect(findHeaderChip(await listGpioChips(tree.sys))).toBeUndefined();
  });

  it('skips chip directories whose files are missing or not numbers', async () => {
    addGpioChip(tree, 'pinctrl-bcm2711', 512, 58);
    const broken = join(tree.sys, 'class', 'gpio', 'gpiochip600');
    mkdirSync(broken);
    writeFileSync(join(broken, 'label'), 'pinctrl-rp1\n');
    writeFileSync(join(broken, 'base'), 'x\n');
    const unreadable = join(tree.sys, 'class', 'gpio', 'gpiochip700');
    mkdirSync(unreadable);
    chmodSync(unreadable, 0o000);
    const chips = await listGpioChips(tree.sys);
    chmodSync(unreadable, 0o755);
    expect(chips.map((c) => c.label)).toEqual(['pinctrl-bcm2711']);
  });

  it('refuses a BCM number the chip does not have', () => {
    const chip = { name: 'gpiochip0', label: 'pinctrl-bcm2835', base: 0, ngpio: 54 };
    expect(() => sysfsGpioNumber(chip, 54)).toThrow(/BCM pin 54 is not a line of gpiochip0/);
    expect(() => sysfsGpioNumber(chip, -1)).toThrow(RangeError);
  });
});
