// The trusted clock of a kiosk without a real-time clock: a persisted floor, time from the
// bureau's signed answers and from the system's NTP state, jump detection, and the AuditClock
// the audit log stamps `clockTrusted` with.
//
// Sources, strongest first:
// - the bureau's signed time (COSE_Sign1 by a trust anchor, nonce-bound), extrapolated with the
//   monotonic clock for the rest of the process;
// - the system clock while systemd-timesyncd reports it synchronised (NTP is unauthenticated,
//   so a signed bureau time that disagrees with it overrides it);
// - the HTTP `Date` header: never a source. It is a tripwire only (see `dateAgrees`).
// Trusted = one of the first two is available in this process AND its time is not behind the
// floor. The floor rises only from trusted time. It falls in one case: a signed bureau time
// behind a floor that NTP alone set. NTP is unauthenticated, so a spoofed server could otherwise
// push the floor years ahead and leave the kiosk unable to trust any clock until then. The part
// of the floor a signed time vouched for (`clock_floor_signed`) never falls.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { systemClock, type AuditClock } from '../audit/index.js';
import type { Store } from '../store/index.js';
import { verifySignedList, type TrustAnchor } from '../trust/anchors.js';
import { decodeCbor } from '../verify/cbor.js';
import { ClockError, messageOf } from './errors.js';

/** Where a clock change was seen: the system clock moved, or a signed bureau time corrected it. */
export type ClockSource = 'system' | 'ntp' | 'bureau';

/** What the audit log records as a `clock_change` event. */
export interface ClockChange {
  readonly fromMs: number;
  readonly toMs: number;
  readonly source: ClockSource;
}

/** The platform clocks the trusted clock reads; tests pass a fake. */
export type SystemTime = Pick<AuditClock, 'wallMs' | 'monotonicUs' | 'bootId'>;

/** True when the system clock is NTP-synchronised now. Injected: tests and non-systemd hosts pass their own. */
export type NtpProbe = () => Promise<boolean>;

export interface TrustedClockOptions {
  /** Where the floor is kept (meta `clock_floor`, and `clock_floor_signed` for its signed part). */
  readonly store: Pick<Store, 'meta'>;
  readonly system?: SystemTime;
  /** Default `systemNtpProbe()`. */
  readonly ntp?: NtpProbe;
  /** Site policy: verification answers clock_unsynced without a trusted clock. Default true. */
  readonly requireTrustedClock?: boolean;
  /** A wall clock that moves this much against the monotonic one has jumped, ms. Default 2000. */
  readonly jumpThresholdMs?: number;
  /** The floor is written to the store at most this often, ms (SD-card wear). Default 300 000. */
  readonly floorWriteIntervalMs?: number;
  /** How far behind the floor a source may be and still count, ms (latency, rounding). Default 2000. */
  readonly floorToleranceMs?: number;
  /** A signed time that took longer than this to arrive is refused, ms. Default 10 000. */
  readonly maxRoundTripMs?: number;
  /** A `Date` header further than this from a trusted clock trips a signed-time check, ms. Default 120 000. */
  readonly dateToleranceMs?: number;
}

export interface ClockStatus {
  readonly trusted: boolean;
  /** The source trusted now. */
  readonly source?: 'ntp' | 'bureau';
  readonly ntpSynced: boolean;
  /** NTP is synchronised but a signed bureau time disagreed with it. */
  readonly ntpOverridden: boolean;
  readonly floorMs?: number;
  /** Monotonic age of the last signed bureau time, ms. */
  readonly signedTimeAgeMs?: number;
}

/** What a signed-time request needs: the nonce asked for and when it was asked, on the monotonic clock. */
export interface TimeRequest {
  readonly nonce: Uint8Array;
  readonly sentMonoMs: number;
}

interface Anchor {
  readonly timeMs: number;
  readonly monoMs: number;
}

type ClockEvents = { clock_change: [ClockChange] };

export class TrustedClock extends EventEmitter<ClockEvents> implements AuditClock {
  readonly bootId: string;
  readonly #store: Pick<Store, 'meta'>;
  readonly #system: SystemTime;
  readonly #ntp: NtpProbe;
  readonly #requireTrusted: boolean;
  readonly #jumpMs: number;
  readonly #floorIntervalMs: number;
  readonly #toleranceMs: number;
  readonly #maxRttMs: number;
  readonly #dateToleranceMs: number;
  #ntpSynced = false;
  #ntpOverridden = false;
  #bureau: Anchor | undefined;
  /** The latest trusted time seen, ms; persisted lazily. */
  #floor: number | undefined;
  #floorStored: number | undefined;
  /** The latest time a signed bureau time vouched for (extrapolated on the monotonic clock), ms. */
  #signedFloor: number | undefined;
  #signedFloorStored: number | undefined;
  #floorWrittenMono: number | undefined;
  #lastWall: number | undefined;
  #lastMono: number | undefined;

  constructor(options: TrustedClockOptions) {
    super();
    this.#store = options.store;
    this.#system = options.system ?? systemClock();
    this.bootId = this.#system.bootId;
    this.#ntp = options.ntp ?? systemNtpProbe();
    this.#requireTrusted = options.requireTrustedClock ?? true;
    this.#jumpMs = positive(options.jumpThresholdMs ?? 2000, 'jumpThresholdMs');
    this.#floorIntervalMs = positive(options.floorWriteIntervalMs ?? 300_000, 'floorWriteIntervalMs');
    this.#toleranceMs = positive(options.floorToleranceMs ?? 2000, 'floorToleranceMs');
    this.#maxRttMs = positive(options.maxRoundTripMs ?? 10_000, 'maxRoundTripMs');
    this.#dateToleranceMs = positive(options.dateToleranceMs ?? 120_000, 'dateToleranceMs');
    this.#floor = this.#floorStored = options.store.meta.get('clock_floor');
    this.#signedFloor = this.#signedFloorStored = options.store.meta.get('clock_floor_signed');
    this.#observe();
  }

  /** AuditClock: the trusted time when there is one, otherwise what the system clock says. */
  wallMs(): number {
    const trusted = this.#trustedNow();
    return trusted === undefined ? this.#system.wallMs() : Math.round(trusted.ms);
  }

  /** AuditClock: whether wall time is trusted now. */
  trusted(): boolean {
    return this.#trustedNow() !== undefined;
  }

  monotonicUs(): number {
    return this.#system.monotonicUs();
  }

  /**
   * The best estimate of the time, ms: the trusted time, else the system clock but never below
   * the floor (a Pi booted in 1970 still knows it is at least as late as the floor).
   */
  now(): number {
    const trusted = this.#trustedNow();
    if (trusted !== undefined) return Math.round(trusted.ms);
    const wall = this.#system.wallMs();
    return this.#floor !== undefined && wall < this.#floor ? this.#floor : wall;
  }

  /** The verifier's clock inputs under the site policy: `now` in NumericDate seconds. */
  forVerification(): { now: number; clockTrusted: boolean } {
    const clockTrusted = this.trusted() || !this.#requireTrusted;
    return { now: Math.floor(this.now() / 1000), clockTrusted };
  }

  get floorMs(): number | undefined {
    return this.#floor;
  }

  status(): ClockStatus {
    const trusted = this.#trustedNow();
    return {
      trusted: trusted !== undefined,
      ...(trusted ? { source: trusted.source } : {}),
      ntpSynced: this.#ntpSynced,
      ntpOverridden: this.#ntpOverridden,
      ...(this.#floor !== undefined ? { floorMs: this.#floor } : {}),
      ...(this.#bureau ? { signedTimeAgeMs: this.#monoMs() - this.#bureau.monoMs } : {}),
    };
  }

  /** Asks the NTP probe again. A probe that fails counts as not synchronised. */
  async refreshNtp(): Promise<boolean> {
    let synced: boolean;
    try {
      synced = await this.#ntp();
    } catch {
      synced = false;
    }
    // Jumps that happened before the answer belong to the old state.
    this.#observe();
    this.#ntpSynced = synced;
    this.tick();
    return synced;
  }

  /** A fresh nonce for `GET /v1/time`, with the moment it was asked. */
  timeRequest(): TimeRequest {
    return { nonce: new Uint8Array(randomBytes(16)), sentMonoMs: this.#monoMs() };
  }

  /**
   * Takes the bureau's signed time (API.md "Time"): verified with the anchors (TrustError
   * `unknown_anchor` / `bad_list_signature` otherwise), bound to the nonce, refused when behind
   * the floor or too slow to mean anything. Returns the time it now counts as current, ms.
   */
  acceptSignedTime(bytes: Uint8Array, anchors: readonly TrustAnchor[], request: TimeRequest): number {
    const receivedMono = this.#monoMs();
    const signed = verifySignedList(bytes, anchors);
    const { time, nonce } = readTimePayload(signed.payload);
    if (!sameBytes(nonce, request.nonce)) throw new ClockError('nonce_mismatch', 'the signed time answers another request');
    const rtt = receivedMono - request.sentMonoMs;
    if (rtt < 0 || rtt > this.#maxRttMs) {
      throw new ClockError('slow_answer', `the signed time took ${Math.round(rtt)} ms to arrive (at most ${this.#maxRttMs} ms is used)`);
    }
    // The bureau signed somewhere within the round trip: at its latest, it is `time + rtt` now.
    if (this.#signedFloor !== undefined && time + rtt < this.#signedFloor - this.#toleranceMs) {
      throw new ClockError('behind_floor', `the signed time ${iso(time)} is behind the latest signed time ${iso(this.#signedFloor)}`);
    }
    this.#observe();
    const before = this.#trustedNow()?.ms ?? this.#system.wallMs();
    const estimate = time + rtt / 2;
    this.#bureau = { timeMs: estimate, monoMs: receivedMono };
    if (this.#signedFloor === undefined || estimate > this.#signedFloor) this.#signedFloor = estimate;
    const floor = this.#floor;
    if (floor !== undefined && time + rtt < floor - this.#toleranceMs) {
      // Behind the floor but not behind its signed part: NTP alone set the rest. The signed time
      // outranks it; the floor comes down to it, at once on disk, and the change is reported.
      this.#floor = estimate;
      this.#writeFloor(estimate);
      this.#emitLater({ fromMs: Math.round(floor), toMs: Math.round(estimate), source: 'bureau' });
    }
    // NTP is unauthenticated: when the signed time disagrees with it, the signed time wins.
    this.#ntpOverridden = Math.abs(this.#system.wallMs() - estimate) > this.#toleranceMs + rtt / 2;
    if (Math.abs(before - estimate) > this.#jumpMs) {
      this.#emitLater({ fromMs: Math.round(before), toMs: Math.round(estimate), source: 'bureau' });
    }
    this.tick();
    return Math.round(estimate);
  }

  /**
   * The `Date` header of a bureau answer, as a tripwire: false when the clock is trusted and the
   * header is grossly off, i.e. this clock or the bureau's is wrong and a signed time should be
   * fetched now. Never moves the clock: the header is unsigned and has one-second resolution.
   */
  dateAgrees(dateMs: number): boolean {
    const trusted = this.#trustedNow();
    if (trusted === undefined || !Number.isFinite(dateMs)) return true;
    return Math.abs(trusted.ms - dateMs) <= this.#dateToleranceMs;
  }

  /** Watches for jumps and raises the floor; writes it at most every `floorWriteIntervalMs`. Call it periodically. */
  tick(): void {
    this.#persistFloor(false);
  }

  /** Writes the floor now (on shutdown), when there is a trusted time newer than the stored one. */
  flush(): void {
    this.#persistFloor(true);
  }

  #persistFloor(force: boolean): void {
    this.#trustedNow();
    const floor = this.#floor;
    if (floor === undefined) return;
    const signed = this.#signedFloor === undefined ? undefined : Math.floor(this.#signedFloor);
    const signedNewer = signed !== undefined && (this.#signedFloorStored === undefined || signed > this.#signedFloorStored);
    if (this.#floorStored !== undefined && floor <= this.#floorStored && !signedNewer) return;
    const mono = this.#monoMs();
    // The first trusted (or first signed) time of a process is written at once: a reboot right after must see it.
    const first = this.#floorWrittenMono === undefined || (signedNewer && this.#signedFloorStored === undefined);
    const due = force || first || mono - this.#floorWrittenMono! >= this.#floorIntervalMs;
    if (!due) return;
    this.#writeFloor(Math.max(floor, this.#floorStored ?? floor));
  }

  #writeFloor(floor: number): void {
    const value = Math.floor(floor);
    this.#store.meta.set('clock_floor', value);
    this.#floorStored = value;
    this.#floorWrittenMono = this.#monoMs();
    const signed = this.#signedFloor === undefined ? undefined : Math.floor(this.#signedFloor);
    if (signed !== undefined && (this.#signedFloorStored === undefined || signed > this.#signedFloorStored)) {
      this.#store.meta.set('clock_floor_signed', signed);
      this.#signedFloorStored = signed;
    }
  }

  /** The trusted time now and its source, raising the in-memory floor; undefined when untrusted. */
  #trustedNow(): { ms: number; source: 'ntp' | 'bureau' } | undefined {
    const { wall, mono } = this.#observe();
    const candidates: { ms: number; source: 'ntp' | 'bureau' }[] = [];
    if (this.#ntpSynced && !this.#ntpOverridden) candidates.push({ ms: wall, source: 'ntp' });
    if (this.#bureau) candidates.push({ ms: this.#bureau.timeMs + (mono - this.#bureau.monoMs), source: 'bureau' });
    const floor = this.#floor;
    const found = candidates.find((c) => floor === undefined || c.ms >= floor - this.#toleranceMs);
    if (found && (floor === undefined || found.ms > floor)) this.#floor = found.ms;
    if (this.#bureau) {
      const signed = this.#bureau.timeMs + (mono - this.#bureau.monoMs);
      if (this.#signedFloor === undefined || signed > this.#signedFloor) this.#signedFloor = signed;
      if (this.#floor === undefined || signed > this.#floor) this.#floor = signed;
    }
    return found;
  }

  /** Reads both clocks; a wall clock that moved against the monotonic one has jumped. */
  #observe(): { wall: number; mono: number } {
    const wall = this.#system.wallMs();
    const mono = this.#monoMs();
    if (this.#lastWall !== undefined && this.#lastMono !== undefined) {
      const expected = this.#lastWall + (mono - this.#lastMono);
      if (Math.abs(wall - expected) > this.#jumpMs) {
        // Whoever moved the system clock, NTP must vouch for it again before it is trusted.
        this.#ntpSynced = false;
        this.#emitLater({ fromMs: Math.round(expected), toMs: wall, source: 'system' });
      }
    }
    this.#lastWall = wall;
    this.#lastMono = mono;
    return { wall, mono };
  }

  /**
   * Listeners usually append a clock_change record, and the audit log reads this clock while it
   * drafts a record: emitting synchronously would append inside another append.
   */
  #emitLater(change: ClockChange): void {
    queueMicrotask(() => this.emit('clock_change', change));
  }

  #monoMs(): number {
    return this.#system.monotonicUs() / 1000;
  }
}

/** The TIME payload of API.md: `{"v": 1, "kind": "TIME", "time": ms, "nonce": 16 bytes}`. */
function readTimePayload(payload: Uint8Array): { time: number; nonce: Uint8Array } {
  let map: unknown;
  try {
    map = decodeCbor(payload);
  } catch (error) {
    throw new ClockError('malformed_time', `the signed time is not CBOR: ${messageOf(error)}`);
  }
  if (!(map instanceof Map)) throw new ClockError('malformed_time', 'the signed time is not a CBOR map');
  if (map.get('v') !== 1 || map.get('kind') !== 'TIME') throw new ClockError('malformed_time', 'the payload is not a version 1 TIME');
  const time = map.get('time');
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw new ClockError('malformed_time', '"time" must be an unsigned integer of ms since the epoch');
  }
  const nonce = map.get('nonce');
  if (!(nonce instanceof Uint8Array) || nonce.length !== 16) throw new ClockError('malformed_time', '"nonce" must be 16 bytes');
  return { time, nonce };
}

export interface SystemNtpProbeOptions {
  /** Default 'timedatectl'. */
  readonly timedatectl?: string;
  /** Written by systemd-timesyncd on its first synchronisation after boot (/run is a tmpfs). */
  readonly flagFile?: string;
  readonly timeoutMs?: number;
}

/**
 * The system's NTP state: `timedatectl show -p NTPSynchronized --value` (the kernel's view now:
 * "no" again after someone set the clock by hand). Where timedatectl is missing or fails, the
 * flag file systemd-timesyncd writes once synchronised since boot.
 */
export function systemNtpProbe(options: SystemNtpProbeOptions = {}): NtpProbe {
  const command = options.timedatectl ?? 'timedatectl';
  const flagFile = options.flagFile ?? '/run/systemd/timesync/synchronized';
  const timeout = options.timeoutMs ?? 2000;
  return async () => {
    const answer = await new Promise<string | undefined>((resolve) => {
      execFile(command, ['show', '-p', 'NTPSynchronized', '--value'], { timeout }, (error, stdout) => {
        resolve(error ? undefined : stdout.trim());
      });
    });
    if (answer === 'yes') return true;
    if (answer === 'no') return false;
    try {
      await access(flagFile);
      return true;
    } catch {
      return false;
    }
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of ms, got ${value}`);
  return value;
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
