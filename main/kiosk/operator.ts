// The operator console's door: the PIN checked against its scrypt hash, lock-out after repeated
// failures for a doubling time, and logout after inactivity.
import { verifyPin, type PinHash } from '../../config/pin.js';

export type LoginResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: 'wrong_pin'; readonly attemptsLeft: number }
  | { readonly ok: false; readonly error: 'locked_out'; readonly lockedUntil: number }
  /** No PIN is configured: the console cannot be opened at all. */
  | { readonly ok: false; readonly error: 'failed' };

export type LogoutReason = 'operator' | 'idle';

export interface OperatorDoorOptions {
  readonly pin: PinHash | undefined;
  readonly maxAttempts: number;
  readonly lockoutSeconds: number;
  readonly maxLockoutSeconds: number;
  readonly idleLogoutSeconds: number;
  /** ms since the epoch. Default Date.now. */
  readonly now?: () => number;
  onLogout?(reason: LogoutReason): void;
  /** A run of failures reached maxAttempts: the console is locked until `lockedUntil`. */
  onLockout?(lockedUntil: number): void;
}

/**
 * Attempts are checked one at a time (a second attempt waits for the first's scrypt run), so
 * parallel guesses cannot slip past the count. The lock-out lives in memory: restarting the
 * kiosk takes minutes on a Pi and is itself visible in the audit log (a new boot id).
 */
export class OperatorDoor {
  readonly #o: OperatorDoorOptions;
  readonly #now: () => number;
  #failures = 0;
  #lockouts = 0;
  #lockedUntil = 0;
  #loggedIn = false;
  #idle: ReturnType<typeof setTimeout> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: OperatorDoorOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  /** When the lock-out ends (ms), or undefined when not locked. */
  get lockedUntil(): number | undefined {
    return this.#lockedUntil > this.#now() ? this.#lockedUntil : undefined;
  }

  login(pin: string): Promise<LoginResult> {
    const attempt = this.#queue.then(() => this.#attempt(pin));
    this.#queue = attempt.catch(() => undefined);
    return attempt;
  }

  async #attempt(pin: string): Promise<LoginResult> {
    const stored = this.#o.pin;
    if (!stored) return { ok: false, error: 'failed' };
    const lockedUntil = this.lockedUntil;
    if (lockedUntil !== undefined) return { ok: false, error: 'locked_out', lockedUntil };
    if (await verifyPin(pin, stored)) {
      this.#failures = 0;
      this.#lockouts = 0;
      this.#loggedIn = true;
      this.touch();
      return { ok: true };
    }
    this.#failures++;
    if (this.#failures < this.#o.maxAttempts) return { ok: false, error: 'wrong_pin', attemptsLeft: this.#o.maxAttempts - this.#failures };
    const seconds = Math.min(this.#o.lockoutSeconds * 2 ** this.#lockouts, this.#o.maxLockoutSeconds);
    this.#failures = 0;
    this.#lockouts++;
    this.#lockedUntil = this.#now() + seconds * 1000;
    this.logout('operator', false);
    this.#o.onLockout?.(this.#lockedUntil);
    return { ok: false, error: 'locked_out', lockedUntil: this.#lockedUntil };
  }

  /** Operator activity: the idle countdown starts again. */
  touch(): void {
    if (!this.#loggedIn) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.logout('idle'), this.#o.idleLogoutSeconds * 1000);
  }

  logout(reason: LogoutReason, notify = true): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    if (!this.#loggedIn) return;
    this.#loggedIn = false;
    if (notify) this.#o.onLogout?.(reason);
  }

  close(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#loggedIn = false;
  }
}
