// Public face of the GPIO driver: the Signals interface, openSignals (real or fake, chosen once),
// the real GpioSignals, the FakeSignals twin, pattern plans, config checking and chip discovery.
export type { Signals, SignalsEvents, SignalsHealth, PatternOutcome, SignalClock, SignalLines, LineSignalsOptions } from './signals.js';
export { LineSignals, systemClock } from './signals.js';
export { openSignals, GPIO_NOT_ACCESSIBLE, type OpenSignalsDeps, type OpenedSignals, type SignalsNotice, type SignalsNoticeCode } from './open.js';
export { GpioSignals, GpioLines, onProcessExit, type GpioConstructor, type GpioLine, type GpioSignalsOptions } from './gpio-signals.js';
export { FakeSignals, type FakeSignalsOptions, type LineChange } from './fake.js';
export { planPattern, SIGNAL_PATTERNS, SIGNAL_TIMING, type SignalPattern, type PatternPlan, type PatternStep, type LineStates } from './patterns.js';
export { checkSignalsConfig, SignalsConfigError, DEFAULT_PINS, LINE_NAMES, RELAY_PULSE_CEILING_MS, type SignalsSettings, type LineName } from './config.js';
export { listGpioChips, findHeaderChip, sysfsGpioNumber, PI_GPIO_LABELS, type GpioChip } from './chip.js';
