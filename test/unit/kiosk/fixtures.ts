// Shared material for the kiosk tests: a bureau anchor, an issuer, signed lists written to a
// temporary folder, sample codes and cards, and a kiosk started on the fakes with fake timers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, vi } from 'vitest';
import { decodeCard, type CardRecord } from '../../../drivers/card-reader/index.js';
import { FakeCamera } from '../../../drivers/camera/index.js';
import { FakeCardReader } from '../../../drivers/card-reader/index.js';
import { FakeSignals, checkSignalsConfig } from '../../../drivers/gpio/index.js';
import { FakeQrScanner } from '../../../drivers/qr-scanner/fake.js';
import type { CommandResult, KioskState } from '../../../main/api/contract.js';
import { decodeRecord, type AuditRecord } from '../../../main/audit/index.js';
import { createKioskLogger } from '../../../main/kiosk/log.js';
import { effectiveSignals } from '../../../main/kiosk/devices.js';
import { loadConfig, profileOf, startKiosk, type KioskService, type SampleSource, type StartKioskOptions } from '../../../main/kiosk/index.js';
import { openStore, type Store } from '../../../main/store/index.js';
import { TrustedClock } from '../../../main/sync/index.js';
import { CARDS } from '../../../tools/sim/card-reader/fixtures.js';
import { SAMPLE_HOLDERS, generateIssuerKey, issueEid, signStatusList, signTrustList, type EidHolder } from '../../../tools/issuer/index.js';

export const NOW = 1_750_000_000; // 2025-06-15T15:06:40Z
export const DAY = 86_400;

export const anchorKey = generateIssuerKey('ES256');
export const issuerKey = generateIssuerKey('ES256');
const ISS = 'CN-BJ-PSB';

export const HOLDER: EidHolder = SAMPLE_HOLDERS.zhangSan;
/** On the status list the bench writes. */
export const REVOKED_HOLDER: EidHolder = SAMPLE_HOLDERS.wangWu;

/** A code for `holder`, issued at `iat` (default: now on the faked clock). */
export function code(holder: EidHolder = HOLDER, iat = Math.floor(Date.now() / 1000), cti?: Uint8Array): string {
  return issueEid(issuerKey, { iss: ISS, holder, iat, ...(cti ? { cti } : {}) }).text;
}

export function card(label: keyof typeof CARDS & string): CardRecord {
  const c = CARDS[label]!;
  return decodeCard(c.text, c.photo);
}
export const REVOKED_CARD = card('resident-long-term');
export const expiredCard = (): CardRecord => ({ ...card('resident'), validFrom: '2010-01-01', validTo: '2020-01-01' });

export interface Bench {
  readonly dir: string;
  readonly files: { anchor: string; tl1: string; sl1: string };
  cleanup(): void;
}

/** A temporary folder with the anchor and signed lists (nu = NOW + 7 days). */
export function makeBench(options: { nu?: number } = {}): Bench {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-kiosk-'));
  const nu = options.nu ?? NOW + 7 * DAY;
  const files = { anchor: join(dir, 'anchor.pem'), tl1: join(dir, 'trust.tl1'), sl1: join(dir, 'status.sl1') };
  writeFileSync(files.anchor, anchorKey.publicKeyPem());
  writeFileSync(files.tl1, signTrustList(anchorKey, { seq: 3, iat: NOW - DAY, nu, keys: [{ iss: ISS, spki: issuerKey.spki, nbf: NOW - 30 * DAY, exp: NOW + 700 * DAY }] }));
  writeFileSync(
    files.sl1,
    signStatusList(anchorKey, {
      seq: 7,
      iat: NOW - DAY,
      nu,
      salt: new Uint8Array(16).fill(5),
      documents: [
        { dt: 'CN-RIC', dn: REVOKED_HOLDER.documentNumber },
        { dt: 'CN-RIC', dn: REVOKED_CARD.idNumber },
      ],
    }),
  );
  return { dir, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function configFor(bench: Bench, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site: { profile: 'rail', name: 'Test counter' },
    dataDir: join(bench.dir, 'data'),
    trust: { anchors: [{ file: bench.files.anchor }], baselineTrustList: bench.files.tl1, baselineStatusList: bench.files.sl1 },
    simulation: true,
    ...extra,
  };
}

/** Log lines written by the kiosk, kept for the canary test. */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

export interface TestKiosk {
  readonly kiosk: KioskService;
  readonly clock: TrustedClock;
  readonly store: Store;
  readonly states: KioskState[];
  readonly fakes: { cardReader: FakeCardReader; qrScanner: FakeQrScanner; camera: FakeCamera; signals: FakeSignals };
  readonly log: LogCapture;
  /** Lets fake timers and pending promises run for `ms`. */
  pass(ms?: number): Promise<void>;
  send(command: unknown): Promise<CommandResult>;
  /** The audit records written so far, decoded. */
  records(): AuditRecord[];
  close(): Promise<void>;
}

export async function startTestKiosk(bench: Bench, configExtra: Record<string, unknown> = {}, options: Partial<StartKioskOptions> & { samples?: SampleSource; storePath?: string; ntpSynced?: boolean; beforeStart?: (store: Store) => void } = {}): Promise<TestKiosk> {
  const config = loadConfig(configFor(bench, configExtra));
  const store = openStore(options.storePath ?? join(bench.dir, 'kiosk.db'));
  options.beforeStart?.(store);
  const clock = new TrustedClock({
    store,
    system: { wallMs: () => Date.now(), monotonicUs: () => Date.now() * 1000, bootId: 'test-boot' },
    ntp: async () => options.ntpSynced ?? true,
    requireTrustedClock: profileOf(config).requireTrustedClock,
  });
  const signalsSettings = effectiveSignals(config.signals ?? checkSignalsConfig(undefined), profileOf(config));
  const fakes = {
    cardReader: new FakeCardReader(),
    qrScanner: new FakeQrScanner(),
    camera: new FakeCamera({ delayMs: 50 }),
    signals: new FakeSignals(signalsSettings),
  };
  const log = new LogCapture();
  const kiosk = await drive(startKiosk({
    config,
    store,
    clock,
    sync: null,
    logger: createKioskLogger({ level: 'debug', destination: log }),
    devices: { ...fakes, simulated: fakes },
    version: 'test',
    ...withoutTestKeys(options),
  }));
  const states: KioskState[] = [];
  kiosk.on('state', (s) => states.push(s));
  const pass = async (ms = 0): Promise<void> => {
    await vi.advanceTimersByTimeAsync(ms);
    for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
  };
  return {
    kiosk,
    clock,
    store,
    states,
    fakes,
    log,
    pass,
    send: (command) => drive(kiosk.handle(command)),
    records: () => [...store.audit.rows(1, kiosk.audit.size)].map((row) => decodeRecord(row.body!)),
    close: async () => {
      await drive(kiosk.close());
      store.close();
    },
  };
}

/** The real setImmediate, taken before any test fakes it: real work (workers, scrypt, WebCrypto) needs the event loop to turn. */
const realSetImmediate = globalThis.setImmediate;
const turn = () => new Promise<void>((resolve) => realSetImmediate(() => resolve()));

/** Awaits `promise` while fake timers advance (the fakes wait on setImmediate and setTimeout). */
export async function drive<T>(promise: Promise<T>, stepMs = 1): Promise<T> {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  const giveUp = performance.now() + 20_000;
  while (!done && performance.now() < giveUp) {
    await vi.advanceTimersByTimeAsync(stepMs);
    await turn();
  }
  const result = await watched;
  for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(0);
  return result;
}

function withoutTestKeys<T extends { storePath?: unknown; ntpSynced?: unknown; beforeStart?: unknown }>(options: T): Omit<T, 'storePath' | 'ntpSynced' | 'beforeStart'> {
  const { storePath: _path, ntpSynced: _ntp, beforeStart: _before, ...rest } = options;
  return rest;
}

/** Fake timers (Date included) at NOW, and a fresh bench; undone after each test. */
export function useKioskBench(options: { nu?: number } = {}): { readonly bench: Bench } {
  const holder: { bench?: Bench } = {};
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] });
    vi.setSystemTime(NOW * 1000);
    holder.bench = makeBench(options);
  });
  afterEach(() => {
    vi.useRealTimers();
    holder.bench?.cleanup();
  });
  return {
    get bench() {
      return holder.bench!;
    },
  };
}

/** True when `needle` occurs in `haystack` as UTF-8. */
export function containsText(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, 'utf8'));
}
