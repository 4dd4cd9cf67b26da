// Tells a keyboard-wedge scanner from a person: a USB scanner "types" a whole code in a burst far
// faster than anyone can, then presses Enter. Pure: keystrokes and their times are handed in.

export interface WedgeOptions {
  /** A burst is a scan when its keystrokes average at most this far apart (Enter included). */
  readonly maxMeanGapMs: number;
  /** Fewer characters than this are not a scan (no ID code is that short). */
  readonly minLength: number;
  /** A pause longer than this starts over: what came before was not the scanner. */
  readonly pauseMs: number;
  /** Keys closer together than this are part of a burst and kept from the focused control. */
  readonly burstGapMs: number;
  /** The contract's limit on a scan (a QR code holds at most 4296 characters). */
  readonly maxLength: number;
}

/**
 * People type 5–10 keys a second at best (100 ms and more apart); scanners send a key every
 * 1–20 ms. 30 ms on average keeps a margin both ways; a USB hub's hiccup of one slow key does
 * not break a long scan, since only a pause of 300 ms starts over.
 */
export const WEDGE_DEFAULTS: WedgeOptions = { maxMeanGapMs: 30, minLength: 8, pauseMs: 300, burstGapMs: 50, maxLength: 4296 };

export interface WedgeKey {
  /** `KeyboardEvent.key`. */
  readonly key: string;
  /** `KeyboardEvent.timeStamp` (ms). */
  readonly at: number;
  /** Auto-repeat from a held key: a person, whatever its speed. */
  readonly repeat?: boolean;
  /** Ctrl, Alt or Meta held: a shortcut, never part of a code. */
  readonly chord?: boolean;
  /** An input method is composing (Chinese input): a person. */
  readonly composing?: boolean;
}

/**
 * `pass`: let the key do what it does. `swallow`: it is part of a burst, keep it from the focused
 * control (a space in a code must not press the focused button). `scan`: Enter ended a scan.
 */
export type WedgeDecision = { readonly kind: 'pass' } | { readonly kind: 'swallow' } | { readonly kind: 'scan'; readonly text: string };

const PASS: WedgeDecision = { kind: 'pass' };
const SWALLOW: WedgeDecision = { kind: 'swallow' };
/** Scanners press Shift for capitals: it neither joins nor breaks a burst. */
const MODIFIERS = new Set(['Shift', 'CapsLock', 'Control', 'Alt', 'AltGraph', 'Meta']);

export class WedgeDetector {
  private readonly options: WedgeOptions;
  private text = '';
  private firstAt = 0;
  private lastAt = 0;

  constructor(options: Partial<WedgeOptions> = {}) {
    this.options = { ...WEDGE_DEFAULTS, ...options };
    for (const [name, value] of Object.entries(this.options)) {
      if (!Number.isFinite(value) || value <= 0) throw new RangeError(`WedgeDetector: ${name} must be a positive number, got ${String(value)}`);
    }
  }

  feed(stroke: WedgeKey): WedgeDecision {
    if (MODIFIERS.has(stroke.key)) return PASS;
    if (stroke.repeat || stroke.chord || stroke.composing) {
      this.reset();
      return PASS;
    }
    const paused = this.text.length > 0 && stroke.at - this.lastAt > this.options.pauseMs;
    if (paused) this.reset();

    if (stroke.key === 'Enter') {
      const decision = this.judge(stroke.at);
      this.reset();
      return decision;
    }
    if (stroke.key.length !== 1 && !isOneCharacter(stroke.key)) {
      this.reset();
      return PASS;
    }
    const inBurst = this.text.length > 0 && stroke.at - this.lastAt <= this.options.burstGapMs;
    if (this.text.length === 0) this.firstAt = stroke.at;
    this.text += stroke.key;
    this.lastAt = stroke.at;
    if (this.text.length > this.options.maxLength) {
      this.reset();
      return PASS;
    }
    return inBurst ? SWALLOW : PASS;
  }

  reset(): void {
    this.text = '';
    this.firstAt = 0;
    this.lastAt = 0;
  }

  private judge(enterAt: number): WedgeDecision {
    const count = this.text.length;
    if (count < this.options.minLength) return PASS;
    // `count` characters and the Enter make `count` gaps.
    const meanGap = (enterAt - this.firstAt) / count;
    return meanGap <= this.options.maxMeanGapMs ? { kind: 'scan', text: this.text } : PASS;
  }
}

/** `KeyboardEvent.key` is one character but may be two UTF-16 units (an emoji, a rare Han). */
function isOneCharacter(key: string): boolean {
  return [...key].length === 1;
}
