// The sync loop: the bureau's signed time, list pulls with ETags and status deltas, and the
// audit upload — batches keyed by (device, first seq, last seq), acknowledged up to the
// bureau's high-water mark — with back-off, connectivity states and a bounded upload rate.
//
// Exactly-once rests on the bureau's idempotence (API.md): a batch is only ever re-sent, never
// changed, so retrying after a timeout, a lost answer or a crash stores each record once.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { decodeRecord, loadDeviceKey, type AuditLog, type OutboxRecord } from '../audit/index.js';
import type { Store } from '../store/index.js';
import type { TrustAnchor } from '../trust/anchors.js';
import { TrustError } from '../trust/errors.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { BureauApi, UploadRecord } from './client.js';
import type { TrustedClock } from './clock.js';
import { BureauError, ClockError, SyncError, codeOf, messageOf } from './errors.js';
import { enrol } from './enrol.js';
import { BatchTreeHeads } from './tree-heads.js';
import type { KioskTrust, ListKind, ListUpdate } from './trust-store.js';

/** online: the last exchange worked; offline: no answer at all; degraded: answers, but failures. */
export type Connectivity = 'unknown' | 'online' | 'offline' | 'degraded';

/** setTimeout/clearTimeout, injected so tests can drive the loop with fake timers. */
export interface SyncTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BureauSyncOptions {
  readonly client: BureauApi;
  readonly log: AuditLog;
  /** The store the log lives in (enrolment state, ETags, tree heads). */
  readonly store: Store;
  /** Lists are pulled when given. */
  readonly trust?: KioskTrust;
  /** The signed time is fetched when given (with `anchors`, or the trust store's). */
  readonly clock?: TrustedClock;
  readonly anchors?: readonly TrustAnchor[];
  readonly timers?: SyncTimers;
  /** Monotonic ms, for ages and the rate bound. Default performance.now. */
  readonly monoNow?: () => number;
  /** [0, 1), for the back-off jitter. */
  readonly random?: () => number;
  /** Between cycles when all is well, ms. Default 60 000. */
  readonly intervalMs?: number;
  /** How soon `nudge()` runs a cycle, ms. Default 2000. */
  readonly nudgeDelayMs?: number;
  /** Records per upload batch. Default 500. */
  readonly batchSize?: number;
  /** Upload batches started per second, at most. Default 20 (with 500 records: 10,000 records/s). */
  readonly maxBatchesPerSecond?: number;
  readonly backoff?: Omit<BackoffOptions, 'random'>;
  /** How often the signed time is fetched again, ms. Default 3 600 000. */
  readonly timeIntervalMs?: number;
  /**
   * The site's one-time enrolment code. While the device is not enrolled, each cycle tries to
   * enrol with it (a kiosk first started without the bureau in reach enrols once it is).
   */
  readonly enrolmentCode?: string;
}

export interface SyncErrorInfo {
  readonly code: string;
  readonly message: string;
  /** When it happened, on the kiosk's best clock, ms. */
  readonly atMs: number;
}

/** What one cycle did. */
export interface CycleReport {
  readonly ok: boolean;
  /** Records the bureau newly acknowledged. */
  readonly uploaded: number;
  readonly acknowledgedSeq: number;
  readonly lists: readonly ListUpdate[];
  /** The cycle stopped after the probe: the bureau was still unreachable. */
  readonly probeOnly?: boolean;
  readonly error?: SyncErrorInfo;
}

export interface ListSyncStatus {
  readonly seq?: number;
  readonly iat?: number;
  readonly nu?: number;
  /** Since the bureau last confirmed or replaced the list, ms (monotonic). */
  readonly checkedAgoMs?: number;
  /** Why the bureau's last offer of this list was refused, until one is accepted. */
  readonly lastError?: SyncErrorInfo;
}

/** What the operator screen shows. */
export interface SyncStatus {
  readonly connectivity: Connectivity;
  readonly enrolled: boolean;
  readonly syncing: boolean;
  /** The last cycle that completed without failure: when (best clock, ms) and how long ago (ms). */
  readonly lastSuccessMs?: number;
  readonly lastSuccessAgoMs?: number;
  readonly lastError?: SyncErrorInfo;
  /** Records not yet acknowledged by the bureau. */
  readonly backlog: number;
  readonly acknowledgedSeq: number;
  readonly failures: number;
  readonly nextAttemptInMs?: number;
  readonly lists: { readonly TL1: ListSyncStatus; readonly SL1: ListSyncStatus };
  /** The last signed time the clock refused (bad signature, wrong nonce, behind the floor). */
  readonly lastTimeError?: SyncErrorInfo;
  /** Why the last enrolment attempt failed, while the device is still not enrolled. */
  readonly enrolmentError?: SyncErrorInfo;
}

type BureauSyncEvents = {
  connectivity: [{ from: Connectivity; to: Connectivity }];
  /** The device enrolled during a cycle: guest registrations can be sealed from now on. */
  enrolled: [];
  cycle: [CycleReport];
  uploaded: [{ firstSeq: number; lastSeq: number; highWater: number }];
};

const ETAG_KEY = { TL1: 'etag_tl1', SL1: 'etag_sl1' } as const;
/** Answers that make no progress (the same high-water mark again) before the bureau is given up on for this cycle. */
const MAX_STALLS = 3;

const defaultTimers: SyncTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class BureauSync extends EventEmitter<BureauSyncEvents> {
  readonly #client: BureauApi;
  readonly #log: AuditLog;
  readonly #store: Store;
  readonly #trust: KioskTrust | undefined;
  readonly #clock: TrustedClock | undefined;
  readonly #anchors: readonly TrustAnchor[];
  readonly #timers: SyncTimers;
  readonly #monoNow: () => number;
  readonly #backoff: Backoff;
  readonly #intervalMs: number;
  readonly #nudgeDelayMs: number;
  readonly #minBatchGapMs: number;
  readonly #timeIntervalMs: number;
  readonly #heads: BatchTreeHeads;
  #batchSize: number;

  #connectivity: Connectivity = 'unknown';
  #started = false;
  #stopped = false;
  #abort = new AbortController();
  #timer: unknown;
  #timerDueMono: number | undefined;
  #running: Promise<CycleReport> | undefined;
  #reconciled = false;
  /** The bureau lost records below our acknowledgement: they are sent again from here. */
  #resendFrom: number | undefined;
  #bureauHighWater: number | undefined;
  #notEnrolled = false;
  readonly #enrolmentCode: string | undefined;
  #enrolmentError: SyncErrorInfo | undefined;
  #lastBatchMono: number | undefined;
  #lastSuccessMono: number | undefined;
  #lastSuccessMs: number | undefined;
  #lastError: SyncErrorInfo | undefined;
  #listErrors: { TL1?: SyncErrorInfo; SL1?: SyncErrorInfo } = {};
  #lastTimeError: SyncErrorInfo | undefined;
  #listCheckedMono: { TL1?: number; SL1?: number } = {};
  #signedTimeMono: number | undefined;
  #dateTripped = false;

  constructor(options: BureauSyncOptions) {
    super();
    this.#client = options.client;
    this.#log = options.log;
    this.#store = options.store;
    this.#trust = options.trust;
    this.#clock = options.clock;
    this.#anchors = options.anchors ?? options.trust?.anchors ?? [];
    this.#timers = options.timers ?? defaultTimers;
    this.#monoNow = options.monoNow ?? (() => performance.now());
    this.#backoff = new Backoff({ ...options.backoff, ...(options.random ? { random: options.random } : {}) });
    this.#intervalMs = atLeast(options.intervalMs ?? 60_000, 1, 'intervalMs');
    this.#nudgeDelayMs = atLeast(options.nudgeDelayMs ?? 2000, 0, 'nudgeDelayMs');
    this.#batchSize = atLeast(options.batchSize ?? 500, 1, 'batchSize');
    this.#minBatchGapMs = 1000 / atLeast(options.maxBatchesPerSecond ?? 20, Number.MIN_VALUE, 'maxBatchesPerSecond');
    this.#timeIntervalMs = atLeast(options.timeIntervalMs ?? 3_600_000, 1, 'timeIntervalMs');
    this.#enrolmentCode = options.enrolmentCode;
    const wallMs = () => options.clock?.wallMs() ?? Date.now();
    this.#heads = new BatchTreeHeads(options.store, options.log.deviceId, loadDeviceKey(options.store), wallMs);
  }

  /** Called with each answer's `Date` header (wire it as the client's `onDate`): a gross mismatch brings the signed time forward. */
  observeDate(dateMs: number): void {
    if (this.#clock && !this.#clock.dateAgrees(dateMs)) this.#dateTripped = true;
  }

  get connectivity(): Connectivity {
    return this.#connectivity;
  }

  /** Runs a cycle now, then one every `intervalMs` (or after a back-off delay when one failed). */
  start(): void {
    if (this.#stopped) throw new Error('this sync was stopped; make a new one');
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops the loop: cancels the request in flight and waits for the cycle to wind down. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer();
    this.#abort.abort();
    await this.#running?.catch(() => undefined);
    this.#clock?.flush();
  }

  /** The operator's "sync now": a cycle at once, whatever the back-off says (joins one already running). */
  syncNow(): Promise<CycleReport> {
    if (this.#running) return this.#running;
    this.#clearTimer();
    return this.#runCycle();
  }

  /** Something new to upload: run a cycle soon unless one is due sooner (only while online). */
  nudge(): void {
    if (!this.#started || this.#stopped || this.#running || this.#connectivity !== 'online') return;
    const due = this.#monoNow() + this.#nudgeDelayMs;
    if (this.#timerDueMono !== undefined && this.#timerDueMono <= due) return;
    this.#clearTimer();
    this.#schedule(this.#nudgeDelayMs);
  }

  status(): SyncStatus {
    const now = this.#monoNow();
    const acknowledgedSeq = this.#log.acknowledgedSeq();
    const list = (kind: ListKind): ListSyncStatus => {
      const inForce = kind === 'TL1' ? this.#trust?.trust : this.#trust?.status;
      const checked = this.#listCheckedMono[kind];
      const error = this.#listErrors[kind];
      return {
        ...(inForce ? { seq: inForce.seq, iat: inForce.iat, nu: inForce.nu } : {}),
        ...(checked !== undefined ? { checkedAgoMs: now - checked } : {}),
        ...(error ? { lastError: error } : {}),
      };
    };
    return {
      connectivity: this.#connectivity,
      enrolled: this.#enrolled(),
      syncing: this.#running !== undefined,
      ...(this.#lastSuccessMs !== undefined ? { lastSuccessMs: this.#lastSuccessMs } : {}),
      ...(this.#lastSuccessMono !== undefined ? { lastSuccessAgoMs: now - this.#lastSuccessMono } : {}),
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      ...(this.#enrolmentError && !this.#enrolled() ? { enrolmentError: this.#enrolmentError } : {}),
      backlog: Math.max(0, this.#log.size - acknowledgedSeq),
      acknowledgedSeq,
      failures: this.#backoff.failures,
      ...(this.#timerDueMono !== undefined ? { nextAttemptInMs: Math.max(0, this.#timerDueMono - now) } : {}),
      lists: { TL1: list('TL1'), SL1: list('SL1') },
      ...(this.#lastTimeError ? { lastTimeError: this.#lastTimeError } : {}),
    };
  }

  #schedule(delayMs: number): void {
    if (!this.#started || this.#stopped) return;
    this.#timerDueMono = this.#monoNow() + delayMs;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.#timerDueMono = undefined;
      void this.#runCycle();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDueMono = undefined;
  }

  #runCycle(): Promise<CycleReport> {
    const run = this.#cycle().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #cycle(): Promise<CycleReport> {
    const lists: ListUpdate[] = [];
    const ackBefore = this.#log.acknowledgedSeq();
    const signal = this.#abort.signal;
    let probeOnly = false;
    try {
      this.#clock?.tick();
      if (this.#clock) await this.#clock.refreshNtp();
      // Offline, the cycle starts with one small request; the rest only once it is answered.
      if (this.#connectivity === 'offline' || this.#connectivity === 'unknown') {
        probeOnly = true;
        await this.#fetchTime(signal);
        this.#setConnectivity('online');
        probeOnly = false;
      } else if (this.#timeDue()) {
        await this.#fetchTime(signal);
      }
      if (this.#trust) {
        lists.push(...(await this.#pullList('TL1', signal)));
        lists.push(...(await this.#pullList('SL1', signal)));
      }
      if (!this.#enrolled() && this.#enrolmentCode !== undefined) await this.#tryEnrol(signal);
      if (this.#enrolled()) await this.#drain(signal);
      this.#backoff.succeed();
      this.#lastSuccessMono = this.#monoNow();
      this.#lastSuccessMs = this.#clock?.now() ?? Date.now();
      this.#lastError = undefined;
      this.#setConnectivity('online');
      const report: CycleReport = { ok: true, uploaded: this.#log.acknowledgedSeq() - ackBefore, acknowledgedSeq: this.#log.acknowledgedSeq(), lists };
      // A tripped Date check waits for the next cycle too: a bureau whose clock is off would otherwise loop us.
      this.#schedule(this.#intervalMs);
      this.emit('cycle', report);
      return report;
    } catch (error) {
      const info = this.#errorInfo(error);
      const report: CycleReport = {
        ok: false,
        uploaded: this.#log.acknowledgedSeq() - ackBefore,
        acknowledgedSeq: this.#log.acknowledgedSeq(),
        lists,
        ...(probeOnly ? { probeOnly } : {}),
        error: info,
      };
      if (this.#stopped) return report;
      this.#lastError = info;
      this.#setConnectivity(error instanceof BureauError && error.offline ? 'offline' : 'degraded');
      this.#schedule(this.#backoff.fail());
      this.emit('cycle', report);
      return report;
    }
  }

  #timeDue(): boolean {
    if (!this.#clock || this.#anchors.length === 0) return false;
    if (this.#dateTripped || !this.#clock.trusted() || this.#signedTimeMono === undefined) return true;
    return this.#monoNow() - this.#signedTimeMono >= this.#timeIntervalMs;
  }

  /**
   * `GET /v1/time`: the probe, and the clock's strongest source. A time the clock refuses (bad
   * signature, wrong nonce, behind the floor) is reported, not fatal: the bureau did answer.
   */
  async #fetchTime(signal: AbortSignal): Promise<void> {
    const clock = this.#anchors.length > 0 ? this.#clock : undefined;
    const request = clock?.timeRequest() ?? { nonce: crypto.getRandomValues(new Uint8Array(16)), sentMonoMs: 0 };
    const bytes = await this.#client.time(request.nonce, signal);
    if (!clock) return;
    this.#dateTripped = false;
    try {
      clock.acceptSignedTime(bytes, this.#anchors, request);
      this.#signedTimeMono = this.#monoNow();
      this.#lastTimeError = undefined;
    } catch (error) {
      if (!(error instanceof ClockError || error instanceof TrustError)) throw error;
      this.#lastTimeError = this.#errorInfo(error);
    }
  }

  /** One list: 304, or offered to the trust store; a status delta that does not apply brings the full list. */
  async #pullList(kind: ListKind, signal: AbortSignal): Promise<ListUpdate[]> {
    const trust = this.#trust!;
    const seq = trust.seq(kind);
    const etag = seq === undefined ? undefined : this.#store.meta.get(ETAG_KEY[kind]);
    const held = { ...(etag ? { etag } : {}), ...(kind === 'SL1' && seq !== undefined ? { have: seq } : {}) };
    const updates: ListUpdate[] = [];
    let answer = await this.#client.list(kind, held, signal);
    if (answer.status === 'ok') {
      let update = trust.offer(kind, answer.bytes, 'bureau');
      updates.push(update);
      if (update.outcome === 'refused' && kind === 'SL1' && (update.error === 'delta_base_mismatch' || update.error === 'salt_changed')) {
        answer = await this.#client.list(kind, {}, signal);
        if (answer.status === 'ok') {
          update = trust.offer(kind, answer.bytes, 'bureau');
          updates.push(update);
        }
      }
      if (update.outcome === 'refused') {
        this.#listErrors[kind] = { code: update.error ?? 'refused', message: update.message ?? `${kind} refused`, atMs: this.#bestNow() };
        return updates;
      }
      delete this.#listErrors[kind];
      if (answer.status === 'ok' && answer.etag) this.#store.meta.set(ETAG_KEY[kind], answer.etag);
    }
    this.#listCheckedMono[kind] = this.#monoNow();
    return updates;
  }

  /** Uploads every pending record, batch by batch, at the bounded rate. */
  async #drain(signal: AbortSignal): Promise<void> {
    if (!this.#reconciled) {
      const state = await this.#uploadCall(() => this.#client.auditState(this.#log.deviceId, signal));
      this.#reconcile(state.highWater);
      this.#reconciled = true;
    }
    let stalls = 0;
    for (;;) {
      if (signal.aborted) return;
      const records = this.#nextBatch();
      if (records.length === 0) return;
      await this.#rateGate();
      if (signal.aborted) return;
      const firstSeq = records[0]!.seq;
      const lastSeq = records[records.length - 1]!.seq;
      const treeHead = this.#heads.sign(firstSeq, records.map((r) => r.leafHash));
      this.#lastBatchMono = this.#monoNow();
      const before = this.#progress();
      try {
        const answer = await this.#uploadCall(() =>
          this.#client.uploadAudit(this.#log.deviceId, { firstSeq, lastSeq, records: records.map(toUpload), treeHead }, signal),
        );
        this.#reconcile(answer.highWater);
        this.emit('uploaded', { firstSeq, lastSeq, highWater: answer.highWater });
      } catch (error) {
        if (!(error instanceof BureauError)) throw error;
        if (error.refusal === 'gap' && error.details.highWater !== undefined) {
          this.#reconcile(error.details.highWater);
        } else if (error.status === 413 && records.length > 1) {
          this.#batchSize = Math.max(1, Math.floor(records.length / 2));
          continue;
        } else {
          throw error;
        }
      }
      if (this.#progress() === before) {
        if (++stalls >= MAX_STALLS) {
          throw new BureauError('bureau_bad_answer', `the bureau answered ${MAX_STALLS} batches from ${firstSeq} without moving its high-water mark`);
        }
      } else {
        stalls = 0;
        // Progress is success: a long drain after a failure does not keep the old back-off.
        this.#backoff.succeed();
      }
    }
  }

  /** An upload-side call; `404 unknown_device` means the enrolment is gone. */
  async #uploadCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof BureauError && error.refusal === 'unknown_device') {
        this.#notEnrolled = true;
        throw new SyncError('not_enrolled', 'the bureau does not know this device: enrol it again (verikiosk enrol)', { cause: error });
      }
      throw error;
    }
  }

  /** Where the upload stands, as one number that grows with progress. */
  #progress(): number {
    return this.#log.acknowledgedSeq() + (this.#resendFrom ?? 0);
  }

  /**
   * Takes the bureau's high-water mark: records through it are acknowledged (and their sealed
   * payloads deleted). Below our acknowledgement, the bureau lost records: they are sent again.
   */
  #reconcile(highWater: number): void {
    if (highWater > this.#log.size) {
      throw new SyncError(
        'bureau_ahead',
        `the bureau holds ${highWater} records for this device but its log has ${this.#log.size}: not this kiosk's log, or a lost database`,
      );
    }
    this.#bureauHighWater = highWater;
    const acknowledged = this.#log.acknowledgedSeq();
    if (highWater >= acknowledged) {
      if (highWater > acknowledged) this.#log.purgeAcknowledged(highWater);
      this.#resendFrom = undefined;
    } else {
      this.#resendFrom = highWater + 1;
    }
  }

  /** The next batch: records after the bureau's mark (normally `pending`, after our acknowledgement). */
  #nextBatch(): OutboxRecord[] {
    if (this.#resendFrom !== undefined) {
      const acknowledged = this.#log.acknowledgedSeq();
      if (this.#resendFrom <= acknowledged) return this.#resend(this.#resendFrom, Math.min(acknowledged, this.#resendFrom + this.#batchSize - 1));
      this.#resendFrom = undefined;
    }
    return this.#log.pending(this.#batchSize);
  }

  /** Records already acknowledged, read again for a bureau that lost them — possible only while their bodies and sealed payloads remain. */
  #resend(from: number, to: number): OutboxRecord[] {
    return this.#log.records(from, to).map((record) => {
      const { body } = record;
      // A record marked sealed whose payload was deleted is as lost as one whose body was purged.
      if (body === null || (!record.sealed && decodeRecord(body).sealed)) {
        throw new SyncError(
          'resend_impossible',
          `the bureau holds only ${from - 1} records but record ${record.seq} was purged here after an earlier acknowledgement: it cannot be sent again`,
        );
      }
      return { ...record, body };
    });
  }

  /** At most `maxBatchesPerSecond` batch starts, and always a turn of the event loop between batches. */
  async #rateGate(): Promise<void> {
    if (this.#lastBatchMono === undefined) return;
    const wait = this.#lastBatchMono + this.#minBatchGapMs - this.#monoNow();
    await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, Math.max(0, wait)));
  }

  /**
   * One enrolment attempt. A refusal (a wrong or spent code, a changed seal key) is kept for the
   * operator and does not fail the cycle: lists and time still matter. Losing the connection does.
   */
  async #tryEnrol(signal: AbortSignal): Promise<void> {
    try {
      await enrol({ bureauUrl: this.#client.baseUrl, code: this.#enrolmentCode!, store: this.#store, client: this.#client, signal });
    } catch (error) {
      // Out of reach or failing (5xx): the cycle fails and backs off. Refused: kept, tried next cycle.
      if (signal.aborted || (error instanceof BureauError && error.code !== 'bureau_refused' && error.code !== 'bureau_bad_answer')) throw error;
      this.#enrolmentError = this.#errorInfo(error);
      return;
    }
    this.#notEnrolled = false;
    this.#enrolmentError = undefined;
    this.emit('enrolled');
  }

  #enrolled(): boolean {
    return !this.#notEnrolled && this.#store.meta.get('bureau_seal_key') !== undefined;
  }

  #setConnectivity(to: Connectivity): void {
    const from = this.#connectivity;
    if (from === to) return;
    this.#connectivity = to;
    this.emit('connectivity', { from, to });
  }

  #bestNow(): number {
    return this.#clock?.now() ?? Date.now();
  }

  #errorInfo(error: unknown): SyncErrorInfo {
    return { code: codeOf(error), message: messageOf(error), atMs: this.#bestNow() };
  }

  /** The bureau's high-water mark as last heard. */
  get bureauHighWater(): number | undefined {
    return this.#bureauHighWater;
  }
}

function toUpload(record: OutboxRecord): UploadRecord {
  return { seq: record.seq, body: record.body, ...(record.sealed ? { sealed: record.sealed } : {}) };
}

function atLeast(value: number, min: number, name: string): number {
  if (!Number.isFinite(value) || value < min) throw new TypeError(`${name} must be a number >= ${min}, got ${value}`);
  return value;
}
