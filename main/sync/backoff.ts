// Retry delays after failures: exponential with full jitter (a random delay between 0 and
// min(cap, base · 2^attempt)), so a city's kiosks coming back online do not retry in step.

export interface BackoffOptions {
  /** The first ceiling, ms. Default 1000. */
  readonly baseMs?: number;
  /** The largest ceiling, ms. Default 300 000 (5 minutes). */
  readonly capMs?: number;
  /** A number in [0, 1); injected so tests can pin it. Default Math.random. */
  readonly random?: () => number;
}

export class Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 1000;
    this.capMs = options.capMs ?? 300_000;
    if (!(this.baseMs > 0) || !(this.capMs >= this.baseMs)) {
      throw new TypeError(`back-off needs 0 < baseMs <= capMs, got baseMs ${this.baseMs}, capMs ${this.capMs}`);
    }
    this.#random = options.random ?? Math.random;
  }

  /** Failures in a row since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** The ceiling of the next delay. */
  ceilingMs(): number {
    // 2^attempt overflows nothing here: past the cap the exponent no longer matters.
    const exponent = Math.min(this.#failures, 52);
    return Math.min(this.capMs, this.baseMs * 2 ** exponent);
  }

  /** Counts a failure and returns how long to wait before the next try, ms. */
  fail(): number {
    const ceiling = this.ceilingMs();
    this.#failures++;
    const r = this.#random();
    const unit = r >= 0 && r < 1 ? r : 0;
    return Math.floor(unit * ceiling);
  }

  succeed(): void {
    this.#failures = 0;
  }
}
