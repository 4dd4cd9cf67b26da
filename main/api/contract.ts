// The one contract between the kiosk's main process and its screen: what the screen is shown
// (state), what the operator console is shown, and the commands the screen may send — each
// command validated with zod where it arrives in main. Transport-free: Electron IPC and the
// browser-mode WebSocket both carry exactly these objects.
import { z } from 'zod';
import type { Reason, Result } from '../verify/reasons.js';

export type { Reason, Result };

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SITE_PROFILES = ['hotel', 'rail', 'bank'] as const;
export type SiteProfileName = (typeof SITE_PROFILES)[number];

export const DEVICES = ['card-reader', 'qr-scanner', 'camera', 'signals'] as const;
export type DeviceName = (typeof DEVICES)[number];

/** Where a document came from. `keyboard-wedge`: a USB scanner typing into the screen. */
export type DocumentSource = 'card-reader' | 'qr-scanner' | 'camera' | 'keyboard-wedge';

export type Screen = 'waiting' | 'reading' | 'verifying' | 'verdict';

/** The person a verdict is about, as the site profile lets the clerk see them. */
export interface HolderView {
  readonly name: string;
  readonly latinName?: string;
  /** Only the first 6 and the last 4 characters: `110105********002X`. */
  readonly maskedNumber: string;
  /** `CN-RIC`, `CN-HMT`, `CN-FPR`, or `EU-DCC`. */
  readonly documentType: string;
  /** Extra fields the profile shows (e.g. birth date), already formatted; keys are i18n keys. */
  readonly fields: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  /** `data:` URL of the photo (card photo decoded by a site plug-in, or the visitor photo). */
  readonly photo?: string;
}

export interface VerdictView {
  /** Unique per verdict: hold and dismiss name it, so a late click never touches the next one. */
  readonly id: string;
  readonly result: Result;
  /** Reason codes; the screen turns each into a plain sentence in the chosen language. */
  readonly reasons: readonly Reason[];
  readonly source: DocumentSource;
  /** `card`: read by the card reader (checked against the status list, no signature). */
  readonly format: 'eid' | 'dcc' | 'card';
  readonly holder?: HolderView;
  /** ms since the epoch. */
  readonly at: number;
  readonly held: boolean;
  /** When the screen returns to waiting unless held (ms since the epoch). */
  readonly clearsAt?: number;
}

/** Something the clerk must know now (a device unplugged, the lists going stale). */
export interface Notice {
  /** `not_enrolled`: a site that reports guests, on a kiosk the bureau has not enrolled yet: registrations are not being kept. */
  readonly code: 'device_absent' | 'device_faulty' | 'lists_stale_soon' | 'lists_stale' | 'clock_unsynced' | 'offline' | 'not_enrolled';
  readonly device?: DeviceName;
}

export interface KioskState {
  readonly screen: Screen;
  readonly language: Language;
  readonly site: { readonly profile: SiteProfileName; readonly name: string };
  /** True when devices are simulated: the screen then offers the simulation panel. */
  readonly simulation: boolean;
  readonly reading?: { readonly source: DocumentSource };
  readonly verdict?: VerdictView;
  readonly notices: readonly Notice[];
}

export interface DeviceHealthView {
  readonly device: DeviceName;
  readonly state: 'ready' | 'absent' | 'faulty' | 'simulated' | 'disabled';
  /** What the operator should check, in plain words. */
  readonly why?: string;
}

export interface ListView {
  readonly seq: number;
  readonly issuedAt: number;
  readonly nextUpdate: number;
  /** `nextUpdate` + grace: verification answers cannot_validate after this. */
  readonly staleAt: number;
  readonly entries?: number;
}

/** The operator console: device health, lists, sync — never personal data. */
export interface OperatorStatus {
  readonly deviceId: string;
  readonly version: string;
  readonly devices: readonly DeviceHealthView[];
  readonly trustList?: ListView;
  readonly statusList?: ListView;
  readonly sync: {
    readonly state: 'online' | 'offline' | 'degraded' | 'disabled';
    readonly lastSuccessAt?: number;
    readonly lastError?: string;
    /** Audit records not yet acknowledged by the bureau. */
    readonly backlog: number;
    /** False until the bureau has enrolled this kiosk (with the code of the last refusal, if any). */
    readonly enrolled?: boolean;
    readonly enrolmentError?: string;
  };
  readonly clock: { readonly trusted: boolean; readonly source?: string };
  /** Most recent verdicts, newest first: result, reasons, source and time only. */
  readonly recent: ReadonlyArray<{ readonly at: number; readonly result: Result; readonly reasons: readonly Reason[]; readonly source: DocumentSource; readonly format: VerdictView['format'] }>;
}

/** Sample documents the simulation panel can present. */
export const SAMPLE_CODES = ['valid', 'expired', 'revoked', 'tampered', 'replayed', 'foreign-issuer'] as const;
export const SAMPLE_CARDS = ['resident', 'resident-long-term', 'hk-macao-taiwan', 'foreign-2017', 'foreign-2023', 'revoked-card'] as const;

const sampleCode = z.enum(SAMPLE_CODES);
const sampleCard = z.enum(SAMPLE_CARDS);
const device = z.enum(DEVICES);

export const SimulationAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('presentCode'), sample: sampleCode, via: z.enum(['qr-scanner', 'camera']) }),
  z.object({ action: z.literal('presentCard'), sample: sampleCard }),
  z.object({ action: z.literal('liftCard') }),
  z.object({ action: z.literal('unplug'), device }),
  z.object({ action: z.literal('replug'), device }),
]);
export type SimulationAction = z.infer<typeof SimulationAction>;

/** Every command the screen may send. Anything else is refused where it arrives. */
export const Command = z.discriminatedUnion('type', [
  z.object({ type: z.literal('setLanguage'), language: z.enum(LANGUAGES) }),
  z.object({ type: z.literal('holdVerdict'), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('dismissVerdict'), id: z.string().min(1).max(64) }),
  /** A keyboard-wedge scan: keystrokes faster than a person types, ending in Enter. */
  z.object({ type: z.literal('wedgeScan'), text: z.string().min(1).max(4296) }),
  z.object({ type: z.literal('operatorLogin'), pin: z.string().regex(/^\d{4,12}$/) }),
  z.object({ type: z.literal('operatorLogout') }),
  /** Operator only. */
  z.object({ type: z.literal('syncNow') }),
  /** Simulation mode only. */
  z.object({ type: z.literal('simulate'), step: SimulationAction }),
]);
export type Command = z.infer<typeof Command>;

export type CommandError =
  | 'invalid_command'
  | 'wrong_pin'
  | 'locked_out'
  | 'not_operator'
  | 'not_simulation'
  | 'unknown_verdict'
  | 'busy'
  | 'failed';

export type CommandResult =
  | { readonly ok: true; readonly operator?: OperatorStatus }
  | { readonly ok: false; readonly error: CommandError; readonly attemptsLeft?: number; readonly lockedUntil?: number };

/** What the screen holds on to: the same object over Electron IPC and over the WebSocket. */
export interface KioskApi {
  getState(): Promise<KioskState>;
  send(command: Command): Promise<CommandResult>;
  /** Returns an unsubscribe function. */
  onState(listener: (state: KioskState) => void): () => void;
  /** Pushed only while an operator session is open. */
  onOperator(listener: (status: OperatorStatus) => void): () => void;
}

/** Browser-mode wire messages over the WebSocket (Electron IPC uses channels of the same names). */
export type ClientMessage = { readonly id: number; readonly kind: 'command'; readonly command: unknown } | { readonly id: number; readonly kind: 'getState' };
export type ServerMessage =
  | { readonly kind: 'result'; readonly id: number; readonly result: CommandResult }
  | { readonly kind: 'state'; readonly id?: number; readonly state: KioskState }
  | { readonly kind: 'operator'; readonly status: OperatorStatus };

export { IPC_CHANNELS } from './channels.js';

/** `110105194912310021` → `110105********0021`: the clerk sees enough to compare, a passer-by not. */
export function maskDocumentNumber(number: string): string {
  if (number.length <= 10) return '*'.repeat(number.length);
  return number.slice(0, 6) + '*'.repeat(number.length - 10) + number.slice(-4);
}
