// FakeSignals: the signals' twin for simulation mode and tests. It plays the same patterns with the
// same timing as the real driver and records each line change on a timeline instead of a pin.
import { checkSignalsConfig, LINE_NAMES, type LineName, type SignalsSettings } from './config.js';
import { LineSignals, systemClock, type SignalClock, type SignalLines, type SignalsHealth } from './signals.js';

/** One change of one line; `atMs` counts from when the FakeSignals was made, on its clock. */
export interface LineChange {
  atMs: number;
  line: LineName;
  on: boolean;
}

class RecordedLines implements SignalLines {
  readonly fitted: ReadonlySet<LineName>;
  readonly timeline: LineChange[] = [];
  readonly states = new Map<LineName, boolean>();
  readonly broken = new Map<LineName, string>();
  released = false;

  constructor(
    settings: SignalsSettings,
    private readonly clock: SignalClock,
    private readonly t0: number,
  ) {
    this.fitted = new Set(LINE_NAMES.filter((l) => settings.pins[l] !== undefined));
    for (const l of this.fitted) this.states.set(l, false);
  }

  write(line: LineName, on: boolean): void {
    const broken = this.broken.get(line);
    if (broken !== undefined) throw new Error(broken);
    if (this.states.get(line) === on) return;
    this.states.set(line, on);
    this.timeline.push({ atMs: this.clock.now() - this.t0, line, on });
  }

  release(): void {
    this.released = true;
  }
}

export interface FakeSignalsOptions {
  clock?: SignalClock;
  /** Health to show, e.g. absent with why the kiosk is simulating. Default ready. */
  health?: SignalsHealth;
}

export class FakeSignals extends LineSignals {
  private readonly recorded: RecordedLines;

  /** `settings` is a checked `signals` section; omitted, the defaults (every line fitted). */
  constructor(settings: SignalsSettings = checkSignalsConfig(undefined), options: FakeSignalsOptions = {}) {
    const clock = options.clock ?? systemClock;
    const recorded = new RecordedLines(settings, clock, clock.now());
    super(recorded, settings, { simulated: true, clock, ...(options.health ? { health: options.health } : {}) });
    this.recorded = recorded;
  }

  /** Every line change since the start (or the last clearTimeline), oldest first. */
  get timeline(): readonly LineChange[] {
    return this.recorded.timeline;
  }

  clearTimeline(): void {
    this.recorded.timeline.length = 0;
  }

  /** What each fitted line shows now. */
  get lines(): Readonly<Partial<Record<LineName, boolean>>> {
    return Object.fromEntries(this.recorded.states);
  }

  /** Whether close() let the lines go. */
  get released(): boolean {
    return this.recorded.released;
  }

  /**
   * Makes writes to `line` fail with `message` (as a burnt driver transistor or an unexported pin
   * would) until repairLine: the kiosk's faulty-signals path can be exercised.
   */
  breakLine(line: LineName, message = `EIO: i/o error, write (simulated fault on the ${line} line)`): void {
    this.recorded.broken.set(line, message);
  }

  repairLine(line: LineName): void {
    this.recorded.broken.delete(line);
  }
}
