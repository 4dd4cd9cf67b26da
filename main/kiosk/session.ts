// The session flow at the counter: waiting → reading → verifying → verdict → waiting, with the
// rules for documents that arrive together, twice, during a verdict, or from a device unplugged.
//
// Decisions (tested in test/unit/kiosk/session.test.ts):
// - One document at a time. A document arriving while another is being read or verified is
//   ignored ('busy'), not queued: by the time a queue drained, the holder may have left, and the
//   clerk simply presents it again. The kiosk logs and audits the refusal.
// - The same code (same text) again within `debounceMs` of its last sighting is the same scan
//   ('duplicate'): a scanner or camera reading one phone twice gives one verdict. The window
//   slides with each sighting, so a phone held in front of the camera stays one scan.
// - A new document during an unheld verdict replaces it at once (the next person in the queue
//   should not wait for the auto-clear). A held verdict is kept: new documents are ignored
//   ('held') until the clerk dismisses it.
// - The device a document came from going absent or faulty while the document is still being
//   read abandons it: back to waiting, no verdict (the kiosk shows the device notice). Once
//   verification has begun the document is complete in memory and its verdict is given.
// - hold/dismiss name a verdict id and act only when it is still the verdict on screen.
import { createHash, randomUUID } from 'node:crypto';
import type { DocumentSource, Screen, VerdictView } from '../api/contract.js';

/** What a document carries into the session; the payload is the kiosk's business. */
export interface Presented {
  readonly source: DocumentSource;
  /** Identical keys within the debounce window are one scan (a code's text); cards have none. */
  readonly debounceKey?: string;
  /** This document's window when longer than the session's (a camera sees a code once per capture). */
  readonly debounceMs?: number;
}

/** What `verify` returns: the verdict minus what the session decides (id, time, hold, clear). */
export type VerdictContent = Omit<VerdictView, 'id' | 'at' | 'held' | 'clearsAt'>;

export interface SessionSnapshot {
  readonly screen: Screen;
  readonly reading?: { readonly source: DocumentSource };
  readonly verdict?: VerdictView;
}

export type PresentOutcome = 'accepted' | 'duplicate' | 'busy' | 'held';

export interface SessionOptions<D extends Presented, R> {
  /** The reading step: whatever must happen before the document can be verified. */
  read(document: D): Promise<R> | R;
  /** The verifying step: the verdict (and whatever the kiosk records with it). */
  verify(read: R, document: D): Promise<VerdictContent> | VerdictContent;
  /** Seconds a verdict stays unless held. */
  verdictSeconds: number;
  /** A held verdict is cleared after this long anyway (personal data on screen). */
  maxHoldSeconds: number;
  debounceMs: number;
  /** ms since the epoch. Default Date.now. */
  now?: () => number;
  onChange?(snapshot: SessionSnapshot): void;
  /** A read or verify step threw: the session went back to waiting. */
  onError?(error: unknown, document: D): void;
  /** A document was abandoned because its device went away mid-read. */
  onAbandoned?(document: D): void;
}

type State<D> =
  | { screen: 'waiting' }
  | { screen: 'reading' | 'verifying'; document: D; generation: number }
  | { screen: 'verdict'; verdict: VerdictView };

export class Session<D extends Presented, R = unknown> {
  readonly #options: SessionOptions<D, R>;
  readonly #now: () => number;
  #state: State<D> = { screen: 'waiting' };
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastKey: string | undefined;
  #lastSeenAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: SessionOptions<D, R>) {
    for (const key of ['verdictSeconds', 'maxHoldSeconds', 'debounceMs'] as const) {
      const v = options[key];
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`Session: "${key}" must be a non-negative number, got ${v}`);
    }
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get snapshot(): SessionSnapshot {
    const s = this.#state;
    if (s.screen === 'waiting') return { screen: 'waiting' };
    if (s.screen === 'verdict') return { screen: 'verdict', verdict: s.verdict };
    return { screen: s.screen, reading: { source: s.document.source } };
  }

  /** The verdict on screen, if any. */
  get verdict(): VerdictView | undefined {
    return this.#state.screen === 'verdict' ? this.#state.verdict : undefined;
  }

  /** Offers a document; see the decisions at the top of this file. */
  present(document: D): PresentOutcome {
    if (this.#closed) return 'busy';
    const now = this.#now();
    if (document.debounceKey !== undefined) {
      const key = digest(document.debounceKey);
      const window = Math.max(this.#options.debounceMs, document.debounceMs ?? 0);
      const same = key === this.#lastKey && now - this.#lastSeenAt < window;
      this.#lastKey = key;
      this.#lastSeenAt = now;
      if (same) return 'duplicate';
    }
    const s = this.#state;
    if (s.screen === 'reading' || s.screen === 'verifying') return 'busy';
    if (s.screen === 'verdict' && s.verdict.held) return 'held';
    void this.#run(document);
    return 'accepted';
  }

  /** Keeps the verdict `id` on screen until dismissed (or maxHoldSeconds). False when it is not the current one. */
  hold(id: string): boolean {
    const s = this.#state;
    if (s.screen !== 'verdict' || s.verdict.id !== id) return false;
    if (s.verdict.held) return true;
    const { clearsAt: _dropped, ...rest } = s.verdict;
    this.#showVerdict({ ...rest, held: true }, this.#options.maxHoldSeconds * 1000);
    return true;
  }

  /** Clears the verdict `id`. False when it is not the one on screen (a late click never clears the next). */
  dismiss(id: string): boolean {
    const s = this.#state;
    if (s.screen !== 'verdict' || s.verdict.id !== id) return false;
    this.#toWaiting();
    return true;
  }

  /** Changes the verdict on screen (e.g. a visitor photo that arrived); false when `id` is no longer shown. */
  amend(id: string, patch: Partial<Pick<VerdictView, 'holder'>>): boolean {
    const s = this.#state;
    if (s.screen !== 'verdict' || s.verdict.id !== id) return false;
    this.#state = { screen: 'verdict', verdict: { ...s.verdict, ...patch } };
    this.#changed();
    return true;
  }

  /** The device `source` went away: a document from it still being read is abandoned. True when one was. */
  deviceLost(source: DocumentSource): boolean {
    const s = this.#state;
    if (s.screen !== 'reading' || s.document.source !== source) return false;
    this.#options.onAbandoned?.(s.document);
    this.#toWaiting();
    return true;
  }

  close(): void {
    this.#closed = true;
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #run(document: D): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#closed;
    try {
      this.#state = { screen: 'reading', document, generation };
      this.#changed();
      const read = await this.#options.read(document);
      if (!current()) return;
      this.#state = { screen: 'verifying', document, generation };
      this.#changed();
      const content = await this.#options.verify(read, document);
      if (!current()) return;
      this.#showVerdict({ ...content, id: randomUUID(), at: this.#now(), held: false }, this.#options.verdictSeconds * 1000);
    } catch (error) {
      if (!current()) return;
      this.#options.onError?.(error, document);
      this.#toWaiting();
    }
  }

  #showVerdict(verdict: VerdictView, clearAfterMs: number): void {
    clearTimeout(this.#timer);
    const shown: VerdictView = verdict.held ? verdict : { ...verdict, clearsAt: this.#now() + clearAfterMs };
    this.#state = { screen: 'verdict', verdict: shown };
    const id = verdict.id;
    this.#timer = setTimeout(() => {
      if (this.#state.screen === 'verdict' && this.#state.verdict.id === id) this.#toWaiting();
    }, clearAfterMs);
    this.#changed();
  }

  #toWaiting(): void {
    this.#generation++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#state = { screen: 'waiting' };
    this.#changed();
  }

  #changed(): void {
    if (!this.#closed) this.#options.onChange?.(this.snapshot);
  }
}

/** The debounce memory keeps a digest, not the code: the text is personal data. */
function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
