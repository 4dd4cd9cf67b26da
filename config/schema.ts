// The kiosk configuration's schema (zod): every key, its type, its default. A bad file fails at
// start-up with the dotted path of the first bad key: "config: cardReader.port: expected string".
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { PinHashSchema } from './pin.js';
import { ProfileOverridesSchema, SITE_PROFILE_NAMES } from './profiles.js';

const LANGUAGES = ['zh-CN', 'en'] as const;
const TERMINATORS = ['cr', 'lf', 'crlf', 'none'] as const;

const devicePath = z.string().startsWith('/', 'expected an absolute device path, e.g. /dev/serial/by-id/…');
const filePath = z.string().min(1, 'expected a file path');

/** An anchor is a PEM file on disk or the PEM text itself. */
const Anchor = z.union([z.strictObject({ file: filePath }), z.strictObject({ pem: z.string().includes('-----BEGIN', { message: 'expected PEM text' }) })], {
  error: 'expected { "file": PATH } or { "pem": "-----BEGIN PUBLIC KEY-----…" }',
});

const CardReaderSchema = z.strictObject({
  port: devicePath.default(DEFAULTS.cardReader.port),
  baudRate: z.number().int().positive().default(DEFAULTS.cardReader.baudRate),
  /** The spec's floor is 300 ms between polls. */
  pollIntervalMs: z.number().int().min(300).default(DEFAULTS.cardReader.pollIntervalMs),
});

const QrScannerSchema = z.strictObject({
  port: devicePath.default(DEFAULTS.qrScanner.port),
  baudRate: z.number().int().positive().default(DEFAULTS.qrScanner.baudRate),
  terminator: z.enum(TERMINATORS).default(DEFAULTS.qrScanner.terminator),
  prefix: z.string().max(16).default(DEFAULTS.qrScanner.prefix),
  suffix: z.string().max(16).default(DEFAULTS.qrScanner.suffix),
  /** `terminator: none` only: the silence that ends a code. */
  interByteTimeoutMs: z.number().int().min(1).optional(),
});

const CameraSchema = z.strictObject({
  device: devicePath.default(DEFAULTS.camera.device),
  width: z.number().int().min(160).max(4096).default(DEFAULTS.camera.width),
  height: z.number().int().min(120).max(4096).default(DEFAULTS.camera.height),
  /** Look for QR codes in camera frames while the kiosk runs (costs a capture every scanIntervalMs). */
  scanCodes: z.boolean().default(DEFAULTS.camera.scanCodes),
  scanIntervalMs: z.number().int().min(200).max(60_000).default(DEFAULTS.camera.scanIntervalMs),
});

const BureauSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  /** One-time code the bureau gave this kiosk for enrolment; unused once enrolled. */
  enrolmentCode: z.string().min(1).max(128).optional(),
  syncIntervalSeconds: z.number().int().min(10).max(86_400).default(DEFAULTS.bureau.syncIntervalSeconds),
});

const OperatorSchema = z.strictObject({
  /** scrypt hash of the operator PIN (`verikiosk pin`); without it the console cannot be opened. */
  pin: PinHashSchema.optional(),
  idleLogoutSeconds: z.number().int().min(15).max(3600).default(DEFAULTS.operator.idleLogoutSeconds),
  maxAttempts: z.number().int().min(1).max(20).default(DEFAULTS.operator.maxAttempts),
  /** The first lock-out; each further one doubles, up to maxLockoutSeconds. */
  lockoutSeconds: z.number().int().min(1).max(86_400).default(DEFAULTS.operator.lockoutSeconds),
  maxLockoutSeconds: z.number().int().min(1).max(7 * 86_400).default(DEFAULTS.operator.maxLockoutSeconds),
});

const SessionSchema = z.strictObject({
  /** The same code read again within this long of its last sighting is the same scan. */
  debounceMs: z.number().int().min(0).max(60_000).default(DEFAULTS.session.debounceMs),
  /** A held verdict (personal data on screen) is cleared after this long anyway. */
  maxHoldSeconds: z.number().int().min(10).max(3600).default(DEFAULTS.session.maxHoldSeconds),
});

export const ConfigSchema = z.strictObject({
  site: z
    .strictObject({
      profile: z.enum(SITE_PROFILE_NAMES).default(DEFAULTS.site.profile),
      name: z.string().min(1).max(80).default(DEFAULTS.site.name),
      overrides: ProfileOverridesSchema.prefault({}),
    })
    .prefault({}),
  language: z.enum(LANGUAGES).default(DEFAULTS.language),
  /** Where the database (lists, audit log, keys) lives. */
  dataDir: filePath.default(DEFAULTS.dataDir),
  trust: z.strictObject({
    /** The bureau's list-signing keys (PEM SubjectPublicKeyInfo). */
    anchors: z.array(Anchor).min(1, 'expected at least one trust anchor'),
    /** Signed lists shipped with the kiosk for first boot (lists.md rule 6). */
    baselineTrustList: filePath.optional(),
    baselineStatusList: filePath.optional(),
  }),
  /** null: an offline-only kiosk (lists from files, audit never uploaded). */
  bureau: BureauSchema.nullable().default(null),
  // Device sections keep the names `verikiosk doctor --config` reads; null = this kiosk has no such device.
  cardReader: CardReaderSchema.nullable().prefault({}),
  qrScanner: QrScannerSchema.nullable().prefault({}),
  camera: CameraSchema.nullable().prefault({}),
  /** drivers/gpio's section (checkSignalsConfig), checked by the loader; null = no lights, buzzer or relay. */
  signals: z.unknown().optional(),
  operator: OperatorSchema.prefault({}),
  session: SessionSchema.prefault({}),
  /** Fake devices and the simulation panel (development, demos, CI). */
  simulation: z.boolean().default(DEFAULTS.simulation),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(DEFAULTS.logLevel),
});

/** The configuration as parsed; `signals` is still raw until its checker ran. */
export type ParsedConfig = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'bad_config';
  constructor(
    /** Dotted path of the bad key, e.g. "cardReader.port". */
    readonly key: string,
    readonly problem: string,
  ) {
    super(`config: ${key || '(root)'}: ${problem}`);
  }
}

/** The first issue as a ConfigError; the rejected value is never quoted (it may be a PIN hash or a path). */
export function configErrorOf(error: z.ZodError, input: unknown): ConfigError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return new ConfigError([...path, issue.keys[0]!].join('.'), 'unknown key (a typing mistake?)');
  return new ConfigError(path.join('.'), problemOf(issue, valueAt(input, issue.path) === undefined));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at = input;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function problemOf(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? `required (expected ${issue.expected})` : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}
