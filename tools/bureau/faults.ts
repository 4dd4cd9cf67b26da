// The reference bureau's misbehaviour switches (POST /admin/faults): how often to drop a
// connection, answer 503, process a request twice or lose the answer, and how long to delay.
// A seeded PRNG decides, so a test that sets the seed sees the same faults on every run.
import type { FaultSettings } from './wire.js';
import { seededRandom } from '../random.js';

export interface Faults {
  /** Drop the connection without processing. */
  readonly dropRate: number;
  /** Delay every answer (faulted or not) by this many ms. */
  readonly delayMs: number;
  /** Answer 503 without processing. */
  readonly errorRate: number;
  /** Process the request twice, as a replaying proxy would, and answer the second time. */
  readonly answerTwiceRate: number;
  /** Process the request, then drop the connection instead of answering. */
  readonly lostAnswerRate: number;
  readonly seed: number;
}

/** What happens to one request. */
export interface FaultDraw {
  readonly drop: boolean;
  readonly error: boolean;
  readonly answerTwice: boolean;
  readonly loseAnswer: boolean;
  readonly delayMs: number;
}

const DEFAULT_SEED = 1;


export class FaultSwitches {
  #faults: Faults = { dropRate: 0, delayMs: 0, errorRate: 0, answerTwiceRate: 0, lostAnswerRate: 0, seed: DEFAULT_SEED };
  #random = seededRandom(DEFAULT_SEED);

  get current(): Faults {
    return this.#faults;
  }

  /**
   * Replaces every switch: a field left out is off (0). Giving `seed` restarts the generator from
   * it; leaving it out keeps the sequence running.
   */
  set(settings: FaultSettings): Faults {
    const seed = settings.seed ?? this.#faults.seed;
    if (settings.seed !== undefined) this.#random = seededRandom(settings.seed);
    this.#faults = {
      dropRate: settings.dropRate ?? 0,
      delayMs: settings.delayMs ?? 0,
      errorRate: settings.errorRate ?? 0,
      answerTwiceRate: settings.answerTwiceRate ?? 0,
      lostAnswerRate: settings.lostAnswerRate ?? 0,
      seed,
    };
    return this.#faults;
  }

  /** Decides one request's fate. Four numbers are drawn every time, so the sequence depends only on the seed and the request count. */
  draw(): FaultDraw {
    const f = this.#faults;
    const [drop, error, twice, lose] = [this.#random(), this.#random(), this.#random(), this.#random()];
    return {
      drop: drop < f.dropRate,
      error: error < f.errorRate,
      answerTwice: twice < f.answerTwiceRate,
      loseAnswer: lose < f.lostAnswerRate,
      delayMs: f.delayMs,
    };
  }
}
