// What the kiosk needs of the parts it composes, as small interfaces: main/sync's KioskTrust,
// TrustedClock and BureauSync satisfy them, and tests or the launcher may hand in their own.
import type { CardRecord } from '../../drivers/card-reader/index.js';
import type { AuditClock } from '../audit/index.js';
import type { SAMPLE_CARDS, SAMPLE_CODES } from '../api/contract.js';
import type { StatusView, TrustView } from '../verify/types.js';

export type ListKind = 'TL1' | 'SL1';

/** One list offered and what became of it (main/sync's ListUpdate): recorded as `list_update`. */
export interface ListUpdateReport {
  readonly list: ListKind;
  readonly outcome: 'accepted' | 'unchanged' | 'refused';
  readonly seq?: number;
  readonly error?: string;
}

interface ListFacts {
  readonly seq: number;
  /** NumericDate seconds. */
  readonly iat: number;
  readonly nu: number;
}

/** The lists in force (main/sync's KioskTrust). */
export interface KioskLists {
  readonly trust: (TrustView & ListFacts & { readonly keys: readonly unknown[] }) | undefined;
  readonly status: (StatusView & ListFacts & { readonly size: number }) | undefined;
  /** What happened while the lists were restored at boot, recorded once the kiosk starts. */
  readonly bootUpdates?: readonly ListUpdateReport[];
  on(event: 'list_update', listener: (update: ListUpdateReport) => void): unknown;
  off(event: 'list_update', listener: (update: ListUpdateReport) => void): unknown;
}

export interface ClockChangeReport {
  readonly fromMs: number;
  readonly toMs: number;
  readonly source: string;
}

/** The trusted clock (main/sync's TrustedClock); it also stamps the audit records. */
export interface KioskClock extends AuditClock {
  /** Best estimate of the time, ms (never below the floor of trusted time seen). */
  now(): number;
  status(): { readonly trusted: boolean; readonly source?: string };
  /** Asks the system's NTP state again (the sync loop does it each cycle; the kiosk when there is no bureau). */
  refreshNtp?(): Promise<boolean>;
  /** Writes the floor of trusted time on shutdown. */
  flush?(): void;
  on(event: 'clock_change', listener: (change: ClockChangeReport) => void): unknown;
  off(event: 'clock_change', listener: (change: ClockChangeReport) => void): unknown;
}

/** The bureau sync loop (main/sync's BureauSync). */
export interface KioskSync {
  start(): void;
  stop(): Promise<void>;
  syncNow(): Promise<{ readonly ok: boolean; readonly error?: { readonly code: string } }>;
  /** Something new to upload. */
  nudge?(): void;
  status(): {
    readonly connectivity: 'unknown' | 'online' | 'offline' | 'degraded';
    readonly lastSuccessMs?: number;
    readonly lastError?: { readonly code: string };
    readonly backlog: number;
    readonly enrolled?: boolean;
    /** Why the last enrolment attempt failed, while not enrolled. */
    readonly enrolmentError?: { readonly code: string };
  };
}

export type SampleCode = (typeof SAMPLE_CODES)[number];
export type SampleCard = (typeof SAMPLE_CARDS)[number];

/**
 * Sample documents for the simulation panel, built by the launcher in tools/ from the issuer
 * toolkit's demo keys (main/ may not import tools/). `replayed` should give a code whose cti was
 * accepted before — and, to be more than the same scan again, text that differs from it (signed
 * anew) or presented after the debounce window.
 */
export interface SampleSource {
  code(sample: SampleCode): string;
  card(sample: SampleCard): CardRecord;
  /** A PNG/JPEG of the code, for `presentCode via camera`; without it that step answers `failed`. */
  codeImage?(sample: SampleCode): Promise<Uint8Array> | Uint8Array;
}
