// The composition root: startKiosk builds the kiosk from its configuration — store, clock, lists,
// audit log, sync, devices, session, operator console — and wires device events through the
// verifier to the audit log, the lights and the screen.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QrImageDecoder } from '../../drivers/camera/index.js';
import type { CardReaderError, CardRecord, ReaderHealth } from '../../drivers/card-reader/index.js';
import type { SignalPattern } from '../../drivers/gpio/index.js';
import type { SiteProfile } from '../../config/profiles.js';
import {
  Command,
  type CommandResult,
  type DeviceHealthView,
  type DeviceName,
  type DocumentSource,
  type KioskState,
  type Language,
  type ListView,
  type Notice,
  type OperatorStatus,
  type SimulationAction,
  type VerdictView,
} from '../api/contract.js';
import { AuditLog, type AuditEvent, type DocumentRef } from '../audit/index.js';
import { openStore, type Store } from '../store/index.js';
import { BureauClient, BureauSync, KioskTrust, TrustedClock, enrol } from '../sync/index.js';
import { loadAnchors, type TrustAnchor } from '../trust/anchors.js';
import { secondsUntilStale } from '../trust/freshness.js';
import { verifyCardRecord } from '../verify/card.js';
import type { StatusView, TrustView, Verdict, VerifyContext } from '../verify/types.js';
import { verifyCode } from '../verify/verifier.js';
import { CameraCodeWatch, type FrameDecoder } from './camera-codes.js';
import { profileOf, type KioskConfig } from './config.js';
import { openDevices, type KioskDeviceSet, type SimulatedDevices } from './devices.js';
import { cardFields, cardPhotoUrl, guestRegistration, holderView } from './holder.js';
import { createKioskLogger, type KioskLogger } from './log.js';
import { OperatorDoor } from './operator.js';
import type { KioskClock, KioskLists, KioskSync, ListUpdateReport, SampleSource } from './ports.js';
import { ReplayMemory } from './replay.js';
import { Session, type Presented, type SessionSnapshot, type VerdictContent } from './session.js';

export interface StartKioskOptions {
  /** The checked configuration (loadConfig). */
  readonly config: KioskConfig;
  /** Shown on the operator console. */
  readonly version?: string;
  /** Simulation mode: the sample documents the `simulate` commands present. */
  readonly samples?: SampleSource;
  /** Default: pino to stdout at config.logLevel, personal data redacted. */
  readonly logger?: KioskLogger;
  /** Default: `<dataDir>/verikiosk.db`, opened (and closed) by the kiosk. */
  readonly store?: Store;
  /** Default: main/sync's TrustedClock over the store, with the profile's clock policy. */
  readonly clock?: KioskClock;
  /** The system's NTP state for the default clock (default: timedatectl). */
  readonly ntp?: () => Promise<boolean>;
  /** Default: main/sync's KioskTrust over the store, the configured anchors and baseline lists. */
  readonly lists?: KioskLists;
  /** Default: main/sync's BureauSync when `bureau` is configured; null = no sync. */
  readonly sync?: KioskSync | null;
  /** Replaces the devices the configuration would open (tests, a launcher's own simulators). */
  readonly devices?: KioskDeviceSet & { readonly simulated?: SimulatedDevices };
  /** Decodes camera frames (default drivers/camera's QrImageDecoder, made only when needed). */
  readonly qrDecoder?: FrameDecoder;
}

export type KioskEvents = { state: KioskState; operator: OperatorStatus };

export interface KioskService {
  state(): KioskState;
  /** Validates with the contract's zod Command; anything else is `invalid_command`. Never throws. */
  handle(command: unknown): Promise<CommandResult>;
  /** Returns the unsubscribe function. `operator` is pushed only while an operator is logged in. */
  on<E extends keyof KioskEvents>(event: E, listener: (payload: KioskEvents[E]) => void): () => void;
  /** Stops devices, sync and timers and closes what the kiosk opened. */
  close(): Promise<void>;
  /** The audit log (for the launcher's and tests' inspection: `audit verify`, device id). */
  readonly audit: AuditLog;
}

type CodeDocument = Presented & { readonly kind: 'code'; readonly text: string };
type CardDocument = Presented & { readonly kind: 'card'; readonly record: CardRecord };
/** A code the scanner dropped as longer than a QR code can hold. */
type OversizeDocument = Presented & { readonly kind: 'oversize' };
type KioskDocument = CodeDocument | CardDocument | OversizeDocument;

const RECENT = 20;
const HOUSEKEEPING_MS = 5000;
const STALE_SOON_SECONDS = 24 * 3600;
/** A trust view with no keys that is stale: no list in force verifies nothing. */
const NO_TRUST: TrustView = { findKey: () => undefined, nextUpdate: 0 };
const NO_STATUS: StatusView = { holds: () => false, nextUpdate: 0 };
const AUDIT_SOURCE: Record<DocumentSource, string> = { 'card-reader': 'card', 'qr-scanner': 'qr', camera: 'camera', 'keyboard-wedge': 'wedge' };
const AUDIT_DEVICE: Record<DeviceName, string> = { 'card-reader': 'card_reader', 'qr-scanner': 'qr_scanner', camera: 'camera', signals: 'signals' };

type Health = { state: 'ready' } | { state: 'absent' | 'faulty'; why: string; code?: string };

export async function startKiosk(options: StartKioskOptions): Promise<KioskService> {
  const { config } = options;
  const profile = profileOf(config);
  const log = options.logger ?? createKioskLogger({ level: config.logLevel });
  const opened: Array<() => Promise<void> | void> = [];
  try {
    return await compose(options, profile, log, opened);
  } catch (error) {
    for (const undo of opened.reverse()) await Promise.resolve().then(undo).catch(() => undefined);
    throw error;
  }
}

async function compose(options: StartKioskOptions, profile: SiteProfile, log: KioskLogger, opened: Array<() => Promise<void> | void>): Promise<KioskService> {
  const { config } = options;
  const graceSeconds = profile.listGraceHours * 3600;

  let store = options.store;
  if (!store) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const own = openStore(join(config.dataDir, 'verikiosk.db'));
    opened.push(() => own.close());
    store = own;
  }
  const db = store;

  const anchors = readAnchors(config);
  const clock: KioskClock =
    options.clock ?? new TrustedClock({ store: db, requireTrustedClock: profile.requireTrustedClock, ...(options.ntp ? { ntp: options.ntp } : {}) });
  // Undone in reverse: the floor is written before the store closes.
  opened.push(() => clock.flush?.());
  await clock.refreshNtp?.();
  const trustStore = options.lists ? undefined : KioskTrust.open({ store: db, anchors, baseline: readBaseline(config) });
  const lists: KioskLists = options.lists ?? trustStore!;

  if (config.bureau?.enrolmentCode && !db.meta.get('bureau_seal_key')) {
    try {
      await enrol({ bureauUrl: config.bureau.url, code: config.bureau.enrolmentCode, store: db, signal: AbortSignal.timeout(10_000) });
      log.info({ event: 'enrolled' }, 'enrolled with the bureau');
    } catch (err) {
      log.warn({ event: 'enrolment_failed', err }, 'enrolment failed; it is tried again at the next start');
    }
  }
  // Read at each use: a kiosk that enrols while running (the sync loop retries) seals from then on.
  const sealKey = (): Uint8Array | undefined => db.meta.get('bureau_seal_key');
  const audit = AuditLog.open(db, { clock, bureauPublicKey: sealKey });
  opened.push(() => audit.settled());
  const reportsGuests = profile.report === 'guest_registration';
  if (reportsGuests && !sealKey()) {
    log.warn({ event: 'no_seal_key' }, 'this site reports guest registrations but the kiosk is not enrolled: registrations cannot be sealed until it is');
  }
  const replay = new ReplayMemory(db.replay, Math.floor(clock.now() / 1000));

  const given = options.devices;
  const openedDevices = given ? { devices: given, ...(given.simulated ? { simulated: given.simulated } : {}) } : await openDevices(config, profile);
  const { devices } = openedDevices;
  const simulated: SimulatedDevices | undefined = openedDevices.simulated;
  const signalsNotice = 'signalsNotice' in openedDevices ? openedDevices.signalsNotice : undefined;
  if (signalsNotice) log.warn({ event: 'signals_simulated', notice: signalsNotice.code }, signalsNotice.message);

  let sync: KioskSync | undefined;
  if (options.sync !== undefined) sync = options.sync ?? undefined;
  else if (config.bureau && trustStore && clock instanceof TrustedClock) {
    // The client reports each answer's Date header to the loop it serves, made just after it.
    const loop: { sync?: BureauSync } = {};
    const client = new BureauClient({ baseUrl: config.bureau.url, onDate: (ms) => loop.sync?.observeDate(ms) });
    loop.sync = new BureauSync({
      client,
      log: audit,
      store: db,
      trust: trustStore,
      clock,
      intervalMs: config.bureau.syncIntervalSeconds * 1000,
      ...(config.bureau.enrolmentCode ? { enrolmentCode: config.bureau.enrolmentCode } : {}),
    });
    sync = loop.sync;
  }

  // ---- state -------------------------------------------------------------------------------
  const listeners: { [E in keyof KioskEvents]: Set<(payload: KioskEvents[E]) => void> } = { state: new Set(), operator: new Set() };
  let language: Language = config.language;
  let notices: Notice[] = [];
  let snapshot: SessionSnapshot = { screen: 'waiting' };
  const recent: OperatorStatus['recent'][number][] = [];
  const fitted: Partial<Record<DeviceName, boolean>> = {
    ...(devices.cardReader ? { 'card-reader': true } : {}),
    ...(devices.qrScanner ? { 'qr-scanner': true } : {}),
    ...(devices.camera ? { camera: true } : {}),
    ...(devices.signals ? { signals: true } : {}),
  };
  const health: Partial<Record<DeviceName, Health>> = {};
  let closed = false;

  const state = (): KioskState => ({
    screen: snapshot.screen,
    language,
    site: { profile: profile.name, name: config.site.name },
    simulation: simulated !== undefined,
    ...(snapshot.reading ? { reading: snapshot.reading } : {}),
    ...(snapshot.verdict ? { verdict: snapshot.verdict } : {}),
    notices,
  });
  const emit = <E extends keyof KioskEvents>(event: E, payload: KioskEvents[E]): void => {
    for (const listener of listeners[event]) {
      try {
        listener(payload);
      } catch (err) {
        log.error({ event: 'listener_failed', err }, `a ${event} listener threw`);
      }
    }
  };
  const emitState = (): void => {
    if (!closed) emit('state', state());
  };

  const nowSeconds = (): number => Math.floor(clock.now() / 1000);
  const clockTrusted = (): boolean => clock.trusted() || !profile.requireTrustedClock;

  const computeNotices = (): Notice[] => {
    const out: Notice[] = [];
    for (const device of ['card-reader', 'qr-scanner', 'camera', 'signals'] as const) {
      const h = health[device];
      if (!fitted[device] || !h || h.state === 'ready') continue;
      out.push({ code: h.state === 'absent' ? 'device_absent' : 'device_faulty', device });
    }
    const now = nowSeconds();
    const left = [lists.trust, lists.status].map((l) => (l ? secondsUntilStale(l.nu, now, graceSeconds) : -1));
    if (left.some((s) => s < 0)) out.push({ code: 'lists_stale' });
    else if (left.some((s) => s < STALE_SOON_SECONDS)) out.push({ code: 'lists_stale_soon' });
    if (profile.requireTrustedClock && !clock.trusted()) out.push({ code: 'clock_unsynced' });
    if (sync?.status().connectivity === 'offline') out.push({ code: 'offline' });
    // Registrations are sealed to the bureau's key or not kept at all: the clerk must know.
    if (reportsGuests && !sealKey()) out.push({ code: 'not_enrolled' });
    return out;
  };
  const refreshNotices = (): void => {
    const next = computeNotices();
    if (JSON.stringify(next) === JSON.stringify(notices)) return;
    notices = next;
    emitState();
  };

  // ---- audit ---------------------------------------------------------------------------------
  const record = (event: AuditEvent, registration?: unknown): Promise<unknown> => {
    let appended: Promise<unknown>;
    try {
      appended = audit.append(event, registration);
    } catch (err) {
      appended = Promise.reject(err);
    }
    return appended.then(
      (r) => {
        sync?.nudge?.();
        return r;
      },
      (err: unknown) => {
        log.error({ event: 'audit_failed', kind: event.kind, err }, 'an audit record could not be written');
        throw err;
      },
    );
  };
  const recordQuietly = (event: AuditEvent): void => void record(event).catch(() => undefined);

  // ---- signals -------------------------------------------------------------------------------
  const signal = (pattern: SignalPattern): void => {
    if (devices.signals) void devices.signals.show(pattern);
  };

  // ---- verification --------------------------------------------------------------------------
  const verifyContext = (): VerifyContext => ({
    now: nowSeconds(),
    clockTrusted: clockTrusted(),
    trust: lists.trust ?? NO_TRUST,
    status: lists.status ?? NO_STATUS,
    replay,
    policy: { skewSeconds: profile.skewSeconds, listGraceSeconds: graceSeconds },
  });

  const verifyDocument = async (document: KioskDocument): Promise<VerdictContent> => {
    const ctx = verifyContext();
    let verdict: Verdict;
    let format: VerdictView['format'];
    let photo: string | undefined;
    if (document.kind === 'card') {
      verdict = verifyCardRecord(cardFields(document.record), ctx);
      format = 'card';
      photo = cardPhotoUrl(document.record);
    } else if (document.kind === 'oversize') {
      verdict = { result: 'unreadable', reasons: ['too_large'] };
      format = 'eid';
    } else {
      verdict = verifyCode(document.text, ctx);
      format = verdict.format ?? (document.text.startsWith('HC1:') ? 'dcc' : 'eid');
    }
    if (verdict.result === 'valid' && verdict.ctiHex !== undefined && verdict.expiresAt !== undefined) {
      replay.accept(verdict.ctiHex, verdict.expiresAt + profile.skewSeconds);
    }
    const subject = verdict.subject;
    const documentRef: DocumentRef | undefined =
      subject?.documentType && subject.documentNumber && /^[A-Za-z0-9._-]{1,32}$/.test(subject.documentType) && subject.documentNumber.length <= 64
        ? { type: subject.documentType, number: subject.documentNumber }
        : undefined;
    const event: AuditEvent = {
      kind: 'verification',
      result: verdict.result,
      reasons: [...verdict.reasons],
      format,
      ...(verdict.kid ? { kid: verdict.kid } : {}),
      ...(lists.trust ? { trustListSeq: lists.trust.seq } : {}),
      ...(lists.status ? { statusListSeq: lists.status.seq } : {}),
      source: AUDIT_SOURCE[document.source],
      ...(documentRef ? { document: documentRef } : {}),
    };
    const registration =
      reportsGuests && verdict.result === 'valid' && sealKey() ? guestRegistration(subject, clock.wallMs()) : undefined;
    // The verdict is shown only once its record is on disk: a kiosk that cannot record does not verify.
    await record(event, registration);
    signal(verdict.result === 'valid' ? 'success' : verdict.result === 'cannot_validate' ? 'attention' : 'failure');
    recent.unshift({ at: clock.wallMs(), result: verdict.result, reasons: verdict.reasons, source: document.source, format });
    recent.length = Math.min(recent.length, RECENT);
    log.info({ event: 'verdict', result: verdict.result, reasons: verdict.reasons, source: document.source, format }, 'verdict');
    const holder = holderView(subject, profile, photo);
    return { result: verdict.result, reasons: verdict.reasons, source: document.source, format, ...(holder ? { holder } : {}) };
  };

  let lastVerdictId: string | undefined;
  const session = new Session<KioskDocument, KioskDocument>({
    read: (document) => document,
    verify: (document) => verifyDocument(document),
    verdictSeconds: profile.verdictSeconds,
    maxHoldSeconds: config.session.maxHoldSeconds,
    debounceMs: config.session.debounceMs,
    now: () => clock.wallMs(),
    onChange: (next) => {
      const wasVerdict = snapshot.screen === 'verdict';
      snapshot = next;
      if (wasVerdict && next.screen === 'waiting') signal('idle');
      const verdict = next.verdict;
      if (verdict && verdict.id !== lastVerdictId) {
        lastVerdictId = verdict.id;
        takeVisitorPhoto(verdict);
        pushOperator();
      }
      emitState();
    },
    onError: (err, document) => {
      log.error({ event: 'verification_failed', source: document.source, err }, 'a document could not be verified');
      signal('attention');
    },
    onAbandoned: (document) => log.warn({ event: 'read_abandoned', source: document.source }, 'the device went away mid-read'),
  });

  const takeVisitorPhoto = (verdict: VerdictView): void => {
    const camera = devices.camera;
    if (!profile.visitorPhoto || !camera || verdict.result !== 'valid' || !verdict.holder || !profile.shown.includes('photo')) return;
    camera.takePhoto().then(
      (jpeg) => {
        const photo = `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`;
        session.amend(verdict.id, { holder: { ...verdict.holder!, photo } });
      },
      (err: unknown) => log.warn({ event: 'visitor_photo_failed', err }, 'the visitor photo could not be taken'),
    );
  };

  const present = (document: KioskDocument): ReturnType<Session<KioskDocument>['present']> => {
    const outcome = session.present(document);
    if (outcome !== 'accepted') log.info({ event: 'document_ignored', source: document.source, outcome }, 'document ignored');
    return outcome;
  };

  // ---- devices -------------------------------------------------------------------------------
  const readerLabel = simulated ? 'simulated' : config.cardReader?.port ?? 'card-reader';
  const onHealth = (device: DeviceName, h: Health): void => {
    const before = health[device];
    health[device] = h;
    if (h.state !== 'ready') {
      if (device !== 'signals') session.deviceLost(device);
      if (!before || before.state === 'ready' || before.state !== h.state || before.why !== h.why) {
        log.warn({ event: 'device_fault', device, state: h.state, fault: h.code }, h.why);
        recordQuietly({ kind: 'device_fault', device: AUDIT_DEVICE[device], fault: h.code && /^[a-z][a-z0-9_]{0,47}$/.test(h.code) ? h.code : h.state, note: h.why.slice(0, 200) });
      }
    } else if (before && before.state !== 'ready') {
      log.info({ event: 'device_ready', device }, `${device} ready`);
    }
    refreshNotices();
    pushOperator();
  };
  const healthOf = (h: ReaderHealth | { state: 'ready' } | { state: 'absent' | 'faulty'; why: string }): Health =>
    h.state === 'ready' ? { state: 'ready' } : { state: h.state, why: h.why, ...('code' in h ? { code: h.code } : {}) };

  const { cardReader, qrScanner, camera, signals } = devices;
  if (cardReader) {
    cardReader.on('card', (card) => {
      const dt = cardFields(card);
      const outcome = present({ kind: 'card', source: 'card-reader', record: card });
      recordQuietly({
        kind: 'card_read',
        outcome: outcome === 'accepted' ? 'read' : `ignored_${outcome}`,
        reader: readerLabel,
        ...(card.idNumber ? { document: { type: documentTypeOf(dt.kind), number: card.idNumber } } : {}),
      });
    });
    cardReader.on('error', (err: CardReaderError) => {
      log.warn({ event: 'card_read_failed', error: err.code }, err.message);
      if (err.code !== 'disconnected' && err.code !== 'port_unavailable' && err.code !== 'timeout') {
        recordQuietly({ kind: 'card_read', outcome: 'failed', reader: readerLabel, error: err.code });
      }
    });
    cardReader.on('health', (h) => onHealth('card-reader', healthOf(h)));
  }
  if (qrScanner) {
    qrScanner.on('scan', (scan) => void present({ kind: 'code', source: 'qr-scanner', text: scan.text, debounceKey: scan.text }));
    qrScanner.on('too_long', () => void present({ kind: 'oversize', source: 'qr-scanner' }));
    qrScanner.on('health', (h) => onHealth('qr-scanner', healthOf(h)));
  }
  if (camera) camera.on('health', (h) => onHealth('camera', healthOf(h)));
  if (signals) signals.on('health', (h) => onHealth('signals', healthOf(h)));

  let decoder = options.qrDecoder;
  const frameDecoder = (): FrameDecoder => {
    if (!decoder) {
      const own = new QrImageDecoder();
      decoder = own;
      opened.push(() => own.close());
    }
    return decoder;
  };
  // A phone held up to the camera is seen once per capture (interval + capture + decode, ~2 s on a
  // Pi): its window spans a few of those, or it would be read again, and refused as replayed.
  const cameraWindowMs = 3 * (config.camera?.scanIntervalMs ?? 0) + 2000;
  const cameraCode = (text: string): void => void present({ kind: 'code', source: 'camera', text, debounceKey: text, debounceMs: cameraWindowMs });
  let watch: CameraCodeWatch | undefined;
  if (camera && config.camera?.scanCodes) {
    watch = new CameraCodeWatch({
      camera,
      decoder: frameDecoder(),
      intervalMs: config.camera.scanIntervalMs,
      onCode: cameraCode,
      onError: (err) => log.debug({ event: 'camera_frame_failed', err }, 'a camera frame could not be read'),
    });
  }

  // ---- operator ------------------------------------------------------------------------------
  const door = new OperatorDoor({
    pin: config.operator.pin,
    maxAttempts: config.operator.maxAttempts,
    lockoutSeconds: config.operator.lockoutSeconds,
    maxLockoutSeconds: config.operator.maxLockoutSeconds,
    idleLogoutSeconds: config.operator.idleLogoutSeconds,
    now: () => clock.wallMs(),
    onLogout: (reason) => {
      log.info({ event: 'operator_logout', reason }, 'operator logged out');
      recordQuietly({ kind: 'operator_action', action: reason === 'idle' ? 'auto_logout' : 'logout', operator: 'operator' });
    },
    onLockout: (lockedUntil) => {
      log.warn({ event: 'operator_locked_out', lockedUntil }, 'operator console locked after repeated wrong PINs');
      recordQuietly({ kind: 'operator_action', action: 'locked_out', operator: 'operator' });
    },
  });

  const deviceView = (device: DeviceName): DeviceHealthView => {
    if (!fitted[device]) return { device, state: 'disabled' };
    const h = health[device];
    if (!h || h.state === 'ready') return { device, state: simulated ? 'simulated' : h ? 'ready' : 'absent' };
    return { device, state: h.state, why: h.why };
  };
  const listView = (l: { seq: number; iat: number; nu: number }, entries: number): ListView => ({
    seq: l.seq,
    issuedAt: l.iat * 1000,
    nextUpdate: l.nu * 1000,
    staleAt: (l.nu + graceSeconds) * 1000,
    entries,
  });
  const operatorStatus = (): OperatorStatus => {
    const s = sync?.status();
    const clockStatus = clock.status();
    return {
      deviceId: audit.deviceId,
      version: options.version ?? 'dev',
      devices: (['card-reader', 'qr-scanner', 'camera', 'signals'] as const).map(deviceView),
      ...(lists.trust ? { trustList: listView(lists.trust, lists.trust.keys.length) } : {}),
      ...(lists.status ? { statusList: listView(lists.status, lists.status.size) } : {}),
      sync: s
        ? {
            state: s.connectivity === 'unknown' ? 'degraded' : s.connectivity,
            ...(s.lastSuccessMs !== undefined ? { lastSuccessAt: s.lastSuccessMs } : {}),
            ...(s.lastError ? { lastError: s.lastError.code } : {}),
            backlog: s.backlog,
            ...(s.enrolled !== undefined ? { enrolled: s.enrolled } : {}),
            ...(s.enrolmentError ? { enrolmentError: s.enrolmentError.code } : {}),
          }
        : { state: 'disabled', backlog: Math.max(0, audit.size - audit.acknowledgedSeq()) },
      clock: { trusted: clockStatus.trusted, ...(clockStatus.source ? { source: clockStatus.source } : {}) },
      recent: [...recent],
    };
  };
  function pushOperator(): void {
    if (!closed && door.loggedIn && listeners.operator.size > 0) emit('operator', operatorStatus());
  }

  // ---- lists and clock events ----------------------------------------------------------------
  const onListUpdate = (u: ListUpdateReport): void => {
    recordQuietly({ kind: 'list_update', list: u.list, outcome: u.outcome, ...(u.seq !== undefined ? { seq: u.seq } : {}), ...(u.error ? { error: u.error } : {}) });
    log.info({ event: 'list_update', list: u.list, outcome: u.outcome, seq: u.seq, error: u.error }, 'list update');
    refreshNotices();
    pushOperator();
  };
  for (const u of lists.bootUpdates ?? []) onListUpdate(u);
  lists.on('list_update', onListUpdate);
  const onClockChange = (c: { fromMs: number; toMs: number; source: string }): void => {
    recordQuietly({ kind: 'clock_change', fromMs: Math.round(c.fromMs), toMs: Math.round(c.toMs), source: c.source });
    log.warn({ event: 'clock_change', fromMs: c.fromMs, toMs: c.toMs, source: c.source }, 'the clock moved');
    refreshNotices();
  };
  clock.on('clock_change', onClockChange);

  // ---- simulation ----------------------------------------------------------------------------
  const simulate = async (step: SimulationAction): Promise<CommandResult> => {
    if (!simulated) return { ok: false, error: 'not_simulation' };
    const samples = options.samples;
    switch (step.action) {
      case 'presentCode': {
        if (!samples) return { ok: false, error: 'failed' };
        if (step.via === 'qr-scanner') {
          if (!simulated.qrScanner) return { ok: false, error: 'failed' };
          simulated.qrScanner.scan(samples.code(step.sample));
          return { ok: true };
        }
        const fake = simulated.camera;
        if (!fake || !samples.codeImage) return { ok: false, error: 'failed' };
        fake.show(await samples.codeImage(step.sample));
        try {
          // The simulated visitor holds the phone up for one look of the camera, then takes it away.
          const frame = await fake.capture();
          const { text } = await frameDecoder().decode(frame.bytes);
          if (!text) return { ok: false, error: 'failed' };
          cameraCode(text);
          return { ok: true };
        } finally {
          fake.show(null);
        }
      }
      case 'presentCard': {
        const reader = simulated.cardReader;
        if (!samples || !reader) return { ok: false, error: 'failed' };
        try {
          reader.lift();
        } catch {
          // No card was on the reader.
        }
        reader.present(samples.card(step.sample));
        return { ok: true };
      }
      case 'liftCard': {
        try {
          simulated.cardReader?.lift();
          return { ok: simulated.cardReader !== undefined } as CommandResult;
        } catch {
          return { ok: false, error: 'failed' };
        }
      }
      case 'unplug':
      case 'replug':
        return plug(simulated, step.device, step.action === 'replug') ? { ok: true } : { ok: false, error: 'failed' };
    }
  };

  // ---- commands ------------------------------------------------------------------------------
  const handle = async (input: unknown): Promise<CommandResult> => {
    const parsed = Command.safeParse(input);
    if (!parsed.success) return { ok: false, error: 'invalid_command' };
    const command = parsed.data;
    if (closed) return { ok: false, error: 'failed' };
    switch (command.type) {
      case 'setLanguage':
        language = command.language;
        emitState();
        return { ok: true };
      case 'holdVerdict':
        return session.hold(command.id) ? { ok: true } : { ok: false, error: 'unknown_verdict' };
      case 'dismissVerdict':
        return session.dismiss(command.id) ? { ok: true } : { ok: false, error: 'unknown_verdict' };
      case 'wedgeScan': {
        const outcome = present({ kind: 'code', source: 'keyboard-wedge', text: command.text, debounceKey: command.text });
        return outcome === 'accepted' || outcome === 'duplicate' ? { ok: true } : { ok: false, error: 'busy' };
      }
      case 'operatorLogin': {
        const result = await door.login(command.pin);
        if (result.ok) {
          log.info({ event: 'operator_login' }, 'operator logged in');
          recordQuietly({ kind: 'operator_action', action: 'login', operator: 'operator' });
          return { ok: true, operator: operatorStatus() };
        }
        if (result.error === 'wrong_pin') {
          log.warn({ event: 'operator_wrong_pin', attemptsLeft: result.attemptsLeft }, 'wrong operator PIN');
          recordQuietly({ kind: 'operator_action', action: 'login_failed', operator: 'operator' });
        }
        return result;
      }
      case 'operatorLogout':
        door.logout('operator');
        return { ok: true };
      case 'syncNow': {
        if (!door.loggedIn) return { ok: false, error: 'not_operator' };
        door.touch();
        recordQuietly({ kind: 'operator_action', action: 'sync_now', operator: 'operator' });
        if (!sync) return { ok: false, error: 'failed' };
        const report = await sync.syncNow();
        refreshNotices();
        // The console shows the outcome at once, success or not, rather than at the next periodic push.
        pushOperator();
        return report.ok ? { ok: true, operator: operatorStatus() } : { ok: false, error: 'failed' };
      }
      case 'simulate':
        try {
          return await simulate(command.step);
        } catch (err) {
          log.warn({ event: 'simulation_failed', action: command.step.action, err }, 'simulation step failed');
          return { ok: false, error: 'failed' };
        }
    }
  };

  // ---- start ---------------------------------------------------------------------------------
  const starts: Promise<unknown>[] = [];
  if (cardReader) {
    health['card-reader'] = healthOf(cardReader.health);
    starts.push(cardReader.start());
    opened.push(() => cardReader.stop());
  }
  if (qrScanner) {
    starts.push(qrScanner.start());
    opened.push(() => qrScanner.stop());
  }
  if (camera) starts.push(camera.check());
  await Promise.all(starts);
  for (const [device, d] of [['card-reader', cardReader], ['qr-scanner', qrScanner], ['camera', camera], ['signals', signals]] as const) {
    if (d) health[device] = healthOf(d.health);
  }
  if (signals) opened.push(() => signals.close());
  watch?.start();
  if (watch) opened.push(() => watch.stop());
  sync?.start();
  if (sync) opened.push(() => sync.stop());
  notices = computeNotices();

  let ticks = 0;
  const housekeeping = setInterval(() => {
    ticks++;
    refreshNotices();
    pushOperator();
    if (ticks % 12 === 0) {
      replay.purge(nowSeconds());
      if (!sync) void clock.refreshNtp?.().then(refreshNotices, () => undefined);
    }
  }, HOUSEKEEPING_MS);
  housekeeping.unref?.();
  log.info({ event: 'started', profile: profile.name, simulation: simulated !== undefined, deviceId: audit.deviceId }, 'kiosk started');

  return {
    audit,
    state,
    handle: async (command) => {
      try {
        return await handle(command);
      } catch (err) {
        log.error({ event: 'command_failed', err }, 'a command failed');
        return { ok: false, error: 'failed' };
      }
    },
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => void set.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(housekeeping);
      session.close();
      door.close();
      lists.off('list_update', onListUpdate);
      clock.off('clock_change', onClockChange);
      for (const undo of opened.reverse()) {
        try {
          await undo();
        } catch (err) {
          log.warn({ event: 'close_failed', err }, 'a part of the kiosk did not close cleanly');
        }
      }
      listeners.state.clear();
      listeners.operator.clear();
    },
  };
}

function documentTypeOf(kind: CardRecord['kind']): string {
  return kind === 'resident' ? 'CN-RIC' : kind === 'hk_macao_taiwan' ? 'CN-HMT' : 'CN-FPR';
}

function plug(simulated: SimulatedDevices, device: DeviceName, on: boolean): boolean {
  switch (device) {
    case 'card-reader':
      if (!simulated.cardReader) return false;
      if (on) simulated.cardReader.plug();
      else simulated.cardReader.unplug();
      return true;
    case 'qr-scanner':
      if (!simulated.qrScanner) return false;
      if (on) simulated.qrScanner.replug();
      else simulated.qrScanner.unplug();
      return true;
    case 'camera':
      if (!simulated.camera) return false;
      if (on) simulated.camera.replug();
      else simulated.camera.unplug();
      return true;
    case 'signals': {
      const fake = simulated.signals;
      if (!fake) return false;
      for (const line of ['green', 'red', 'buzzer', 'relay'] as const) {
        if (on) fake.repairLine(line);
        else fake.breakLine(line, 'simulated: the signal tower is unplugged');
      }
      // The lines report their health when next written: a pattern that lights them finds them broken.
      void fake.show(on ? 'idle' : 'attention');
      return true;
    }
  }
}

function readAnchors(config: KioskConfig): TrustAnchor[] {
  const pem = config.trust.anchors.map((a) => ('file' in a ? readFileSync(a.file, 'utf8') : a.pem)).join('\n');
  return loadAnchors(pem);
}

function readBaseline(config: KioskConfig): { TL1?: Uint8Array; SL1?: Uint8Array } {
  const read = (path: string | undefined): Uint8Array | undefined => (path === undefined ? undefined : new Uint8Array(readFileSync(path)));
  const TL1 = read(config.trust.baselineTrustList);
  const SL1 = read(config.trust.baselineStatusList);
  return { ...(TL1 ? { TL1 } : {}), ...(SL1 ? { SL1 } : {}) };
}
