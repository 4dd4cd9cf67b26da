// openSignals: decides once, at start-up, whether the kiosk drives real GPIO lines or the fake twin,
// and when it cannot drive them says so in a notice the operator reads.
import { findHeaderChip, listGpioChips, PI_GPIO_LABELS } from './chip.js';
import { checkSignalsConfig } from './config.js';
import { FakeSignals } from './fake.js';
import { GpioSignals, type GpioConstructor } from './gpio-signals.js';
import type { SignalClock, Signals } from './signals.js';

export type SignalsNoticeCode = 'gpio_not_accessible' | 'gpio_chip_not_found' | 'gpio_setup_failed' | 'gpio_library_missing';

/** Why the lights and relay are simulated, for the operator screen and the log. */
export interface SignalsNotice {
  code: SignalsNoticeCode;
  message: string;
}

export interface OpenSignalsDeps {
  /** onoff's Gpio class; default: loaded from the onoff package. */
  Gpio?: GpioConstructor;
  /** Where sysfs is mounted. Default /sys. */
  sysfsRoot?: string;
  clock?: SignalClock;
  /** See GpioSignalsOptions.onExit. */
  onExit?: (releaseNow: () => void) => () => void;
  /** Simulation mode: the fake, by choice, with no notice. */
  simulate?: boolean;
}

export interface OpenedSignals {
  signals: Signals;
  /** Present when real lines were wanted but the fake had to stand in. */
  notice?: SignalsNotice;
}

export const GPIO_NOT_ACCESSIBLE =
  'GPIO not accessible: lights and relay are simulated — check that the kiosk user is in the gpio group';

/**
 * Checks the `signals` section (a bad key throws SignalsConfigError: that is the site's mistake,
 * not the hardware's) and returns the real signals when GPIO can be driven, else the fake with a
 * notice saying why.
 */
export async function openSignals(config: unknown, deps: OpenSignalsDeps = {}): Promise<OpenedSignals> {
  const settings = checkSignalsConfig(config);
  const clockOption = deps.clock ? { clock: deps.clock } : {};
  if (deps.simulate) return { signals: new FakeSignals(settings, clockOption) };

  const simulated = (notice: SignalsNotice): OpenedSignals => ({
    signals: new FakeSignals(settings, { ...clockOption, health: { state: 'absent', why: notice.message } }),
    notice,
  });

  let Gpio = deps.Gpio;
  if (!Gpio) {
    try {
      Gpio = (await import('onoff')).Gpio as GpioConstructor;
    } catch (err) {
      return simulated({ code: 'gpio_library_missing', message: `GPIO library onoff could not be loaded (${(err as Error).message}): lights and relay are simulated — reinstall the kiosk's npm packages` });
    }
  }
  if (!Gpio.accessible) return simulated({ code: 'gpio_not_accessible', message: GPIO_NOT_ACCESSIBLE });

  const sysfsRoot = deps.sysfsRoot ?? '/sys';
  const chips = await listGpioChips(sysfsRoot);
  const chip = findHeaderChip(chips, settings.chipLabel);
  if (!chip) {
    const wanted = settings.chipLabel ? `"${settings.chipLabel}" (signals.chipLabel)` : PI_GPIO_LABELS.join(', ');
    const seen = chips.length ? chips.map((c) => `${c.name} ${c.label}`).join('; ') : 'none';
    return simulated({
      code: 'gpio_chip_not_found',
      message: `GPIO controller not found: lights and relay are simulated — no gpiochip labelled ${wanted} under ${sysfsRoot}/class/gpio (found: ${seen}); on another board set signals.chipLabel`,
    });
  }
  try {
    return { signals: new GpioSignals(Gpio, chip, settings, { ...clockOption, ...(deps.onExit ? { onExit: deps.onExit } : {}) }) };
  } catch (err) {
    return simulated({ code: 'gpio_setup_failed', message: `GPIO set-up failed: lights and relay are simulated — ${(err as Error).message}` });
  }
}
