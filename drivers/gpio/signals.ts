// The Signals interface the kiosk sees (lights, buzzer, gate relay) and LineSignals, which plays
// patterns on any set of output lines with the relay's safety rules; real and fake lines plug in.
import { EventEmitter } from 'node:events';
import { LINE_NAMES, type LineName, type SignalsSettings } from './config.js';
import { planPattern, type LineStates, type PatternPlan, type PatternStep, type SignalPattern } from './patterns.js';

export type SignalsHealth = { state: 'ready' } | { state: 'absent'; why: string } | { state: 'faulty'; why: string };

/** How a `show` ended: ran to its end, was replaced by another pattern, by close(), or a line failed. */
export type PatternOutcome = 'finished' | 'replaced' | 'stopped' | 'failed';

export interface SignalsEvents {
  /** Fires only when the state (or its reason) changes. */
  health: [SignalsHealth];
}

/** What the kiosk knows of its lights, buzzer and gate relay, real or simulated. */
export interface Signals extends EventEmitter<SignalsEvents> {
  readonly health: SignalsHealth;
  /** True when nothing physical moves (the fake twin): the operator screen says so. */
  readonly simulated: boolean;
  /** The pattern playing now; 'idle' when none. */
  readonly pattern: SignalPattern;
  /**
   * Plays `pattern`, cancelling the one running. Resolves when it ends or is cancelled; never
   * rejects (a failing line makes health faulty). `attention` runs until replaced.
   */
  show(pattern: SignalPattern): Promise<PatternOutcome>;
  /** Cancels the pattern, turns every line off (the relay first) and releases them. */
  close(): Promise<void>;
}

/** Timers and time for the pattern player; tests pass a fake clock. */
export interface SignalClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The global timers, looked up at each call so vitest's fake timers apply to them too. */
export const systemClock: SignalClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Output lines, physical or recorded. `write` may throw; the player then fails safe. */
export interface SignalLines {
  /** The lines that have a pin; steps for others are skipped (a kiosk without buzzer). */
  readonly fitted: ReadonlySet<LineName>;
  write(line: LineName, on: boolean): void;
  /** Lets the lines go; called once, after every line was written off. */
  release(): void;
}

export interface LineSignalsOptions {
  clock?: SignalClock;
  simulated: boolean;
  /** Health while nothing has failed; a simulated kiosk says why it is simulated here. */
  health?: SignalsHealth;
  /**
   * Registers `releaseNow` to run when the process exits and returns how to unregister it, so
   * the relay is not left energised by a kiosk that exits without close(). Default: none.
   */
  onExit?: (releaseNow: () => void) => () => void;
}

interface Playing {
  plan: PatternPlan;
  startedAt: number;
  /** Index of the next step of the current phase. */
  next: number;
  /** -1 while the once-steps play; then the loop cycle. */
  cycle: number;
  timer: unknown;
  resolve: (outcome: PatternOutcome) => void;
}

const allOff = (): LineStates => ({ green: false, red: false, buzzer: false, relay: false });

export class LineSignals extends EventEmitter<SignalsEvents> implements Signals {
  readonly simulated: boolean;
  private readonly outputs: SignalLines;
  private readonly settings: SignalsSettings;
  private readonly clock: SignalClock;
  private readonly baseHealth: SignalsHealth;
  private current: SignalsHealth;
  private readonly state: LineStates = allOff();
  private playing: Playing | undefined;
  private relayWatchdog: unknown;
  private closed = false;
  private unhookExit: (() => void) | undefined;

  constructor(lines: SignalLines, settings: SignalsSettings, options: LineSignalsOptions) {
    super();
    this.outputs = lines;
    this.settings = settings;
    this.clock = options.clock ?? systemClock;
    this.simulated = options.simulated;
    this.baseHealth = options.health ?? { state: 'ready' };
    this.current = this.baseHealth;
    this.unhookExit = options.onExit?.(() => this.releaseAll());
  }

  get health(): SignalsHealth {
    return this.current;
  }

  get pattern(): SignalPattern {
    return this.playing?.plan.pattern ?? 'idle';
  }

  /** The lines as last written (what the kiosk believes they show). */
  get lineStates(): Readonly<LineStates> {
    return { ...this.state };
  }

  show(pattern: SignalPattern): Promise<PatternOutcome> {
    if (this.closed) return Promise.resolve('stopped');
    const plan = planPattern(pattern, this.settings);
    this.cancel('replaced');
    // The first instant is written as one change from the old state, so replacing a pattern does
    // not flicker the lights both patterns share.
    const first: Partial<LineStates> = allOff();
    let next = 0;
    for (; next < plan.steps.length && plan.steps[next]!.atMs <= 0; next++) Object.assign(first, plan.steps[next]!.set);
    if (!this.apply(first)) return Promise.resolve('failed');
    if (this.current.state === 'faulty') this.report(this.baseHealth);
    if (plan.steps.length === 0 && !plan.loop) return Promise.resolve('finished');
    return new Promise<PatternOutcome>((resolve) => {
      this.playing = { plan, startedAt: this.clock.now(), next, cycle: -1, timer: undefined, resolve };
      this.advance();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancel('stopped');
    this.releaseAll();
    this.unhookExit?.();
    this.unhookExit = undefined;
    this.outputs.release();
  }

  /** Applies every step that is due, then waits for the next one. */
  private advance(): void {
    const p = this.playing;
    if (!p) return;
    p.timer = undefined;
    for (;;) {
      const due = this.nextDue(p);
      if (due === undefined) {
        this.finish(p);
        return;
      }
      const wait = due.at - this.clock.now();
      if (wait > 0) {
        p.timer = this.clock.setTimeout(() => this.advance(), wait);
        return;
      }
      p.next++;
      if (due.step && !this.apply(due.step.set)) return;
    }
  }

  /** The next step and when it is due (absolute); a phase boundary is a step with nothing to set. */
  private nextDue(p: Playing): { at: number; step?: PatternStep } | undefined {
    const { plan } = p;
    if (p.cycle < 0) {
      const step = plan.steps[p.next];
      if (step) return { at: p.startedAt + step.atMs, step };
      if (!plan.loop) return p.next === plan.steps.length ? { at: p.startedAt + plan.lengthMs } : undefined;
      p.cycle = 0;
      p.next = 0;
    }
    const loop = plan.loop!;
    if (p.next >= loop.steps.length) {
      p.cycle++;
      p.next = 0;
    }
    const step = loop.steps[p.next]!;
    return { at: p.startedAt + plan.lengthMs + p.cycle * loop.periodMs + step.atMs, step };
  }

  private finish(p: Playing): void {
    this.playing = undefined;
    if (this.apply(allOff())) p.resolve('finished');
  }

  private cancel(outcome: PatternOutcome): void {
    const p = this.playing;
    if (!p) return;
    this.playing = undefined;
    if (p.timer !== undefined) this.clock.clearTimeout(p.timer);
    p.resolve(outcome);
  }

  /** Writes the lines that change. False (and everything released) when a write failed. */
  private apply(set: Partial<LineStates>): boolean {
    // The relay goes off before anything else and on after everything else.
    const order = [...LINE_NAMES].sort((a, b) => rank(a, set) - rank(b, set));
    for (const line of order) {
      const on = set[line];
      if (on === undefined || !this.outputs.fitted.has(line) || this.state[line] === on) continue;
      try {
        this.outputs.write(line, on);
      } catch (err) {
        this.fail(line, err);
        return false;
      }
      this.state[line] = on;
      if (line === 'relay') this.armWatchdog(on);
    }
    return true;
  }

  /** Whatever a pattern asks, the relay is never held longer than relay.maxPulseMs. */
  private armWatchdog(on: boolean): void {
    if (this.relayWatchdog !== undefined) this.clock.clearTimeout(this.relayWatchdog);
    this.relayWatchdog = undefined;
    if (!on) return;
    this.relayWatchdog = this.clock.setTimeout(() => {
      this.relayWatchdog = undefined;
      this.apply({ relay: false });
    }, this.settings.relay.maxPulseMs);
  }

  private fail(line: LineName, err: unknown): void {
    const p = this.playing;
    this.playing = undefined;
    if (p?.timer !== undefined) this.clock.clearTimeout(p.timer);
    this.releaseAll();
    const pin = this.settings.pins[line];
    this.report({ state: 'faulty', why: `${line} line (BCM ${pin ?? '?'}) could not be switched: ${(err as Error).message ?? String(err)}` });
    p?.resolve('failed');
  }

  /** Every line off, the relay first, each tried whatever the others do: the fail-safe path. */
  private releaseAll(): void {
    if (this.relayWatchdog !== undefined) this.clock.clearTimeout(this.relayWatchdog);
    this.relayWatchdog = undefined;
    for (const line of ['relay', 'buzzer', 'red', 'green'] as const) {
      if (!this.outputs.fitted.has(line)) continue;
      try {
        this.outputs.write(line, false);
        this.state[line] = false;
      } catch {
        // Nothing more can be done for this line here; health already says faulty or will.
      }
    }
  }

  private report(health: SignalsHealth): void {
    const before = this.current;
    this.current = health;
    const same = before.state === health.state && (before.state === 'ready' || (health.state !== 'ready' && before.why === health.why));
    if (!same) this.emit('health', health);
  }
}

function rank(line: LineName, set: Partial<LineStates>): number {
  if (line !== 'relay') return 1;
  return set.relay ? 2 : 0;
}
