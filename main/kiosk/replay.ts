// Replay memory: the digital-ID tokens (cti) accepted on this kiosk, in memory for the verifier
// and in the store so a restart does not reopen the window. A token is remembered until its
// `exp` plus the clock skew: after that the code is refused as expired anyway.
import type { ReplayRepository } from '../store/index.js';
import type { ReplayView } from '../verify/types.js';

export class ReplayMemory implements ReplayView {
  readonly #repository: ReplayRepository;
  readonly #accepted = new Map<string, number>();

  /** Loads the tokens still unexpired at `now` (NumericDate seconds) and forgets older ones. */
  constructor(repository: ReplayRepository, now: number) {
    this.#repository = repository;
    repository.purge(now);
    for (const token of repository.active(now)) this.#accepted.set(token.ctiHex, token.expiresAt);
  }

  wasAccepted(ctiHex: string): boolean {
    return this.#accepted.has(ctiHex);
  }

  /** Remembers an accepted token, durably, before the verdict is shown. */
  accept(ctiHex: string, expiresAt: number): void {
    this.#repository.remember(ctiHex, expiresAt);
    this.#accepted.set(ctiHex, Math.max(expiresAt, this.#accepted.get(ctiHex) ?? expiresAt));
  }

  /** Drops what expired before `now` (NumericDate seconds), in memory and in the store. */
  purge(now: number): void {
    for (const [cti, expiresAt] of this.#accepted) if (expiresAt < now) this.#accepted.delete(cti);
    this.#repository.purge(now);
  }

  get size(): number {
    return this.#accepted.size;
  }
}
